/**
 * The durable outbox: one row per write operation, written before the client gets its reply, and the
 * transaction progress of each (chunks of a batch, their transaction hashes, blocks), so a restarted sender
 * continues exactly where the last one stopped.
 */
import { randomUUID } from "node:crypto";
import type { Database } from "./database.js";
import { toJson } from "./json.js";

export type OperationState = "pending" | "submitted" | "succeeded" | "failed";

/** One transaction of an operation (a batch may need several to fit the block gas limit). */
export interface OperationChunk {
  /** Items [from, to) of the operation's batch; a single call is [0, 1). */
  from: number;
  to: number;
  txHash: string;
  nonce: number;
  state: "sent" | "mined";
  blockNumber?: number;
  /** The chunk's reference on chain (bank reference, run reference) when the call has one. */
  reference?: string;
}

export interface OperationProgress {
  /** Items [0, cursor) are on chain. */
  cursor: number;
  chunks: OperationChunk[];
}

export interface OperationError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface OperationRecord {
  seq: number;
  id: string;
  kind: string;
  /** The institution whose signing key sends the transactions. */
  signer: string;
  /** The institution that asked for it. */
  institution: string;
  request: Record<string, unknown>;
  state: OperationState;
  progress: OperationProgress;
  result: Record<string, unknown> | null;
  error: OperationError | null;
  txHash: string | null;
  blockNumber: number | null;
  attempts: number;
  resubmissions: number;
  nextAttemptAt: number;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  seq: number;
  id: string;
  kind: string;
  signer: string;
  institution: string;
  request_json: string;
  state: OperationState;
  progress_json: string;
  result_json: string | null;
  error_json: string | null;
  tx_hash: string | null;
  block_number: number | null;
  attempts: number;
  resubmissions: number;
  next_attempt_at: number;
  created_at: string;
  updated_at: string;
}

