/**
 * The chain listener: reads the ledger's logs from the stored checkpoint, dispatches each to its handler and
 * moves the checkpoint in the same SQLite transaction, so a restart resumes with no gap and no duplicate.
 *
 * Before each step it checks that the chain still has the checkpoint's block (same number, same hash). If the
 * chain is behind (a node restored from an older state file) or different (a reorganisation), it finds the last
 * block both agree on, drops the index above it, re-indexes from there and has the pipeline re-queue the
 * acknowledged operations whose transactions are gone.
 */
import type { JsonRpcProvider, Log } from "ethers";
import type { Logger } from "pino";
import { ledgerInterface } from "../chain/ledgerInterface.js";
import { toJson } from "../store/json.js";
import type { Store } from "../store/index.js";
import { EVENT_HANDLERS } from "./handlers.js";

export interface ListenerOptions {
  provider: JsonRpcProvider;
  store: Store;
  ledgerAddress: string;
  deploymentBlock: number;
  logger: Logger;
  pollMs: number;
  /** Called with the last common block after the chain was found behind or different. */
  onChainRewound: (commonBlock: number) => Promise<string[]>;
  /** Blocks per getLogs call. */
  rangeSize?: number;
}

export interface ListenerStatus {
  reachable: boolean;
  headBlock: number | null;
  indexedBlock: number | null;
  lastError: string | null;
  rewinds: number;
}

export class ChainListener {
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<void>;
  readonly status: ListenerStatus = { reachable: false, headBlock: null, indexedBlock: null, lastError: null, rewinds: 0 };

  constructor(private readonly o: ListenerOptions) {
    this.status.indexedBlock = o.store.checkpoint.get()?.blockNumber ?? null;
  }

  start(): void {
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      this.current = this.poll();
      await this.current;
      if (this.running) this.timer = setTimeout(tick, this.o.pollMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
  }

  /** One step: check for a rewind, then index up to the head. Never throws. */
  async poll(): Promise<void> {
    try {
      await this.catchUp();
      this.status.reachable = true;
      this.status.lastError = null;
    } catch (error) {
      this.status.reachable = false;
      const e = error as { code?: string; shortMessage?: string; message?: string };
      this.status.lastError = `${e.code ?? "ERROR"}: ${e.shortMessage ?? e.message ?? String(error)}`.slice(0, 200);
      this.o.logger.warn({ error: this.status.lastError }, "chain listener step failed; will retry");
    }
  }

  private async catchUp(): Promise<void> {
    const { provider, store } = this.o;
    const head = await provider.getBlockNumber();
    this.status.headBlock = head;
    let checkpoint = store.checkpoint.get();
    if (checkpoint) {
      const block = checkpoint.blockNumber <= head ? await provider.getBlock(checkpoint.blockNumber) : null;
      if (!block || block.hash !== checkpoint.blockHash) {
        await this.rewind(checkpoint.blockNumber, head);
        checkpoint = store.checkpoint.get();
      }
    }
    // The senders may have seen transactions mined in blocks the index has not reached yet: a head below them
    // means the chain lost those blocks before the index saw them.
    const highestMined = store.operations.highestMinedBlock();
    // (Read the head again: a sender may have recorded a receipt from a block mined after the first read.)
    if (highestMined !== null && highestMined > head && highestMined > (await provider.getBlockNumber())) {
      this.o.logger.warn({ highestMined, head }, "chain head is below blocks the gateway saw its transactions mined in");
      this.status.rewinds++;
      const requeued = await this.o.onChainRewound(Math.min(checkpoint?.blockNumber ?? head, head));
      this.o.logger.warn({ requeued: requeued.length }, "operations re-queued after the chain went back");
    }
    let from = checkpoint ? checkpoint.blockNumber + 1 : this.o.deploymentBlock;
    const rangeSize = this.o.rangeSize ?? 2000;
    while (from <= head && this.running) {
      const to = Math.min(head, from + rangeSize - 1);
      const [logs, toBlock] = await Promise.all([
        provider.getLogs({ address: this.o.ledgerAddress, fromBlock: from, toBlock: to }),
        provider.getBlock(to),
      ]);
      if (!toBlock?.hash) throw new Error(`block ${to} not available`);
      // Every ledger transaction emits OperationRecorded, so a transaction the senders saw mined in this range
      // but absent from its logs is no longer on this chain (replaced at the same height): verify and re-queue.
      const txHashes = new Set(logs.map((log) => log.transactionHash.toLowerCase()));
      const missing = store.operations.minedTransactionsIn(from, to).filter((t) => !txHashes.has(t.txHash.toLowerCase()));
      if (missing.length) {
        this.o.logger.warn({ from, to, missing: missing.length }, "transactions recorded as mined are not in the chain's logs; verifying");
        await this.o.onChainRewound(from - 1);
      }
      // The range's logs must belong to the block we checkpoint: if a log's block hash is not the canonical one
      // (a reorg in between), the next step's check finds it.
      store.transaction(() => {
        for (const log of logs) this.index(log);
        store.checkpoint.set({ blockNumber: to, blockHash: toBlock.hash! });
      });
      this.status.indexedBlock = to;
      from = to + 1;
    }
    this.status.indexedBlock = store.checkpoint.get()?.blockNumber ?? null;
  }

  private index(log: Log): void {
    let parsed;
    try {
      parsed = ledgerInterface.parseLog(log);
    } catch {
      parsed = null;
    }
    if (!parsed) return;
    const at = { blockNumber: log.blockNumber, blockHash: log.blockHash, txHash: log.transactionHash, logIndex: log.index };
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => {
      args[input.name] = parsed.args[i];
    });
    const fresh = this.o.store.eventIndex.recordEvent(at, parsed.name, toJson(args));
    if (fresh) EVENT_HANDLERS[parsed.name]?.(this.o.store.eventIndex, at, parsed.args);
  }

  /** Finds the last common block, drops the index above it, and re-queues vanished operations. */
  private async rewind(checkpointBlock: number, head: number): Promise<void> {
    const { provider, store } = this.o;
    let common = this.o.deploymentBlock - 1;
    for (const remembered of store.checkpoint.recentBlocks(Math.min(checkpointBlock, head))) {
      const block = await provider.getBlock(remembered.blockNumber);
      if (block && block.hash === remembered.blockHash) {
        common = remembered.blockNumber;
        break;
      }
    }
    this.status.rewinds++;
    this.o.logger.warn({ checkpointBlock, head, commonBlock: common }, "chain is behind or different from the checkpoint; re-indexing from the last common block");
    const commonHash = common >= 0 ? (await provider.getBlock(common))?.hash : undefined;
    store.transaction(() => {
      store.eventIndex.rollbackAbove(common);
      store.checkpoint.forgetAbove(common);
      if (commonHash) store.checkpoint.set({ blockNumber: common, blockHash: commonHash });
      else store.database.db.prepare("DELETE FROM checkpoint").run();
    });
    const requeued = await this.o.onChainRewound(common);
    this.o.logger.warn({ requeued: requeued.length }, "operations re-queued after the rewind");
  }

  /** Blocks the index is behind the head (null when unknown). */
  lag(): number | null {
    if (this.status.headBlock === null) return null;
    return Math.max(0, this.status.headBlock - (this.status.indexedBlock ?? this.o.deploymentBlock - 1));
  }
}
