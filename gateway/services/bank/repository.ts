/**
 * The bank adapter's tables (migration 4): processed bookings by dedup key, the suspense list, payroll files
 * awaiting the employer's money, produced payment-instruction files and reported payout results. Amounts are
 * integer fen as decimal TEXT. Synchronous (node:sqlite), so a caller can write these rows in the same
 * transaction as the outbox rows they belong to. No ID numbers, names or cards are stored here: payroll items
 * hold the member's pseudonym.
 */
import type { StatementSync } from "node:sqlite";
import type { Database } from "../../store/database.js";

export type ProcessedOutcome = "credited" | "released" | "held" | "suspense" | "creditFailed";

export interface ProcessedBooking {
  dedupKey: string;
  messageId: string;
  outcome: ProcessedOutcome;
  bankReference: string;
  amountFen: bigint | null;
  bookedAt: number | null;
  chainBankRef: string | null;
  operationId: string | null;
  payrollReference: string | null;
  suspenseId: string | null;
}

export type SuspenseStatus = "open" | "assigned" | "returnRequested";

export interface SuspenseRecord {
  id: string;
  dedupKey: string | null;
  messageId: string;
  account: string;
  bankReference: string | null;
  amountFen: bigint | null;
  amountText: string;
  currency: string;
  bookedAt: number | null;
  reason: { code: string; zh: string; en: string };
  status: SuspenseStatus;
  operationId: string | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
}

export interface PayrollItem {
  member: string;
  wageBase: string;
  employerAmount: string;
  employeeAmount: string;
}

export interface PayrollFileRecord {
  payrollReference: string;
  planCode: string;
  /** YYYYMM. */
  period: number;
  employer: string;
  totalFen: bigint;
  lineCount: number;
  items: PayrollItem[];
  status: "awaitingFunds" | "released";
  held: { dedupKey: string; amountFen: string; bookedAt: number; suspenseId: string }[];
  operationIds: string[];
  submittedAt: string;
  releasedAt: string | null;
}

export interface PaymentFileRecord {
  runId: number;
  messageId: string;
  fileName: string;
  version: string;
  payouts: number;
  controlSumFen: bigint;
  executionDate: string;
  createdAt: number;
}

export interface PayoutReportRecord {
  payoutId: number;
  runId: number;
  outcome: "paid" | "failed";
  statusCode: string;
  messageId: string;
  operationId: string;
  reportedAt: string;
}

type Row = Record<string, any>;
export interface OperationRow {
  id: string;
  kind: string;
  state: string;
}
const big = (v: unknown) => (v === null || v === undefined ? null : BigInt(v as string));

export class BankRepository {
  constructor(private readonly database: Database) {}

  private readonly statements = new Map<string, StatementSync>();

  private get db() {
    return this.database.db;
  }

