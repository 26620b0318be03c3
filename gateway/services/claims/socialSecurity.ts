/**
 * Ingesting the social-security bureau's notifications (HTTP or inbox file): each valid record becomes an
 * eligibility attestation on chain with evidenceHash(record), through the durable outbox. The story of one record:
 *
 * 1. parse and validate the record on its own (adapters/socialsecurity/notifications.ts);
 * 2. the same record again (same evidence hash) → "duplicate", nothing sent;
 * 3. check it against the gateway's own data: known member with an account on the ledger, a certificate number
 *    not used for another record, the event allowed for the member's plan and in force on its date, no other
 *    live attestation of the event (that needs a correction);
 * 4. a correction revokes the attestation of the certificate it corrects, then records this one (the socialSecurity
 *    signer's outbox is first-in first-out, so the revocation is mined first);
 * 5. a death opens an inheritance claim per account of the member (the ledger stops contributions itself);
 * 6. a retirement before the statutory age (2025 rules) is recorded as certified, and flagged: a claim on it goes
 *    to manual review.
 *
 * The report lists every record's outcome; it holds line numbers, fields, reasons, certificate numbers and hashes,
 * never ID numbers or names.
 */
import { randomUUID } from "node:crypto";
import { encodeBytes32String } from "ethers";
import {
  evidenceHash,
  parseNotificationsCsv,
  parseNotificationsJson,
  type NotificationParseResult,
  type SocialSecurityNotification,
} from "../../adapters/socialsecurity/notifications.js";
import { accountIdOf } from "../../chain/ledgerInterface.js";
import { PERSONAL_ONLY_EVENTS_IN_FORCE_FROM, PERSONAL_PENSION_ONLY_EVENTS, QUALIFYING_EVENT_CODE } from "../../domain/ledgerTypes.js";
import { statutoryRetirement } from "../../domain/retirementAge.js";
import { parseResidentId } from "../../domain/residentId.js";
import { CLAIM_RULES } from "../../domain/claimRules.js";
import type { OperationState } from "../../store/operations.js";
import { ERROR_CATALOG } from "../../errors.js";
import type { Caller, ServiceDeps } from "../context.js";
import type { OperationService } from "../operations.js";
import { cstMidnightSeconds, shanghaiTime } from "../time.js";
import type { LedgerEvidencePort } from "./ledgerEvidence.js";
import type { ClaimsRepository, NotificationRow } from "./repository.js";

export type RecordOutcome = "recorded" | "corrected" | "duplicate" | "rejected";

export interface RecordReport {
  /** CSV: line in the file (header = 1); JSON: position in the array from 1. */
  line: number;
  outcome: RecordOutcome;
  certificateNumber?: string;
  eventType?: string;
  /** Rejected: the field and the rule. */
  field?: string;
  reason?: string;
  evidenceHash?: string;
  operationId?: string;
  /** Correction: the revocation of the corrected certificate's attestation. */
  revokeOperationId?: string;
  /** With wait: the operation's final state (and the ledger's error, if it failed). */
  state?: OperationState;
  error?: { code: string; message: string };
  /** Retirement before the statutory age: a claim on it goes to manual review. */
  review?: { rule: string; message: string; messageZh: string; statutoryRetirementDate: string };
  /** Death: the inheritance claims opened. */
  inheritanceClaimIds?: string[];
}

export interface BatchReport {
  batchId: string;
  source: string;
  receivedAt: string;
  /** The same instant in Asia/Shanghai, for people. */
  receivedAtCst: string;
  counts: Record<RecordOutcome, number> & { received: number };
  records: RecordReport[];
}

export type NotificationPayload = { format: "json"; value: unknown } | { format: "csv"; text: string };

const SOCIAL_SECURITY: Caller = { institution: "socialSecurity", role: "SOCIAL_SECURITY" };
const CORRECTED = encodeBytes32String("CORRECTED");

type Rejection = { field: string; reason: string };

/** One of the member's accounts; `balance` when read from the ledger. */
type MemberAccount = { accountId: string; plan: string; kind: string; status: string; balance?: bigint };

const IN_USE: Rejection = {
  field: "correctsCertificateNumber",
  reason: "the corrected attestation cannot be revoked: a payout has started on it (ELIGIBILITY_IN_USE)",
};

/** An inheritance claim on an account with no balance: decided at once, nothing is registered or paid. */
export const NOTHING_TO_INHERIT = {
  en: `${CLAIM_RULES.ZERO_BALANCE.en} Nothing to inherit: no heirs need to be registered.`,
  zh: `${CLAIM_RULES.ZERO_BALANCE.zh}无可继承余额，无需登记继承人。`,
};

