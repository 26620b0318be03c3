/**
 * The API's zod schemas, with OpenAPI metadata. Amounts are integer fen, sent as JSON integers or digit
 * strings (floats and fractions are refused with a message saying so) and answered as digit strings.
 */
import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { formatFen, parseFen } from "../domain/money.js";
import { AppError } from "../errors.js";
import { PAYOUT_MODES, QUALIFYING_EVENTS } from "../chain/ledgerInterface.js";

extendZodWithOpenApi(z);

/** The largest amount the ledger takes (its amounts are uint64 fen): 18,446,744,073,709,551,615 fen. */
export const MAX_UINT64_FEN = 2n ** 64n - 1n;
/** Signed amounts (investment returns) are int64 on the ledger. */
export const MAX_INT64_FEN = 2n ** 63n - 1n;
export const MIN_INT64_FEN = -(2n ** 63n);

/** Integer fen from a JSON integer or a digit string, as bigint, within the ledger's range (default uint64). */
export const fen = (description: string, bounds: { min?: bigint; max?: bigint } = {}) => {
  const max = bounds.max ?? MAX_UINT64_FEN;
  const min = bounds.min ?? -MAX_UINT64_FEN;
  return z
    .unknown()
    .transform((value, ctx) => {
      let amount: bigint;
      try {
        amount = parseFen(value);
      } catch (error) {
        const reason = error instanceof AppError ? String(error.details?.reason ?? error.message) : "invalid amount";
        ctx.addIssue({ code: "custom", message: `必须是以分为单位的整数 / must be an integer number of fen (${reason})` });
        return z.NEVER;
      }
      if (amount > max) {
        ctx.addIssue({ code: "custom", message: `金额过大，最多 ${max} 分 / is too large: at most ${max} fen (${formatFen(max)}), the ledger's limit`, params: { limit: max.toString() } });
        return z.NEVER;
      }
      if (amount < min) {
        ctx.addIssue({ code: "custom", message: `金额过小，最少 ${min} 分 / is too small: at least ${min} fen, the ledger's limit`, params: { limit: min.toString() } });
        return z.NEVER;
      }
      return amount;
    })
    .openapi({ type: "string", pattern: "^-?[0-9]+$", description: `${description} Integer fen (1 yuan = 100 fen), as a JSON integer or a digit string; at most ${max}.`, example: "120000" });
};

export const fenOut = z.string().regex(/^-?[0-9]+$/).openapi({ description: "Integer fen as a digit string.", example: "120000" });

export const residentId = z
  .string()
  .min(1)
  .max(32)
  .openapi({ description: "Resident ID number (GB 11643-1999, 18 characters). Validated: length, characters, check character, birth date.", example: "11010519491231002X" });
export const personName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\u2028\u2029\uFFFD]*$/u, "不能含控制字符或无法识别的字符 / must not contain control, format, unassigned or lone surrogate characters (or U+FFFD)")
  .openapi({ description: "The member's name (stored encrypted, never on chain).", example: "张三" });
export const bankCard = z.string().regex(/^[0-9]{12,19}$/, "must be 12 to 19 digits").openapi({ description: "The bound bank card number (stored encrypted; only a keyed hash goes on chain).", example: "6222020200112233445" });
export const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hexadecimal characters");
export const accountId = bytes32.openapi({ description: "Ledger account id (keccak256(member, plan)), as returned by openAccount / enrolEnterprisePlan.", example: "0x" + "ab".repeat(32) });
export const reference = (description: string) => z.string().trim().min(1).max(140).openapi({ description, example: "E2E-20261203-000123" });
/**
 * A reason code goes on chain as bytes32 text for everyone to read, so it may hold no number at all: an ID,
 * card or case number typed into it would be published for good.
 */
export const reasonCode = z
  .string()
  .regex(/^[A-Z][A-Z_]{0,30}$/, "必须是 1 到 31 个大写字母或下划线、以字母开头，不能含数字（原因代码会上链，不可填写证件号、卡号或案号）/ must be 1 to 31 of A-Z and _, starting with a letter, with no digits (it goes on chain: never an ID, card or case number)")
  .openapi({ description: "A short reason code, A-Z and _ only (it goes on chain, so no digits and no personal data).", example: "COURT_ORDER" });
