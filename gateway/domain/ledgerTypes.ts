/**
 * The ledger's enums (contracts/interfaces/ILedgerTypes.sol) by name, with their on-chain numbers, so that the
 * domain, the adapters and the API speak in names and only the chain layer sees numbers.
 */

/** Qualifying events certified by the social-security bureau, in ILedgerTypes.QualifyingEvent order. */
export const QUALIFYING_EVENTS = [
  "retirement",
  "lossOfWorkCapacity",
  "emigration",
  "death",
  "seriousIllness",
  "longUnemployment",
  "minimumLivingAllowance",
] as const;
export type QualifyingEventName = (typeof QUALIFYING_EVENTS)[number];

/** ILedgerTypes.QualifyingEvent value of each event (0 is None). */
export const QUALIFYING_EVENT_CODE: Readonly<Record<QualifyingEventName, number>> = {
  retirement: 1,
  lossOfWorkCapacity: 2,
  emigration: 3,
  death: 4,
  seriousIllness: 5,
  longUnemployment: 6,
  minimumLivingAllowance: 7,
};

/** Events that apply to personal pension only, in force since {@link PERSONAL_ONLY_EVENTS_IN_FORCE_FROM}. */
export const PERSONAL_PENSION_ONLY_EVENTS: readonly QualifyingEventName[] = [
  "seriousIllness",
  "longUnemployment",
  "minimumLivingAllowance",
];
/** 人力资源社会保障部等《关于增加个人养老金提前领取情形的通知》(2025): the three extra events apply from 2025-09-01. */
export const PERSONAL_ONLY_EVENTS_IN_FORCE_FROM = "2025-09-01";

export const PLAN_KINDS = ["personal", "annuity"] as const;
export type PlanKindName = (typeof PLAN_KINDS)[number];
/** ILedgerTypes.PlanKind value. */
export const PLAN_KIND_CODE: Readonly<Record<PlanKindName, number>> = { personal: 0, annuity: 1 };

export const PAYOUT_MODES = ["monthly", "fixedInstalment", "lumpSum"] as const;
export type PayoutModeName = (typeof PAYOUT_MODES)[number];
/** ILedgerTypes.PayoutMode value (0 is None). */
export const PAYOUT_MODE_CODE: Readonly<Record<PayoutModeName, number>> = { monthly: 1, fixedInstalment: 2, lumpSum: 3 };

export const ACCOUNT_STATUSES = ["none", "active", "frozen", "payingOut", "closed"] as const;
export type AccountStatusName = (typeof ACCOUNT_STATUSES)[number];
/** ILedgerTypes.AccountStatus value. */
export const ACCOUNT_STATUS_CODE: Readonly<Record<AccountStatusName, number>> = {
  none: 0,
  active: 1,
  frozen: 2,
  payingOut: 3,
  closed: 4,
};

/** The name of an on-chain AccountStatus number. */
export function accountStatusName(code: number | bigint): AccountStatusName {
  const name = ACCOUNT_STATUSES[Number(code)];
  if (name === undefined) throw new RangeError("unknown AccountStatus");
  return name;
}

/** The name of an on-chain QualifyingEvent number (1..7). */
export function qualifyingEventName(code: number | bigint): QualifyingEventName {
  const name = QUALIFYING_EVENTS[Number(code) - 1];
  if (name === undefined) throw new RangeError("unknown QualifyingEvent");
  return name;
}

/** Whether an event can start a payout for a plan kind (the illness, unemployment and allowance events: personal only). */
export function isEventAllowedForPlan(event: QualifyingEventName, planKind: PlanKindName): boolean {
  return planKind === "personal" || !PERSONAL_PENSION_ONLY_EVENTS.includes(event);
}
