/**
 * The tables of issue 5 (migration 2): ingested social-security notifications, their batch reports, benefit and
 * inheritance claims, and the heirs (personal data encrypted, see heirVault.ts). Only pseudonyms, hashes and
 * encrypted values are stored; amounts are decimal TEXT.
 */
import type { Database } from "../../store/database.js";
import { toJson } from "../../store/json.js";
import type { PayoutModeName, QualifyingEventName } from "../../domain/ledgerTypes.js";

export interface NotificationRow {
  evidenceHash: string;
  certificateNumber: string;
  member: string;
  event: QualifyingEventName;
  effectiveDate: string;
  gender: "male" | "female" | null;
  originalRetirementAge: 50 | 55 | null;
  correctsCertificateNumber: string | null;
  status: "active" | "revoked";
  operationId: string | null;
  revokeOperationId: string | null;
  source: string;
  receivedAt: string;
}

export type ClaimKind = "benefit" | "inheritance";
export type ClaimStatus = "pending" | "review" | "approved" | "rejected" | "awaitingHeirs";

export interface ClaimRow {
  id: string;
  kind: ClaimKind;
  member: string;
  accountId: string;
  planCode: string | null;
  event: QualifyingEventName;
  payoutMode: PayoutModeName | null;
  parameter: string | null;
  status: ClaimStatus;
  rule: string | null;
  message: string | null;
  messageZh: string | null;
  decidedBy: "rules" | "operator" | null;
  evidenceHash: string | null;
  operationId: string | null;
  escalations: number;
  attestedAt: string | null;
  submittedAt: string;
  decidedAt: string | null;
  firstPaymentAt: string | null;
  firstPayoutId: number | null;
  firstPaymentTx: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface HeirRow {
  claimId: string;
  position: number;
  heirRef: string;
  idLookup: string;
  residentIdEnc: string;
  nameEnc: string;
  bankCardEnc: string;
  shareBps: number;
}

const LIVE_JOIN = "LEFT JOIN operations o ON o.id = n.operation_id LEFT JOIN operations r ON r.id = n.revoke_operation_id";
const LIVE = "(o.state IS NULL OR o.state != 'failed') AND (n.status = 'active' OR r.state = 'failed')";

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
function fromRow<T>(row: Record<string, unknown> | undefined): T | undefined {
  if (!row) return undefined;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T;
}

export class ClaimsRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  // ── notifications ──

  notificationByHash(evidenceHash: string): NotificationRow | undefined {
    return fromRow(this.db.prepare("SELECT * FROM ss_notifications WHERE evidence_hash = ?").get(evidenceHash.toLowerCase()) as Record<string, unknown>);
  }

  notificationByCertificate(certificateNumber: string): NotificationRow | undefined {
    return fromRow(this.db.prepare("SELECT * FROM ss_notifications WHERE certificate_number = ?").get(certificateNumber) as Record<string, unknown>);
  }

  /**
   * The member's standing notification of an event (the latest): its attestation not refused by the ledger, and
   * not revoked — a revocation the ledger refused (EligibilityInUse) leaves it standing.
   */
  activeNotification(member: string, event: QualifyingEventName): NotificationRow | undefined {
    return fromRow(
      this.db
        .prepare(`SELECT n.* FROM ss_notifications n ${LIVE_JOIN} WHERE n.member = ? AND n.event = ? AND ${LIVE} ORDER BY n.received_at DESC, n.rowid DESC LIMIT 1`)
        .get(member.toLowerCase(), event) as Record<string, unknown>,
    );
  }

  /** Whether a notification stands (see {@link activeNotification}). */
  isLive(evidenceHash: string): boolean {
    return this.db.prepare(`SELECT 1 FROM ss_notifications n ${LIVE_JOIN} WHERE n.evidence_hash = ? AND ${LIVE}`).get(evidenceHash.toLowerCase()) !== undefined;
  }

