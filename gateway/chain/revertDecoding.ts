/**
 * Turns the ledger's custom errors into the gateway's error catalog: `ContributionExceedsAnnualCap(member,
 * requested, remaining)` → `CONTRIBUTION_EXCEEDS_ANNUAL_CAP` with `details.requested` and `details.remaining`
 * (fen, as strings). Member pseudonyms and heir references are left out of the details.
 */
import type { ErrorDescription, ParamType } from "ethers";
import { ERROR_CATALOG, type ErrorCode } from "../errors.js";
import { formatFen } from "../domain/money.js";
import type { OperationError } from "../store/operations.js";
import { ACCOUNT_STATUSES, ledgerInterface, PAYOUT_MODES, PAYOUT_STATUSES, QUALIFYING_EVENTS } from "./ledgerInterface.js";

const HIDDEN_FIELDS = new Set(["member", "payee", "heirRef"]);
const ENUM_FIELDS: Record<string, readonly string[]> = {
  status: ACCOUNT_STATUSES,
  qualifyingEvent: QUALIFYING_EVENTS,
  mode: PAYOUT_MODES,
};
const AMOUNT_FIELDS = new Set(["requested", "remaining", "employerAmount", "limit", "totalAmount", "average", "balance"]);

/** ACCOUNT_STATUS_INVALID says what the status is (details.status), for the bank operator. */
const STATUS_TEXT: Record<string, string> = {
  Frozen: "账户已冻结（司法或监管冻结），不能办理此业务 / The account is frozen (legal hold); it does not allow this operation.",
  PayingOut: "账户正在领取中，不能办理此业务 / The account is paying out; it does not allow this operation.",
  Closed: "账户已销户 / The account is closed; it does not allow this operation.",
  None: "账户不存在 / The account does not exist.",
};

const SPECIAL: Record<string, ErrorCode> = {
  AccessControlUnauthorizedAccount: "CHAIN_ROLE_MISSING",
  EnforcedPause: "LEDGER_PAUSED",
};

/** `ContributionExceedsAnnualCap` → `CONTRIBUTION_EXCEEDS_ANNUAL_CAP`. */
export function catalogCodeOf(errorName: string): ErrorCode {
  if (SPECIAL[errorName]) return SPECIAL[errorName];
  const code = errorName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
  return code in ERROR_CATALOG ? (code as ErrorCode) : "TRANSACTION_REVERTED";
}

function detailValue(errorName: string, param: ParamType, value: unknown): unknown {
  if (typeof value === "bigint") {
    const names = param.name === "status" && errorName.startsWith("Payout") ? PAYOUT_STATUSES : ENUM_FIELDS[param.name];
    if (names && param.type === "uint8") return names[Number(value)] ?? value.toString();
    return value.toString();
  }
  return value;
}

function describe(decoded: ErrorDescription): OperationError {
  const code = catalogCodeOf(decoded.name);
  const details: Record<string, unknown> = { error: decoded.name };
  const amounts: string[] = [];
  decoded.fragment.inputs.forEach((param, i) => {
    if (HIDDEN_FIELDS.has(param.name)) return;
    const value = decoded.args[i];
    if (decoded.name === "BatchItemInvalid" && param.name === "reason") {
      const inner = decodeRevertData(value as string);
      details.item = { code: inner.code, message: inner.message, ...(inner.details ? { details: inner.details } : {}) };
      return;
    }
    details[param.name] = detailValue(decoded.name, param, value);
    if (AMOUNT_FIELDS.has(param.name) && typeof value === "bigint") amounts.push(`${param.name} ${formatFen(value)}`);
  });
  let base: string = ERROR_CATALOG[code].en;
  if (code === "ACCOUNT_STATUS_INVALID" && typeof details.status === "string" && STATUS_TEXT[details.status]) base = STATUS_TEXT[details.status]!;
  const message = code === "TRANSACTION_REVERTED" ? `${base} (${decoded.name})` : amounts.length ? `${base} (${amounts.join(", ")})` : base;
  return { code, message, details };
}

/** Decodes revert data (hex) from the ledger into a catalog error. */
export function decodeRevertData(data: string | null | undefined): OperationError {
  if (!data || data === "0x") {
    return { code: "TRANSACTION_REVERTED", message: `${ERROR_CATALOG.TRANSACTION_REVERTED.en} (no reason given)` };
  }
  try {
    const decoded = ledgerInterface.parseError(data);
    if (decoded) return describe(decoded);
  } catch {
    // fall through: not one of the ledger's errors
  }
  return { code: "TRANSACTION_REVERTED", message: `${ERROR_CATALOG.TRANSACTION_REVERTED.en} (unknown error ${data.slice(0, 10)})` };
}
