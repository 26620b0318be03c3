/**
 * The outbox's part of /healthz: how old the oldest operation not yet final is, and how often an open operation
 * was retried. A signer's queue that is stuck (a transient failure retried for longer than `maxAgeMs` or more than
 * `maxAttempts` times) makes the gateway "degraded" (HTTP 503), so monitoring sees it.
 */
import type { OperationRepository } from "./store/operations.js";

export interface OutboxHealth {
  depth: number;
  /** Seconds since the oldest open operation was written (null when the outbox is empty). */
  oldestPendingAgeSeconds: number | null;
  oldestPending?: { operationId: string; kind: string; signer: string; attempts: number; lastError?: { code: string; message: string } };
  /** The most retries any open operation has had. */
  maxAttempts: number;
  /** True when the oldest open operation is older than the limit or retried more often than allowed. */
  stalled: boolean;
  limits: { maxAgeSeconds: number; maxAttempts: number };
}

export function outboxHealth(operations: OperationRepository, nowMs: number, limits: { maxAgeMs: number; maxAttempts: number }): OutboxHealth {
  const depth = operations.openCount();
  const oldest = operations.oldestOpen();
  const age = oldest ? Math.max(0, Math.floor((nowMs - Date.parse(oldest.createdAt)) / 1000)) : null;
  const maxAttempts = oldest?.maxAttempts ?? 0;
  const stalled = oldest !== undefined && ((age ?? 0) * 1000 > limits.maxAgeMs || maxAttempts > limits.maxAttempts);
  return {
    depth,
    oldestPendingAgeSeconds: age,
    ...(oldest
      ? {
          oldestPending: {
            operationId: oldest.id, kind: oldest.kind, signer: oldest.signer, attempts: oldest.attempts,
            ...(oldest.lastError ? { lastError: { code: oldest.lastError.code, message: oldest.lastError.message } } : {}),
          },
        }
      : {}),
    maxAttempts,
    stalled,
    limits: { maxAgeSeconds: Math.floor(limits.maxAgeMs / 1000), maxAttempts: limits.maxAttempts },
  };
}