export class SocialSecurityService {
  /**
   * Records are checked and written one at a time across requests and the inbox: the checks (same hash, same
   * certificate, a live attestation of the event) read the database, then await the chain, then write, so two
   * requests carrying the same record — or two certificates of one event — must not interleave between them.
   */
  private recordQueue: Promise<unknown> = Promise.resolve();

  private oneAtATime<T>(step: () => Promise<T>): Promise<T> {
    const run = this.recordQueue.then(step, step);
    this.recordQueue = run.catch(() => undefined);
    return run;
  }

  constructor(
    private readonly deps: ServiceDeps,
    private readonly operations: OperationService,
    private readonly repo: ClaimsRepository,
    private readonly evidence: LedgerEvidencePort,
  ) {}

  /**
   * Ingests one notification or a batch. A file-level problem (not JSON, bad CSV header, empty) throws
   * VALIDATION_FAILED with field `file`; record problems are reported per record and never stop the batch.
   */
  async ingest(caller: Caller, payload: NotificationPayload, options: { wait?: boolean; source?: string } = {}): Promise<BatchReport> {
    const now = this.deps.clock();
    const parsed: NotificationParseResult[] =
      payload.format === "csv" ? parseNotificationsCsv(payload.text, { today: now }) : parseNotificationsJson(payload.value, { today: now });
    const source = options.source ?? `http:${caller.institution}`;
    const records: RecordReport[] = [];
    for (const result of parsed) {
      if (!result.ok) {
        records.push({ line: result.line, outcome: "rejected", field: result.field, reason: result.reason });
        continue;
      }
      records.push(await this.oneAtATime(() => this.ingestRecord(result.line, result.record, source, now)));
    }
    if (options.wait) await this.awaitOperations(records);
    const counts = { received: records.length, recorded: 0, corrected: 0, duplicate: 0, rejected: 0 };
    for (const r of records) counts[r.outcome]++;
    const report: BatchReport = {
      batchId: randomUUID(),
      source,
      receivedAt: now.toISOString(),
      receivedAtCst: shanghaiTime(now),
      counts,
      records,
    };
    this.repo.saveBatch({ id: report.batchId, source, receivedAt: report.receivedAt, report });
    return report;
  }

