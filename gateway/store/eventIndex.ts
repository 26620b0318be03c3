/**
 * The event index: what the chain's events say, in tables the gateway and auditors query. Rows are keyed by
 * (transaction, log index) so a replayed range writes nothing twice; `rollbackAbove` drops every row of
 * blocks the chain no longer has.
 */
import type { Database } from "./database.js";

export interface EventPosition {
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
}

export interface IndexedAccount {
  accountId: string;
  member: string;
  plan: string;
  kind: "PersonalPension" | "EnterpriseAnnuity";
  status: string;
}

interface PayoutRow {
  payout_id: number; account_id: string; run_id: number; payee: string; gross: string; tax: string; net: string; status: string;
}
function payoutFromRow(r: PayoutRow) {
  return {
    payoutId: BigInt(r.payout_id), accountId: r.account_id, runId: r.run_id, payee: r.payee, gross: BigInt(r.gross), tax: BigInt(r.tax),
    net: BigInt(r.net), status: r.status,
  };
}

const BLOCK_TABLES = [
  "idx_events", "idx_account_status", "idx_contributions", "idx_returns", "idx_eligibility", "idx_payout_plans",
  "idx_settlement_runs", "idx_ledger_operations",
] as const;

export class EventIndexRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  recordEvent(at: EventPosition, name: string, argsJson: string): boolean {
    const result = this.db
      .prepare("INSERT OR IGNORE INTO idx_events (block_number, block_hash, tx_hash, log_index, name, args_json) VALUES (?, ?, ?, ?, ?, ?)")
      .run(at.blockNumber, at.blockHash, at.txHash, at.logIndex, name, argsJson);
    return result.changes > 0;
  }

  accountOpened(at: EventPosition, a: { accountId: string; member: string; plan: string; kind: IndexedAccount["kind"] }): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO idx_accounts (account_id, member, plan, kind, status, opened_block, opened_tx)
         VALUES (?, ?, ?, ?, 'Active', ?, ?)`,
      )
      .run(a.accountId, a.member, a.plan, a.kind, at.blockNumber, at.txHash);
  }

  accountStatusChanged(at: EventPosition, accountId: string, from: string, to: string, reasonCode: string): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO idx_account_status (tx_hash, log_index, block_number, account_id, from_status, to_status, reason_code)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(at.txHash, at.logIndex, at.blockNumber, accountId, from, to, reasonCode);
    this.db.prepare("UPDATE idx_accounts SET status = ? WHERE account_id = ?").run(to, accountId);
  }

  planCreated(at: EventPosition, plan: string, employer: string, vesting: number[]): void {
    this.db
      .prepare("INSERT OR IGNORE INTO idx_plans (plan, employer, vesting_json, block_number, tx_hash) VALUES (?, ?, ?, ?, ?)")
      .run(plan, employer, JSON.stringify(vesting), at.blockNumber, at.txHash);
  }

  contribution(at: EventPosition, c: { accountId: string; bankRef: string; kind: "personal" | "annuity"; amount: bigint; employerAmount: bigint; employeeAmount: bigint; year: number | null }): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO idx_contributions (tx_hash, log_index, block_number, account_id, bank_ref, kind, amount, employer_amount, employee_amount, year)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(at.txHash, at.logIndex, at.blockNumber, c.accountId, c.bankRef, c.kind, c.amount.toString(), c.employerAmount.toString(),
        c.employeeAmount.toString(), c.year);
  }

  returnCredited(at: EventPosition, accountId: string, batchRef: string, amount: bigint): void {
    this.db
      .prepare("INSERT OR IGNORE INTO idx_returns (tx_hash, log_index, block_number, account_id, batch_ref, amount) VALUES (?, ?, ?, ?, ?, ?)")
      .run(at.txHash, at.logIndex, at.blockNumber, accountId, batchRef, amount.toString());
  }

  eligibility(at: EventPosition, e: { member: string; qualifyingEvent: number; action: "recorded" | "revoked"; effectiveDate?: number; evidenceHash?: string; reason?: string }): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO idx_eligibility (tx_hash, log_index, block_number, member, qualifying_event, action, effective_date, evidence_hash, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(at.txHash, at.logIndex, at.blockNumber, e.member, e.qualifyingEvent, e.action, e.effectiveDate ?? null, e.evidenceHash ?? null, e.reason ?? null);
  }

  payoutPlanStarted(at: EventPosition, accountId: string, qualifyingEvent: number, mode: number, parameter: bigint): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO idx_payout_plans (tx_hash, log_index, block_number, account_id, qualifying_event, mode, parameter)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(at.txHash, at.logIndex, at.blockNumber, accountId, qualifyingEvent, mode, parameter.toString());
  }

  payoutSettled(at: EventPosition, p: { payoutId: bigint; accountId: string; runId: bigint; payee: string; gross: bigint; tax: bigint; net: bigint }): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO idx_payouts (payout_id, account_id, run_id, payee, gross, tax, net, status, block_number, tx_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'Settled', ?, ?)`,
      )
      .run(Number(p.payoutId), p.accountId, Number(p.runId), p.payee, p.gross.toString(), p.tax.toString(), p.net.toString(), at.blockNumber, at.txHash);
  }

  payoutResult(at: EventPosition, payoutId: bigint, status: "Paid" | "Failed"): void {
    this.db.prepare("UPDATE idx_payouts SET status = ?, status_block = ? WHERE payout_id = ?").run(status, at.blockNumber, Number(payoutId));
  }

  settlementRun(at: EventPosition, r: { runId: bigint; runRef: string; payouts: bigint; merkleRoot: string }): void {
    this.db
      .prepare("INSERT OR IGNORE INTO idx_settlement_runs (run_id, run_ref, payouts, merkle_root, block_number, tx_hash) VALUES (?, ?, ?, ?, ?, ?)")
      .run(Number(r.runId), r.runRef, Number(r.payouts), r.merkleRoot, at.blockNumber, at.txHash);
  }

  ledgerOperation(at: EventPosition, o: { sequence: bigint; selector: string; dataHash: string; runningHash: string }): void {
    this.db
      .prepare(
        "INSERT OR IGNORE INTO idx_ledger_operations (sequence, selector, data_hash, running_hash, block_number, tx_hash) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(Number(o.sequence), o.selector, o.dataHash, o.runningHash, at.blockNumber, at.txHash);
  }

  /** Drops everything indexed from blocks above `blockNumber`, and recomputes what derived from them. */
  rollbackAbove(blockNumber: number): void {
    for (const table of BLOCK_TABLES) this.db.prepare(`DELETE FROM ${table} WHERE block_number > ?`).run(blockNumber);
    this.db.prepare("DELETE FROM idx_accounts WHERE opened_block > ?").run(blockNumber);
    this.db.prepare("DELETE FROM idx_plans WHERE block_number > ?").run(blockNumber);
    this.db.prepare("DELETE FROM idx_payouts WHERE block_number > ?").run(blockNumber);
    this.db.prepare("UPDATE idx_payouts SET status = 'Settled', status_block = NULL WHERE status_block > ?").run(blockNumber);
    // An account's status is the last change still on chain, or Active.
    this.db.exec(`UPDATE idx_accounts SET status = COALESCE((SELECT to_status FROM idx_account_status s
      WHERE s.account_id = idx_accounts.account_id ORDER BY block_number DESC, log_index DESC LIMIT 1), 'Active')`);
  }

  account(accountId: string): IndexedAccount | undefined {
    const row = this.db.prepare("SELECT account_id, member, plan, kind, status FROM idx_accounts WHERE account_id = ?").get(accountId.toLowerCase()) as
      | { account_id: string; member: string; plan: string; kind: IndexedAccount["kind"]; status: string }
      | undefined;
    return row ? { accountId: row.account_id, member: row.member, plan: row.plan, kind: row.kind, status: row.status } : undefined;
  }

  accountsWithStatus(status: string): string[] {
    return (this.db.prepare("SELECT account_id FROM idx_accounts WHERE status = ? ORDER BY opened_block, account_id").all(status) as { account_id: string }[])
      .map((r) => r.account_id);
  }

  contributionsOf(accountId: string): { txHash: string; blockNumber: number; bankRef: string; kind: string; amount: string; year: number | null }[] {
    return (this.db
      .prepare("SELECT tx_hash, block_number, bank_ref, kind, amount, year FROM idx_contributions WHERE account_id = ? ORDER BY block_number, log_index")
      .all(accountId.toLowerCase()) as { tx_hash: string; block_number: number; bank_ref: string; kind: string; amount: string; year: number | null }[])
      .map((r) => ({ txHash: r.tx_hash, blockNumber: r.block_number, bankRef: r.bank_ref, kind: r.kind, amount: r.amount, year: r.year }));
  }

  /** A settled payout and its run (from PayoutSettled). */
  payout(payoutId: bigint): { payoutId: bigint; accountId: string; runId: number; payee: string; gross: bigint; tax: bigint; net: bigint; status: string } | undefined {
    const row = this.db.prepare("SELECT * FROM idx_payouts WHERE payout_id = ?").get(Number(payoutId)) as PayoutRow | undefined;
    return row ? payoutFromRow(row) : undefined;
  }

  payoutsOfRun(runId: number) {
    return (this.db.prepare("SELECT * FROM idx_payouts WHERE run_id = ? ORDER BY payout_id").all(runId) as unknown as PayoutRow[]).map(payoutFromRow);
  }

  settlementRunOf(runId: number): { runId: number; payouts: number; merkleRoot: string } | undefined {
    const row = this.db.prepare("SELECT run_id, payouts, merkle_root FROM idx_settlement_runs WHERE run_id = ?").get(runId) as
      | { run_id: number; payouts: number; merkle_root: string }
      | undefined;
    return row ? { runId: row.run_id, payouts: row.payouts, merkleRoot: row.merkle_root } : undefined;
  }

  countOf(table: "idx_events" | "idx_contributions" | "idx_accounts" | "idx_ledger_operations"): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  lastLedgerOperation(): { sequence: number; runningHash: string } | undefined {
    const row = this.db.prepare("SELECT sequence, running_hash FROM idx_ledger_operations ORDER BY sequence DESC LIMIT 1").get() as
      | { sequence: number; running_hash: string }
      | undefined;
    return row ? { sequence: row.sequence, runningHash: row.running_hash } : undefined;
  }
}
