/**
 * What every service needs, injected: the store, the transaction pipeline, ledger reads and a clock.
 * Services know nothing of HTTP.
 */
import type { LedgerReader } from "../chain/ledgerReader.js";
import type { Institution } from "../store/credentials.js";
import type { Store } from "../store/index.js";
import type { OperationRecord } from "../store/operations.js";

export interface PipelinePort {
  notify(signer: string): void;
  waitForFinal(operationId: string, timeoutMs: number): Promise<OperationRecord>;
}

export interface ServiceDeps {
  store: Store;
  pipeline: PipelinePort;
  ledger: LedgerReader;
  clock: () => Date;
  waitTimeoutMs: number;
}

/** Who is asking, and the idempotency key they sent (with the hash of what they asked). */
export interface Caller {
  institution: Institution;
  role: string;
  idempotency?: { key: string; requestHash: string };
}

/** A write's options: wait for the final result instead of acknowledging at once. */
export interface WriteOptions {
  wait?: boolean;
}
