/**
 * Benefit claims and inheritances, decided by the rules engine (domain/claimRules.ts):
 *
 * - submitClaim: the member applies through the bank. The facts are read from the chain (account, attestations)
 *   and the bureau's record (gender, original retirement age); approve → `startPayout` through the outbox,
 *   reject naming the rule, or manual review. A claim whose attestation is still on its way to the chain waits as
 *   `pending` and is decided by the sweeper or, at the latest, before the next settlement run.
 * - decideClaim: the operator approves or rejects a claim in review (the hard rules are re-checked).
 * - registerHeirs: after an attested death the bank registers the heirs (personal data encrypted at rest,
 *   keyed references on chain); the balance is paid to them at the next settlement.
 * - beforeSettlement: the settlement hook — decides pending claims, escalates those in review or waiting for
 *   heirs, and waits until approved payout plans are on chain and indexed, so the run pays them.
 *
 * Rule codes: those of domain/claimRules.ts, plus the gateway's own — OPERATOR_REJECTED (manual review said no),
 * ATTESTATION_UNCONFIRMED (the attestation was still not on chain when a settlement run began: manual review) and
 * LEDGER_<catalog code> (the ledger refused the payout plan, e.g. LEDGER_PAYOUT_NOT_ELIGIBLE).
 *
 * Times per claim: attestedAt (the attestation's operation succeeded), submittedAt, decidedAt, firstPaymentAt (the
 * gateway's index first showed a PayoutSettled for the claim's payee), and the durations between them.
 */
import { randomUUID } from "node:crypto";
import { accountIdOf, ledgerInterface } from "../../chain/ledgerInterface.js";
import { CALLS } from "../../chain/calls.js";
import { ageInWholeYears, shanghaiDate } from "../../domain/calendar.js";
import {
  CLAIM_RULES,
  decideClaim,
  decideInheritance,
  type AttestationFact,
  type ClaimDecision,
} from "../../domain/claimRules.js";
import {
  PAYOUT_MODE_CODE,
  QUALIFYING_EVENT_CODE,
  type AccountStatusName,
  type PayoutModeName,
  type QualifyingEventName,
} from "../../domain/ledgerTypes.js";
import { formatFen } from "../../domain/money.js";
import { hasMonthsDivisor, monthsDivisor } from "../../domain/monthsDivisor.js";
import { requireResidentId } from "../../domain/residentId.js";
import { AppError, ERROR_CATALOG, type ErrorCode } from "../../errors.js";
import type { OperationRecord } from "../../store/operations.js";
import type { Caller, ServiceDeps } from "../context.js";
import { viewOperation, type OperationService, type WriteOutcome } from "../operations.js";
import { planIdOf } from "../plans.js";
import { shanghaiTime } from "../time.js";
import type { HeirVault } from "./heirVault.js";
import type { LedgerEvidencePort } from "./ledgerEvidence.js";
import { NOTHING_TO_INHERIT } from "./socialSecurity.js";
import type { ClaimRow, ClaimsRepository } from "./repository.js";

// The core's call table has no registerHeirs yet: add it here (BANK_ROLE; applied once HeirsRegistered is logged).
CALLS.registerHeirs ??= {
  signer: "bank",
  encode: (r) => ({
    data: ledgerInterface.encodeFunctionData("registerHeirs", [
      r.accountId,
      (r.heirs as { heirRef: string; shareBps: number }[]).map((h) => ({ heirRef: h.heirRef, shareBps: h.shareBps })),
    ]),
  }),
  applied: (reader, r) => reader.hasLog("HeirsRegistered", [r.accountId]),
};

const PERSONAL_PLAN = "0x" + "00".repeat(32);
const BANK: Caller = { institution: "bank", role: "BANK" };

export interface SubmitClaimInput {
  residentId: string;
  /** `personal`, or the enterprise-annuity plan code. */
  plan: string;
  event: QualifyingEventName;
  payoutMode: PayoutModeName;
  /** Fixed instalment: gross fen per month. */
  parameter?: bigint;
}

export interface HeirInput {
  residentId: string;
  name: string;
  bankCard: string;
  shareBps: number;
}

