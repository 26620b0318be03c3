/**
 * The benefit-claim rules engine: a pure function from the facts of a claim to a decision — approve (with the
 * payout plan to start on chain), reject (naming the rule), or send to manual review. Nothing here reads the chain
 * or the database: the service gathers the facts and acts on the decision.
 *
 * Rules are applied in a fixed order and the first that fails decides; every rejection comes before any review, so
 * an operator only ever reviews a claim that would otherwise be paid. Rule codes are stable: institutions and
 * reports depend on them.
 *
 * Death is not a claim: the balance passes to the heirs through {@link decideInheritance}.
 */
import { ageInWholeYears, toIsoDate, type IsoDate } from "./calendar.js";
import {
  PERSONAL_ONLY_EVENTS_IN_FORCE_FROM,
  PERSONAL_PENSION_ONLY_EVENTS,
  type AccountStatusName,
  type PayoutModeName,
  type PlanKindName,
  type QualifyingEventName,
} from "./ledgerTypes.js";
import { hasMonthsDivisor, monthsDivisor } from "./monthsDivisor.js";
import type { Gender } from "./residentId.js";
import { statutoryRetirement, type OriginalAgeForWomen } from "./retirementAge.js";

/** Every rule a claim or an inheritance can fail, with its outcome and its text for bank staff and members. */
export const CLAIM_RULES = {
  DEATH_CLAIM_IS_INHERITANCE: {
    outcome: "reject",
    en: "A death is not claimed by the member: the heirs are registered and the balance passes to them.",
    zh: "身故不可由参加人申领：请登记继承人，余额将支付给继承人。",
  },
  ACCOUNT_NOT_FOUND: {
    outcome: "reject",
    en: "The member has no account in this plan.",
    zh: "参加人在该计划下没有账户。",
  },
  MEMBER_DECEASED: {
    outcome: "reject",
    en: "The member's death is attested: the balance passes to the heirs, not to a claim.",
    zh: "参加人已确认身故：余额由继承人继承，不能申领。",
  },
  ACCOUNT_FROZEN: {
    outcome: "reject",
    en: "The account is frozen (legal hold) and pays nothing until it is unfrozen.",
    zh: "账户已冻结，解冻前不能支付。",
  },
  ACCOUNT_CLOSED: {
    outcome: "reject",
    en: "The account is closed.",
    zh: "账户已关闭。",
  },
  PAYOUT_ALREADY_STARTED: {
    outcome: "reject",
    en: "A payout plan has already started on this account.",
    zh: "该账户已开始领取。",
  },
  EVENT_NOT_ALLOWED_FOR_PLAN: {
    outcome: "reject",
    en: "Serious illness, long unemployment and the minimum living allowance allow payouts from personal pension only, not from an enterprise annuity.",
    zh: "重病、长期失业和领取最低生活保障仅适用于个人养老金，不适用于企业年金。",
  },
  EVENT_NOT_YET_IN_FORCE: {
    outcome: "reject",
    en: "Serious illness, long unemployment and the minimum living allowance allow payouts only from 2025-09-01.",
    zh: "重病、长期失业和领取最低生活保障的领取情形自2025年9月1日起施行。",
  },
  ELIGIBILITY_NOT_ATTESTED: {
    outcome: "reject",
    en: "The social-security bureau has not attested this event for the member (or the attestation was revoked).",
    zh: "社保机构尚未确认该参加人的此项领取条件（或确认已撤销）。",
  },
  ELIGIBILITY_NOT_YET_EFFECTIVE: {
    outcome: "reject",
    en: "The attested event takes effect after today.",
    zh: "确认的领取条件尚未生效。",
  },
  ZERO_BALANCE: {
    outcome: "reject",
    en: "The account has no balance to pay out.",
    zh: "账户余额为零，无可支付金额。",
  },
  PAYOUT_MODE_NOT_ALLOWED: {
    outcome: "reject",
    en: "An enterprise-annuity member who emigrates takes the balance as a lump sum.",
    zh: "企业年金参加人出国（境）定居的，须一次性领取。",
  },
  PAYOUT_PARAMETER_INVALID: {
    outcome: "reject",
    en: "Fixed instalments need a monthly amount in fen greater than zero.",
    zh: "按固定金额领取须指定大于零的每月金额（分）。",
  },
  MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE: {
    outcome: "reject",
    en: "Monthly payment needs an age from 40 to 70 at its start (the official months-divisor table); choose fixed instalments or a lump sum.",
    zh: "按月领取须在开始领取时年满40至70周岁（计发月数表范围）；请选择按固定金额或一次性领取。",
  },
  RETIREMENT_BELOW_STATUTORY_AGE: {
    outcome: "review",
    en: "The retirement took effect before the member reached the statutory retirement age: manual review.",
    zh: "退休生效时参加人未达到法定退休年龄，转人工审核。",
  },
  ORIGINAL_RETIREMENT_AGE_UNKNOWN: {
    outcome: "review",
    en: "The member has reached the statutory age only if her original retirement age was 50, which is not on record: manual review.",
    zh: "仅当原法定退休年龄为50周岁时才达到法定退休年龄，但未记录原法定退休年龄，转人工审核。",
  },
  DEATH_NOT_ATTESTED: {
    outcome: "reject",
    en: "Heirs can be registered only after the social-security bureau has attested the member's death.",
    zh: "社保机构确认参加人身故后方可登记继承人。",
  },
  HEIRS_ALREADY_REGISTERED: {
    outcome: "reject",
    en: "Heirs are already registered for this account; they are registered once.",
    zh: "该账户已登记继承人，继承人只能登记一次。",
  },
  HEIR_SHARES_INVALID: {
    outcome: "reject",
    en: "Heir shares must be whole basis points from 1 to 10,000 and sum to exactly 10,000 (100 %).",
    zh: "继承份额须为1至10000的整数基点，且合计恰好为10000（100%）。",
  },
} as const satisfies Record<string, { outcome: "reject" | "review"; en: string; zh: string }>;

