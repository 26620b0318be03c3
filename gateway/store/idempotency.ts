/**
 * Idempotency keys, per credential: the first request with a key fixes its body hash and its result (an
 * operation id, or a stored response). Written in the same SQLite transaction as the effect.
 */
import type { Database } from "./database.js";
import { toJson } from "./json.js";

export interface IdempotencyRecord {
  institution: string;
  key: string;
  requestHash: string;
  operationId: string | null;
  responseStatus: number | null;
  response: unknown;
}

export class IdempotencyRepository {
  constructor(private readonly database: Database) {}

  find(institution: string, key: string): IdempotencyRecord | undefined {
    const row = this.database.db
      .prepare("SELECT * FROM idempotency_keys WHERE institution = ? AND key = ?")
      .get(institution, key) as
      | { institution: string; key: string; request_hash: string; operation_id: string | null; response_status: number | null; response_json: string | null }
      | undefined;
    if (!row) return undefined;
    return {
      institution: row.institution,
      key: row.key,
      requestHash: row.request_hash,
      operationId: row.operation_id,
      responseStatus: row.response_status,
      response: row.response_json ? JSON.parse(row.response_json) : null,
    };
  }

  save(record: { institution: string; key: string; requestHash: string; operationId?: string; responseStatus?: number; response?: unknown }): void {
    this.database.db
      .prepare(
        `INSERT INTO idempotency_keys (institution, key, request_hash, operation_id, response_status, response_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(record.institution, record.key, record.requestHash, record.operationId ?? null, record.responseStatus ?? null,
        record.response === undefined ? null : toJson(record.response), new Date().toISOString());
  }
}