  private async ingestRecord(line: number, record: SocialSecurityNotification, source: string, now: Date): Promise<RecordReport> {
    const { store } = this.deps;
    const hash = evidenceHash(record, store.members.pseudonymOf(record.residentId));
    const base = { line, certificateNumber: record.certificateNumber, eventType: record.eventType, evidenceHash: hash };
    const reject = (r: Rejection): RecordReport => ({ ...base, outcome: "rejected", ...r });

    const existing = this.repo.notificationByHash(hash);
    const standing = existing !== undefined && this.live(existing);
    if (existing && (standing || existing.status === "revoked")) {
      // A corrected certificate sent again stays revoked: the repeat changes nothing either.
      return {
        ...base, outcome: "duplicate", ...(existing.operationId ? { operationId: existing.operationId } : {}),
        ...(standing ? {} : { reason: "this certificate was corrected; its attestation stays revoked" }),
      };
    }
    const sameCertificate = this.repo.notificationByCertificate(record.certificateNumber);
    if (sameCertificate && sameCertificate.evidenceHash !== hash) {
      return reject({ field: "certificateNumber", reason: "already used for a different record; a correction needs a new certificate number" });
    }

    const member = store.members.byResidentId(record.residentId);
    const pseudonym = store.members.pseudonymOf(record.residentId);
    const accounts = member ? await this.accountsOf(pseudonym, record.eventType) : [];
    if (!member || accounts.length === 0) return reject({ field: "residentId", reason: "unknown member: no pension account at this bank" });

    const eventCode = QUALIFYING_EVENT_CODE[record.eventType];
    if (PERSONAL_PENSION_ONLY_EVENTS.includes(record.eventType)) {
      if (!accounts.some((a) => a.kind === "PersonalPension")) {
        return reject({ field: "eventType", reason: "event not allowed for the member's plan: it applies to personal pension only, and the member has none" });
      }
      if (record.effectiveDate < PERSONAL_ONLY_EVENTS_IN_FORCE_FROM) {
        return reject({ field: "effectiveDate", reason: `this event qualifies only from ${PERSONAL_ONLY_EVENTS_IN_FORCE_FROM}` });
      }
    }

    let corrected: NotificationRow | undefined;
    if (record.correctsCertificateNumber !== undefined) {
      corrected = this.repo.notificationByCertificate(record.correctsCertificateNumber);
      if (!corrected || corrected.member !== pseudonym.toLowerCase()) {
        return reject({ field: "correctsCertificateNumber", reason: "no earlier certificate with this number for this member" });
      }
      if (!this.live(corrected)) return reject({ field: "correctsCertificateNumber", reason: "the corrected certificate is already revoked or was never recorded" });
      // A payout rests on the corrected attestation (the ledger would refuse the revocation): refused now, and a
      // resend does not send the failing revocation again.
      const earlierRevoke = corrected.revokeOperationId ? store.operations.get(corrected.revokeOperationId) : undefined;
      if ((earlierRevoke?.state === "failed" && earlierRevoke.error?.code === "ELIGIBILITY_IN_USE") || this.payoutStartedOn(pseudonym, corrected.event)) {
        return { ...reject(IN_USE), error: { code: "ELIGIBILITY_IN_USE", message: ERROR_CATALOG.ELIGIBILITY_IN_USE.en } };
      }
    }
    const live = this.repo.activeNotification(pseudonym, record.eventType);
    if (live && live.evidenceHash !== corrected?.evidenceHash) {
      return reject({ field: "eventType", reason: "an attestation of this event is already recorded for the member; send a correction (correctsCertificateNumber)" });
    }
    if (!live && !corrected) {
      const onChain = await this.evidence.eligibilityOf(pseudonym, eventCode);
      if (onChain.active) {
        if (onChain.evidenceHash === hash) return { ...base, outcome: "duplicate" };
        return reject({ field: "eventType", reason: "an attestation of this event is already active on the ledger; send a correction" });
      }
    }

    let revokeOperationId: string | undefined;
    if (corrected) {
      const old = corrected;
      const revoke = await this.operations.submit(SOCIAL_SECURITY, {
        kind: "revokeEligibility",
        request: { member: pseudonym, qualifyingEvent: QUALIFYING_EVENT_CODE[old.event], reason: CORRECTED },
        alsoWrite: () => this.repo.revokeNotification(old.evidenceHash, null),
      });
      revokeOperationId = revoke.operation.operationId;
      this.repo.revokeNotification(old.evidenceHash, revokeOperationId);
    }

    const request = { member: pseudonym, qualifyingEvent: eventCode, effectiveDate: cstMidnightSeconds(record.effectiveDate), evidenceHash: hash };
    const row = {
      evidenceHash: hash,
      certificateNumber: record.certificateNumber,
      member: pseudonym,
      event: record.eventType,
      effectiveDate: record.effectiveDate,
      gender: record.gender ?? null,
      originalRetirementAge: record.originalRetirementAge ?? null,
      correctsCertificateNumber: record.correctsCertificateNumber ?? null,
      source,
      receivedAt: now.toISOString(),
    };
    const outcome = await this.operations.submit(SOCIAL_SECURITY, {
      kind: "recordEligibility",
      request,
      // A record whose earlier attempt failed on chain is retried under the same hash.
      alsoWrite: () => (existing ? undefined : this.repo.insertNotification(row)),
    });
    this.repo.setNotificationOperation(hash, outcome.operation.operationId);
    if (existing) this.repo.reactivateNotification(hash);

    const report: RecordReport = {
      ...base,
      outcome: corrected ? "corrected" : "recorded",
      operationId: outcome.operation.operationId,
      ...(revokeOperationId ? { revokeOperationId } : {}),
    };
    if (record.eventType === "retirement") {
      const review = this.retirementReview(record);
      if (review) report.review = review;
    }
    if (record.eventType === "death") {
      report.inheritanceClaimIds = this.openInheritanceClaims(pseudonym, accounts, hash, now);
    }
    return report;
  }

  /**
   * The member's accounts. The event index may lag behind an account opened or enrolled a moment ago, so a member
   * it does not know (or without the personal account a personal-pension-only event needs) is looked up on the
   * ledger: the personal account and the annuity accounts the gateway enrolled the member in. A death reads every
   * account from the ledger, for the balances its inheritance claims need.
   */
  private async accountsOf(pseudonym: string, event: NotificationRow["event"]): Promise<MemberAccount[]> {
    const indexed = this.repo.accountsOfMember(pseudonym);
    const needsPersonal = PERSONAL_PENSION_ONLY_EVENTS.includes(event) && !indexed.some((a) => a.kind === "PersonalPension");
    if (event !== "death" && indexed.length > 0 && !needsPersonal) return indexed;
    const candidates = new Set([
      accountIdOf(pseudonym).toLowerCase(),
      ...indexed.map((a) => a.accountId.toLowerCase()),
      ...this.repo.enrolledPlansOf(pseudonym).map((plan) => accountIdOf(pseudonym, plan).toLowerCase()),
    ]);
    const accounts: MemberAccount[] = [];
    for (const accountId of candidates) {
      const snapshot = await this.deps.ledger.getAccount(accountId);
      if (snapshot) accounts.push({ accountId, plan: snapshot.plan, kind: snapshot.kind, status: snapshot.status, balance: snapshot.balance });
    }
    return accounts;
  }