export type ClaimRuleCode = keyof typeof CLAIM_RULES;

/** What the member asks for. */
export interface ClaimRequest {
  planKind: PlanKindName;
  event: QualifyingEventName;
  payoutMode: PayoutModeName;
  /** Fixed instalment: the gross amount per month, fen (> 0). Ignored for monthly (from the table) and lump sum. */
  parameter?: bigint;
}

/** What the gateway knows about the member (from the ID number and the bureau's retirement record). */
export interface MemberFacts {
  birthDate: IsoDate;
  gender: Gender;
  /** Women only: 50 or 55, when known. */
  originalRetirementAgeForWomen?: OriginalAgeForWomen;
}

/** One eligibility attestation of the member, as on chain. */
export interface AttestationFact {
  event: QualifyingEventName;
  effectiveDate: IsoDate;
  active: boolean;
}

/** The claimed account, as on chain. */
export interface AccountFacts {
  status: AccountStatusName;
  balanceFen: bigint;
}

export interface ClaimFacts {
  claim: ClaimRequest;
  member: MemberFacts;
  attestations: readonly AttestationFact[];
  account: AccountFacts;
  /** The decision day: a date, or an instant read as its Asia/Shanghai date. */
  today: Date | IsoDate;
  /** The day payment starts (the next settlement), for the age that picks the months divisor; default today. */
  paymentStartDate?: IsoDate;
}

export type ClaimDecision =
  | {
      outcome: "approve";
      event: QualifyingEventName;
      payoutMode: PayoutModeName;
      /** The ledger's `startPayout` parameter: months (monthly), fen per month (fixed instalment), 0 (lump sum). */
      parameter: bigint;
      /** Whole years of age at the start of payment (the months divisor's row for monthly). */
      ageAtPaymentStart: number;
    }
  | { outcome: "reject"; rule: ClaimRuleCode; message: string; messageZh: string }
  | { outcome: "review"; rule: ClaimRuleCode; message: string; messageZh: string };

function ruled(rule: ClaimRuleCode): ClaimDecision {
  const r = CLAIM_RULES[rule];
  return { outcome: r.outcome, rule, message: r.en, messageZh: r.zh };
}

function activeAttestation(attestations: readonly AttestationFact[], event: QualifyingEventName) {
  return attestations.find((a) => a.active && a.event === event);
}

