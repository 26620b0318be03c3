/**
 * API credentials: one per institution, stored as the SHA-256 of the token (tokens are 32 random bytes, so a
 * plain hash is enough), each mapped to one role and one signing key.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Database } from "./database.js";

export const INSTITUTIONS = ["bank", "socialSecurity", "taxBureau", "investmentManager", "auditor", "operator", "keeper"] as const;
export type Institution = (typeof INSTITUTIONS)[number];

/** The role each institution's credential carries (one each). */
export const ROLE_OF: Record<Institution, string> = {
  bank: "BANK",
  socialSecurity: "SOCIAL_SECURITY",
  taxBureau: "TAX_BUREAU",
  investmentManager: "INVESTMENT_MANAGER",
  auditor: "AUDITOR",
  operator: "OPERATOR",
  keeper: "KEEPER",
};

export interface Credential {
  institution: Institution;
  role: string;
  signerAddress: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function newToken(institution: Institution): string {
  return `pl_${institution}_${randomBytes(32).toString("base64url")}`;
}

export class CredentialRepository {
  constructor(private readonly database: Database) {}

  count(): number {
    return (this.database.db.prepare("SELECT COUNT(*) AS n FROM credentials").get() as { n: number }).n;
  }

  /** Stores (or replaces) an institution's credential; the token itself is never stored. */
  save(institution: Institution, token: string, signerAddress: string): void {
    this.database.db
      .prepare(
        `INSERT INTO credentials (institution, role, token_hash, signer_address, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (institution) DO UPDATE SET token_hash = excluded.token_hash, signer_address = excluded.signer_address`,
      )
      .run(institution, ROLE_OF[institution], hashToken(token), signerAddress, new Date().toISOString());
  }

  authenticate(token: string): Credential | undefined {
    const hash = hashToken(token);
    const row = this.database.db
      .prepare("SELECT institution, role, token_hash, signer_address FROM credentials WHERE token_hash = ?")
      .get(hash) as { institution: Institution; role: string; token_hash: string; signer_address: string } | undefined;
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash, "hex"), Buffer.from(hash, "hex"))) return undefined;
    return { institution: row.institution, role: row.role, signerAddress: row.signer_address };
  }

  all(): Credential[] {
    return (this.database.db.prepare("SELECT institution, role, signer_address FROM credentials").all() as {
      institution: Institution; role: string; signer_address: string;
    }[]).map((r) => ({ institution: r.institution, role: r.role, signerAddress: r.signer_address }));
  }
}
