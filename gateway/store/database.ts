/**
 * The gateway's SQLite file (Node's built-in `node:sqlite`, no native addon): WAL journal, numbered
 * migrations applied in order at open, and a synchronous transaction helper. Every repository takes this.
 */
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "./migrations.js";

export class Database {
  readonly db: DatabaseSync;
  private depth = 0;

  constructor(file: string) {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new DatabaseSync(file);
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
    // The file holds the encrypted members vault and the credential hashes: readable by this user only.
    if (file !== ":memory:") {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    }
    this.migrate();
  }

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    const row = this.db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations").get() as { v: number };
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (version <= row.v) continue;
      this.transaction(() => {
        this.db.exec(sql);
        this.db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(version, new Date().toISOString());
      });
    }
  }

  /** The schema version after migration. */
  version(): number {
    return (this.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number }).v;
  }

  /** Runs `work` in one transaction (nested calls join the outer one). `work` must be synchronous. */
  transaction<T>(work: () => T): T {
    if (this.depth > 0) {
      this.depth++;
      try {
        return work();
      } finally {
        this.depth--;
      }
    }
    this.db.exec("BEGIN IMMEDIATE");
    this.depth = 1;
    try {
      const result = work();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    } finally {
      this.depth = 0;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

export function openDatabase(dataDir: string): Database {
  return new Database(path.join(dataDir, "gateway.sqlite"));
}