  /** Whether a payout plan or an inheritance started on the member's attestation of the event (a claim approved and not refused by the ledger). */
  private payoutStartedOn(member: string, event: NotificationRow["event"]): boolean {
    return this.repo.claimsWithStatus("approved").some((c) => c.member === member.toLowerCase() && c.event === event &&
      c.operationId !== null && this.deps.store.operations.get(c.operationId)?.state !== "failed");
  }

  /** A notification that stands: its attestation not refused by the ledger, and not (successfully) revoked. */
  private live(row: NotificationRow): boolean {
    return this.repo.isLive(row.evidenceHash);
  }

  /** The statutory-age check of a retirement record (the record's gender and original age, 2025 rules). */
  private retirementReview(record: SocialSecurityNotification): RecordReport["review"] {
    const id = parseResidentId(record.residentId, this.deps.clock());
    if (!id.ok) return undefined;
    const statutory = statutoryRetirement(id.value.birthDate, id.value.gender, record.originalRetirementAge);
    if (record.effectiveDate >= statutory.retirementDate) return undefined;
    const rule = CLAIM_RULES.RETIREMENT_BELOW_STATUTORY_AGE;
    return { rule: "RETIREMENT_BELOW_STATUTORY_AGE", message: rule.en, messageZh: rule.zh, statutoryRetirementDate: statutory.retirementDate };
  }

  /**
   * One inheritance claim per account of the deceased that is not closed. An annuity account's claim is labelled
   * with its plan's ledger id (the gateway does not keep plan codes). An account with no balance leaves nothing to
   * inherit: its claim is decided at once (rejected, ZERO_BALANCE) instead of waiting for heirs forever.
   */
  private openInheritanceClaims(member: string, accounts: MemberAccount[], hash: string, now: Date): string[] {
    const ids: string[] = [];
    for (const account of accounts) {
      if (account.status === "Closed") continue;
      const open = this.repo.inheritanceClaimOf(account.accountId);
      if (open && open.status !== "rejected") {
        ids.push(open.id);
        continue;
      }
      const id = randomUUID();
      const empty = account.balance !== undefined && account.balance <= 0n;
      this.repo.insertClaim(
        {
          id, kind: "inheritance", member, accountId: account.accountId, planCode: account.kind === "EnterpriseAnnuity" ? account.plan : null, event: "death",
          payoutMode: null, parameter: null, status: empty ? "rejected" : "awaitingHeirs", rule: empty ? "ZERO_BALANCE" : null,
          message: empty ? NOTHING_TO_INHERIT.en : null, messageZh: empty ? NOTHING_TO_INHERIT.zh : null, decidedBy: empty ? "rules" : null,
          evidenceHash: hash, operationId: null, attestedAt: null, submittedAt: now.toISOString(), decidedAt: empty ? now.toISOString() : null,
        },
        now.toISOString(),
      );
      ids.push(id);
    }
    return ids;
  }

  private async awaitOperations(records: RecordReport[]): Promise<void> {
    const ids = records.flatMap((r) => [r.revokeOperationId, r.operationId].filter((x): x is string => x !== undefined));
    const finals = new Map<string, Awaited<ReturnType<ServiceDeps["pipeline"]["waitForFinal"]>>>();
    await Promise.all(ids.map(async (id) => finals.set(id, await this.deps.pipeline.waitForFinal(id, this.deps.waitTimeoutMs))));
    for (const r of records) {
      if (!r.operationId || r.outcome === "duplicate") continue;
      const revoke = r.revokeOperationId ? finals.get(r.revokeOperationId) : undefined;
      const op = finals.get(r.operationId)!;
      const failed = revoke?.state === "failed" ? revoke : op.state === "failed" ? op : undefined;
      r.state = failed ? "failed" : op.state;
      if (failed?.error) r.error = { code: failed.error.code, message: failed.error.message };
      // The ledger refused to revoke the corrected attestation: the correction did not happen.
      if (revoke?.state === "failed" && r.outcome === "corrected") {
        r.outcome = "rejected";
        r.field = IN_USE.field;
        r.reason = revoke.error?.code === "ELIGIBILITY_IN_USE" ? IN_USE.reason : `the ledger refused to revoke the corrected attestation (${revoke.error?.code ?? "TRANSACTION_REVERTED"})`;
      }
    }
  }
}
