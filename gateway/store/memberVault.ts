/**
 * The members vault: resident ID number, name and bound bank card, each encrypted at rest with AES-256-GCM.
 * The chain knows a member only by the pseudonym, HMAC-SHA256(pseudonym key, ID number) as bytes32 hex.
 * ID → member lookups use a second keyed hash (derived from the vault key), so the table's lookup column
 * reveals neither the ID nor the pseudonym. Nothing here is ever logged.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { Database } from "./database.js";

export interface MemberKeys {
  pseudonymKey: Buffer;
  vaultKey: Buffer;
}

export interface MemberRecord {
  pseudonym: string;
  residentId: string;
  name: string | null;
  bankCard: string | null;
  bankAccountHash: string | null;
  pensionSerial: bigint | null;
}

/** The pseudonym the chain sees for a (normalised) resident ID number. */
export function pseudonymOf(pseudonymKey: Buffer, residentId: string): string {
  return "0x" + createHmac("sha256", pseudonymKey).update(residentId, "utf8").digest("hex");
}

export class MemberVault {
  private readonly lookupKey: Buffer;

  constructor(private readonly database: Database, private readonly keys: MemberKeys) {
    this.lookupKey = createHmac("sha256", keys.vaultKey).update("pension-ledger/member-lookup/v1").digest();
  }

  private get db() {
    return this.database.db;
  }

  pseudonymOf(residentId: string): string {
    return pseudonymOf(this.keys.pseudonymKey, residentId);
  }

  /** The on-chain hash of a bound bank card: keyed, so it cannot be reversed by enumerating card numbers. */
  bankAccountHashOf(bankCard: string): string {
    return "0x" + createHmac("sha256", this.keys.pseudonymKey).update(`bank-card:${bankCard}`, "utf8").digest("hex");
  }

  private idLookup(residentId: string): string {
    return createHmac("sha256", this.lookupKey).update(residentId, "utf8").digest("hex");
  }

  private encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.keys.vaultKey, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64")).join(".");
  }

  private decrypt(sealed: string): string {
    const [iv, tag, body] = sealed.split(".").map((p) => Buffer.from(p, "base64"));
    const decipher = createDecipheriv("aes-256-gcm", this.keys.vaultKey, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString("utf8");
  }

  /**
   * Stores or updates a member (fields left undefined keep their stored value). Returns the pseudonym.
   * Overwrites: the request paths use {@link addMember}, which never does.
   */
  upsert(member: { residentId: string; name?: string; bankCard?: string }): string {
    const pseudonym = this.pseudonymOf(member.residentId);
    const now = new Date().toISOString();
    const existing = this.db.prepare("SELECT pseudonym FROM members WHERE pseudonym = ?").get(pseudonym);
    const nameEnc = member.name === undefined ? null : this.encrypt(member.name);
    const cardEnc = member.bankCard === undefined ? null : this.encrypt(member.bankCard);
    const cardHash = member.bankCard === undefined ? null : this.bankAccountHashOf(member.bankCard);
    if (existing) {
      this.db
        .prepare(
          `UPDATE members SET name_enc = COALESCE(?, name_enc), bank_card_enc = COALESCE(?, bank_card_enc),
           bank_account_hash = COALESCE(?, bank_account_hash), updated_at = ? WHERE pseudonym = ?`,
        )
        .run(nameEnc, cardEnc, cardHash, now, pseudonym);
    } else {
      this.db
        .prepare(
          `INSERT INTO members (pseudonym, id_lookup, resident_id_enc, name_enc, bank_card_enc, bank_account_hash, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(pseudonym, this.idLookup(member.residentId), this.encrypt(member.residentId), nameEnc, cardEnc, cardHash, now, now);
    }
    return pseudonym;
  }

  /**
   * Adds a member the vault does not hold yet. For a member it already holds, only fields still empty are filled
   * (e.g. the card of a member first enrolled in an annuity plan without one); a stored name or card is never
   * overwritten: opening an account or enrolling is not the way to change them. Returns the stored record.
   */
  addMember(member: { residentId: string; name?: string; bankCard?: string }): MemberRecord {
    const pseudonym = this.pseudonymOf(member.residentId);
    const existing = this.byPseudonym(pseudonym);
    if (!existing) {
      this.upsert(member);
    } else {
      const fill = {
        residentId: member.residentId,
        ...(existing.name === null && member.name !== undefined ? { name: member.name } : {}),
        ...(existing.bankCard === null && member.bankCard !== undefined ? { bankCard: member.bankCard } : {}),
      };
      if (fill.name !== undefined || fill.bankCard !== undefined) this.upsert(fill);
    }
    return this.byPseudonym(pseudonym)!;
  }

  /** Gives the member a pension reference serial if it has none; returns the serial. */
  assignPensionSerial(pseudonym: string): bigint {
    const row = this.db.prepare("SELECT pension_serial FROM members WHERE pseudonym = ?").get(pseudonym) as
      | { pension_serial: number | null }
      | undefined;
    if (!row) throw new Error("member not in vault");
    if (row.pension_serial !== null) return BigInt(row.pension_serial);
    this.db.prepare("INSERT INTO sequences (name, value) VALUES ('pension_serial', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1").run();
    const { value } = this.db.prepare("SELECT value FROM sequences WHERE name = 'pension_serial'").get() as { value: number };
    this.db.prepare("UPDATE members SET pension_serial = ? WHERE pseudonym = ?").run(value, pseudonym);
    return BigInt(value);
  }

  private read(row: Record<string, unknown> | undefined): MemberRecord | undefined {
    if (!row) return undefined;
    return {
      pseudonym: row.pseudonym as string,
      residentId: this.decrypt(row.resident_id_enc as string),
      name: row.name_enc ? this.decrypt(row.name_enc as string) : null,
      bankCard: row.bank_card_enc ? this.decrypt(row.bank_card_enc as string) : null,
      bankAccountHash: (row.bank_account_hash as string | null) ?? null,
      pensionSerial: row.pension_serial === null || row.pension_serial === undefined ? null : BigInt(row.pension_serial as number),
    };
  }

  byPseudonym(pseudonym: string): MemberRecord | undefined {
    return this.read(this.db.prepare("SELECT * FROM members WHERE pseudonym = ?").get(pseudonym.toLowerCase()) as Record<string, unknown> | undefined);
  }

  byResidentId(residentId: string): MemberRecord | undefined {
    return this.read(this.db.prepare("SELECT * FROM members WHERE id_lookup = ?").get(this.idLookup(residentId)) as Record<string, unknown> | undefined);
  }

  byPensionSerial(serial: bigint): MemberRecord | undefined {
    return this.read(this.db.prepare("SELECT * FROM members WHERE pension_serial = ?").get(Number(serial)) as Record<string, unknown> | undefined);
  }
}