export interface ClaimView {
  claimId: string;
  kind: "benefit" | "inheritance";
  status: ClaimRow["status"];
  accountId: string;
  plan: string;
  event: QualifyingEventName;
  payoutMode: PayoutModeName | null;
  /** The ledger's startPayout parameter as a digit string: months (monthly), fen per month (fixed), 0 (lump sum). */
  parameter: string | null;
  /** `rule`: the rule that rejected the claim or sent it to review (kept when the operator then approves). */
  decision: { by: "rules" | "operator" | null; rule: string | null; message: string | null; messageZh: string | null } | null;
  escalations: number;
  operation: { operationId: string; state: string; error?: { code: string; message: string } } | null;
  heirs?: { position: number; shareBps: number; heirRef: string; nameMasked: string }[];
  times: {
    timeZone: "Asia/Shanghai";
    attestedAt: string | null;
    submittedAt: string;
    decidedAt: string | null;
    firstPaymentAt: string | null;
    /** The same instants as Asia/Shanghai wall-clock text, for bank staff. */
    cst: { attestedAt: string | null; submittedAt: string; decidedAt: string | null; firstPaymentAt: string | null };
  };
  durations: { attestationToDecisionSeconds: number | null; attestationToFirstPaymentSeconds: number | null; submissionToDecisionSeconds: number | null };
  /** The first payout settled for the claim; `payee` is the member's pseudonym or an heir's reference (never personal data). */
  firstPayment: {
    payoutId: number; runId: number; payee: string; txHash: string; gross: string; tax: string; net: string;
    display: { gross: string; tax: string; net: string };
  } | null;
}

const STATUS_NAMES: Record<string, AccountStatusName> = { None: "none", Active: "active", Frozen: "frozen", PayingOut: "payingOut", Closed: "closed" };

const seconds = (from: string | null, to: string | null) =>
  from && to ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)) : null;
const cst = (iso: string | null) => (iso ? shanghaiTime(new Date(iso)) : null);

function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? "*" : `${chars[0]}${"*".repeat(chars.length - 1)}`;
}

