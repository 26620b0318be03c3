/**
 * The transaction pipeline: one {@link TransactionSender} per signing key, a way to wait for an operation's
 * final state, and the re-queueing of acknowledged operations whose transactions a chain restore or reorg
 * removed.
 */
import { EventEmitter } from "node:events";
import type { JsonRpcProvider, Wallet } from "ethers";
import type { Logger } from "pino";
import type { FaultInjectionPoint } from "../config.js";
import type { OperationRecord, OperationRepository } from "../store/operations.js";
import { TransactionSender } from "./sender.js";

export interface PipelineOptions {
  provider: JsonRpcProvider;
  wallets: Record<string, Wallet>;
  ledgerAddress: string;
  deploymentBlock: number;
  operations: OperationRepository;
  logger: Logger;
  batchGasSharePercent: number;
  faultInjection?: FaultInjectionPoint;
  onFailure?: (code: string) => void;
}

export class TransactionPipeline {
  private readonly senders = new Map<string, TransactionSender>();
  private readonly events = new EventEmitter();

  constructor(private readonly o: PipelineOptions) {
    this.events.setMaxListeners(0);
    for (const [signer, wallet] of Object.entries(o.wallets)) {
      const sender = new TransactionSender({
        signer, wallet, provider: o.provider, ledgerAddress: o.ledgerAddress, deploymentBlock: o.deploymentBlock,
        operations: o.operations, logger: o.logger.child({ component: "sender", signer }), events: this.events,
        batchGasSharePercent: o.batchGasSharePercent, faultInjection: o.faultInjection,
      });
      sender.onFailure = o.onFailure;
      this.senders.set(signer, sender);
    }
  }

  start(): void {
    for (const sender of this.senders.values()) sender.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.senders.values()].map((s) => s.stop()));
  }

  /** An operation was written to the outbox for `signer`. */
  notify(signer: string): void {
    this.senders.get(signer)?.notify();
  }

  /** Resolves with the operation once it is succeeded or failed, or as it is after `timeoutMs`. */
  waitForFinal(id: string, timeoutMs: number): Promise<OperationRecord> {
    return new Promise((resolve) => {
      const check = () => {
        const op = this.o.operations.get(id)!;
        if (op.state === "succeeded" || op.state === "failed") {
          finish(op);
          return true;
        }
        return false;
      };
      const onFinal = (finalId: string) => {
        if (finalId === id) check();
      };
      const timer = setTimeout(() => finish(this.o.operations.get(id)!), timeoutMs);
      const finish = (op: OperationRecord) => {
        clearTimeout(timer);
        this.events.off("final", onFinal);
        resolve(op);
      };
      this.events.on("final", onFinal);
      check();
    });
  }

  /**
   * After the chain was found behind or different above `commonBlock`: every operation with a transaction
   * mined above it is checked; a transaction still on chain keeps its (new) block, a vanished one is dropped
   * and the operation goes back in the queue from that chunk (its sender checks the effect before resubmitting).
   * Returns the ids re-queued.
   */
  async requeueVanished(commonBlock: number): Promise<string[]> {
    const requeued: string[] = [];
    for (const op of this.o.operations.withChunksAbove(commonBlock)) {
      const progress = structuredClone(op.progress);
      let firstLost = -1;
      for (const [i, chunk] of progress.chunks.entries()) {
        if (chunk.blockNumber === undefined || chunk.blockNumber <= commonBlock) continue;
        const receipt = chunk.txHash === "0x" ? null : await this.o.provider.getTransactionReceipt(chunk.txHash);
        if (receipt && receipt.status === 1) {
          chunk.blockNumber = receipt.blockNumber;
        } else {
          firstLost = i;
          break;
        }
      }
      if (firstLost < 0) continue;
      progress.cursor = progress.chunks[firstLost]!.from;
      progress.chunks = progress.chunks.slice(0, firstLost);
      this.o.operations.requeue(op.id, progress);
      this.o.logger.warn({ operationId: op.id, kind: op.kind }, "acknowledged operation no longer on chain; re-queued");
      this.notify(op.signer);
      requeued.push(op.id);
    }
    return requeued;
  }
}
