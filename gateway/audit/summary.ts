/**
 * The system page's figures for the operator and the auditor: accounts, this month's contributions and payouts
 * (CST calendar month, by block time), claims by state, outbox depth, index lag and the last verification.
 */
import { formatFen } from "../domain/money.js";
import type { Caller } from "../services/context.js";
import type { Store } from "../store/index.js";
import type { AuditIndex } from "./auditIndex.js";
import type { AuditChain } from "./chain.js";
import { cstDateToUnix } from "./entries.js";
import type { LedgerVerifier, VerificationResult } from "./verification.js";

export interface SystemSummary {
  accounts: { total: number; byKind: Record<string, number>; byStatus: Record<string, number> };
  month: string;
  contributionsThisMonth: { count: number; totalFen: string; total: string };
  payoutsThisMonth: { count: number; grossFen: string; taxFen: string; netFen: string; gross: string; tax: string; net: string };
  /** Claims by state, when the gateway keeps claims (null otherwise, with `claimsNote`). */
  claimsByState: Record<string, number> | null;
  claimsNote?: string;
  outboxDepth: number;
  index: { indexedBlock: number | null; headBlock: number | null; lagBlocks: number | null; operations: number };
  chain: { operationCount: number | null; runningHash: string | null };
  lastVerification: VerificationResult | null;
}

const CST_OFFSET_MS = 8 * 3600_000;

export class AuditSummaryService {
  constructor(
    private readonly store: Store,
    private readonly chain: AuditChain,
    private readonly index: AuditIndex,
    private readonly verifier: LedgerVerifier,
    private readonly clock: () => Date,
  ) {}

  async getSystemSummary(caller: Caller): Promise<SystemSummary> {
    void caller;
    await this.index.sync();
    const db = this.store.database.db;
    const count = (sql: string, ...params: (string | number)[]) => (db.prepare(sql).get(...params) as { n: number }).n;
    const grouped = (sql: string) => Object.fromEntries((db.prepare(sql).all() as { k: string; n: number }[]).map((r) => [r.k, r.n]));

    const now = new Date(this.clock().getTime() + CST_OFFSET_MS);
    const month = now.toISOString().slice(0, 7);
    const from = cstDateToUnix(`${month}-01`);
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    const to = cstDateToUnix(next);

    const contributions = db
      .prepare(
        `SELECT c.amount FROM audit_entries e JOIN idx_contributions c ON c.tx_hash = e.tx_hash AND c.log_index = e.log_index
         WHERE e.type = 'contribution' AND e.block_time >= ? AND e.block_time < ?`,
      )
      .all(from, to) as { amount: string }[];
    const contributionTotal = contributions.reduce((sum, c) => sum + BigInt(c.amount), 0n);
    const payouts = db
      .prepare(
        `SELECT p.gross, p.tax, p.net FROM audit_entries e JOIN idx_payouts p ON p.tx_hash = e.tx_hash
           AND p.payout_id = CAST(json_extract((SELECT args_json FROM idx_events v WHERE v.tx_hash = e.tx_hash AND v.log_index = e.log_index), '$.payoutId') AS INTEGER)
         WHERE e.event = 'PayoutSettled' AND e.block_time >= ? AND e.block_time < ? AND p.status <> 'Failed'`,
      )
      .all(from, to) as { gross: string; tax: string; net: string }[];
    const sum = (k: "gross" | "tax" | "net") => payouts.reduce((s, p) => s + BigInt(p[k]), 0n);

    const hasClaims = count("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'claims'") > 0;
    let head: number | null = null;
    let chainState: { operationCount: number; runningHash: string } | null = null;
    try {
      [head, chainState] = await Promise.all([this.chain.headBlock(), this.chain.auditState()]);
    } catch {
      head = null;
    }
    const indexed = this.index.indexedBlock();
    return {
      accounts: {
        total: count("SELECT COUNT(*) AS n FROM idx_accounts"),
        byKind: grouped("SELECT kind AS k, COUNT(*) AS n FROM idx_accounts GROUP BY kind"),
        byStatus: grouped("SELECT status AS k, COUNT(*) AS n FROM idx_accounts GROUP BY status"),
      },
      month,
      contributionsThisMonth: { count: contributions.length, totalFen: contributionTotal.toString(), total: formatFen(contributionTotal) },
      payoutsThisMonth: {
        count: payouts.length, grossFen: sum("gross").toString(), taxFen: sum("tax").toString(), netFen: sum("net").toString(),
        gross: formatFen(sum("gross")), tax: formatFen(sum("tax")), net: formatFen(sum("net")),
      },
      claimsByState: hasClaims ? grouped("SELECT status AS k, COUNT(*) AS n FROM claims GROUP BY status") : null,
      ...(hasClaims ? {} : { claimsNote: "This gateway keeps no claims table." }),
      outboxDepth: count("SELECT COUNT(*) AS n FROM operations WHERE state IN ('pending', 'submitted')"),
      index: {
        indexedBlock: indexed,
        headBlock: head,
        lagBlocks: head === null ? null : Math.max(0, head - (indexed ?? this.chain.deploymentBlock - 1)),
        operations: count("SELECT COUNT(*) AS n FROM idx_ledger_operations"),
      },
      chain: { operationCount: chainState?.operationCount ?? null, runningHash: chainState?.runningHash ?? null },
      lastVerification: this.verifier.lastVerification(),
    };
  }
}
