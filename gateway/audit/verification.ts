/**
 * Verifies the gateway's index against the chain, without trusting the gateway:
 *
 * 1. Recomputes the ledger's running hash from the index alone — each operation's stored calldata gives its data
 *    hash (keccak256(msg.data)), and runningHash_n = keccak256(abi.encode(runningHash_{n-1}, n, selector, dataHash))
 *    — and compares the result with the chain's `auditState()` at the index's checkpoint block.
 * 2. Rebuilds the event index from the chain node's own logs (the same handlers the listener uses, into an
 *    in-memory database) and compares every indexed row — accounts, contributions, returns, eligibility, payout
 *    plans, payouts and their status, settlement runs, operations, raw events — with the rebuilt one.
 * 3. Derives from the same logs and the blocks holding them (block times, transactions' senders and input) the rows
 *    the audit's own tables should hold, and compares every row and column of `audit_operations` and `audit_entries`
 *    (what history, journal and exports show besides the idx_* rows) with them.
 *
 * Each difference is named by the ledger operation it belongs to (the OperationRecorded that closes the log's
 * group in its transaction) and how it differs: `missing` (the chain has it, the index does not), `altered` (both
 * have it, a field differs) or `extra` (the index has it, the chain does not). The answer is OK with the operation
 * count, or the first operation (lowest sequence) where they differ.
 *
 * It never holds the gateway's thread for long: the index is read through a second, read-only connection to the
 * gateway's SQLite file inside one read transaction (WAL: that transaction sees the index as of its first read, while
 * the listener keeps writing through the main connection), and the rebuild and comparisons run in slices of
 * {@link VerifyOptions.chunkSize} rows or logs, giving way to the event loop between slices.
 */
import { DatabaseSync } from "node:sqlite";
import { Database } from "../store/database.js";
import { EventIndexRepository } from "../store/eventIndex.js";
import type { Store } from "../store/index.js";
import { toJson } from "../store/json.js";
import { EVENT_HANDLERS } from "../events/handlers.js";
import { AppError } from "../errors.js";
import type { Caller } from "../services/context.js";
import { mapWithConcurrency, type AuditIndex } from "./auditIndex.js";
import type { AuditChain, BlockWithInputs, RawLog } from "./chain.js";
import { decodeLedgerLog } from "./logDecoder.js";
import { EVENT_MEANINGS, shanghaiIso } from "./entries.js";
import { dataHashOf, extractCalldata, nextRunningHash, ZERO_HASH } from "./runningHash.js";

export type DivergenceKind = "missing" | "altered" | "extra";

export interface Divergence {
  /** The ledger operation the difference belongs to (null if it cannot be tied to one). */
  sequence: number | null;
  how: DivergenceKind;
  /** The index table, e.g. idx_contributions. */
  table: string;
  /** The row's key, e.g. `tx_hash=0x…, log_index=2`. */
  key: string;
  field?: string;
  indexValue?: string | null;
  chainValue?: string | null;
}

export interface VerificationResult {
  ok: boolean;
  /** When it ran, Asia/Shanghai. */
  verifiedAt: string;
  /** The index's checkpoint: both sides are compared as of this block. */
  blockNumber: number;
  /** The chain's `auditState()` at that block. */
  operationCount: number;
  chainRunningHash: string;
  /** Recomputed from the index's calldata and data hashes. */
  indexRunningHash: string;
  indexOperationCount: number;
  checked: { operations: number; rows: number; logs: number };
  firstDivergence: Divergence | null;
  /** The first differences found (at most {@link MAX_REPORTED}), in operation order. */
  divergences: Divergence[];
  divergenceCount: number;
  durationMs: number;
  /** Where the time went: reading the chain (its logs and the blocks holding them), rebuilding the index from its logs, steps 1, 2 and 3. */
  phasesMs: { sync: number; chainState: number; chainLogs: number; rebuild: number; operations: number; tables: number; auditTables: number };
}

export const MAX_REPORTED = 50;
/** Rows or logs handled per slice of synchronous work (a count, never a timing: results never depend on speed). */
export const DEFAULT_CHUNK_SIZE = 500;
/** Snapshots taken while the audit tables are still catching up with the checkpoint before comparing anyway. */
const SNAPSHOT_ATTEMPTS = 5;