/**
 * Decides a benefit claim. Rules in order (the first that fails decides):
 *
 * 1. `DEATH_CLAIM_IS_INHERITANCE` — a death claim (use {@link decideInheritance});
 * 2. `ACCOUNT_NOT_FOUND`, `MEMBER_DECEASED` (an active death attestation), `ACCOUNT_FROZEN`, `ACCOUNT_CLOSED`,
 *    `PAYOUT_ALREADY_STARTED` — the account must be active;
 * 3. `EVENT_NOT_ALLOWED_FOR_PLAN` — illness, unemployment and the minimum allowance are for personal pension only;
 *    `EVENT_NOT_YET_IN_FORCE` — and only from 2025-09-01;
 * 4. `ELIGIBILITY_NOT_ATTESTED` — an active attestation of the event is needed; `ELIGIBILITY_NOT_YET_EFFECTIVE`;
 * 5. `ZERO_BALANCE`;
 * 6. `PAYOUT_MODE_NOT_ALLOWED` — an emigrating annuity member takes a lump sum; `PAYOUT_PARAMETER_INVALID` — a
 *    fixed instalment needs an amount > 0; `MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE` — monthly needs age 40..70 at the
 *    start of payment;
 * 7. review: `RETIREMENT_BELOW_STATUTORY_AGE` — a retirement effective before the statutory age (2025 rules);
 *    `ORIGINAL_RETIREMENT_AGE_UNKNOWN` — a woman who has reached it only if her original age was 50, not on record;
 * 8. approve, with the ledger's parameter: months from the divisor table by whole years of age at the start of
 *    payment (monthly), the amount (fixed instalment) or 0 (lump sum).
 */
export function decideClaim(facts: ClaimFacts): ClaimDecision {
  const { claim, member, attestations, account } = facts;
  const today = toIsoDate(facts.today);
  const paymentStart = facts.paymentStartDate === undefined ? today : toIsoDate(facts.paymentStartDate);

  if (claim.event === "death") return ruled("DEATH_CLAIM_IS_INHERITANCE");
  if (account.status === "none") return ruled("ACCOUNT_NOT_FOUND");
  if (activeAttestation(attestations, "death") !== undefined) return ruled("MEMBER_DECEASED");
  if (account.status === "frozen") return ruled("ACCOUNT_FROZEN");
  if (account.status === "closed") return ruled("ACCOUNT_CLOSED");
  if (account.status === "payingOut") return ruled("PAYOUT_ALREADY_STARTED");

  const personalOnly = PERSONAL_PENSION_ONLY_EVENTS.includes(claim.event);
  if (personalOnly && claim.planKind !== "personal") return ruled("EVENT_NOT_ALLOWED_FOR_PLAN");
  if (personalOnly && today < PERSONAL_ONLY_EVENTS_IN_FORCE_FROM) return ruled("EVENT_NOT_YET_IN_FORCE");

  const attestation = activeAttestation(attestations, claim.event);
  if (attestation === undefined) return ruled("ELIGIBILITY_NOT_ATTESTED");
  if (attestation.effectiveDate > today) return ruled("ELIGIBILITY_NOT_YET_EFFECTIVE");

  if (account.balanceFen <= 0n) return ruled("ZERO_BALANCE");

  if (claim.planKind === "annuity" && claim.event === "emigration" && claim.payoutMode !== "lumpSum") {
    return ruled("PAYOUT_MODE_NOT_ALLOWED");
  }
  const ageAtPaymentStart = ageInWholeYears(member.birthDate, paymentStart);
  let parameter = 0n;
  if (claim.payoutMode === "fixedInstalment") {
    if (claim.parameter === undefined || claim.parameter <= 0n) return ruled("PAYOUT_PARAMETER_INVALID");
    parameter = claim.parameter;
  } else if (claim.payoutMode === "monthly") {
    if (!hasMonthsDivisor(ageAtPaymentStart)) return ruled("MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE");
    parameter = BigInt(monthsDivisor(ageAtPaymentStart));
  }

  if (claim.event === "retirement") {
    const review = retirementReview(member, attestation.effectiveDate);
    if (review !== undefined) return ruled(review);
  }

  return { outcome: "approve", event: claim.event, payoutMode: claim.payoutMode, parameter, ageAtPaymentStart };
}

/** Whether a retirement effective on `effectiveDate` is before the member's statutory age (2025 rules). */
function retirementReview(member: MemberFacts, effectiveDate: IsoDate): ClaimRuleCode | undefined {
  const reachedWith = (original?: OriginalAgeForWomen) =>
    effectiveDate >= statutoryRetirement(member.birthDate, member.gender, original).retirementDate;
  if (member.gender === "female" && member.originalRetirementAgeForWomen === undefined) {
    if (reachedWith(55)) return undefined;
    return reachedWith(50) ? "ORIGINAL_RETIREMENT_AGE_UNKNOWN" : "RETIREMENT_BELOW_STATUTORY_AGE";
  }
  return reachedWith(member.originalRetirementAgeForWomen) ? undefined : "RETIREMENT_BELOW_STATUTORY_AGE";
}