  insertNotification(n: Omit<NotificationRow, "status" | "revokeOperationId" | "operationId">): void {
    this.db
      .prepare(
        `INSERT INTO ss_notifications (evidence_hash, certificate_number, member, event, effective_date, gender, original_retirement_age,
         corrects_certificate_number, status, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
      )
      .run(n.evidenceHash.toLowerCase(), n.certificateNumber, n.member.toLowerCase(), n.event, n.effectiveDate, n.gender, n.originalRetirementAge,
        n.correctsCertificateNumber, n.source, n.receivedAt);
  }

  setNotificationOperation(evidenceHash: string, operationId: string): void {
    this.db.prepare("UPDATE ss_notifications SET operation_id = ? WHERE evidence_hash = ?").run(operationId, evidenceHash.toLowerCase());
  }

  revokeNotification(evidenceHash: string, revokeOperationId: string | null): void {
    this.db
      .prepare("UPDATE ss_notifications SET status = 'revoked', revoke_operation_id = COALESCE(?, revoke_operation_id) WHERE evidence_hash = ?")
      .run(revokeOperationId, evidenceHash.toLowerCase());
  }

  /** A record whose attestation the ledger refused, sent again: it stands again. */
  reactivateNotification(evidenceHash: string): void {
    this.db.prepare("UPDATE ss_notifications SET status = 'active' WHERE evidence_hash = ?").run(evidenceHash.toLowerCase());
  }

  saveBatch(batch: { id: string; source: string; receivedAt: string; report: unknown }): void {
    this.db
      .prepare("INSERT INTO ss_batches (id, source, received_at, report_json) VALUES (?, ?, ?, ?)")
      .run(batch.id, batch.source, batch.receivedAt, toJson(batch.report));
  }

  // ── claims ──

  insertClaim(c: Omit<ClaimRow, "escalations" | "firstPaymentAt" | "firstPayoutId" | "firstPaymentTx" | "createdAt" | "updatedAt">, now: string): void {
    this.db
      .prepare(
        `INSERT INTO claims (id, kind, member, account_id, plan_code, event, payout_mode, parameter, status, rule, message, message_zh,
         decided_by, evidence_hash, operation_id, attested_at, submitted_at, decided_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.kind, c.member.toLowerCase(), c.accountId.toLowerCase(), c.planCode, c.event, c.payoutMode, c.parameter, c.status, c.rule,
        c.message, c.messageZh, c.decidedBy, c.evidenceHash, c.operationId, c.attestedAt, c.submittedAt, c.decidedAt, now, now);
  }

  claim(id: string): ClaimRow | undefined {
    return fromRow(this.db.prepare("SELECT * FROM claims WHERE id = ?").get(id) as Record<string, unknown>);
  }

  claimsWithStatus(...statuses: ClaimStatus[]): ClaimRow[] {
    const marks = statuses.map(() => "?").join(",");
    return (this.db.prepare(`SELECT * FROM claims WHERE status IN (${marks}) ORDER BY created_at, id`).all(...statuses) as Record<string, unknown>[])
      .map((r) => fromRow<ClaimRow>(r)!);
  }

  /** Approved claims whose first payment is not yet seen. */
  claimsAwaitingFirstPayment(): ClaimRow[] {
    return (this.db.prepare("SELECT * FROM claims WHERE status = 'approved' AND first_payment_at IS NULL ORDER BY created_at").all() as Record<string, unknown>[])
      .map((r) => fromRow<ClaimRow>(r)!);
  }

  /** A benefit claim on the account still waiting for a decision (pending or in manual review). */
  openClaimOf(accountId: string): ClaimRow | undefined {
    return fromRow(
      this.db
        .prepare("SELECT * FROM claims WHERE kind = 'benefit' AND account_id = ? AND status IN ('pending', 'review') ORDER BY created_at LIMIT 1")
        .get(accountId.toLowerCase()) as Record<string, unknown>,
    );
  }

  inheritanceClaimOf(accountId: string): ClaimRow | undefined {
    return fromRow(
      this.db
        .prepare("SELECT * FROM claims WHERE kind = 'inheritance' AND account_id = ? ORDER BY created_at DESC LIMIT 1")
        .get(accountId.toLowerCase()) as Record<string, unknown>,
    );
  }

  updateClaim(
    id: string,
    change: Partial<Pick<ClaimRow, "status" | "rule" | "message" | "messageZh" | "decidedBy" | "operationId" | "decidedAt" | "attestedAt" | "parameter" | "evidenceHash" | "planCode">>,
    now: string,
  ): void {
    const columns = Object.keys(change).map((k) => `${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} = ?`);
    if (columns.length === 0) return;
    this.db
      .prepare(`UPDATE claims SET ${columns.join(", ")}, updated_at = ? WHERE id = ?`)
      .run(...(Object.values(change) as (string | number | null)[]), now, id);
  }

  escalate(id: string, now: string): void {
    this.db.prepare("UPDATE claims SET escalations = escalations + 1, updated_at = ? WHERE id = ?").run(now, id);
  }

  recordFirstPayment(id: string, p: { at: string; payoutId: number; txHash: string }): void {
    this.db
      .prepare("UPDATE claims SET first_payment_at = ?, first_payout_id = ?, first_payment_tx = ?, updated_at = ? WHERE id = ? AND first_payment_at IS NULL")
      .run(p.at, p.payoutId, p.txHash, p.at, id);
  }

  // ── heirs ──

  insertHeirs(heirs: HeirRow[]): void {
    const insert = this.db.prepare(
      `INSERT INTO claim_heirs (claim_id, position, heir_ref, id_lookup, resident_id_enc, name_enc, bank_card_enc, share_bps)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const h of heirs) insert.run(h.claimId, h.position, h.heirRef, h.idLookup, h.residentIdEnc, h.nameEnc, h.bankCardEnc, h.shareBps);
  }

  heirsOf(claimId: string): HeirRow[] {
    return (this.db.prepare("SELECT * FROM claim_heirs WHERE claim_id = ? ORDER BY position").all(claimId) as Record<string, unknown>[])
      .map((r) => fromRow<HeirRow>(r)!);
  }

  heirByRef(heirRef: string): HeirRow | undefined {
    return fromRow(this.db.prepare("SELECT * FROM claim_heirs WHERE heir_ref = ?").get(heirRef.toLowerCase()) as Record<string, unknown>);
  }

  heirsByLookup(idLookup: string): HeirRow[] {
    return (this.db.prepare("SELECT * FROM claim_heirs WHERE id_lookup = ?").all(idLookup) as Record<string, unknown>[]).map((r) => fromRow<HeirRow>(r)!);
  }

  // ── event index reads (H2's tables, read only) ──

  accountsOfMember(member: string): { accountId: string; plan: string; kind: "PersonalPension" | "EnterpriseAnnuity"; status: string }[] {
    return (this.db
      .prepare("SELECT account_id, plan, kind, status FROM idx_accounts WHERE member = ? ORDER BY opened_block, account_id")
      .all(member.toLowerCase()) as { account_id: string; plan: string; kind: "PersonalPension" | "EnterpriseAnnuity"; status: string }[])
      .map((r) => ({ accountId: r.account_id, plan: r.plan, kind: r.kind, status: r.status }));
  }

  /** The annuity accounts the gateway enrolled the member in (its enrolMember operations not refused by the ledger). */
  enrolledPlansOf(member: string): string[] {
    return (this.db
      .prepare("SELECT DISTINCT json_extract(request_json, '$.plan') AS plan FROM operations WHERE kind = 'enrolMember' AND state != 'failed' AND lower(json_extract(request_json, '$.member')) = ?")
      .all(member.toLowerCase()) as { plan: string }[]).map((r) => r.plan.toLowerCase());
  }

  /** Whether a settlement run reference is taken: by an operation not refused by the ledger, or a run on chain. */
  settlementRunRefUsed(runRef: string): boolean {
    const ref = runRef.toLowerCase();
    return this.db
      .prepare(
        `SELECT 1 FROM operations WHERE kind = 'settlePayouts' AND state != 'failed' AND lower(json_extract(request_json, '$.runRef')) = ?
         UNION ALL SELECT 1 FROM idx_settlement_runs WHERE lower(run_ref) = ? LIMIT 1`,
      )
      .get(ref, ref) !== undefined;
  }

  /** Payouts settled on an account (the index's PayoutSettled events), oldest first. */
  payoutsOfAccount(accountId: string): IndexedPayout[] {
    return (this.db
      .prepare("SELECT * FROM idx_payouts WHERE account_id = ? ORDER BY payout_id")
      .all(accountId.toLowerCase()) as Record<string, unknown>[]).map(payoutFromRow);
  }

  payoutsToPayees(payees: string[]): IndexedPayout[] {
    if (payees.length === 0) return [];
    const marks = payees.map(() => "?").join(",");
    return (this.db
      .prepare(`SELECT * FROM idx_payouts WHERE payee IN (${marks}) ORDER BY payout_id`)
      .all(...payees.map((p) => p.toLowerCase())) as Record<string, unknown>[]).map(payoutFromRow);
  }

  payoutsInBlocks(fromBlock: number, toBlock: number): IndexedPayout[] {
    return (this.db
      .prepare("SELECT * FROM idx_payouts WHERE block_number BETWEEN ? AND ? ORDER BY payout_id")
      .all(fromBlock, toBlock) as Record<string, unknown>[]).map(payoutFromRow);
  }

  allPayouts(): IndexedPayout[] {
    return (this.db.prepare("SELECT * FROM idx_payouts ORDER BY payout_id").all() as Record<string, unknown>[]).map(payoutFromRow);
  }

  personalContributionsInYear(accountId: string, year: number): { txHash: string; logIndex: number; blockNumber: number; bankRef: string; amount: bigint }[] {
    return (this.db
      .prepare(
        "SELECT tx_hash, log_index, block_number, bank_ref, amount FROM idx_contributions WHERE account_id = ? AND kind = 'personal' AND year = ? ORDER BY block_number, log_index",
      )
      .all(accountId.toLowerCase(), year) as { tx_hash: string; log_index: number; block_number: number; bank_ref: string; amount: string }[])
      .map((r) => ({ txHash: r.tx_hash, logIndex: r.log_index, blockNumber: r.block_number, bankRef: r.bank_ref, amount: BigInt(r.amount) }));
  }
}

export interface IndexedPayout {
  payoutId: number;
  accountId: string;
  runId: number;
  payee: string;
  gross: bigint;
  tax: bigint;
  net: bigint;
  status: string;
  blockNumber: number;
  txHash: string;
}

function payoutFromRow(r: Record<string, unknown>): IndexedPayout {
  return {
    payoutId: Number(r.payout_id),
    accountId: String(r.account_id),
    runId: Number(r.run_id),
    payee: String(r.payee),
    gross: BigInt(r.gross as string),
    tax: BigInt(r.tax as string),
    net: BigInt(r.net as string),
    status: String(r.status),
    blockNumber: Number(r.block_number),
    txHash: String(r.tx_hash),
  };
}