/** The ledger's times are unsigned seconds since 1970-01-01T00:00:00Z: nothing earlier can be recorded. */
const notBeforeEpoch = (value: string) => Date.parse(value.length === 10 ? `${value}T00:00:00+08:00` : value) >= 0;
const EPOCH_MESSAGE = "不能早于 1970-01-01 / must not be before 1970-01-01 (the ledger records time from the Unix epoch)";
export const isoDate = z.iso.date().refine(notBeforeEpoch, EPOCH_MESSAGE).openapi({ description: "A date, YYYY-MM-DD, in China Standard Time.", example: "2026-12-01" });
export const isoDateTime = z.iso.datetime({ offset: true }).refine(notBeforeEpoch, EPOCH_MESSAGE).openapi({ description: "An instant, ISO 8601 with offset.", example: "2026-12-03T10:00:00+08:00" });
export const qualifyingEvent = z.enum(QUALIFYING_EVENTS.slice(1) as [string, ...string[]]).openapi({ description: "The certified qualifying event." });
export const payoutMode = z.enum(PAYOUT_MODES.slice(1) as [string, ...string[]]);
const month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, "must be YYYY-MM");

export const memberRefFields = {
  residentId: residentId.optional(),
  pensionReference: z.string().min(1).max(40).optional().openapi({ description: "Instead of residentId: the member's pension account reference (PA…).", example: "PA000000000000000123" }),
};

const requireOneMemberRef = (value: { residentId?: string; pensionReference?: string }, ctx: z.RefinementCtx) => {
  if ((value.residentId === undefined) === (value.pensionReference === undefined)) {
    ctx.addIssue({ code: "custom", path: ["residentId"], message: "or pensionReference is required (give exactly one of the two)" });
  }
};

// ── requests ──
export const OpenAccountBody = z.object({ residentId, name: personName, bankCard }).strict().openapi("OpenAccountRequest");
export const CreatePlanBody = z
  .object({
    planCode: z.string().trim().min(1).max(64).openapi({ example: "ACME-EA-2026" }),
    employerCode: z.string().trim().min(1).max(64).openapi({ description: "The employer's unified social credit code.", example: "91310000MA1FL0XXXX" }),
    vestingBpsByYear: z.array(z.number().int().min(0).max(10_000)).min(1).max(8).openapi({ description: "Vested share (bps) after each full year of service.", example: [2500, 5000, 7500, 10000] }),
  })
  .strict()
  .openapi("CreatePlanRequest");
export const EnrolBody = z.object({ residentId, name: personName, serviceStart: isoDate }).strict().openapi("EnrolEnterprisePlanRequest");
export const ContributeBody = z
  .object({ ...memberRefFields, amount: fen("The contribution."), bookedAt: isoDateTime, bankReference: reference("The bank's reference for the incoming money (e.g. the end-to-end id); one reference credits once.") })
  .strict()
  .superRefine(requireOneMemberRef)
  .openapi("ContributeRequest");
export const ContributeBatchBody = z
  .object({
    bankReference: reference("The bank's reference for the batch."),
    items: z
      .array(z.object({ ...memberRefFields, amount: fen("The contribution."), bookedAt: isoDateTime }).strict().superRefine(requireOneMemberRef))
      .min(1)
      .max(10_000),
  })
  .strict()
  .openapi("ContributeBatchRequest");
export const StandingBody = z
  .object({
    residentId,
    amount: fen("The monthly contribution."),
    dayOfMonth: z.number().int().min(1).max(28).openapi({ description: "Day of the month (1–28, CST) from which the month's contribution is executed." }),
    firstMonth: month.optional().openapi({ description: "First month (YYYY-MM); default: this month." }),
  })
  .strict()
  .openapi("CreateStandingContributionRequest");
