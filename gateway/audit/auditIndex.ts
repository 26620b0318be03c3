/**
 * The audit's own part of the index (migration 2), kept in step with the event index by {@link AuditIndex.sync}:
 *  - `audit_operations`: per ledger operation, its transaction's input reduced to the ledger call (msg.data), the
 *    sender, the block time and the log index of its OperationRecorded event — fetched once from the chain node
 *    (one `eth_getBlockByNumber(n, true)` per block), so the running hash can be recomputed from the index alone;
 *  - `audit_entries`: per indexed event, the operation it belongs to (the OperationRecorded that follows it in the
 *    same transaction), its entry type, account and member, so an account's history is one indexed range scan.
 * Only operations at or below the listener's checkpoint are taken; after a chain rewind (the event index dropped
 * operations or replaced them) the rows from the first changed operation on are dropped and taken again.
 */
import type { Store } from "../store/index.js";
import type { AuditChain, BlockWithInputs } from "./chain.js";
import { EVENT_MEANINGS } from "./entries.js";
import { extractCalldata } from "./runningHash.js";

/** Operations taken per step (one SQLite transaction each). */
const STEP = 2000;
const BLOCK_FETCH_CONCURRENCY = 8;

interface IndexedOperation {
  sequence: number;
  selector: string;
  data_hash: string;
  tx_hash: string;
  block_number: number;
}

export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class AuditIndex {
  private running?: Promise<number>;

  constructor(private readonly store: Store, private readonly chain: AuditChain) {}

  private get db() {
    return this.store.database.db;
  }

  /** Brings the audit tables up to the listener's checkpoint. Concurrent callers share one run. Returns operations added. */
  sync(): Promise<number> {
    this.running ??= this.catchUp().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** The block the index (and so the audit) is complete up to. */
  indexedBlock(): number | null {
    return this.store.checkpoint.get()?.blockNumber ?? null;
  }

  lastSequence(): number {
    return (this.db.prepare("SELECT COALESCE(MAX(sequence), 0) AS s FROM audit_operations").get() as { s: number }).s;
  }

  private dropRewound(): void {
    const last = this.db.prepare("SELECT sequence, tx_hash FROM audit_operations ORDER BY sequence DESC LIMIT 1").get() as
      | { sequence: number; tx_hash: string }
      | undefined;
    if (!last) return;
    const indexed = this.db.prepare("SELECT tx_hash FROM idx_ledger_operations WHERE sequence = ?").get(last.sequence) as { tx_hash: string } | undefined;
    if (indexed && indexed.tx_hash.toLowerCase() === last.tx_hash) return;
    const first = (this.db
      .prepare(
        `SELECT MIN(a.sequence) AS s FROM audit_operations a LEFT JOIN idx_ledger_operations o ON o.sequence = a.sequence
         WHERE o.tx_hash IS NULL OR lower(o.tx_hash) != a.tx_hash`,
      )
      .get() as { s: number | null }).s;
    if (first === null) return;
    this.store.transaction(() => {
      this.db.prepare("DELETE FROM audit_operations WHERE sequence >= ?").run(first);
      this.db.prepare("DELETE FROM audit_entries WHERE sequence >= ?").run(first);
    });
  }

  private async catchUp(): Promise<number> {
    let added = 0;
    for (;;) {
      const checkpoint = this.store.checkpoint.get();
      if (!checkpoint) return added;
      this.dropRewound();
      const ops = this.db
        .prepare(
          `SELECT sequence, selector, data_hash, tx_hash, block_number FROM idx_ledger_operations
           WHERE sequence > ? AND block_number <= ? ORDER BY sequence LIMIT ?`,
        )
        .all(this.lastSequence(), checkpoint.blockNumber, STEP) as unknown as IndexedOperation[];
      if (ops.length === 0) return added;
      const blockNumbers = [...new Set(ops.map((o) => o.block_number))];
      const blocks = new Map<number, BlockWithInputs>();
      for (const block of await mapWithConcurrency(blockNumbers, BLOCK_FETCH_CONCURRENCY, (n) => this.chain.blockWithInputs(n))) {
        if (block) blocks.set(block.number, block);
      }
      this.store.transaction(() => this.take(ops, blocks));
      added += ops.length;
      if (ops.length < STEP) return added;
    }
  }

  private take(ops: IndexedOperation[], blocks: Map<number, BlockWithInputs>): void {
    const insertOperation = this.db.prepare(
      "INSERT OR REPLACE INTO audit_operations (sequence, tx_hash, log_index, block_number, block_time, sender, calldata) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    const insertEntry = this.db.prepare(
      `INSERT OR REPLACE INTO audit_entries (tx_hash, log_index, sequence, block_number, block_time, type, event, account_id, member, has_tax)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const eventsOfTx = this.db.prepare("SELECT log_index, name, args_json FROM idx_events WHERE tx_hash = ? ORDER BY log_index");
    const memberOf = this.db.prepare("SELECT member FROM idx_accounts WHERE account_id = ?");
    const byTx = new Map<string, IndexedOperation[]>();
    for (const op of ops) {
      const list = byTx.get(op.tx_hash) ?? [];
      list.push(op);
      byTx.set(op.tx_hash, list);
    }
    for (const [txHash, txOps] of byTx) {
      const block = blocks.get(txOps[0]!.block_number);
      const tx = block?.transactions.find((t) => t.hash === txHash.toLowerCase());
      const events = eventsOfTx.all(txHash) as { log_index: number; name: string; args_json: string }[];
      // Each operation's OperationRecorded closes it: the events before it (since the previous one) are its own.
      const closing = new Map<number, number>();
      for (const e of events) {
        if (e.name !== "OperationRecorded") continue;
        const sequence = Number((JSON.parse(e.args_json) as { sequence: string }).sequence);
        closing.set(sequence, e.log_index);
      }
      const opLogs = txOps
        .map((op) => ({ op, logIndex: closing.get(op.sequence) ?? Number.MAX_SAFE_INTEGER }))
        .sort((a, b) => a.logIndex - b.logIndex);
      for (const { op, logIndex } of opLogs) {
        const calldata = tx ? extractCalldata(tx.input, tx.to, this.chain.ledgerAddress, op.selector, op.data_hash) : null;
        insertOperation.run(op.sequence, txHash.toLowerCase(), logIndex === Number.MAX_SAFE_INTEGER ? -1 : logIndex, op.block_number,
          block?.timestamp ?? 0, tx?.from ?? "", calldata);
      }
      for (const e of events) {
        if (e.name === "OperationRecorded") continue;
        const owner = opLogs.find((o) => o.logIndex >= e.log_index) ?? opLogs[opLogs.length - 1]!;
        const meaning = EVENT_MEANINGS[e.name];
        const args = JSON.parse(e.args_json) as Record<string, unknown>;
        const accountId = meaning?.account ? String(args[meaning.account]).toLowerCase() : null;
        let member = meaning?.member ? String(args[meaning.member]).toLowerCase() : null;
        if (!member && accountId) member = (memberOf.get(accountId) as { member: string } | undefined)?.member ?? null;
        const hasTax = e.name === "PayoutSettled" && BigInt(String(args.tax ?? "0")) > 0n ? 1 : 0;
        insertEntry.run(txHash.toLowerCase(), e.log_index, owner.op.sequence, owner.op.block_number, block?.timestamp ?? 0,
          meaning?.type ?? "parameter", e.name, accountId, member, hasTax);
      }
    }
  }
}
