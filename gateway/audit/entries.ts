/**
 * What an indexed ledger event means in an account's history: its entry type, the account or member it belongs
 * to, and its amounts (integer fen). Times are shown in Asia/Shanghai (UTC+8, no daylight saving).
 */
import { formatFen } from "../domain/money.js";
import { ACCOUNT_STATUSES, PAYOUT_MODES, QUALIFYING_EVENTS } from "../chain/ledgerInterface.js";

/** Entry types an account's history and the journal can be filtered by. */
export const ENTRY_TYPES = [
  "account", "contribution", "return", "vesting", "eligibility", "payoutPlan", "payout", "payment", "tax",
  "plan", "batch", "settlement", "parameter",
] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

interface EventMeaning {
  type: EntryType;
  /** The argument naming the account, if the event is about one account. */
  account?: string;
  /** The argument naming the member, if the event names one. */
  member?: string;
  /** Arguments that are amounts in fen. */
  amounts?: string[];
}

export const EVENT_MEANINGS: Record<string, EventMeaning> = {
  PersonalAccountOpened: { type: "account", account: "accountId", member: "member" },
  MemberEnrolled: { type: "account", account: "accountId", member: "member" },
  AccountStatusChanged: { type: "account", account: "accountId" },
  PlanCreated: { type: "plan" },
  PersonalContributionCredited: { type: "contribution", account: "accountId", amounts: ["amount"] },
  AnnuityContributionCredited: { type: "contribution", account: "accountId", amounts: ["employerAmount", "employeeAmount"] },
  ContributionBatchRecorded: { type: "batch", amounts: ["total"] },
  ReturnCredited: { type: "return", account: "accountId", amounts: ["amount"] },
  MemberLeft: { type: "vesting", account: "accountId", amounts: ["vested", "forfeited"] },
  EligibilityRecorded: { type: "eligibility", member: "member" },
  EligibilityRevoked: { type: "eligibility", member: "member" },
  PayoutPlanStarted: { type: "payoutPlan", account: "accountId" },
  HeirsRegistered: { type: "payoutPlan", account: "accountId" },
  PayoutSettled: { type: "payout", account: "accountId", amounts: ["gross", "tax", "net"] },
  SettlementRunRecorded: { type: "settlement" },
  PayoutPaid: { type: "payment", account: "accountId" },
  PayoutFailed: { type: "payment", account: "accountId", amounts: ["gross"] },
  AnnualCapSet: { type: "parameter", amounts: ["capFen"] },
  WithdrawalTaxRateSet: { type: "parameter" },
  EnterpriseLimitsSet: { type: "parameter" },
  Initialized: { type: "parameter" },
};

/** The enum arguments shown by name. */
const ENUM_ARGS: Record<string, readonly string[]> = {
  from: ACCOUNT_STATUSES,
  to: ACCOUNT_STATUSES,
  qualifyingEvent: QUALIFYING_EVENTS,
  mode: PAYOUT_MODES,
};

export interface EntryAmounts {
  /** Integer fen as digit strings. */
  fen: Record<string, string>;
  /** The same, as ¥1,234.56. */
  display: Record<string, string>;
}

export function amountsOf(event: string, args: Record<string, unknown>): EntryAmounts {
  const fen: Record<string, string> = {};
  const display: Record<string, string> = {};
  if (event === "AnnuityContributionCredited") {
    const total = BigInt(String(args.employerAmount)) + BigInt(String(args.employeeAmount));
    fen.amount = total.toString();
    display.amount = formatFen(total);
  }
  for (const name of EVENT_MEANINGS[event]?.amounts ?? []) {
    if (args[name] === undefined || args[name] === null) continue;
    const value = BigInt(String(args[name]));
    fen[name] = value.toString();
    display[name] = formatFen(value);
  }
  return { fen, display };
}

/** Event arguments for people: enums by name, everything else as indexed (hashes, fen as digit strings). */
export function detailsOf(args: Record<string, unknown>): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    const names = ENUM_ARGS[key];
    details[key] = names && (typeof value === "string" || typeof value === "number") ? (names[Number(value)] ?? String(value)) : value;
  }
  return details;
}

const CST_OFFSET_MS = 8 * 3600_000;

/** Unix seconds → `2026-12-03T18:40:59+08:00`. */
export function shanghaiIso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000 + CST_OFFSET_MS).toISOString().slice(0, 19) + "+08:00";
}

/** `YYYY-MM-DD` (CST) → unix seconds at 00:00 CST; `end` gives the first second of the next day. */
export function cstDateToUnix(isoDate: string, end = false): number {
  const start = Math.floor(Date.parse(`${isoDate}T00:00:00+08:00`) / 1000);
  return end ? start + 86_400 : start;
}