export interface VerifyOptions {
  /** Rows or logs handled between two yields to the event loop (default {@link DEFAULT_CHUNK_SIZE}). */
  chunkSize?: number;
  /** Called after each slice, before giving way (tests observe the ordering with it, or hold a slice until it resolves). */
  onSlice?: () => void | Promise<void>;
}

/** Counts work units and says when a slice is done; `pause` gives way to the event loop. */
class Slicer {
  private done = 0;
  slices = 0;
  constructor(private readonly size: number, private readonly onSlice?: () => void | Promise<void>) {}

  /** Counts one unit (or `n`); true when the slice is full and the caller should `await pause()`. */
  due(n = 1): boolean {
    this.done += n;
    return this.done >= this.size;
  }

  async pause(): Promise<void> {
    this.done = 0;
    this.slices++;
    await this.onSlice?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
const LOG_RANGE_BLOCKS = 5000;
/**
 * Logs asked per `eth_getLogs` (the answer is parsed in one piece on the gateway's thread: a range's blocks are
 * chosen from the operation count so each answer holds about this many), and transactions per block batch.
 */
const LOGS_PER_REQUEST = 2000;
const TRANSACTIONS_PER_BATCH = 1000;
/** Logs per ledger operation, for sizing the ranges (an OperationRecorded and its events; measured ~2.9). */
const LOGS_PER_OPERATION = 3;
/** Blocks per JSON-RPC batch request (at most), and batch requests in flight per log range. */
const BLOCK_BATCH = 20;
const BLOCK_BATCH_CONCURRENCY = 4;

/** The audit tables' columns the history, journal and exports show, compared with the values the chain gives. */
const AUDIT_OPERATION_COLUMNS = ["sequence", "tx_hash", "log_index", "block_number", "block_time", "sender", "calldata"] as const;
const AUDIT_ENTRY_COLUMNS = ["tx_hash", "log_index", "sequence", "block_number", "block_time", "type", "event", "account_id", "member", "has_tax"] as const;

type Row = Record<string, unknown>;

/** A decoded ledger log, kept for deriving the audit tables' rows. */
interface ChainLog {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  name: string;
  args: Record<string, unknown>;
}

interface ChainAttribution {
  /** The idx_events rows the chain's logs give (kept out of SQLite: it is the largest table). */
  events: Row[];
  logs: ChainLog[];
  byLog: Map<string, number>;
  byTx: Map<string, number>;
  lastStatusChange: Map<string, number>;
  payoutResult: Map<string, number>;
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/**
 * The repository prepares its statement on every call; over hundreds of thousands of logs that dominates, so the
 * rebuild hands it a database whose `prepare` reuses one statement per SQL text.
 */
function withStatementCache(database: Database): Database {
  const cache = new Map<string, ReturnType<Database["db"]["prepare"]>>();
  const db = new Proxy(database.db, {
    get(target, property) {
      if (property === "prepare") {
        return (sql: string) => {
          let statement = cache.get(sql);
          if (!statement) {
            statement = target.prepare(sql);
            cache.set(sql, statement);
          }
          return statement;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, transaction: <T>(work: () => T) => database.transaction(work) } as unknown as Database;
}

export class LedgerVerifier {
  constructor(private readonly store: Store, private readonly chain: AuditChain, private readonly index: AuditIndex) {}

  private get db() {
    return this.store.database.db;
  }

  /** The last verification's result, or null if none ran. */
  lastVerification(): VerificationResult | null {
    const row = this.db.prepare("SELECT result_json FROM audit_verifications ORDER BY id DESC LIMIT 1").get() as { result_json: string } | undefined;
    return row ? (JSON.parse(row.result_json) as VerificationResult) : null;
  }

  async verifyLedger(caller?: Caller, options: VerifyOptions = {}): Promise<VerificationResult> {
    void caller;
    const started = Date.now();
    const snapshot = await this.openSnapshot();
    try {
      const slicer = new Slicer(snapshot.isolated ? Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE) : Number.POSITIVE_INFINITY, options.onSlice);
      return await this.verifyAt(snapshot.db, snapshot.blockNumber, slicer, started);
    } finally {
      snapshot.close();
    }
  }

  /**
   * A read transaction on a second, read-only connection to the gateway's file, begun once the audit tables have
   * caught up with the listener's checkpoint: every later read sees the index as it was then, whatever the listener
   * writes meanwhile. An in-memory database cannot be opened twice: then the main connection is read, and the
   * comparison runs in one slice (nothing else runs on the thread until it ends), as before.
   */
  private async openSnapshot(): Promise<{ db: DatabaseSync; blockNumber: number; isolated: boolean; close: () => void }> {
    const file = (this.db.prepare("PRAGMA database_list").all() as { name: string; file: string }[]).find((d) => d.name === "main")?.file ?? "";
    if (file === "") {
      await this.index.sync();
      const checkpoint = this.store.checkpoint.get();
      if (!checkpoint) throw new AppError("AUDIT_INDEX_NOT_READY", "The event index has not indexed any block yet; try again shortly.");
      return { db: this.db, blockNumber: checkpoint.blockNumber, isolated: false, close: () => {} };
    }
    const reader = new DatabaseSync(file, { readOnly: true });
    let open = false;
    const close = () => {
      if (open) reader.exec("ROLLBACK");
      open = false;
      reader.close();
    };
    try {
      reader.exec("PRAGMA busy_timeout = 5000");
      const checkpointOf = reader.prepare("SELECT block_number FROM checkpoint WHERE id = 1");
      // The audit tables follow the checkpoint a moment later (AuditIndex.sync): a snapshot between the two is retaken.
      const caughtUp = reader.prepare(
        `SELECT (SELECT COALESCE(MAX(sequence), 0) FROM idx_ledger_operations WHERE block_number <= ?) AS indexed,
                (SELECT COALESCE(MAX(sequence), 0) FROM audit_operations) AS audited`,
      );
      for (let attempt = 1; ; attempt++) {
        await this.index.sync();
        reader.exec("BEGIN");
        open = true;
        // The snapshot is fixed by this first read.
        const checkpoint = checkpointOf.get() as { block_number: number } | undefined;
        if (!checkpoint) throw new AppError("AUDIT_INDEX_NOT_READY", "The event index has not indexed any block yet; try again shortly.");
        const counts = caughtUp.get(checkpoint.block_number) as { indexed: number; audited: number };
        // A tampered index may never catch up: after a few attempts it is compared as it is.
        if (counts.indexed === counts.audited || attempt >= SNAPSHOT_ATTEMPTS) return { db: reader, blockNumber: checkpoint.block_number, isolated: true, close };
        reader.exec("ROLLBACK");
        open = false;
      }
    } catch (error) {
      close();
      throw error;
    }
  }

  private async verifyAt(index: DatabaseSync, block: number, slicer: Slicer, started: number): Promise<VerificationResult> {
    const synced = Date.now();
    const chainState = await this.chain.auditState(block);
    const stated = Date.now();
    const blocks = new Map<number, BlockWithInputs>();
    const logs = await this.chainLogs(this.chain.deploymentBlock, block, blocks, chainState.operationCount * LOGS_PER_OPERATION);
    const logged = Date.now();
    await this.checkBlocks(logs, blocks, slicer);
    const fetched = Date.now();
    const expected = new Database(":memory:");
    try {
      const attribution = await this.rebuild(expected, logs, slicer);
      const rebuilt = Date.now();
      const divergences: Divergence[] = [];
      const ops = await this.checkOperations(index, block, chainState, expected, divergences, slicer);
      const checked = Date.now();
      const rows = await this.compareTables(index, expected, block, attribution, divergences, slicer);
      const compared = Date.now();
      const auditRows = await this.compareAuditTables(index, expected, attribution, blocks, ops.calldataHashes, divergences, slicer);
      const audited = Date.now();
      if (ops.count === chainState.operationCount && ops.runningHash !== chainState.runningHash && divergences.length === 0) {
        divergences.push({ sequence: chainState.operationCount, how: "altered", table: "idx_ledger_operations", key: `sequence=${chainState.operationCount}`, field: "runningHash", indexValue: ops.runningHash, chainValue: chainState.runningHash });
      }
      divergences.sort((a, b) => (a.sequence ?? Number.MAX_SAFE_INTEGER) - (b.sequence ?? Number.MAX_SAFE_INTEGER));
      const result: VerificationResult = {
        ok: divergences.length === 0 && ops.count === chainState.operationCount && ops.runningHash === chainState.runningHash,
        verifiedAt: shanghaiIso(Math.floor(Date.now() / 1000)),
        blockNumber: block,
        operationCount: chainState.operationCount,
        chainRunningHash: chainState.runningHash,
        indexRunningHash: ops.runningHash,
        indexOperationCount: ops.count,
        checked: { operations: ops.checked, rows: rows + auditRows, logs: logs.length },
        firstDivergence: divergences[0] ?? null,
        divergences: divergences.slice(0, MAX_REPORTED),
        divergenceCount: divergences.length,
        durationMs: Date.now() - started,
        phasesMs: {
          sync: synced - started + (fetched - logged), chainState: stated - synced, chainLogs: logged - stated,
          rebuild: rebuilt - fetched, operations: checked - rebuilt, tables: compared - checked, auditTables: audited - compared,
        },
      };
      this.db.prepare("INSERT INTO audit_verifications (verified_at, ok, result_json) VALUES (?, ?, ?)").run(new Date().toISOString(), result.ok ? 1 : 0, JSON.stringify(result));
      return result;
    } finally {
      expected.close();
    }
  }

  /**
   * The ledger's logs in [fromBlock, toBlock], in chain order; the blocks holding them (with their transactions: block
   * times, senders, calldata) are put in `blocks`, each range's fetched as soon as its logs arrive.
   */
  private async chainLogs(fromBlock: number, toBlock: number, blocks: Map<number, BlockWithInputs>, expectedLogs: number): Promise<RawLog[]> {
    const ranges: [number, number][] = [];
    const span = toBlock - fromBlock + 1;
    const rangeBlocks = Math.max(1, Math.min(LOG_RANGE_BLOCKS, Math.floor((span * LOGS_PER_REQUEST) / Math.max(1, expectedLogs))));
    for (let from = fromBlock; from <= toBlock; from += rangeBlocks) ranges.push([from, Math.min(toBlock, from + rangeBlocks - 1)]);
    // Several requests in parallel, even over few (full) blocks: the node answers them concurrently.
    if (ranges.length < 8 && toBlock - fromBlock >= 8) {
      ranges.length = 0;
      const step = Math.ceil((toBlock - fromBlock + 1) / 8);
      for (let from = fromBlock; from <= toBlock; from += step) ranges.push([from, Math.min(toBlock, from + step - 1)]);
    }
    const parts = await mapWithConcurrency(ranges, 4, async ([from, to]) => {
      const logs = await this.chain.ledgerLogs(from, to);
      // Batches of blocks holding about TRANSACTIONS_PER_BATCH ledger transactions (full blocks make large answers).
      const txsOf = new Map<number, Set<string>>();
      for (const l of logs) {
        let txs = txsOf.get(l.blockNumber);
        if (!txs) txsOf.set(l.blockNumber, (txs = new Set()));
        txs.add(l.transactionHash);
      }
      const batches: number[][] = [];
      let batch: number[] = [];
      let batchTxs = 0;
      for (const [number, txs] of txsOf) {
        if (batch.length > 0 && (batch.length >= BLOCK_BATCH || batchTxs + txs.size > TRANSACTIONS_PER_BATCH)) {
          batches.push(batch);
          batch = [];
          batchTxs = 0;
        }
        batch.push(number);
        batchTxs += txs.size;
      }
      if (batch.length > 0) batches.push(batch);
      for (const fetched of await mapWithConcurrency(batches, BLOCK_BATCH_CONCURRENCY, (b) => this.chain.blocksWithInputs(b))) {
        for (const b of fetched) if (b) blocks.set(b.number, b);
      }
      return logs;
    });
    return parts.flat();
  }

  /** The index as the chain's logs make it, built by the listener's own handlers; and which operation each log belongs to. */
  private async rebuild(expected: Database, logs: RawLog[], slicer: Slicer): Promise<ChainAttribution> {
    const repo = new EventIndexRepository(withStatementCache(expected));
    const attribution: ChainAttribution = { events: [], logs: [], byLog: new Map(), byTx: new Map(), lastStatusChange: new Map(), payoutResult: new Map() };
    let pending: { key: string; name: string; args: Record<string, unknown> }[] = [];
    let pendingTx = "";
    let lastInTx: number | undefined;
    const attribute = (sequence: number) => {
      for (const p of pending) {
        attribution.byLog.set(p.key, sequence);
        if (p.name === "AccountStatusChanged") attribution.lastStatusChange.set(String(p.args.accountId).toLowerCase(), sequence);
        if (p.name === "PayoutPaid" || p.name === "PayoutFailed") attribution.payoutResult.set(String(p.args.payoutId), sequence);
      }
      pending = [];
    };
    const take = (log: RawLog) => {
        const parsed = decodeLedgerLog(log.topics, log.data);
        if (!parsed) return;
        const at = { blockNumber: log.blockNumber, blockHash: log.blockHash, txHash: log.transactionHash, logIndex: log.logIndex };
        const args = parsed.args;
        // The listener's own steps: the raw event row, then the event's handler.
        attribution.events.push({ block_number: at.blockNumber, block_hash: at.blockHash, tx_hash: at.txHash, log_index: at.logIndex, name: parsed.name, args_json: toJson(args) });
        attribution.logs.push({ txHash: at.txHash, logIndex: at.logIndex, blockNumber: at.blockNumber, name: parsed.name, args });
        EVENT_HANDLERS[parsed.name]?.(repo, at, parsed.result);
        if (pendingTx !== log.transactionHash) {
          // Events after a transaction's last OperationRecorded (e.g. OpenZeppelin's Initialized) belong to that operation.
          if (lastInTx !== undefined) attribute(lastInTx);
          pending = [];
          pendingTx = log.transactionHash;
          lastInTx = undefined;
        }
        const key = `${log.transactionHash}:${log.logIndex}`;
        if (parsed.name !== "OperationRecorded") {
          pending.push({ key, name: parsed.name, args });
          return;
        }
        const sequence = Number(args.sequence);
        attribution.byLog.set(key, sequence);
        if (!attribution.byTx.has(log.transactionHash)) attribution.byTx.set(log.transactionHash, sequence);
        attribute(sequence);
        lastInTx = sequence;
    };
    // One in-memory transaction per slice (nothing else uses that database).
    let next = 0;
    while (next < logs.length) {
      expected.transaction(() => {
        while (next < logs.length) {
          take(logs[next++]!);
          if (slicer.due()) break;
        }
      });
      if (next < logs.length) await slicer.pause();
    }
    if (lastInTx !== undefined) attribute(lastInTx);
    return attribution;
  }

  /** Step 1: the running hash recomputed from the index, operation by operation. */
  private async checkOperations(index: DatabaseSync, block: number, chainState: { operationCount: number }, expected: Database, divergences: Divergence[], slicer: Slicer) {
    const rows = index
      .prepare(
        `SELECT o.sequence, o.selector, o.data_hash, o.running_hash, a.calldata FROM idx_ledger_operations o
         LEFT JOIN audit_operations a ON a.sequence = o.sequence WHERE o.block_number <= ? ORDER BY o.sequence`,
      )
      .iterate(block) as Iterable<{ sequence: number; selector: string; data_hash: string; running_hash: string; calldata: string | null }>;
    const chainRunning = expected.db.prepare("SELECT running_hash FROM idx_ledger_operations WHERE sequence = ?");
    let previous = ZERO_HASH;
    let expectedSequence = 1;
    let checked = 0;
    let count = 0;
    const calldataHashes = new Map<number, string>();
    for (const row of rows) {
      if (slicer.due()) await slicer.pause();
      if (row.sequence > chainState.operationCount) {
        divergences.push({ sequence: row.sequence, how: "extra", table: "idx_ledger_operations", key: `sequence=${row.sequence}`, indexValue: row.running_hash, chainValue: null });
        continue;
      }
      if (row.sequence > expectedSequence) {
        for (let missing = expectedSequence; missing < row.sequence; missing++) {
          divergences.push({ sequence: missing, how: "missing", table: "idx_ledger_operations", key: `sequence=${missing}`, indexValue: null, chainValue: str((chainRunning.get(missing) as { running_hash: string } | undefined)?.running_hash) });
        }
        // The index cannot bridge the gap by itself: continue from the chain's hash before this operation.
        previous = String((chainRunning.get(row.sequence - 1) as { running_hash: string } | undefined)?.running_hash ?? previous);
      }
      expectedSequence = row.sequence + 1;
      checked++;
      count++;
      const calldataHash = row.calldata ? dataHashOf(row.calldata) : null;
      if (row.calldata && calldataHash) {
        calldataHashes.set(row.sequence, calldataHash);
        const dataHash = calldataHash;
        if (dataHash !== row.data_hash.toLowerCase()) {
          divergences.push({ sequence: row.sequence, how: "altered", table: "idx_ledger_operations", key: `sequence=${row.sequence}`, field: "data_hash", indexValue: row.data_hash, chainValue: dataHash });
        }
        if (row.calldata.slice(0, 10) !== row.selector.toLowerCase()) {
          divergences.push({ sequence: row.sequence, how: "altered", table: "idx_ledger_operations", key: `sequence=${row.sequence}`, field: "selector", indexValue: row.selector, chainValue: row.calldata.slice(0, 10) });
        }
      }
      const recomputed = nextRunningHash(previous, row.sequence, row.selector, calldataHash ?? row.data_hash);
      if (recomputed !== row.running_hash.toLowerCase()) {
        divergences.push({ sequence: row.sequence, how: "altered", table: "idx_ledger_operations", key: `sequence=${row.sequence}`, field: "running_hash", indexValue: row.running_hash, chainValue: recomputed });
      }
      previous = recomputed;
    }
    for (let missing = expectedSequence; missing <= chainState.operationCount; missing++) {
      divergences.push({ sequence: missing, how: "missing", table: "idx_ledger_operations", key: `sequence=${missing}`, indexValue: null, chainValue: str((chainRunning.get(missing) as { running_hash: string } | undefined)?.running_hash) });
    }
    return { runningHash: previous, count, checked, calldataHashes };
  }

  /** Step 2: every indexed row against the row the chain's logs give. Returns the rows compared. */
  private async compareTables(index: DatabaseSync, expected: Database, block: number, attribution: ChainAttribution, divergences: Divergence[], slicer: Slicer): Promise<number> {
    const tables = (expected.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'idx\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    let compared = 0;
    for (const table of tables) {
      const columns = expected.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[];
      const keyColumns = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      const names = columns.map((c) => c.name);
      const blockColumn = names.includes("block_number") ? "block_number" : names.includes("opened_block") ? "opened_block" : null;
      const where = blockColumn ? ` WHERE ${blockColumn} <= ${Number(block)}` : "";
      const [k1, k2] = keyColumns;
      const keyOf =
        keyColumns.length === 1 ? (row: Row) => `${k1}=${str(row[k1!])}`
        : keyColumns.length === 2 ? (row: Row) => `${k1}=${str(row[k1!])}, ${k2}=${str(row[k2!])}`
        : (row: Row) => keyColumns.map((k) => `${k}=${str(row[k])}`).join(", ");
      const chainRows = new Map<string, Row>();
      const rebuilt = table === "idx_events" ? attribution.events : (expected.db.prepare(`SELECT * FROM ${table}${where}`).iterate() as Iterable<Row>);
      for (const row of rebuilt) {
        chainRows.set(keyOf(row), row);
        if (slicer.due()) await slicer.pause();
      }
      const indexRows = index.prepare(`SELECT * FROM ${table}${where}`).iterate() as Iterable<Row>;
      const sequenceOf = (row: Row, field?: string): number | null => {
        if (table === "idx_ledger_operations") return Number(row.sequence);
        if (table === "idx_accounts" && field === "status") {
          const changed = attribution.lastStatusChange.get(String(row.account_id));
          if (changed !== undefined) return changed;
        }
        if (table === "idx_payouts" && (field === "status" || field === "status_block")) {
          const reported = attribution.payoutResult.get(String(row.payout_id));
          if (reported !== undefined) return reported;
        }
        if (row.tx_hash !== undefined && row.log_index !== undefined) {
          const s = attribution.byLog.get(`${row.tx_hash}:${row.log_index}`);
          if (s !== undefined) return s;
        }
        const tx = (row.tx_hash ?? row.opened_tx) as string | undefined;
        return tx !== undefined ? (attribution.byTx.get(tx) ?? null) : null;
      };
      for (const row of indexRows) {
        if (slicer.due()) await slicer.pause();
        compared++;
        const key = keyOf(row);
        const chainRow = chainRows.get(key);
        if (!chainRow) {
          divergences.push({ sequence: sequenceOf(row), how: "extra", table, key });
          continue;
        }
        chainRows.delete(key);
        for (const column of names) {
          if (row[column] === chainRow[column] || str(row[column]) === str(chainRow[column])) continue;
          divergences.push({ sequence: sequenceOf(chainRow, column), how: "altered", table, key, field: column, indexValue: str(row[column]), chainValue: str(chainRow[column]) });
        }
      }
      for (const [key, row] of chainRows) divergences.push({ sequence: sequenceOf(row), how: "missing", table, key });
    }
    return compared;
  }

  /** Every log's block was read, and is the block the log names: otherwise the chain moved while it was read. */
  private async checkBlocks(logs: RawLog[], blocks: Map<number, BlockWithInputs>, slicer: Slicer): Promise<void> {
    let previous = -1;
    for (const log of logs) {
      if (slicer.due()) await slicer.pause();
      if (log.blockNumber === previous) continue;
      previous = log.blockNumber;
      if (blocks.get(log.blockNumber)?.hash !== log.blockHash.toLowerCase()) {
        throw new AppError("AUDIT_INDEX_NOT_READY", `The chain changed while it was read (block ${log.blockNumber}); try again shortly.`);
      }
    }
  }

  /**
   * Step 3: the audit's own tables — what history, journal and exports show besides the idx_* rows — against the
   * rows the chain gives: per operation (its OperationRecorded log) its transaction, log index, block, the block's
   * time, the transaction's sender and the ledger call's calldata; per event its operation, block, block time, entry
   * type, event name, account, member and tax flag, derived as {@link AuditIndex} derives them.
   */
  private async compareAuditTables(
    index: DatabaseSync,
    expected: Database,
    attribution: ChainAttribution,
    blocks: Map<number, BlockWithInputs>,
    calldataHashes: Map<number, string>,
    divergences: Divergence[],
    slicer: Slicer,
  ): Promise<number> {
    const ledger = this.chain.ledgerAddress.toLowerCase();
    const memberOf = expected.db.prepare("SELECT member FROM idx_accounts WHERE account_id = ?");
    const members = new Map<string, string | null>();
    const txOf = new Map<string, BlockWithInputs["transactions"][number]>();
    for (const b of blocks.values()) {
      for (const t of b.transactions) txOf.set(t.hash, t);
      if (slicer.due(b.transactions.length)) await slicer.pause();
    }

    const chainOps = new Map<number, Row & { selector: string; dataHash: string; input: string | null; to: string | null }>();
    const chainEntries = new Map<string, Row>();
    for (const log of attribution.logs) {
      if (slicer.due()) await slicer.pause();
      const blockTime = blocks.get(log.blockNumber)?.timestamp ?? null;
      if (log.name === "OperationRecorded") {
        const sequence = Number(log.args.sequence);
        const tx = txOf.get(log.txHash);
        chainOps.set(sequence, {
          sequence, tx_hash: log.txHash, log_index: log.logIndex, block_number: log.blockNumber, block_time: blockTime, sender: tx?.from ?? null,
          selector: String(log.args.selector).toLowerCase(), dataHash: String(log.args.dataHash).toLowerCase(), input: tx?.input ?? null, to: tx?.to ?? null,
        });
        continue;
      }
      const sequence = attribution.byLog.get(`${log.txHash}:${log.logIndex}`);
      if (sequence === undefined) continue;
      const meaning = EVENT_MEANINGS[log.name];
      const accountId = meaning?.account ? String(log.args[meaning.account]).toLowerCase() : null;
      let member = meaning?.member ? String(log.args[meaning.member]).toLowerCase() : null;
      if (!member && accountId) {
        if (!members.has(accountId)) members.set(accountId, (memberOf.get(accountId) as { member: string } | undefined)?.member ?? null);
        member = members.get(accountId) ?? null;
      }
      const hasTax = log.name === "PayoutSettled" && BigInt(String(log.args.tax ?? "0")) > 0n ? 1 : 0;
      chainEntries.set(`${log.txHash}:${log.logIndex}`, {
        tx_hash: log.txHash, log_index: log.logIndex, sequence, block_number: log.blockNumber, block_time: blockTime,
        type: meaning?.type ?? "parameter", event: log.name, account_id: accountId, member, has_tax: hasTax,
      });
    }

    let compared = 0;
    const operations = index.prepare("SELECT * FROM audit_operations ORDER BY sequence").iterate() as Iterable<Row>;
    for (const row of operations) {
      if (slicer.due()) await slicer.pause();
      compared++;
      const sequence = Number(row.sequence);
      const key = `sequence=${sequence}`;
      const chainRow = chainOps.get(sequence);
      if (!chainRow) {
        divergences.push({ sequence, how: "extra", table: "audit_operations", key });
        continue;
      }
      chainOps.delete(sequence);
      // The calldata the chain gives: for a direct call to the ledger its input (whose hash step 1 took already).
      const indexCalldata = str(row.calldata);
      const input = chainRow.input?.toLowerCase() ?? null;
      const direct = input !== null && chainRow.to === ledger && indexCalldata === input && calldataHashes.get(sequence) === chainRow.dataHash;
      chainRow.calldata = direct ? input : chainRow.input === null ? null : extractCalldata(chainRow.input, chainRow.to, ledger, chainRow.selector, chainRow.dataHash);
      for (const column of AUDIT_OPERATION_COLUMNS) {
        if (row[column] === chainRow[column] || str(row[column]) === str(chainRow[column])) continue;
        divergences.push({ sequence, how: "altered", table: "audit_operations", key, field: column, indexValue: str(row[column]), chainValue: str(chainRow[column]) });
      }
    }
    for (const [sequence] of chainOps) divergences.push({ sequence, how: "missing", table: "audit_operations", key: `sequence=${sequence}` });

    const entries = index.prepare("SELECT * FROM audit_entries").iterate() as Iterable<Row>;
    for (const row of entries) {
      if (slicer.due()) await slicer.pause();
      compared++;
      const id = `${str(row.tx_hash)}:${str(row.log_index)}`;
      const key = `tx_hash=${str(row.tx_hash)}, log_index=${str(row.log_index)}`;
      const chainRow = chainEntries.get(id);
      if (!chainRow) {
        divergences.push({ sequence: row.sequence === null ? null : Number(row.sequence), how: "extra", table: "audit_entries", key });
        continue;
      }
      chainEntries.delete(id);
      for (const column of AUDIT_ENTRY_COLUMNS) {
        if (row[column] === chainRow[column] || str(row[column]) === str(chainRow[column])) continue;
        divergences.push({ sequence: Number(chainRow.sequence), how: "altered", table: "audit_entries", key, field: column, indexValue: str(row[column]), chainValue: str(chainRow[column]) });
      }
    }
    for (const row of chainEntries.values()) {
      divergences.push({ sequence: Number(row.sequence), how: "missing", table: "audit_entries", key: `tx_hash=${str(row.tx_hash)}, log_index=${str(row.log_index)}` });
    }
    return compared;
  }
}