export class ClaimService {
  /** Claims being decided right now (the sweeper, a request and the settlement hook may meet on one claim). */
  private readonly deciding = new Set<string>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly operations: OperationService,
    private readonly repo: ClaimsRepository,
    private readonly evidence: LedgerEvidencePort,
    private readonly heirVault: HeirVault,
  ) {}

  private now(): string {
    return this.deps.clock().toISOString();
  }

  // ───────────────────────────── submit ─────────────────────────────

  /** The claim a repeated Idempotency-Key first created, or undefined; IDEMPOTENCY_KEY_REUSED for another request. */
  private replayedClaimId(caller: Caller): string | undefined {
    if (!caller.idempotency) return undefined;
    const previous = this.deps.store.idempotency.find(caller.institution, caller.idempotency.key);
    if (!previous) return undefined;
    const claimId = (previous.response as { claimId?: string } | null)?.claimId;
    if (previous.requestHash !== caller.idempotency.requestHash || !claimId) {
      throw new AppError("IDEMPOTENCY_KEY_REUSED", ERROR_CATALOG.IDEMPOTENCY_KEY_REUSED.en, { field: "Idempotency-Key" });
    }
    return claimId;
  }

  async submitClaim(caller: Caller, input: SubmitClaimInput): Promise<ClaimView> {
    const { store } = this.deps;
    const replayed = this.replayedClaimId(caller);
    if (replayed) return this.view(this.repo.claim(replayed)!, caller);
    const id = requireResidentId(input.residentId, { today: this.deps.clock() });
    if (!store.members.byResidentId(id.id)) throw new AppError("MEMBER_NOT_FOUND", ERROR_CATALOG.MEMBER_NOT_FOUND.en, { field: "residentId" });
    const member = store.members.pseudonymOf(id.id);
    const accountId = accountIdOf(member, input.plan === "personal" ? PERSONAL_PLAN : planIdOf(input.plan));
    const now = this.now();
    const claimId = randomUUID();
    store.transaction(() => {
      this.repo.insertClaim(
        {
          id: claimId, kind: "benefit", member, accountId, planCode: input.plan === "personal" ? null : input.plan, event: input.event,
          payoutMode: input.payoutMode, parameter: input.parameter?.toString() ?? null, status: "pending", rule: null, message: null,
          messageZh: null, decidedBy: null, evidenceHash: null, operationId: null, attestedAt: null, submittedAt: now, decidedAt: null,
        },
        now,
      );
      if (caller.idempotency) {
        store.idempotency.save({ institution: caller.institution, key: caller.idempotency.key, requestHash: caller.idempotency.requestHash, response: { claimId } });
      }
    });
    await this.decidePending(this.repo.claim(claimId)!, { final: false });
    return this.view(this.repo.claim(claimId)!, caller);
  }

  /**
   * choosePayoutMode (the bank's `POST /v1/accounts/{accountId}/payout-plan`): a benefit claim on the account,
   * decided by the same rules as {@link submitClaim}. Approved → the payout plan's `startPayout` operation;
   * review → CLAIM_NEEDS_REVIEW and rejected → CLAIM_RULE_FAILED (details.rule, details.claimId), nothing sent to
   * the ledger. Refused (CLAIM_ALREADY_OPEN) while another claim on the account is pending or in review. Monthly
   * months come from the divisor table for the member's age today; `months`, if given, must equal them.
   */
  async choosePayoutMode(
    caller: Caller,
    input: { accountId: string; event: QualifyingEventName; payoutMode: PayoutModeName; months?: number; amountPerMonth?: bigint },
    options: { wait?: boolean } = {},
  ): Promise<WriteOutcome> {
    const { store } = this.deps;
    const replayed = this.replayedClaimId(caller);
    if (replayed) return this.payoutPlanOutcome(this.repo.claim(replayed)!, options);
    const accountId = input.accountId.toLowerCase();
    const snapshot = await this.deps.ledger.getAccount(accountId);
    if (!snapshot) throw new AppError("ACCOUNT_UNKNOWN", ERROR_CATALOG.ACCOUNT_UNKNOWN.en, { field: "accountId" });
    const holder = store.members.byPseudonym(snapshot.member);
    if (!holder) throw new AppError("MEMBER_NOT_FOUND", ERROR_CATALOG.MEMBER_NOT_FOUND.en, { field: "accountId" });
    if (input.payoutMode === "monthly" && input.months !== undefined) {
      const age = ageInWholeYears(requireResidentId(holder.residentId).birthDate, shanghaiDate(this.deps.clock()));
      if (hasMonthsDivisor(age) && input.months !== monthsDivisor(age)) {
        throw new AppError("VALIDATION_FAILED", `months must be ${monthsDivisor(age)}, the months-divisor table's figure for the member's age ${age} (or be left out); got ${input.months}.`, {
          field: "months", details: { expected: monthsDivisor(age), age, got: input.months },
        });
      }
    }
    // An attestation still on its way to the ledger is waited for (bounded), so the rules see it.
    const notification = this.repo.activeNotification(snapshot.member, input.event);
    const attestationOp = notification?.operationId ? store.operations.get(notification.operationId) : undefined;
    if (attestationOp && (attestationOp.state === "pending" || attestationOp.state === "submitted")) {
      await this.deps.pipeline.waitForFinal(attestationOp.id, this.deps.waitTimeoutMs);
    }
    const now = this.now();
    const claimId = randomUUID();
    store.transaction(() => {
      const open = this.repo.openClaimOf(accountId);
      if (open) {
        throw new AppError("CLAIM_ALREADY_OPEN", `${ERROR_CATALOG.CLAIM_ALREADY_OPEN.en} (claim ${open.id}, status: ${open.status})`, {
          field: "accountId", details: { claimId: open.id, status: open.status },
        });
      }
      this.repo.insertClaim(
        {
          id: claimId, kind: "benefit", member: snapshot.member, accountId, planCode: snapshot.kind === "EnterpriseAnnuity" ? snapshot.plan : null,
          event: input.event, payoutMode: input.payoutMode, parameter: input.amountPerMonth?.toString() ?? null, status: "pending", rule: null,
          message: null, messageZh: null, decidedBy: null, evidenceHash: null, operationId: null, attestedAt: null, submittedAt: now, decidedAt: null,
        },
        now,
      );
      if (caller.idempotency) {
        store.idempotency.save({ institution: caller.institution, key: caller.idempotency.key, requestHash: caller.idempotency.requestHash, response: { claimId } });
      }
    });
    await this.decidePending(this.repo.claim(claimId)!, { final: false });
    return this.payoutPlanOutcome(this.repo.claim(claimId)!, options);
  }

  /** choosePayoutMode's answer for a claim: its payout-plan operation, or the rule that stopped it. */
  private async payoutPlanOutcome(claim: ClaimRow, options: { wait?: boolean }): Promise<WriteOutcome> {
    const details = { rule: claim.rule, messageZh: claim.messageZh, claimId: claim.id };
    if (claim.status === "rejected") throw new AppError("CLAIM_RULE_FAILED", `${claim.message} (${claim.rule})`, { details });
    if (claim.status === "review") throw new AppError("CLAIM_NEEDS_REVIEW", `${claim.message} (${claim.rule})`, { details });
    if (!claim.operationId) {
      throw new AppError("CHAIN_UNAVAILABLE", "The attestation this payout plan rests on is not yet confirmed on the ledger; the claim is pending and is decided by the next sweep (details.claimId).", {
        details: { claimId: claim.id },
      });
    }
    let op = this.deps.store.operations.get(claim.operationId)!;
    if (options.wait && op.state !== "succeeded" && op.state !== "failed") op = await this.deps.pipeline.waitForFinal(op.id, this.deps.waitTimeoutMs);
    return { operation: viewOperation(op), final: op.state === "succeeded" || op.state === "failed" };
  }

  /** Runs the rules on a pending claim; `final` (before a settlement) turns "still waiting" into manual review. */
  private async decidePending(claim: ClaimRow, options: { final: boolean }): Promise<void> {
    if (this.deciding.has(claim.id)) return;
    this.deciding.add(claim.id);
    try {
      const current = this.repo.claim(claim.id)!;
      if (current.status === "pending") await this.decidePendingNow(current, options);
    } finally {
      this.deciding.delete(claim.id);
    }
  }

  private async decidePendingNow(claim: ClaimRow, options: { final: boolean }): Promise<void> {
    const notification = this.repo.activeNotification(claim.member, claim.event);
    const attestationOp = notification?.operationId ? this.deps.store.operations.get(notification.operationId) : undefined;
    if (attestationOp && (attestationOp.state === "pending" || attestationOp.state === "submitted")) {
      if (!options.final) return;
      await this.decide(claim, { outcome: "review", rule: "ATTESTATION_UNCONFIRMED", message: "The attestation is not yet confirmed on the ledger at the settlement run: manual review.", messageZh: "领取条件认证尚未在账本上确认，转人工审核。" }, "rules");
      return;
    }
    const facts = await this.facts(claim);
    // Another claim on the account already approved (its payout plan maybe not yet mined) counts as started.
    const startedByAnother = this.repo.claimsWithStatus("approved").some((c) => c.accountId === claim.accountId && c.kind === "benefit" &&
      c.operationId !== null && this.deps.store.operations.get(c.operationId)?.state !== "failed");
    const decision = decideClaim({
      claim: { planKind: claim.planCode === null ? "personal" : "annuity", event: claim.event, payoutMode: claim.payoutMode!, parameter: claim.parameter === null ? undefined : BigInt(claim.parameter) },
      member: facts.member,
      attestations: facts.attestations,
      account: startedByAnother && facts.account.status === "active" ? { ...facts.account, status: "payingOut" } : facts.account,
      today: this.deps.clock(),
    });
    if (notification && attestationOp?.state === "succeeded") {
      this.repo.updateClaim(claim.id, { attestedAt: attestationOp.updatedAt, evidenceHash: notification.evidenceHash }, this.now());
    } else if (facts.attestedAt) {
      this.repo.updateClaim(claim.id, { attestedAt: facts.attestedAt }, this.now());
    }
    await this.decide(this.repo.claim(claim.id)!, decision, "rules");
  }

  private async facts(claim: ClaimRow) {
    const id = requireResidentId(this.deps.store.members.byPseudonym(claim.member)!.residentId);
    const retirement = this.repo.activeNotification(claim.member, "retirement");
    const events: QualifyingEventName[] = claim.event === "death" ? ["death"] : [claim.event, "death"];
    const attestations: AttestationFact[] = [];
    for (const event of events) {
      const onChain = await this.evidence.eligibilityOf(claim.member, QUALIFYING_EVENT_CODE[event]);
      attestations.push({ event, active: onChain.active, effectiveDate: onChain.active ? shanghaiDate(new Date(onChain.effectiveDate * 1000)) : "9999-12-31" });
    }
    const snapshot = await this.deps.ledger.getAccount(claim.accountId);
    // Without the bureau's record here (an attestation made through recordEligibility), the time is unknown.
    const notification = this.repo.activeNotification(claim.member, claim.event);
    const op = notification?.operationId ? this.deps.store.operations.get(notification.operationId) : undefined;
    return {
      member: {
        birthDate: id.birthDate,
        gender: id.gender,
        ...(retirement?.originalRetirementAge ? { originalRetirementAgeForWomen: retirement.originalRetirementAge } : {}),
      },
      attestations,
      account: { status: STATUS_NAMES[snapshot?.status ?? "None"] ?? "none", balanceFen: snapshot?.balance ?? 0n },
      attestedAt: op?.state === "succeeded" ? op.updatedAt : null,
    };
  }

  /** The ledger parameter of a claim (also for one approved by the operator after review). */
  private parameterOf(claim: ClaimRow, birthDate: string): bigint {
    if (claim.payoutMode === "fixedInstalment") return BigInt(claim.parameter ?? "0");
    if (claim.payoutMode === "lumpSum") return 0n;
    const age = ageInWholeYears(birthDate, shanghaiDate(this.deps.clock()));
    if (!hasMonthsDivisor(age)) throw new AppError("CLAIM_RULE_FAILED", CLAIM_RULES.MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE.en, { details: { rule: "MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE" } });
    return BigInt(monthsDivisor(age));
  }

  /** Records a decision; an approval starts the payout plan on chain. Rules outside the engine (the gateway's own) are plain strings. */
  private async decide(
    claim: ClaimRow,
    decision: ClaimDecision | { outcome: "reject" | "review"; rule: string; message: string; messageZh: string },
    by: "rules" | "operator",
  ): Promise<void> {
    const now = this.now();
    if (decision.outcome !== "approve") {
      this.repo.updateClaim(claim.id, {
        status: decision.outcome === "reject" ? "rejected" : "review", rule: decision.rule, message: decision.message, messageZh: decision.messageZh,
        decidedBy: by, decidedAt: decision.outcome === "reject" ? now : null,
      }, now);
      return;
    }
    const outcome = await this.operations.submit(BANK, {
      kind: "startPayout",
      request: {
        accountId: claim.accountId,
        qualifyingEvent: QUALIFYING_EVENT_CODE[decision.event],
        mode: PAYOUT_MODE_CODE[decision.payoutMode],
        parameter: decision.parameter.toString(),
      },
    });
    // An operator's approval keeps the rule that sent the claim to review, so the claim shows why it was reviewed.
    this.repo.updateClaim(claim.id, {
      status: "approved", ...(by === "rules" ? { rule: null, message: null, messageZh: null } : {}), decidedBy: by, decidedAt: now,
      operationId: outcome.operation.operationId, parameter: decision.parameter.toString(),
    }, now);
  }

  // ───────────────────────────── operator ─────────────────────────────

  async decideClaim(caller: Caller, claimId: string, input: { decision: "approve" | "reject"; reasonCode?: string }): Promise<ClaimView> {
    const claim = this.claimOrThrow(claimId);
    if (claim.status !== "review" || this.deciding.has(claimId)) {
      throw new AppError("CLAIM_NOT_IN_REVIEW", `${ERROR_CATALOG.CLAIM_NOT_IN_REVIEW.en} (status: ${claim.status})`, { field: "claimId", details: { status: claim.status } });
    }
    if (input.decision === "reject") {
      const now = this.now();
      this.repo.updateClaim(claimId, {
        status: "rejected", rule: "OPERATOR_REJECTED", message: `Rejected by the operator after manual review${input.reasonCode ? ` (${input.reasonCode})` : ""}.`,
        messageZh: `经人工审核拒绝${input.reasonCode ? `（${input.reasonCode}）` : ""}。`, decidedBy: "operator", decidedAt: now,
      }, now);
      return this.view(this.repo.claim(claimId)!, caller);
    }
    // Approving overrides the review rules only: every rejecting rule is checked again on today's facts.
    this.deciding.add(claimId);
    try {
      const facts = await this.facts(claim);
      const decision = decideClaim({
        claim: { planKind: claim.planCode === null ? "personal" : "annuity", event: claim.event, payoutMode: claim.payoutMode!, parameter: claim.parameter === null ? undefined : BigInt(claim.parameter) },
        member: facts.member, attestations: facts.attestations, account: facts.account, today: this.deps.clock(),
      });
      if (decision.outcome === "reject") {
        throw new AppError("CLAIM_RULE_FAILED", `${decision.message} (${decision.rule})`, { details: { rule: decision.rule, messageZh: decision.messageZh } });
      }
      const parameter = decision.outcome === "approve" ? decision.parameter : this.parameterOf(claim, facts.member.birthDate);
      await this.decide(claim, { outcome: "approve", event: claim.event, payoutMode: claim.payoutMode!, parameter, ageAtPaymentStart: 0 }, "operator");
      // The review's rule stays; the message records the operator's approval and reason code (as a rejection's does).
      const reason = input.reasonCode ? ` (${input.reasonCode})` : "";
      this.repo.updateClaim(claimId, {
        message: `${claim.message ?? ""} Approved by the operator after manual review${reason}.`.trim(),
        messageZh: `${claim.messageZh ?? ""}经人工审核批准${input.reasonCode ? `（${input.reasonCode}）` : ""}。`,
      }, this.now());
    } finally {
      this.deciding.delete(claimId);
    }
    return this.view(this.repo.claim(claimId)!, caller);
  }

  async getClaim(caller: Caller, claimId: string): Promise<ClaimView> {
    this.claimOrThrow(claimId);
    await this.refresh();
    return this.view(this.repo.claim(claimId)!, caller);
  }

  private claimOrThrow(claimId: string): ClaimRow {
    const claim = this.repo.claim(claimId);
    if (!claim) throw new AppError("CLAIM_NOT_FOUND", ERROR_CATALOG.CLAIM_NOT_FOUND.en, { field: "claimId" });
    return claim;
  }

  // ───────────────────────────── inheritance ─────────────────────────────

  async registerHeirs(caller: Caller, input: { residentId: string; plan: string; heirs: HeirInput[] }): Promise<ClaimView> {
    const { store } = this.deps;
    const today = this.deps.clock();
    const id = requireResidentId(input.residentId, { today });
    if (!store.members.byResidentId(id.id)) throw new AppError("MEMBER_NOT_FOUND", ERROR_CATALOG.MEMBER_NOT_FOUND.en, { field: "residentId" });
    const member = store.members.pseudonymOf(id.id);
    const accountId = accountIdOf(member, input.plan === "personal" ? PERSONAL_PLAN : planIdOf(input.plan)).toLowerCase();
    const seen = new Set<string>();
    const heirs = input.heirs.map((h, i) => {
      const heirId = requireResidentId(h.residentId, { field: `heirs.${i}.residentId`, today });
      if (heirId.id === id.id) throw new AppError("VALIDATION_FAILED", `heirs.${i}.residentId: the deceased member cannot be an heir.`, { field: `heirs.${i}.residentId` });
      if (seen.has(heirId.id)) throw new AppError("VALIDATION_FAILED", `heirs.${i}.residentId: the same heir appears twice.`, { field: `heirs.${i}.residentId` });
      seen.add(heirId.id);
      return { ...h, residentId: heirId.id };
    });

    const existing = this.repo.inheritanceClaimOf(accountId);
    const death = await this.evidence.eligibilityOf(member, QUALIFYING_EVENT_CODE.death);
    const snapshot = await this.deps.ledger.getAccount(accountId);
    const decision = decideInheritance({
      attestations: [{ event: "death", active: death.active, effectiveDate: death.active ? shanghaiDate(new Date(death.effectiveDate * 1000)) : "9999-12-31" }],
      account: { status: STATUS_NAMES[snapshot?.status ?? "None"] ?? "none", balanceFen: snapshot?.balance ?? 0n },
      heirsRegistered: existing !== undefined && this.repo.heirsOf(existing.id).length > 0,
      heirs,
    });
    if (decision.outcome === "reject") {
      if (decision.rule === "ZERO_BALANCE" && existing?.status === "awaitingHeirs") this.closeEmptyInheritance(existing);
      const code: ErrorCode =
        decision.rule === "HEIR_SHARES_INVALID" ? "HEIR_SHARES_INVALID"
        : decision.rule === "ACCOUNT_NOT_FOUND" ? "ACCOUNT_NOT_FOUND"
        : decision.rule === "DEATH_NOT_ATTESTED" || decision.rule === "HEIRS_ALREADY_REGISTERED" ? "INHERITANCE_NOT_ALLOWED"
        : decision.rule === "ACCOUNT_FROZEN" || decision.rule === "ACCOUNT_CLOSED" ? "ACCOUNT_STATUS_INVALID"
        : "CLAIM_RULE_FAILED";
      throw new AppError(code, `${decision.message} (${decision.rule})`, {
        ...(decision.field ? { field: decision.field } : {}),
        details: { rule: decision.rule, messageZh: decision.messageZh },
      });
    }

    const now = this.now();
    const claimId = existing && existing.status === "awaitingHeirs" ? existing.id : randomUUID();
    const rows = heirs.map((h, position) => ({
      claimId, position, heirRef: this.heirVault.heirRef(accountId, h.residentId, h.bankCard), idLookup: this.heirVault.idLookup(h.residentId),
      residentIdEnc: this.heirVault.encrypt(h.residentId), nameEnc: this.heirVault.encrypt(h.name), bankCardEnc: this.heirVault.encrypt(h.bankCard),
      shareBps: h.shareBps,
    }));
    const notification = this.repo.activeNotification(member, "death");
    const attestationOp = notification?.operationId ? store.operations.get(notification.operationId) : undefined;
    const outcome = await this.operations.submit({ ...caller, idempotency: undefined }, {
      kind: "registerHeirs",
      request: { accountId, heirs: rows.map((r) => ({ heirRef: r.heirRef, shareBps: r.shareBps })) },
      alsoWrite: () => {
        // Checked again inside the outbox transaction: two registrations racing for one account cannot both pass.
        const current = this.repo.inheritanceClaimOf(accountId);
        if (current && this.repo.heirsOf(current.id).length > 0) {
          throw new AppError("INHERITANCE_NOT_ALLOWED", `${CLAIM_RULES.HEIRS_ALREADY_REGISTERED.en} (HEIRS_ALREADY_REGISTERED)`, {
            details: { rule: "HEIRS_ALREADY_REGISTERED", messageZh: CLAIM_RULES.HEIRS_ALREADY_REGISTERED.zh },
          });
        }
        if (claimId !== existing?.id) {
          this.repo.insertClaim({
            id: claimId, kind: "inheritance", member, accountId, planCode: input.plan === "personal" ? null : input.plan, event: "death", payoutMode: null,
            parameter: null, status: "awaitingHeirs", rule: null, message: null, messageZh: null, decidedBy: null, evidenceHash: notification?.evidenceHash ?? null,
            operationId: null, attestedAt: null, submittedAt: now, decidedAt: null,
          }, now);
        }
        this.repo.insertHeirs(rows);
      },
    });
    this.repo.updateClaim(claimId, {
      status: "approved", decidedBy: "rules", decidedAt: now, operationId: outcome.operation.operationId,
      // A claim opened from the death notification knows the annuity plan only by its ledger id: the bank named its code.
      ...(input.plan !== "personal" ? { planCode: input.plan } : {}),
      ...(attestationOp?.state === "succeeded" ? { attestedAt: attestationOp.updatedAt } : {}),
    }, now);
    return this.view(this.repo.claim(claimId)!, caller);
  }

  /** Whether a settlement run reference (keccak of `run:<reference>`) is already taken (the settlement hook's check). */
  settlementRunRefUsed(runRef: string): boolean {
    return this.repo.settlementRunRefUsed(runRef);
  }

  /** An inheritance claim on an account with no balance: nothing to inherit, decided by the rules (ZERO_BALANCE). */
  private closeEmptyInheritance(claim: ClaimRow): void {
    const now = this.now();
    this.repo.updateClaim(claim.id, {
      status: "rejected", rule: "ZERO_BALANCE", message: NOTHING_TO_INHERIT.en, messageZh: NOTHING_TO_INHERIT.zh, decidedBy: "rules", decidedAt: now,
    }, now);
  }

  /** The creditor of a settled payout for the payment instruction: the member, or an heir (decrypted). */
  payeeOf(payee: string): { kind: "member" | "heir"; name: string | null; bankCard: string | null } | undefined {
    const member = this.deps.store.members.byPseudonym(payee);
    if (member) return { kind: "member", name: member.name, bankCard: member.bankCard };
    const heir = this.repo.heirByRef(payee);
    if (heir) return { kind: "heir", name: this.heirVault.decrypt(heir.nameEnc), bankCard: this.heirVault.decrypt(heir.bankCardEnc) };
    return undefined;
  }

  // ───────────────────────────── sweeper and settlement hook ─────────────────────────────

  /**
   * Moves claims forward: pending claims whose attestation has settled are decided, an approved claim whose
   * ledger call failed is rejected with the ledger's error, an attestation time is filled in, and the first
   * payment of approved claims is read from the index.
   */
  async refresh(): Promise<void> {
    for (const claim of this.repo.claimsWithStatus("pending")) await this.decidePending(claim, { final: false });
    const now = this.now();
    for (const claim of this.repo.claimsAwaitingFirstPayment()) {
      const op = claim.operationId ? this.deps.store.operations.get(claim.operationId) : undefined;
      if (op?.state === "failed") {
        this.repo.updateClaim(claim.id, {
          status: "rejected", rule: `LEDGER_${op.error?.code ?? "TRANSACTION_REVERTED"}`, message: op.error?.message ?? "The ledger refused the payout plan.",
          messageZh: "账本拒绝了领取计划。", decidedAt: now,
        }, now);
        continue;
      }
      if (!claim.attestedAt && claim.evidenceHash) {
        const attestation = this.repo.notificationByHash(claim.evidenceHash);
        const aop = attestation?.operationId ? this.deps.store.operations.get(attestation.operationId) : undefined;
        if (aop?.state === "succeeded") this.repo.updateClaim(claim.id, { attestedAt: aop.updatedAt }, now);
      }
      const payouts = this.repo.payoutsOfAccount(claim.accountId).filter((p) => claim.kind === "inheritance" || p.payee === claim.member);
      const first = payouts[0];
      if (first) this.repo.recordFirstPayment(claim.id, { at: now, payoutId: first.payoutId, txHash: first.txHash });
    }
  }

  /**
   * The settlement hook (called by runSettlement before it lists the accounts to pay): no claim stays undecided
   * past a settlement run. Pending claims are decided (still unconfirmed attestations go to manual review);
   * claims in review and inheritances still waiting for heirs are escalated; and the run waits (up to the write
   * timeout) until every approved payout plan is on chain and indexed, so this run pays it.
   */
  async beforeSettlement(options: { escalate?: boolean } = {}): Promise<{ decided: number; escalated: number; notReady: number }> {
    const pending = this.repo.claimsWithStatus("pending");
    for (const claim of pending) {
      const notification = this.repo.activeNotification(claim.member, claim.event);
      if (notification?.operationId) await this.deps.pipeline.waitForFinal(notification.operationId, this.deps.waitTimeoutMs);
      await this.decidePending(this.repo.claim(claim.id)!, { final: true });
    }
    const now = this.now();
    const waiting: ClaimRow[] = [];
    for (const claim of this.repo.claimsWithStatus("review", "awaitingHeirs")) {
      // An inheritance whose account has (come to have) no balance has nothing to wait for: decided, not escalated.
      if (claim.status === "awaitingHeirs" && ((await this.deps.ledger.getAccount(claim.accountId))?.balance ?? 0n) === 0n) {
        this.closeEmptyInheritance(claim);
        continue;
      }
      waiting.push(claim);
    }
    if (options.escalate !== false) for (const claim of waiting) this.repo.escalate(claim.id, now);

    const approved = this.repo.claimsAwaitingFirstPayment().filter((c) => c.operationId);
    const ops = await Promise.all(approved.map((c) => this.deps.pipeline.waitForFinal(c.operationId!, this.deps.waitTimeoutMs)));
    const deadline = Date.now() + this.deps.waitTimeoutMs;
    // Ready when the ledger call failed, or the index has reached the block that started the payout plan.
    const indexedBlock = () => this.deps.store.checkpoint.get()?.blockNumber ?? -1;
    const ready = (_c: ClaimRow, op: OperationRecord) => op.state !== "succeeded" || (op.blockNumber ?? Infinity) <= indexedBlock();
    while (approved.some((c, i) => !ready(c, ops[i]!)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await this.refresh();
    return { decided: pending.length, escalated: options.escalate === false ? 0 : waiting.length, notReady: approved.filter((c, i) => !ready(c, ops[i]!)).length };
  }

  // ───────────────────────────── views ─────────────────────────────

  private view(claim: ClaimRow, caller: Caller): ClaimView {
    const op = claim.operationId ? this.deps.store.operations.get(claim.operationId) : undefined;
    const first = claim.firstPayoutId !== null ? this.repo.payoutsOfAccount(claim.accountId).find((p) => p.payoutId === claim.firstPayoutId) : undefined;
    const heirs = claim.kind === "inheritance" ? this.repo.heirsOf(claim.id) : [];
    return {
      claimId: claim.id,
      kind: claim.kind,
      status: claim.status,
      accountId: claim.accountId,
      plan: claim.planCode ?? "personal",
      event: claim.event,
      payoutMode: claim.payoutMode,
      parameter: claim.parameter,
      decision: claim.decidedBy || claim.rule ? { by: claim.decidedBy, rule: claim.rule, message: claim.message, messageZh: claim.messageZh } : null,
      escalations: claim.escalations,
      operation: op
        ? { operationId: op.id, state: op.state, ...(op.state === "failed" && op.error ? { error: { code: op.error.code, message: op.error.message } } : {}) }
        : null,
      ...(heirs.length && ["bank", "operator"].includes(caller.institution)
        ? { heirs: heirs.map((h) => ({ position: h.position, shareBps: h.shareBps, heirRef: h.heirRef, nameMasked: maskName(this.heirVault.decrypt(h.nameEnc)) })) }
        : {}),
      times: {
        timeZone: "Asia/Shanghai",
        attestedAt: claim.attestedAt,
        submittedAt: claim.submittedAt,
        decidedAt: claim.decidedAt,
        firstPaymentAt: claim.firstPaymentAt,
        cst: { attestedAt: cst(claim.attestedAt), submittedAt: cst(claim.submittedAt)!, decidedAt: cst(claim.decidedAt), firstPaymentAt: cst(claim.firstPaymentAt) },
      },
      durations: {
        attestationToDecisionSeconds: seconds(claim.attestedAt, claim.decidedAt),
        attestationToFirstPaymentSeconds: seconds(claim.attestedAt, claim.firstPaymentAt),
        submissionToDecisionSeconds: seconds(claim.submittedAt, claim.decidedAt),
      },
      firstPayment: first
        ? {
            payoutId: first.payoutId, runId: first.runId, payee: first.payee, txHash: first.txHash, gross: first.gross.toString(), tax: first.tax.toString(), net: first.net.toString(),
            display: { gross: formatFen(first.gross), tax: formatFen(first.tax), net: formatFen(first.net) },
          }
        : null,
    };
  }
}