function fromRow(row: Row): OperationRecord {
  return {
    seq: row.seq,
    id: row.id,
    kind: row.kind,
    signer: row.signer,
    institution: row.institution,
    request: JSON.parse(row.request_json) as Record<string, unknown>,
    state: row.state,
    progress: JSON.parse(row.progress_json) as OperationProgress,
    result: row.result_json ? (JSON.parse(row.result_json) as Record<string, unknown>) : null,
    error: row.error_json ? (JSON.parse(row.error_json) as OperationError) : null,
    txHash: row.tx_hash,
    blockNumber: row.block_number,
    attempts: row.attempts,
    resubmissions: row.resubmissions,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewOperation {
  kind: string;
  signer: string;
  institution: string;
  /** Only pseudonyms and hashes: the outbox holds no personal data. */
  request: Record<string, unknown>;
  /** Known before the chain answers (e.g. a deterministic account id). */
  result?: Record<string, unknown>;
}

export class OperationRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  insert(operation: NewOperation): OperationRecord {
    const now = new Date().toISOString();
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO operations (id, kind, signer, institution, request_json, state, result_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(id, operation.kind, operation.signer, operation.institution, toJson(operation.request),
        operation.result ? toJson(operation.result) : null, now, now);
    return this.get(id)!;
  }

  get(id: string): OperationRecord | undefined {
    const row = this.db.prepare("SELECT * FROM operations WHERE id = ?").get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The next operation a signer's sender must work on (oldest first), if its retry time has come. */
  nextOpen(signer: string, nowMs: number): OperationRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM operations WHERE signer = ? AND state IN ('pending', 'submitted') ORDER BY seq LIMIT 1`,
      )
      .get(signer) as Row | undefined;
    if (!row || row.next_attempt_at > nowMs) return undefined;
    return fromRow(row);
  }

  /** Signers with open work. */
  signersWithOpenWork(): string[] {
    return (this.db.prepare("SELECT DISTINCT signer FROM operations WHERE state IN ('pending','submitted')").all() as { signer: string }[])
      .map((r) => r.signer);
  }

  /** Operations acknowledged but not yet final. */
  openCount(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM operations WHERE state IN ('pending','submitted')").get() as { n: number }).n;
  }

  /** The oldest operation not yet final (its age is the outbox's health), and the most attempts any open one has had. */
  oldestOpen(): { id: string; kind: string; signer: string; createdAt: string; attempts: number; lastError: OperationError | null; maxAttempts: number } | undefined {
    const row = this.db.prepare("SELECT * FROM operations WHERE state IN ('pending','submitted') ORDER BY seq LIMIT 1").get() as Row | undefined;
    if (!row) return undefined;
    const { m } = this.db.prepare("SELECT MAX(attempts) AS m FROM operations WHERE state IN ('pending','submitted')").get() as { m: number };
    return {
      id: row.id, kind: row.kind, signer: row.signer, createdAt: row.created_at, attempts: row.attempts,
      lastError: row.error_json ? (JSON.parse(row.error_json) as OperationError) : null, maxAttempts: m,
    };
  }

  countByState(): Record<OperationState, number> {
    const counts: Record<OperationState, number> = { pending: 0, submitted: 0, succeeded: 0, failed: 0 };
    for (const row of this.db.prepare("SELECT state, COUNT(*) AS n FROM operations GROUP BY state").all() as { state: OperationState; n: number }[]) {
      counts[row.state] = row.n;
    }
    return counts;
  }

  saveProgress(id: string, state: "pending" | "submitted", progress: OperationProgress, txHash?: string): void {
    this.db
      .prepare("UPDATE operations SET state = ?, progress_json = ?, tx_hash = COALESCE(?, tx_hash), updated_at = ? WHERE id = ?")
      .run(state, toJson(progress), txHash ?? null, new Date().toISOString(), id);
  }

  scheduleRetry(id: string, attempts: number, nextAttemptAt: number, lastError: OperationError): void {
    this.db
      .prepare("UPDATE operations SET attempts = ?, next_attempt_at = ?, error_json = ?, updated_at = ? WHERE id = ?")
      .run(attempts, nextAttemptAt, toJson(lastError), new Date().toISOString(), id);
  }

  succeed(id: string, progress: OperationProgress, result: Record<string, unknown>): void {
    const last = progress.chunks.at(-1);
    this.db
      .prepare(
        `UPDATE operations SET state = 'succeeded', progress_json = ?, result_json = ?, error_json = NULL,
         tx_hash = ?, block_number = ?, updated_at = ? WHERE id = ?`,
      )
      .run(toJson(progress), toJson(result), last?.txHash ?? null, last?.blockNumber ?? null, new Date().toISOString(), id);
  }

  fail(id: string, progress: OperationProgress, error: OperationError): void {
    this.db
      .prepare("UPDATE operations SET state = 'failed', progress_json = ?, error_json = ?, updated_at = ? WHERE id = ?")
      .run(toJson(progress), toJson(error), new Date().toISOString(), id);
  }

  /** Succeeded operations with a transaction in a block above `blockNumber` (candidates after a reorg). */
  succeededAbove(blockNumber: number): OperationRecord[] {
    return (this.db
      .prepare("SELECT * FROM operations WHERE state = 'succeeded' AND block_number > ? ORDER BY seq")
      .all(blockNumber) as unknown as Row[]).map(fromRow);
  }

  /** Every operation whose transactions may have been mined above `blockNumber` (succeeded or mid-batch). */
  withChunksAbove(blockNumber: number): OperationRecord[] {
    // A succeeded operation's block_number is its last (highest) transaction's block.
    return (this.db
      .prepare("SELECT * FROM operations WHERE (state = 'succeeded' AND block_number > ?) OR state IN ('submitted','pending') ORDER BY seq")
      .all(blockNumber) as unknown as Row[])
      .map(fromRow)
      .filter((op) => op.progress.chunks.some((c) => c.blockNumber !== undefined && c.blockNumber > blockNumber));
  }

  /** The highest block any recorded transaction was mined in (null when none). */
  highestMinedBlock(): number | null {
    const succeeded = (this.db.prepare("SELECT MAX(block_number) AS b FROM operations WHERE state = 'succeeded'").get() as { b: number | null }).b;
    let highest = succeeded;
    for (const op of this.withChunksAbove(highest ?? -1)) {
      for (const c of op.progress.chunks) if (c.blockNumber !== undefined && (highest === null || c.blockNumber > highest)) highest = c.blockNumber;
    }
    return highest;
  }

  /** Transactions (not effect checks) recorded as mined in blocks [from, to]. */
  minedTransactionsIn(from: number, to: number): { operationId: string; txHash: string; blockNumber: number }[] {
    return (this.db
      .prepare("SELECT * FROM operations WHERE (state = 'succeeded' AND block_number >= ?) OR state IN ('submitted','pending') ORDER BY seq")
      .all(from) as unknown as Row[])
      .map(fromRow)
      .flatMap((op) =>
        op.progress.chunks
          .filter((c) => c.state === "mined" && c.txHash !== "0x" && c.blockNumber !== undefined && c.blockNumber >= from && c.blockNumber <= to)
          .map((c) => ({ operationId: op.id, txHash: c.txHash, blockNumber: c.blockNumber! })),
      );
  }

  /** Puts an acknowledged operation whose transactions vanished from the chain back in the queue. */
  requeue(id: string, progress: OperationProgress): void {
    this.db
      .prepare(
        `UPDATE operations SET state = 'pending', progress_json = ?, resubmissions = resubmissions + 1,
         block_number = NULL, next_attempt_at = 0, updated_at = ? WHERE id = ?`,
      )
      .run(toJson(progress), new Date().toISOString(), id);
  }

  list(filter: { kind?: string; states?: OperationState[] } = {}): OperationRecord[] {
    const rows = this.db.prepare("SELECT * FROM operations ORDER BY seq").all() as unknown as Row[];
    return rows
      .map(fromRow)
      .filter((op) => (!filter.kind || op.kind === filter.kind) && (!filter.states || filter.states.includes(op.state)));
  }
}