  /** A prepared statement, prepared once (the payroll enrolment check runs one per line). */
  private statement(sql: string): StatementSync {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  // ── processed bookings ──

  /** The booking stored under this key: an alias row (another reference of the booking) gives its booking's row. */
  processed(dedupKey: string): ProcessedBooking | undefined {
    let r = this.statement("SELECT * FROM bank_processed_keys WHERE dedup_key = ?").get(dedupKey) as Row | undefined;
    if (r?.alias_of) r = (this.statement("SELECT * FROM bank_processed_keys WHERE dedup_key = ?").get(r.alias_of) as Row | undefined) ?? r;
    return r
      ? {
          dedupKey: r.dedup_key, messageId: r.message_id, outcome: r.outcome, bankReference: r.bank_reference, amountFen: big(r.amount_fen),
          bookedAt: r.booked_at, chainBankRef: r.chain_bank_ref, operationId: r.operation_id, payrollReference: r.payroll_reference,
          suspenseId: r.suspense_id,
        }
      : undefined;
  }

  isProcessed(dedupKey: string): boolean {
    return this.statement("SELECT 1 FROM bank_processed_keys WHERE dedup_key = ?").get(dedupKey) !== undefined;
  }

  /** Fails (primary key) if the key is there already: the last guard against crediting a booking twice. */
  recordProcessed(b: Omit<ProcessedBooking, "amountFen"> & { amountFen: bigint | null }, now: string): void {
    this
      .statement(
        `INSERT INTO bank_processed_keys (dedup_key, message_id, outcome, bank_reference, amount_fen, booked_at, chain_bank_ref, operation_id,
         payroll_reference, suspense_id, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(b.dedupKey, b.messageId, b.outcome, b.bankReference, b.amountFen?.toString() ?? null, b.bookedAt, b.chainBankRef, b.operationId,
        b.payrollReference, b.suspenseId, now);
  }

  /**
   * The booking's other keys (its other bank references), each pointing at the row of its dedup key. A key that is
   * there already is left as it is (the classifier and the re-check before the commit found none).
   */
  recordAliases(dedupKey: string, aliasKeys: readonly string[], now: string): void {
    const insert = this.statement(
      `INSERT OR IGNORE INTO bank_processed_keys (dedup_key, message_id, outcome, bank_reference, amount_fen, booked_at, chain_bank_ref, operation_id,
       payroll_reference, suspense_id, processed_at, alias_of)
       SELECT ?, message_id, outcome, bank_reference, amount_fen, booked_at, NULL, NULL, NULL, NULL, ?, dedup_key FROM bank_processed_keys WHERE dedup_key = ?`,
    );
    for (const key of aliasKeys) if (key !== dedupKey) insert.run(key, now, dedupKey);
  }

  /**
   * What the camt.054 path stored under a bank reference in any of its key kinds (`TX|ref`, `NTRY|ref|<i>`,
   * `E2E|ref`), aliases included: the JSON API refuses such a reference.
   */
  camtBookingOfReference(reference: string): ProcessedBooking | undefined {
    const r = this
      .statement(
        `SELECT dedup_key FROM bank_processed_keys WHERE dedup_key IN (?, ?) OR (dedup_key > ? AND dedup_key < ?) ORDER BY processed_at LIMIT 1`,
      )
      .get(`TX|${reference}`, `E2E|${reference}`, `NTRY|${reference}|`, `NTRY|${reference}}`) as Row | undefined;
    return r ? this.processed(r.dedup_key) : undefined;
  }

  /**
   * The JSON API's contribution operation (`contribute`, `contributeBatch`) under this chain bank reference that
   * has not failed (a refused one credited nothing), oldest first.
   */
  apiContributionOf(chainBankRef: string): OperationRow | undefined {
    const r = this
      .statement(
        `SELECT id, kind, state FROM operations WHERE json_extract(request_json, '$.bankRef') = ? AND kind IN ('contribute', 'contributeBatch')
         AND state <> 'failed' ORDER BY seq LIMIT 1`,
      )
      .get(chainBankRef.toLowerCase()) as Row | undefined;
    return r ? { id: r.id, kind: r.kind, state: r.state } : undefined;
  }

  markCreditFailed(dedupKey: string, suspenseId: string): void {
    this.statement("UPDATE bank_processed_keys SET outcome = 'creditFailed', suspense_id = ? WHERE dedup_key = ?").run(suspenseId, dedupKey);
  }

  /** A credit moved to the resubmission of its failed batch: its new operation and chain reference. */
  moveCredit(dedupKey: string, operationId: string, chainBankRef: string): void {
    this.statement("UPDATE bank_processed_keys SET operation_id = ?, chain_bank_ref = ? WHERE dedup_key = ? AND outcome = 'credited'")
      .run(operationId, chainBankRef, dedupKey);
  }

  /** The credits (outcome `credited`) that currently point at an operation. */
  creditsOfOperation(operationId: string): ProcessedBooking[] {
    const rows = this.statement("SELECT dedup_key FROM bank_processed_keys WHERE operation_id = ? AND outcome = 'credited' AND alias_of IS NULL").all(operationId) as Row[];
    return rows.map((r) => this.processed(r.dedup_key)!);
  }

  /**
   * Failed operations that credited bookings still point at (the ledger refused them: a cap, a frozen account, a
   * batch item), oldest first. A refusal because the chain already has the reference is not one: those bookings were
   * credited before (a resend that slipped past this table).
   */
  failedCreditOperations(): string[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT o.id, o.seq FROM bank_processed_keys k JOIN operations o ON o.id = k.operation_id
         WHERE k.outcome = 'credited' AND o.state = 'failed'
         AND COALESCE(json_extract(o.error_json, '$.code'), '') <> 'BANK_REFERENCE_ALREADY_USED' ORDER BY o.seq`,
      )
      .all() as Row[];
    return rows.map((r) => r.id as string);
  }

  /** Latest change among a signer's operations (the bank's camt.054 watchers stop when nothing moves any more). */
  lastOperationActivity(signer: string): string {
    const r = this.statement("SELECT MAX(updated_at) AS at FROM operations WHERE signer = ?").get(signer) as Row | undefined;
    return String(r?.at ?? "");
  }

