/**
 * One handler per ledger event: each turns a decoded event into rows of the event index.
 */
import type { LogDescription } from "ethers";
import { ACCOUNT_STATUSES, PLAN_KINDS } from "../chain/ledgerInterface.js";
import type { EventIndexRepository, EventPosition } from "../store/eventIndex.js";

type Handler = (index: EventIndexRepository, at: EventPosition, args: LogDescription["args"]) => void;

const ZERO32 = "0x" + "00".repeat(32);
const status = (v: unknown) => ACCOUNT_STATUSES[Number(v)] ?? String(v);
const lower = (v: unknown) => String(v).toLowerCase();

export const EVENT_HANDLERS: Record<string, Handler> = {
  PersonalAccountOpened: (index, at, a) =>
    index.accountOpened(at, { accountId: lower(a.accountId), member: lower(a.member), plan: ZERO32, kind: PLAN_KINDS[0] }),
  MemberEnrolled: (index, at, a) =>
    index.accountOpened(at, { accountId: lower(a.accountId), member: lower(a.member), plan: lower(a.plan), kind: PLAN_KINDS[1] }),
  AccountStatusChanged: (index, at, a) =>
    index.accountStatusChanged(at, lower(a.accountId), status(a.from), status(a.to), String(a.reasonCode)),
  PlanCreated: (index, at, a) => index.planCreated(at, lower(a.plan), lower(a.employer), [...a.vestingBpsByYear].map(Number)),
  PersonalContributionCredited: (index, at, a) =>
    index.contribution(at, {
      accountId: lower(a.accountId), bankRef: lower(a.bankRef), kind: "personal", amount: a.amount, employerAmount: 0n,
      employeeAmount: a.amount, year: Number(a.year),
    }),
  AnnuityContributionCredited: (index, at, a) =>
    index.contribution(at, {
      accountId: lower(a.accountId), bankRef: lower(a.bankRef), kind: "annuity", amount: BigInt(a.employerAmount) + BigInt(a.employeeAmount),
      employerAmount: a.employerAmount, employeeAmount: a.employeeAmount, year: null,
    }),
  ReturnCredited: (index, at, a) => index.returnCredited(at, lower(a.accountId), lower(a.batchRef), a.amount),
  EligibilityRecorded: (index, at, a) =>
    index.eligibility(at, {
      member: lower(a.member), qualifyingEvent: Number(a.qualifyingEvent), action: "recorded", effectiveDate: Number(a.effectiveDate),
      evidenceHash: lower(a.evidenceHash),
    }),
  EligibilityRevoked: (index, at, a) =>
    index.eligibility(at, { member: lower(a.member), qualifyingEvent: Number(a.qualifyingEvent), action: "revoked", reason: lower(a.reason) }),
  PayoutPlanStarted: (index, at, a) => index.payoutPlanStarted(at, lower(a.accountId), Number(a.qualifyingEvent), Number(a.mode), a.parameter),
  PayoutSettled: (index, at, a) =>
    index.payoutSettled(at, {
      payoutId: a.payoutId, accountId: lower(a.accountId), runId: a.runId, payee: lower(a.payee), gross: a.gross, tax: a.tax, net: a.net,
    }),
  SettlementRunRecorded: (index, at, a) =>
    index.settlementRun(at, { runId: a.runId, runRef: lower(a.runRef), payouts: a.payouts, merkleRoot: lower(a.merkleRoot) }),
  PayoutPaid: (index, at, a) => index.payoutResult(at, a.payoutId, "Paid"),
  PayoutFailed: (index, at, a) => index.payoutResult(at, a.payoutId, "Failed"),
  OperationRecorded: (index, at, a) =>
    index.ledgerOperation(at, { sequence: a.sequence, selector: lower(a.selector), dataHash: lower(a.dataHash), runningHash: lower(a.runningHash) }),
};
