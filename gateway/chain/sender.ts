/**
 * One sender per signing key. It alone chooses that key's nonces: it works through the key's outbox
 * operations strictly in order, one transaction at a time (submit → receipt → next), so nonces never clash.
 *
 * For each operation it records the signed transaction's hash in the outbox *before* broadcasting, so after a
 * crash it can tell "sent" from "never sent": a recorded transaction is looked up (receipt, mempool); one the
 * chain has never seen (or lost in a restore) is resubmitted only after checking the call's effect is not
 * already on chain. Transient failures are retried with backoff; a revert is a permanent failure, decoded into
 * the error catalog. Batches are split to fit the block gas limit (estimateGas), not by count.
 */
import { EventEmitter } from "node:events";
import { Transaction, type JsonRpcProvider, type TransactionRequest, type Wallet } from "ethers";
import type { Logger } from "pino";
import type { FaultInjectionPoint } from "../config.js";
import type { OperationError, OperationProgress, OperationRecord, OperationRepository } from "../store/operations.js";
import { CALLS, type CallSpec, type EffectReader } from "./calls.js";
import { ledgerInterface } from "./ledgerInterface.js";
import { describeTransportError, isRevert, revertDataOf } from "./provider.js";
import { decodeRevertData } from "./revertDecoding.js";
import { ERROR_CATALOG } from "../errors.js";

export interface SenderOptions {
  signer: string;
  wallet: Wallet;
  provider: JsonRpcProvider;
  ledgerAddress: string;
  deploymentBlock: number;
  operations: OperationRepository;
  logger: Logger;
  events: EventEmitter;
  batchGasSharePercent: number;
  faultInjection?: FaultInjectionPoint;
  receiptTimeoutMs?: number;
}

const MAX_BACKOFF_MS = 15_000;
const DUPLICATE_EFFECT_CODES = new Set([
  "ACCOUNT_ALREADY_OPEN", "ALREADY_ENROLLED", "PLAN_ALREADY_EXISTS", "BANK_REFERENCE_ALREADY_USED", "ELIGIBILITY_ALREADY_RECORDED",
  "PAYOUT_ALREADY_STARTED", "SETTLEMENT_RUN_ALREADY_USED", "PAYOUT_ALREADY_REPORTED", "RETURNS_BATCH_ALREADY_USED",
]);

class PermanentFailure extends Error {
  constructor(readonly failure: OperationError) {
    super(failure.code);
  }
}

/** ethers error codes raised while encoding call data or a transaction: the same input fails the same way every time. */
const ENCODING_ERROR_CODES = new Set(["INVALID_ARGUMENT", "NUMERIC_FAULT", "BUFFER_OVERRUN", "MISSING_ARGUMENT", "UNEXPECTED_ARGUMENT"]);

/**
 * A failure that no retry can cure: an encoding or argument error (ethers INVALID_ARGUMENT, NUMERIC_FAULT,
 * BUFFER_OVERRUN…) raised before the transaction was signed or sent. (Any error while encoding a chunk's call data
 * is made permanent where it happens, in sizeChunk.)
 * Returns the catalog error to fail the operation with, or undefined for a transient failure.
 */
export function permanentFailureOf(error: unknown): OperationError | undefined {
  if (error instanceof PermanentFailure) return error.failure;
  const e = error as { code?: string; shortMessage?: string; message?: string; argument?: string };
  if (typeof e?.code === "string" && ENCODING_ERROR_CODES.has(e.code)) {
    const reason = (e?.shortMessage ?? e?.message ?? String(error)).slice(0, 200);
    return {
      code: "OPERATION_NOT_ENCODABLE",
      message: `${ERROR_CATALOG.OPERATION_NOT_ENCODABLE.en} (${reason})`,
      details: { reason, ...(e?.code ? { ethersCode: e.code } : {}), ...(e?.argument ? { argument: e.argument } : {}) },
    };
  }
  return undefined;
}

export class TransactionSender {
  private running = false;
  private wakeUp?: () => void;
  private loop?: Promise<void>;
  private readonly address: string;
  /** Metric hooks. */
  onFailure?: (code: string) => void;