  /** Members whose latest death attestation in the event index is not revoked. */
  deceasedMembers(): Set<string> {
    const rows = this.db
      .prepare("SELECT member, action FROM idx_eligibility WHERE qualifying_event = 4 ORDER BY block_number, log_index")
      .all() as Row[];
    const last = new Map<string, string>();
    for (const r of rows) last.set(String(r.member).toLowerCase(), r.action);
    return new Set([...last].filter(([, action]) => action === "recorded").map(([member]) => member));
  }

  /** Credits and payroll releases (with their operations' states checked by the caller). */
  bookings(outcomes: readonly ProcessedOutcome[]): ProcessedBooking[] {
    const rows = this.db
      .prepare(`SELECT dedup_key FROM bank_processed_keys WHERE alias_of IS NULL AND outcome IN (${outcomes.map(() => "?").join(", ")}) ORDER BY processed_at, dedup_key`)
      .all(...outcomes) as Row[];
    return rows.map((r) => this.processed(r.dedup_key)!);
  }

  // ── suspense ──

  insertSuspense(s: Omit<SuspenseRecord, "status" | "operationId" | "resolutionNote" | "resolvedBy" | "resolvedAt">): void {
    this
      .statement(
        `INSERT INTO bank_suspense (id, dedup_key, message_id, account, bank_reference, amount_fen, amount_text, currency, booked_at, reason_code,
         reason_zh, reason_en, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
      )
      .run(s.id, s.dedupKey, s.messageId, s.account, s.bankReference, s.amountFen?.toString() ?? null, s.amountText, s.currency, s.bookedAt,
        s.reason.code, s.reason.zh, s.reason.en, s.createdAt);
  }

  private suspenseOf(r: Row | undefined): SuspenseRecord | undefined {
    if (!r) return undefined;
    return {
      id: r.id, dedupKey: r.dedup_key, messageId: r.message_id, account: r.account, bankReference: r.bank_reference, amountFen: big(r.amount_fen),
      amountText: r.amount_text, currency: r.currency, bookedAt: r.booked_at, reason: { code: r.reason_code, zh: r.reason_zh, en: r.reason_en },
      status: r.status, operationId: r.operation_id, resolutionNote: r.resolution_note, resolvedBy: r.resolved_by, resolvedAt: r.resolved_at,
      createdAt: r.created_at,
    };
  }

  suspense(id: string): SuspenseRecord | undefined {
    return this.suspenseOf(this.db.prepare("SELECT * FROM bank_suspense WHERE id = ?").get(id) as Row | undefined);
  }

  listSuspense(status: SuspenseStatus | undefined, limit: number, offset: number): { items: SuspenseRecord[]; total: number } {
    const where = status ? "WHERE status = ?" : "";
    const args = status ? [status] : [];
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM bank_suspense ${where}`).get(...args) as { n: number }).n;
    const items = (this.db.prepare(`SELECT * FROM bank_suspense ${where} ORDER BY created_at, id LIMIT ? OFFSET ?`).all(...args, limit, offset) as Row[])
      .map((r) => this.suspenseOf(r)!);
    return { items, total };
  }

  resolveSuspense(id: string, status: "assigned" | "returnRequested", by: string, note: string | null, operationId: string | null, at: string): boolean {
    const result = this.db
      .prepare("UPDATE bank_suspense SET status = ?, resolved_by = ?, resolution_note = ?, operation_id = ?, resolved_at = ? WHERE id = ? AND status = 'open'")
      .run(status, by, note, operationId, at, id);
    return result.changes > 0;
  }

  /** Assigned entries whose contribution the ledger refused (the operation failed). */
  failedAssignments(): { suspenseId: string; operationId: string }[] {
    const rows = this.db
      .prepare(
        `SELECT s.id, s.operation_id FROM bank_suspense s JOIN operations o ON o.id = s.operation_id
         WHERE s.status = 'assigned' AND o.state = 'failed' ORDER BY s.created_at, s.id`,
      )
      .all() as Row[];
    return rows.map((r) => ({ suspenseId: r.id, operationId: r.operation_id }));
  }

  /** An assignment the ledger refused: the entry is open again, with the ledger's reason. */
  reopenSuspense(id: string, operationId: string, reason: { code: string; zh: string; en: string }, note: string, at: string): void {
    this.db
      .prepare(
        `UPDATE bank_suspense SET status = 'open', operation_id = NULL, resolved_by = NULL, resolved_at = NULL, resolution_note = ?,
         reason_code = ?, reason_zh = ?, reason_en = ? WHERE id = ? AND status = 'assigned' AND operation_id = ?`,
      )
      .run(`${note} (${at})`, reason.code, reason.zh, reason.en, id, operationId);
  }

  // ── payroll files ──

  payrollFile(reference: string): PayrollFileRecord | undefined {
    const r = this.db.prepare("SELECT * FROM bank_payroll_files WHERE payroll_reference = ?").get(reference) as Row | undefined;
    if (!r) return undefined;
    return {
      payrollReference: r.payroll_reference, planCode: r.plan_code, period: r.period, employer: r.employer, totalFen: BigInt(r.total_fen),
      lineCount: r.line_count, items: JSON.parse(r.items_json), status: r.status, held: JSON.parse(r.held_json),
      operationIds: JSON.parse(r.operation_ids_json), submittedAt: r.submitted_at, releasedAt: r.released_at,
    };
  }

  /** Stores a file awaiting funds; a file under the same reference still awaiting funds is replaced (a corrected file). */
  savePayrollFile(f: Omit<PayrollFileRecord, "status" | "held" | "operationIds" | "releasedAt">): void {
    this.db
      .prepare(
        `INSERT INTO bank_payroll_files (payroll_reference, plan_code, period, employer, total_fen, line_count, items_json, status, submitted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'awaitingFunds', ?)
         ON CONFLICT (payroll_reference) DO UPDATE SET plan_code = excluded.plan_code, period = excluded.period, employer = excluded.employer,
           total_fen = excluded.total_fen, line_count = excluded.line_count, items_json = excluded.items_json, submitted_at = excluded.submitted_at
         WHERE bank_payroll_files.status = 'awaitingFunds'`,
      )
      .run(f.payrollReference, f.planCode, f.period, f.employer, f.totalFen.toString(), f.lineCount, JSON.stringify(f.items), f.submittedAt);
  }

  markPayrollReleased(reference: string, operationIds: string[], at: string): void {
    this.db
      .prepare("UPDATE bank_payroll_files SET status = 'released', operation_ids_json = ?, released_at = ? WHERE payroll_reference = ?")
      .run(JSON.stringify(operationIds), at, reference);
  }

  /** A released file whose release the ledger refused entirely: open again for funds (and a corrected file). */
  reopenPayrollFile(reference: string): void {
    this.db
      .prepare("UPDATE bank_payroll_files SET status = 'awaitingFunds', operation_ids_json = '[]', released_at = NULL WHERE payroll_reference = ? AND status = 'released'")
      .run(reference);
  }

  /**
   * Bookings that released a payroll file (outcome `released`) one of whose chain batches failed for another
   * reason than the chain already having its reference, oldest first.
   */
  failedPayrollReleases(): { dedupKey: string; payrollReference: string }[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT k.dedup_key, k.payroll_reference, f.released_at FROM bank_processed_keys k
         JOIN bank_payroll_files f ON f.payroll_reference = k.payroll_reference AND f.status = 'released'
         JOIN json_each(f.operation_ids_json) j
         JOIN operations o ON o.id = j.value
         WHERE k.outcome = 'released' AND k.alias_of IS NULL AND o.state = 'failed'
         AND COALESCE(json_extract(o.error_json, '$.code'), '') <> 'BANK_REFERENCE_ALREADY_USED' ORDER BY f.released_at`,
      )
      .all() as Row[];
    return rows.map((r) => ({ dedupKey: r.dedup_key as string, payrollReference: r.payroll_reference as string }));
  }

  addPayrollHold(reference: string, hold: PayrollFileRecord["held"][number]): void {
    const file = this.payrollFile(reference);
    if (!file) return;
    this.db.prepare("UPDATE bank_payroll_files SET held_json = ? WHERE payroll_reference = ?").run(JSON.stringify([...file.held, hold]), reference);
  }

  // ── payment instruction files and payout results ──

  paymentFile(runId: number): PaymentFileRecord | undefined {
    const r = this.db.prepare("SELECT * FROM bank_payment_files WHERE run_id = ?").get(runId) as Row | undefined;
    return r ? this.paymentFileOf(r) : undefined;
  }

  paymentFileByMessageId(messageId: string): PaymentFileRecord | undefined {
    const r = this.db.prepare("SELECT * FROM bank_payment_files WHERE message_id = ?").get(messageId) as Row | undefined;
    return r ? this.paymentFileOf(r) : undefined;
  }

  paymentFiles(): PaymentFileRecord[] {
    return (this.db.prepare("SELECT * FROM bank_payment_files ORDER BY run_id").all() as Row[]).map((r) => this.paymentFileOf(r));
  }

  private paymentFileOf(r: Row): PaymentFileRecord {
    return {
      runId: r.run_id, messageId: r.message_id, fileName: r.file_name, version: r.version, payouts: r.payouts, controlSumFen: BigInt(r.control_sum_fen),
      executionDate: r.execution_date, createdAt: r.created_at,
    };
  }

  savePaymentFile(f: PaymentFileRecord): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO bank_payment_files (run_id, message_id, file_name, version, payouts, control_sum_fen, execution_date, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(f.runId, f.messageId, f.fileName, f.version, f.payouts, f.controlSumFen.toString(), f.executionDate, f.createdAt);
  }

  payoutReport(payoutId: number): PayoutReportRecord | undefined {
    const r = this.db.prepare("SELECT * FROM bank_payout_reports WHERE payout_id = ?").get(payoutId) as Row | undefined;
    return r
      ? { payoutId: r.payout_id, runId: r.run_id, outcome: r.outcome, statusCode: r.status_code, messageId: r.message_id, operationId: r.operation_id, reportedAt: r.reported_at }
      : undefined;
  }

  savePayoutReport(r: PayoutReportRecord): void {
    this.db
      .prepare("INSERT INTO bank_payout_reports (payout_id, run_id, outcome, status_code, message_id, operation_id, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(r.payoutId, r.runId, r.outcome, r.statusCode, r.messageId, r.operationId, r.reportedAt);
  }

  deletePayoutReport(payoutId: number, operationId: string): void {
    this.db.prepare("DELETE FROM bank_payout_reports WHERE payout_id = ? AND operation_id = ?").run(payoutId, operationId);
  }

  // ── event index reads the adapter needs ──

  indexedAccountStatus(accountId: string): string | undefined {
    const r = this.statement("SELECT status FROM idx_accounts WHERE account_id = ?").get(accountId.toLowerCase()) as Row | undefined;
    return r?.status;
  }

  planExists(plan: string): boolean {
    return this.statement("SELECT 1 FROM idx_plans WHERE plan = ?").get(plan.toLowerCase()) !== undefined;
  }

  accountMember(accountId: string): string | undefined {
    const r = this.db.prepare("SELECT member FROM idx_accounts WHERE account_id = ?").get(accountId.toLowerCase()) as Row | undefined;
    return r?.member;
  }

  settlementRun(runId: number): { runId: number; payouts: number; merkleRoot: string; blockNumber: number } | undefined {
    const r = this.db.prepare("SELECT run_id, payouts, merkle_root, block_number FROM idx_settlement_runs WHERE run_id = ?").get(runId) as Row | undefined;
    return r ? { runId: r.run_id, payouts: r.payouts, merkleRoot: r.merkle_root, blockNumber: r.block_number } : undefined;
  }

  payoutsOfRun(runId: number): IndexedPayout[] {
    return (this.db.prepare("SELECT * FROM idx_payouts WHERE run_id = ? ORDER BY payout_id").all(runId) as Row[]).map(payoutOf);
  }

  payout(payoutId: number): IndexedPayout | undefined {
    const r = this.db.prepare("SELECT * FROM idx_payouts WHERE payout_id = ?").get(payoutId) as Row | undefined;
    return r ? payoutOf(r) : undefined;
  }

  /** Heir name and card, still encrypted (decrypted by the heir vault). */
  heirSealed(heirRef: string): { nameEnc: string; bankCardEnc: string } | undefined {
    const r = this.db.prepare("SELECT name_enc, bank_card_enc FROM claim_heirs WHERE heir_ref = ?").get(heirRef.toLowerCase()) as Row | undefined;
    return r ? { nameEnc: r.name_enc, bankCardEnc: r.bank_card_enc } : undefined;
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
}

function payoutOf(r: Row): IndexedPayout {
  return {
    payoutId: r.payout_id, accountId: r.account_id, runId: r.run_id, payee: r.payee, gross: BigInt(r.gross), tax: BigInt(r.tax), net: BigInt(r.net),
    status: r.status,
  };
}
