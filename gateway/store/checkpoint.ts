/**
 * The event listener's checkpoint (last indexed block and its hash) and the hashes of recently indexed
 * blocks, used to find the last block the gateway and the chain still agree on after a restore or reorg.
 */
import type { Database } from "./database.js";

export interface Checkpoint {
  blockNumber: number;
  blockHash: string;
}

/** How many recent block hashes are kept for finding the common ancestor. */
const RECENT_BLOCKS_KEPT = 4096;

export class CheckpointRepository {
  constructor(private readonly database: Database) {}

  get(): Checkpoint | undefined {
    const row = this.database.db.prepare("SELECT block_number, block_hash FROM checkpoint WHERE id = 1").get() as
      | { block_number: number; block_hash: string }
      | undefined;
    return row ? { blockNumber: row.block_number, blockHash: row.block_hash } : undefined;
  }

  /** Moves the checkpoint and remembers the block's hash. Call inside the transaction that wrote the index. */
  set(checkpoint: Checkpoint): void {
    const db = this.database.db;
    db.prepare(
      `INSERT INTO checkpoint (id, block_number, block_hash, updated_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash, updated_at = excluded.updated_at`,
    ).run(checkpoint.blockNumber, checkpoint.blockHash, new Date().toISOString());
    db.prepare("INSERT OR REPLACE INTO recent_blocks (block_number, block_hash) VALUES (?, ?)").run(checkpoint.blockNumber, checkpoint.blockHash);
    db.prepare("DELETE FROM recent_blocks WHERE block_number < ?").run(checkpoint.blockNumber - RECENT_BLOCKS_KEPT);
  }

  rememberBlock(blockNumber: number, blockHash: string): void {
    this.database.db.prepare("INSERT OR REPLACE INTO recent_blocks (block_number, block_hash) VALUES (?, ?)").run(blockNumber, blockHash);
  }

  /** Remembered blocks at or below `blockNumber`, newest first. */
  recentBlocks(atOrBelow: number): Checkpoint[] {
    return (this.database.db
      .prepare("SELECT block_number, block_hash FROM recent_blocks WHERE block_number <= ? ORDER BY block_number DESC")
      .all(atOrBelow) as { block_number: number; block_hash: string }[]).map((r) => ({ blockNumber: r.block_number, blockHash: r.block_hash }));
  }

  forgetAbove(blockNumber: number): void {
    this.database.db.prepare("DELETE FROM recent_blocks WHERE block_number > ?").run(blockNumber);
  }
}