/** The most heirs one inheritance accepts: the ledger's limit (PayoutLogic.MAX_HEIRS). */
export const MAX_HEIRS = 32;

export type HeirSharesResult =
  | { ok: true; totalBps: 10_000 }
  | {
      ok: false;
      rule: "HEIR_SHARES_INVALID";
      /** The offending request field: `heirs`, or `heirs.<index>.shareBps`. */
      field: string;
      message: string;
      messageZh: string;
      /** The sum of the valid shares, when every share was valid but they do not sum to 10,000. */
      totalBps?: number;
    };

/**
 * Validates heir shares: 1..{@link MAX_HEIRS} heirs, each share a whole number of basis points from 1 to 10,000,
 * all summing to exactly 10,000 — the ledger's `HeirSharesInvalid` rule, checked before anything is sent.
 * @param heirs the heirs as sent (only `shareBps` is read; the ID numbers and cards are validated elsewhere)
 */
export function validateHeirShares(heirs: readonly { shareBps: unknown }[]): HeirSharesResult {
  const invalid = (field: string, detail: string, totalBps?: number): HeirSharesResult => ({
    ok: false,
    rule: "HEIR_SHARES_INVALID",
    field,
    message: `${CLAIM_RULES.HEIR_SHARES_INVALID.en} ${detail}`,
    messageZh: CLAIM_RULES.HEIR_SHARES_INVALID.zh,
    ...(totalBps === undefined ? {} : { totalBps }),
  });
  if (!Array.isArray(heirs) || heirs.length === 0) return invalid("heirs", "There must be at least one heir.");
  if (heirs.length > MAX_HEIRS) return invalid("heirs", `There may be at most ${MAX_HEIRS} heirs.`);
  let total = 0;
  for (let i = 0; i < heirs.length; i++) {
    const share = heirs[i]?.shareBps;
    if (typeof share !== "number" || !Number.isInteger(share) || share < 1 || share > 10_000) {
      return invalid(`heirs.${i}.shareBps`, `Share ${i} is not a whole number from 1 to 10,000.`);
    }
    total += share;
  }
  if (total !== 10_000) return invalid("heirs", `The shares sum to ${total}.`, total);
  return { ok: true, totalBps: 10_000 };
}

export interface InheritanceFacts {
  attestations: readonly AttestationFact[];
  account: AccountFacts;
  /** True if heirs were already registered on this account (the ledger's HeirsRegistered event). */
  heirsRegistered?: boolean;
  heirs: readonly { shareBps: unknown }[];
}

export type InheritanceDecision =
  | { outcome: "approve" }
  | { outcome: "reject"; rule: ClaimRuleCode; message: string; messageZh: string; field?: string };

/**
 * Decides whether heirs can be registered on an account, in the ledger's order: the account exists
 * (`ACCOUNT_NOT_FOUND`), the death is attested (`DEATH_NOT_ATTESTED`), heirs are not registered yet
 * (`HEIRS_ALREADY_REGISTERED`), the account is active or paying out — a member who dies while being paid leaves the
 * rest to the heirs — and not under legal hold or closed (`ACCOUNT_FROZEN`, `ACCOUNT_CLOSED`), it has a balance to
 * pass on (`ZERO_BALANCE`), and the shares are valid (`HEIR_SHARES_INVALID`, with the field).
 */
export function decideInheritance(facts: InheritanceFacts): InheritanceDecision {
  const reject = (rule: ClaimRuleCode): InheritanceDecision => ({
    outcome: "reject",
    rule,
    message: CLAIM_RULES[rule].en,
    messageZh: CLAIM_RULES[rule].zh,
  });
  if (facts.account.status === "none") return reject("ACCOUNT_NOT_FOUND");
  if (activeAttestation(facts.attestations, "death") === undefined) return reject("DEATH_NOT_ATTESTED");
  if (facts.heirsRegistered === true) return reject("HEIRS_ALREADY_REGISTERED");
  if (facts.account.status === "frozen") return reject("ACCOUNT_FROZEN");
  if (facts.account.status === "closed") return reject("ACCOUNT_CLOSED");
  if (facts.account.balanceFen <= 0n) return reject("ZERO_BALANCE");
  const shares = validateHeirShares(facts.heirs);
  if (!shares.ok) {
    return { outcome: "reject", rule: shares.rule, message: shares.message, messageZh: shares.messageZh, field: shares.field };
  }
  return { outcome: "approve" };
}
