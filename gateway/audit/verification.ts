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
 */
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
const LOG_RANGE_BLOCKS = 5000;
/** Blocks per JSON-RPC batch request, and batch requests in flight per log range. */
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

  async verifyLedger(caller?: Caller): Promise<VerificationResult> {
    void caller;
    const started = Date.now();
    await this.index.sync();
    const checkpoint = this.store.checkpoint.get();
    if (!checkpoint) throw new AppError("AUDIT_INDEX_NOT_READY", "The event index has not indexed any block yet; try again shortly.");
    let block = checkpoint.blockNumber;
    const synced = Date.now();
    let chainState = await this.chain.auditState(block);
    const stated = Date.now();
    const blocks = new Map<number, BlockWithInputs>();
    const logs = await this.chainLogs(this.chain.deploymentBlock, block, blocks);
    const logged = Date.now();
    // The listener may index further while we read the chain: follow it until the checkpoint stands still, then
    // compare synchronously (nothing else runs on this thread until the comparison ends).
    for (;;) {
      await this.index.sync();
      const now = this.store.checkpoint.get()?.blockNumber ?? block;
      if (now === block) break;
      if (now < block) throw new AppError("AUDIT_INDEX_NOT_READY", "The event index is re-indexing after a chain rewind; try again shortly.");
      chainState = await this.chain.auditState(now);
      for (const log of await this.chainLogs(block + 1, now, blocks)) logs.push(log);
      block = now;
    }

    this.checkBlocks(logs, blocks);
    const fetched = Date.now();
    const expected = new Database(":memory:");
    try {
      const attribution = this.rebuild(expected, logs);
      const rebuilt = Date.now();
      const divergences: Divergence[] = [];
      const ops = this.checkOperations(block, chainState, expected, divergences);
      const checked = Date.now();
      const rows = this.compareTables(expected, block, attribution, divergences);
      const compared = Date.now();
      const auditRows = this.compareAuditTables(expected, attribution, blocks, ops.calldataHashes, divergences);
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
  private async chainLogs(fromBlock: number, toBlock: number, blocks: Map<number, BlockWithInputs>): Promise<RawLog[]> {
    const ranges: [number, number][] = [];
    for (let from = fromBlock; from <= toBlock; from += LOG_RANGE_BLOCKS) ranges.push([from, Math.min(toBlock, from + LOG_RANGE_BLOCKS - 1)]);
    // Several requests in parallel, even over few (full) blocks: the node answers them concurrently.
    if (ranges.length < 8 && toBlock - fromBlock >= 8) {
      ranges.length = 0;
      const step = Math.ceil((toBlock - fromBlock + 1) / 8);
      for (let from = fromBlock; from <= toBlock; from += step) ranges.push([from, Math.min(toBlock, from + step - 1)]);
    }
    const parts = await mapWithConcurrency(ranges, 4, async ([from, to]) => {
      const logs = await this.chain.ledgerLogs(from, to);
      const numbers = [...new Set(logs.map((l) => l.blockNumber))];
      const batches: number[][] = [];
      for (let i = 0; i < numbers.length; i += BLOCK_BATCH) batches.push(numbers.slice(i, i + BLOCK_BATCH));
      for (const batch of await mapWithConcurrency(batches, BLOCK_BATCH_CONCURRENCY, (b) => this.chain.blocksWithInputs(b))) {
        for (const b of batch) if (b) blocks.set(b.number, b);
      }
      return logs;
    });
    return parts.flat();
  }

  /** The index as the chain's logs make it, built by the listener's own handlers; and which operation each log belongs to. */
  private rebuild(expected: Database, logs: RawLog[]): ChainAttribution {
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
    expected.transaction(() => {
      for (const log of logs) {
        const parsed = decodeLedgerLog(log.topics, log.data);
        if (!parsed) continue;
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
          continue;
        }
        const sequence = Number(args.sequence);
        attribution.byLog.set(key, sequence);
        if (!attribution.byTx.has(log.transactionHash)) attribution.byTx.set(log.transactionHash, sequence);
        attribute(sequence);
        lastInTx = sequence;
      }
      if (lastInTx !== undefined) attribute(lastInTx);
    });
    return attribution;
  }

  /** Step 1: the running hash recomputed from the index, operation by operation. */
  private checkOperations(block: number, chainState: { operationCount: number }, expected: Database, divergences: Divergence[]) {
    const rows = this.db
      .prepare(
        `SELECT o.sequence, o.selector, o.data_hash, o.running_hash, a.calldata FROM idx_ledger_operations o
         LEFT JOIN audit_operations a ON a.sequence = o.sequence WHERE o.block_number <= ? ORDER BY o.sequence`,
      )
      .all(block) as { sequence: number; selector: string; data_hash: string; running_hash: string; calldata: string | null }[];
    const chainRunning = expected.db.prepare("SELECT running_hash FROM idx_ledger_operations WHERE sequence = ?");
    let previous = ZERO_HASH;
    let expectedSequence = 1;
    let checked = 0;
    const calldataHashes = new Map<number, string>();
    for (const row of rows) {
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
    const count = rows.filter((r) => r.sequence <= chainState.operationCount).length;
    return { runningHash: previous, count, checked, calldataHashes };
  }

  /** Step 2: every indexed row against the row the chain's logs give. Returns the rows compared. */
  private compareTables(expected: Database, block: number, attribution: ChainAttribution, divergences: Divergence[]): number {
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
      const rebuilt = table === "idx_events" ? attribution.events : (expected.db.prepare(`SELECT * FROM ${table}${where}`).all() as Row[]);
      for (const row of rebuilt) chainRows.set(keyOf(row), row);
      const indexRows = this.db.prepare(`SELECT * FROM ${table}${where}`).all() as Row[];
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
  private checkBlocks(logs: RawLog[], blocks: Map<number, BlockWithInputs>): void {
    let previous = -1;
    for (const log of logs) {
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
  private compareAuditTables(
    expected: Database,
    attribution: ChainAttribution,
    blocks: Map<number, BlockWithInputs>,
    calldataHashes: Map<number, string>,
    divergences: Divergence[],
  ): number {
    const ledger = this.chain.ledgerAddress.toLowerCase();
    const memberOf = expected.db.prepare("SELECT member FROM idx_accounts WHERE account_id = ?");
    const members = new Map<string, string | null>();
    const txOf = new Map<string, BlockWithInputs["transactions"][number]>();
    for (const b of blocks.values()) for (const t of b.transactions) txOf.set(t.hash, t);

    const chainOps = new Map<number, Row & { selector: string; dataHash: string; input: string | null; to: string | null }>();
    const chainEntries = new Map<string, Row>();
    for (const log of attribution.logs) {
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
    const operations = this.db.prepare("SELECT * FROM audit_operations ORDER BY sequence").all() as Row[];
    for (const row of operations) {
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

    const entries = this.db.prepare("SELECT * FROM audit_entries").all() as Row[];
    for (const row of entries) {
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