export const EligibilityBody = z
  .object({ residentId, qualifyingEvent, effectiveDate: isoDate, evidenceReference: reference("The bureau's reference of the evidence (hashed on chain).") })
  .strict()
  .openapi("RecordEligibilityRequest");
export const RevokeEligibilityBody = z.object({ residentId, qualifyingEvent, reasonCode }).strict().openapi("RevokeEligibilityRequest");
export const PayoutModeBody = z
  .object({
    qualifyingEvent,
    mode: payoutMode,
    months: z.number().int().min(1).max(600).optional().openapi({ description: "Monthly only, optional: the months from the official months-divisor table for the member's age today (e.g. 139 at age 60); any other number is refused." }),
    amountPerMonth: fen("FixedInstalment only: gross amount per month (at least 1 fen).", { min: 1n }).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.mode === "FixedInstalment" && v.amountPerMonth === undefined) ctx.addIssue({ code: "custom", path: ["amountPerMonth"], message: "required for the FixedInstalment mode" });
    if (v.mode !== "FixedInstalment" && v.amountPerMonth !== undefined) ctx.addIssue({ code: "custom", path: ["amountPerMonth"], message: `only for the FixedInstalment mode, not ${v.mode}` });
    if (v.mode !== "Monthly" && v.months !== undefined) ctx.addIssue({ code: "custom", path: ["months"], message: `only for the Monthly mode, not ${v.mode}` });
  })
  .openapi("ChoosePayoutModeRequest");
export const SettlementBody = z
  .object({ runReference: z.string().trim().min(1).max(64).optional().openapi({ description: "Default: settlement:<YYYY-MM> (CST), so a month settles once." }) })
  .strict()
  .openapi("RunSettlementRequest");
export const ReturnsBody = z
  .object({
    batchReference: reference("The investment manager's reference for this batch of returns."),
    items: z.array(z.object({ accountId, amount: fen("Return (positive) or loss (negative).", { min: MIN_INT64_FEN, max: MAX_INT64_FEN }) }).strict()).min(1).max(10_000),
  })
  .strict()
  .openapi("CreditReturnsRequest");
export const PayoutResultsBody = z
  .object({
    results: z
      .array(
        z.object({
          payoutId: z.union([z.number().int().positive(), z.string().regex(/^[0-9]+$/)]).transform((v) => BigInt(v)).openapi({ type: "string", description: "The settled payout's id." }),
          paid: z.boolean().openapi({ description: "true: paid to the member's card; false: rejected (closed card, name mismatch) — the money returns to the balance." }),
        }).strict(),
      )
      .min(1)
      .max(1000),
  })
  .strict()
  .openapi("ReportPayoutResultsRequest");
export const FreezeBody = z.object({ reasonCode }).strict().openapi("FreezeRequest");
export const FindAccountBody = z
  .object({ ...memberRefFields, planCode: z.string().min(1).max(64).optional() })
  .strict()
  .superRefine(requireOneMemberRef)
  .openapi("FindAccountRequest");

export const AccountIdParams = z.object({ accountId });
export const PlanParams = z.object({ planCode: z.string().min(1).max(64).openapi({ example: "ACME-EA-2026" }) });
export const OperationParams = z.object({ operationId: z.uuid().openapi({ description: "The operation id a write returned." }) });
export const InstructionParams = z.object({ instructionId: z.uuid() });
export const WaitQuery = z.object({
  wait: z.enum(["true", "false"]).optional().openapi({ description: "true: answer with the final result (or 202 if it takes longer than the wait limit)." }),
});

// ── responses ──
export const ErrorBody = z
  .object({ code: z.string(), message: z.string(), field: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() })
  .openapi("Error");
export const OperationBody = z
  .object({
    operationId: z.uuid(),
    kind: z.string(),
    state: z.enum(["pending", "submitted", "succeeded", "failed"]),
    createdAt: z.string(),
    updatedAt: z.string(),
    createdAtCst: z.string().openapi({ description: "createdAt in Asia/Shanghai (YYYY-MM-DD HH:mm:ss)." }),
    updatedAtCst: z.string(),
    transactions: z.array(z.object({ txHash: z.string(), blockNumber: z.number().nullable() })),
    blockNumber: z.number().nullable(),
    result: z.record(z.string(), z.unknown()).optional(),
    error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }).optional(),
  })
  .openapi("Operation");
