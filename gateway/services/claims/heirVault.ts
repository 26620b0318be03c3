/**
 * The heirs' personal data (resident ID number, name, bank card), encrypted at rest with AES-256-GCM like the
 * members vault, and the references the chain sees. Keys are derived from the gateway's pseudonym key
 * (HMAC-SHA256 with a fixed label, which no resident ID number can equal), so no new secret is needed and
 * nothing leaves the gateway:
 *
 * - encryption key = HMAC(pseudonymKey, "pension-ledger/heir-vault/v1")
 * - lookup key     = HMAC(pseudonymKey, "pension-ledger/heir-lookup/v1"); idLookup = HMAC(lookup key, ID number)
 * - heirRef        = HMAC(pseudonymKey, "heir:" + accountId + ":" + ID number + ":" + card) — on chain; it cannot be
 *                    reversed without the key, and differs per inheritance and card.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { MemberVault } from "../../store/memberVault.js";

export class HeirVault {
  private readonly key: Buffer;
  private readonly lookupKey: Buffer;

  constructor(private readonly members: MemberVault) {
    this.key = Buffer.from(members.pseudonymOf("pension-ledger/heir-vault/v1").slice(2), "hex");
    this.lookupKey = Buffer.from(members.pseudonymOf("pension-ledger/heir-lookup/v1").slice(2), "hex");
  }

  heirRef(accountId: string, residentId: string, bankCard: string): string {
    return this.members.pseudonymOf(`heir:${accountId.toLowerCase()}:${residentId}:${bankCard}`);
  }

  idLookup(residentId: string): string {
    return createHmac("sha256", this.lookupKey).update(residentId, "utf8").digest("hex");
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64")).join(".");
  }

  decrypt(sealed: string): string {
    const [iv, tag, body] = sealed.split(".").map((p) => Buffer.from(p, "base64"));
    const decipher = createDecipheriv("aes-256-gcm", this.key, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString("utf8");
  }

  /** A keyed seal over a document hash (tax certificates): only this gateway can make it. */
  seal(label: string, hashHex: string): string {
    return this.members.pseudonymOf(`seal:${label}:${hashHex}`);
  }
}