  constructor(private readonly o: SenderOptions) {
    this.address = o.wallet.address;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  /** New work for this key. */
  notify(): void {
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      const op = this.o.operations.nextOpen(this.o.signer, Date.now());
      if (!op) {
        await this.sleep(1000);
        continue;
      }
      if (this.o.faultInjection === "after-outbox-write" && op.progress.chunks.length === 0) {
        this.o.logger.warn({ operationId: op.id }, "fault injection: killing the gateway after the outbox write, before submission");
        // Long enough for the acknowledgement (202) to leave the socket.
        await new Promise((resolve) => setTimeout(resolve, 300));
        process.kill(process.pid, "SIGKILL");
      }
      try {
        await this.process(op);
      } catch (error) {
        const permanent = permanentFailureOf(error);
        if (permanent) {
          // The queue moves on: a permanent failure never blocks the key's later operations.
          this.finishFailed(op.id, permanent);
        } else {
          const attempts = op.attempts + 1;
          const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(attempts, 10));
          const message = describeTransportError(error);
          this.o.logger.warn({ operationId: op.id, kind: op.kind, attempts, retryInMs: delay, error: message }, "transient failure; will retry");
          this.o.operations.scheduleRetry(op.id, attempts, Date.now() + delay, { code: "CHAIN_UNAVAILABLE", message });
          if (this.running) await this.sleep(delay);
        }
      }
    }
  }

  private finishFailed(id: string, failure: OperationError): void {
    const op = this.o.operations.get(id)!;
    this.o.operations.fail(id, op.progress, failure);
    this.o.logger.info({ operationId: id, kind: op.kind, code: failure.code }, "operation failed");
    this.onFailure?.(failure.code);
    this.o.events.emit("final", id);
  }

  private reader(): EffectReader {
    const { provider, ledgerAddress, deploymentBlock } = this.o;
    return {
      call: async (method, args) => {
        const data = ledgerInterface.encodeFunctionData(method, args);
        const raw = await provider.call({ to: ledgerAddress, data });
        return [...ledgerInterface.decodeFunctionResult(method, raw)];
      },
      hasLog: async (event, topics) => {
        const filterTopics = ledgerInterface.encodeFilterTopics(event, topics);
        const logs = await provider.getLogs({ address: ledgerAddress, fromBlock: deploymentBlock, toBlock: "latest", topics: filterTopics });
        return logs.length > 0;
      },
    };
  }

  /** Works one operation to a final state (or throws a transient error to be retried). */
  private async process(op: OperationRecord): Promise<void> {
    const spec: CallSpec | undefined = CALLS[op.kind];
    if (!spec) throw new PermanentFailure({ code: "INTERNAL", message: `Unknown operation kind ${op.kind}.` });
    const progress: OperationProgress = structuredClone(op.progress);
    const total = spec.itemCount ? spec.itemCount(op.request) : 1;
    let result: Record<string, unknown> = { ...(op.result ?? {}) };
    let mustCheckEffect = op.resubmissions > 0;

    // 1. A transaction from before (a crash, a restart) whose fate is not recorded yet.
    const last = progress.chunks.at(-1);
    if (last && last.state === "sent") {
      const outcome = await this.resolveSent(op, spec, progress, last.txHash);
      if (outcome === "mined") {
        result = { ...result, ...(await this.resultFromReceipt(spec, op, last.txHash)) };
      } else {
        mustCheckEffect = true;
      }
    }

    // 2. Submit the remaining items, one chunk per transaction.
    while (progress.cursor < total) {
      if (!this.running) throw new Error("sender stopping");
      const from = progress.cursor;
      if (mustCheckEffect) {
        const remaining = total - from;
        const to = from + (spec.splittable ? remaining : 1);
        if (await spec.applied(this.reader(), op.request, from, to)) {
          this.o.logger.info({ operationId: op.id, from }, "effect already on chain; not resubmitting");
          progress.chunks.push({ from, to, txHash: "0x", nonce: -1, state: "mined", blockNumber: await this.o.provider.getBlockNumber() });
          progress.cursor = to;
          this.o.operations.saveProgress(op.id, "submitted", progress);
          continue;
        }
      }
      const sized = await this.sizeChunk(op, spec, from, total, mustCheckEffect);
      if (sized.alreadyApplied) {
        progress.chunks.push({ from, to: sized.to, txHash: "0x", nonce: -1, state: "mined", blockNumber: await this.o.provider.getBlockNumber() });
        progress.cursor = sized.to;
        this.o.operations.saveProgress(op.id, "submitted", progress);
        continue;
      }
      const { to, data, gasLimit, reference } = sized;
      const signed = await this.sign({ to: this.o.ledgerAddress, data, gasLimit });
      progress.chunks.push({ from, to, txHash: signed.hash, nonce: signed.nonce, state: "sent", ...(reference ? { reference } : {}) });
      // Recorded before broadcasting: a crash from here on leaves a hash the restarted sender can look up.
      this.o.operations.saveProgress(op.id, "submitted", progress, signed.hash);
      await this.broadcast(signed.raw);
      if (this.o.faultInjection === "after-submit") {
        this.o.logger.warn({ operationId: op.id }, "fault injection: killing the gateway after submission, before the receipt");
        process.kill(process.pid, "SIGKILL");
      }
      const receipt = await this.waitForReceipt(signed.hash);
      if (!receipt) throw new Error("no receipt yet");
      if (receipt.status !== 1) {
        progress.chunks.pop();
        this.o.operations.saveProgress(op.id, "submitted", progress);
        throw new PermanentFailure(await this.explainRevert(data));
      }
      const chunk = progress.chunks.at(-1)!;
      chunk.state = "mined";
      chunk.blockNumber = receipt.blockNumber;
      progress.cursor = to;
      result = { ...result, ...(spec.resultOf ? spec.resultOf(receipt.logs, op.request) : {}) };
      this.o.operations.saveProgress(op.id, "submitted", progress);
      mustCheckEffect = false;
    }

    if (spec.enrich) {
      try {
        result = { ...result, ...(await spec.enrich(this.reader(), op.request, result)) };
      } catch (error) {
        this.o.logger.warn({ operationId: op.id, error: describeTransportError(error) }, "could not read the result's extra facts");
      }
    }
    this.o.operations.succeed(op.id, progress, result);
    this.o.logger.info({ operationId: op.id, kind: op.kind, transactions: progress.chunks.length }, "operation succeeded");
    this.o.events.emit("final", op.id);
  }

  /** Finds out what happened to a transaction recorded before a crash. */
  private async resolveSent(op: OperationRecord, spec: CallSpec, progress: OperationProgress, txHash: string): Promise<"mined" | "lost"> {
    const provider = this.o.provider;
    let receipt = await provider.getTransactionReceipt(txHash);
    if (!receipt && (await provider.getTransaction(txHash))) {
      receipt = await this.waitForReceipt(txHash);
      if (!receipt) throw new Error("transaction still pending");
    }
    const chunk = progress.chunks.at(-1)!;
    if (!receipt) {
      this.o.logger.warn({ operationId: op.id, txHash }, "recorded transaction is not on chain; checking its effect before resubmitting");
      progress.chunks.pop();
      this.o.operations.saveProgress(op.id, "submitted", progress);
      return "lost";
    }
    if (receipt.status !== 1) {
      progress.chunks.pop();
      this.o.operations.saveProgress(op.id, "submitted", progress);
      const { data } = spec.encode(op.request, chunk.from, chunk.to);
      throw new PermanentFailure(await this.explainRevert(data));
    }
    chunk.state = "mined";
    chunk.blockNumber = receipt.blockNumber;
    progress.cursor = chunk.to;
    this.o.operations.saveProgress(op.id, "submitted", progress);
    return "mined";
  }

  /**
   * Polls for the receipt. (ethers' waitForTransaction waits for the *next* block when the receipt is not there
   * at its first look; on an automining node with no further traffic that block never comes.)
   */
  private async waitForReceipt(txHash: string) {
    const deadline = Date.now() + (this.o.receiptTimeoutMs ?? 60_000);
    for (;;) {
      const receipt = await this.o.provider.getTransactionReceipt(txHash);
      if (receipt) return receipt;
      if (Date.now() > deadline || !this.running) return null;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async resultFromReceipt(spec: CallSpec, op: OperationRecord, txHash: string): Promise<Record<string, unknown>> {
    if (!spec.resultOf) return {};
    const receipt = await this.o.provider.getTransactionReceipt(txHash);
    return receipt ? spec.resultOf(receipt.logs, op.request) : {};
  }

  /**
   * Chooses the largest chunk starting at `from` whose gas fits the share of the block gas limit, halving on
   * overflow. Reverts (custom errors) are permanent failures, except a duplicate-effect error on a
   * resubmission, which means the first submission did land.
   */
  private async sizeChunk(op: OperationRecord, spec: CallSpec, from: number, total: number, resubmission: boolean) {
    const block = await this.o.provider.getBlock("latest");
    const budget = ((block?.gasLimit ?? 30_000_000n) * BigInt(this.o.batchGasSharePercent)) / 100n;
    let size = spec.splittable ? total - from : 1;
    for (;;) {
      const to = from + size;
      let call: ReturnType<CallSpec["encode"]>;
      try {
        call = spec.encode(op.request, from, to);
      } catch (error) {
        const reason = (error as Error)?.message?.slice(0, 200) ?? String(error);
        throw new PermanentFailure(
          permanentFailureOf(error) ?? { code: "OPERATION_NOT_ENCODABLE", message: `${ERROR_CATALOG.OPERATION_NOT_ENCODABLE.en} (${reason})`, details: { reason } },
        );
      }
      try {
        const gas = await this.o.provider.estimateGas({ from: this.address, to: this.o.ledgerAddress, data: call.data });
        if (gas <= budget || !spec.splittable || size === 1) {
          return { alreadyApplied: false as const, to, data: call.data, gasLimit: (gas * 12n) / 10n + 20_000n, reference: call.reference };
        }
      } catch (error) {
        if (isRevert(error) && revertDataOf(error)) {
          const failure = decodeRevertData(revertDataOf(error));
          if (spec.splittable && size > 1 && failure.code === "BATCH_SIZE_INVALID") {
            size = Math.ceil(size / 2);
            continue;
          }
          const itemCode = (failure.details?.item as { code?: string } | undefined)?.code;
          if (resubmission && (DUPLICATE_EFFECT_CODES.has(failure.code) || (itemCode !== undefined && DUPLICATE_EFFECT_CODES.has(itemCode)))) {
            this.o.logger.info({ operationId: op.id, code: failure.code }, "resubmission found its effect already on chain");
            return { alreadyApplied: true as const, to };
          }
          throw new PermanentFailure(failure);
        }
        const message = describeTransportError(error);
        if (spec.splittable && size > 1 && /gas|allowance|exceeds/i.test(message)) {
          size = Math.ceil(size / 2);
          continue;
        }
        if (isRevert(error)) throw new PermanentFailure(decodeRevertData(undefined));
        throw error;
      }
      size = Math.ceil(size / 2);
    }
  }

  private async sign(tx: TransactionRequest): Promise<{ raw: string; hash: string; nonce: number }> {
    const provider = this.o.provider;
    const nonce = await provider.getTransactionCount(this.address, "pending");
    const fees = await provider.getFeeData();
    const request: TransactionRequest = {
      ...tx,
      nonce,
      chainId: (await provider.getNetwork()).chainId,
      ...(fees.maxFeePerGas !== null
        ? { type: 2, maxFeePerGas: fees.maxFeePerGas * 2n, maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n }
        : { type: 0, gasPrice: fees.gasPrice ?? 0n }),
    };
    const raw = await this.o.wallet.signTransaction(request);
    return { raw, hash: Transaction.from(raw).hash!, nonce };
  }

  private async broadcast(raw: string): Promise<void> {
    try {
      await this.o.provider.broadcastTransaction(raw);
    } catch (error) {
      // Already known to the node: the earlier broadcast got through; the receipt will tell.
      if (/already known|already imported/i.test(describeTransportError(error))) return;
      // Once broadcasting was tried the transaction may be on its way: never a permanent failure (the
      // recorded hash is looked up on the retry), whatever code the error carries.
      throw new Error(describeTransportError(error), { cause: error });
    }
  }

  private async explainRevert(data: string): Promise<OperationError> {
    try {
      await this.o.provider.call({ from: this.address, to: this.o.ledgerAddress, data });
      return decodeRevertData(undefined);
    } catch (error) {
      return decodeRevertData(revertDataOf(error));
    }
  }
}