export const AccountBody = z
  .object({
    accountId: z.string(),
    kind: z.enum(["PersonalPension", "EnterpriseAnnuity"]),
    status: z.string(),
    plan: z.string().nullable(),
    pensionReference: z.string().nullable(),
    balances: z.object({
      balance: fenOut, personalContributions: fenOut, employerContributions: fenOut, employerVested: fenOut, employerUnvested: fenOut,
      investmentReturns: fenOut, payouts: fenOut, taxWithheld: fenOut, forfeitures: fenOut,
    }),
    thisYear: z.object({ year: z.number(), contributed: fenOut, remaining: fenOut, cap: fenOut }).nullable(),
    display: z.record(z.string(), z.string()),
    holder: z.object({ name: z.string().nullable(), residentIdMasked: z.string() }).optional(),
  })
  .openapi("Account");
export const SocialSecurityAccountBody = z
  .object({
    view: z.literal("socialSecurity"), accountId: z.string(), kind: z.enum(["PersonalPension", "EnterpriseAnnuity"]), status: z.string(),
    eligibility: z.array(z.object({ qualifyingEvent: z.string(), effectiveDate: z.string().openapi({ description: "YYYY-MM-DD, CST." }) })),
  })
  .openapi("AccountForSocialSecurity", { description: "The social-security bureau's view: the account's status and the member's active attestations only." });
export const TaxBureauAccountBody = z
  .object({
    view: z.literal("taxBureau"),
    accountId: z.string(),
    kind: z.enum(["PersonalPension", "EnterpriseAnnuity"]),
    contributions: z.object({
      personalTotal: fenOut,
      thisYear: z.object({ year: z.number(), contributed: fenOut, deductible: fenOut, cap: fenOut }).nullable(),
    }),
    withholding: z.object({ payoutsGross: fenOut, taxWithheld: fenOut }),
    display: z.record(z.string(), z.string()),
  })
  .openapi("AccountForTaxBureau", { description: "The tax bureau's view: contributions (this year's, deductible) and withholding." });
export const AnyAccountBody = z.union([AccountBody, SocialSecurityAccountBody, TaxBureauAccountBody]).openapi({
  description: "bank/operator: Account with holder; auditor: Account without holder; socialSecurity: AccountForSocialSecurity; taxBureau: AccountForTaxBureau.",
});
export const StandingInstructionBody = z
  .object({
    instructionId: z.uuid(), accountId: z.string(), amount: fenOut, display: z.object({ amount: z.string() }), dayOfMonth: z.number(),
    firstMonth: z.string(), status: z.enum(["active", "cancelled"]), createdAt: z.string(), cancelledAt: z.string().nullable(),
    executions: z.array(z.object({ month: z.string(), operationId: z.string(), state: z.enum(["pending", "executed", "missed"]), reason: z.object({ code: z.string(), message: z.string() }).optional() })),
  })
  .openapi("StandingContribution");
export const HealthBody = z
  .object({
    status: z.enum(["ok", "degraded"]).openapi({ description: "degraded (HTTP 503): the chain is unreachable or the outbox is stalled (problems says which)." }),
    problems: z.array(z.string()).optional(),
    chain: z.object({ reachable: z.boolean(), headBlock: z.number().nullable() }),
    index: z.object({ block: z.number().nullable(), lag: z.number().nullable() }),
    outbox: z.object({
      depth: z.number(),
      oldestPendingAgeSeconds: z.number().nullable().optional(),
      oldestPending: z.object({ operationId: z.string(), kind: z.string(), signer: z.string(), attempts: z.number(), lastError: z.object({ code: z.string(), message: z.string() }).optional() }).optional(),
      maxAttempts: z.number().optional(),
      stalled: z.boolean().optional(),
      limits: z.object({ maxAgeSeconds: z.number(), maxAttempts: z.number() }).optional(),
    }),
  })
  .openapi("Health");
