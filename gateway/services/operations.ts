/**
 * The write path every use case shares: an operation id, the outbox row written (with the idempotency key,
 * in one SQLite transaction) before anything is answered, then either the acknowledgement or — when the
 * caller waits — the final result.
 */
import { CALLS } from "../chain/calls.js";
import { AppError, ERROR_CATALOG, type ErrorCode } from "../errors.js";
import type { OperationRecord, OperationState } from "../store/operations.js";
import type { Caller, ServiceDeps, WriteOptions } from "./context.js";
import { shanghaiTime } from "./time.js";

export interface OperationView {
  operationId: string;
  kind: string;
  state: OperationState;
  createdAt: string;
  updatedAt: string;
  /** The same instants in Asia/Shanghai, for bank staff. */
  createdAtCst: string;
  updatedAtCst: string;
  transactions: { txHash: string; blockNumber: number | null }[];
  blockNumber: number | null;
  result?: Record<string, unknown>;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

export function viewOperation(op: OperationRecord): OperationView {
  return {
    operationId: op.id,
    kind: op.kind,
    state: op.state,
    createdAt: op.createdAt,
    updatedAt: op.updatedAt,
    createdAtCst: shanghaiTime(new Date(op.createdAt)),
    updatedAtCst: shanghaiTime(new Date(op.updatedAt)),
    transactions: op.progress.chunks
      .filter((c) => c.txHash !== "0x")
      .map((c) => ({ txHash: c.txHash, blockNumber: c.state === "mined" ? (c.blockNumber ?? null) : null })),
    blockNumber: op.blockNumber,
    ...(op.result ? { result: op.result } : {}),
    ...(op.error && op.state === "failed" ? { error: op.error } : {}),
  };
}

/** Outcome of a write: `final` is true when the operation reached succeeded/failed before we answered. */
export interface WriteOutcome {
  operation: OperationView;
  final: boolean;
}

/** Raises the failed operation's catalog error (for `?wait=true`), with the operation id in the details. */
export function failureOf(view: OperationView): AppError | undefined {
  if (view.state !== "failed" || !view.error) return undefined;
  const code = (view.error.code in ERROR_CATALOG ? view.error.code : "TRANSACTION_REVERTED") as ErrorCode;
  return new AppError(code, view.error.message, { details: { ...(view.error.details ?? {}), operationId: view.operationId } });
}

export interface OperationDraft {
  kind: string;
  request: Record<string, unknown>;
  result?: Record<string, unknown>;
  /** Synchronous writes that belong to the same transaction as the outbox row (e.g. the members vault). */
  alsoWrite?: () => void;
}

export class OperationService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Records an operation in the outbox (idempotently) and wakes its sender.
   * Same idempotency key + same request → the first operation; different request → IDEMPOTENCY_KEY_REUSED.
   */
  async submit(caller: Caller, draft: OperationDraft | (() => OperationDraft), options: WriteOptions = {}): Promise<WriteOutcome> {
    const { store, pipeline } = this.deps;
    const op = store.transaction(() => {
      if (caller.idempotency) {
        const previous = store.idempotency.find(caller.institution, caller.idempotency.key);
        if (previous) {
          if (previous.requestHash !== caller.idempotency.requestHash || !previous.operationId) {
            throw new AppError("IDEMPOTENCY_KEY_REUSED", ERROR_CATALOG.IDEMPOTENCY_KEY_REUSED.en, { field: "Idempotency-Key" });
          }
          return store.operations.get(previous.operationId)!;
        }
      }
      const d = typeof draft === "function" ? draft() : draft;
      const spec = CALLS[d.kind];
      if (!spec) throw new AppError("INTERNAL", `Unknown operation kind ${d.kind}.`);
      d.alsoWrite?.();
      const inserted = store.operations.insert({ kind: d.kind, signer: spec.signer, institution: caller.institution, request: d.request, result: d.result });
      if (caller.idempotency) {
        store.idempotency.save({ institution: caller.institution, key: caller.idempotency.key, requestHash: caller.idempotency.requestHash, operationId: inserted.id });
      }
      return inserted;
    });
    pipeline.notify(op.signer);
    if (options.wait && op.state !== "succeeded" && op.state !== "failed") {
      const final = await pipeline.waitForFinal(op.id, this.deps.waitTimeoutMs);
      return { operation: viewOperation(final), final: final.state === "succeeded" || final.state === "failed" };
    }
    return { operation: viewOperation(op), final: op.state === "succeeded" || op.state === "failed" };
  }

  /** True when the caller's Idempotency-Key was used before (submit() answers with the first operation). */
  isReplay(caller: Caller): boolean {
    return caller.idempotency !== undefined && this.deps.store.idempotency.find(caller.institution, caller.idempotency.key) !== undefined;
  }

  /** An operation, visible to the institution that asked for it, the operator and the auditor. */
  get(caller: Caller, operationId: string): OperationView {
    const op = this.deps.store.operations.get(operationId);
    if (!op || (op.institution !== caller.institution && !["operator", "auditor"].includes(caller.institution))) {
      throw new AppError("OPERATION_NOT_FOUND", ERROR_CATALOG.OPERATION_NOT_FOUND.en, { field: "operationId" });
    }
    return viewOperation(op);
  }
}
