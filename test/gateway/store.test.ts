import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hashToken, newToken } from "../../gateway/store/credentials.js";
import { openStore, type Store } from "../../gateway/store/index.js";
import { MIGRATIONS } from "../../gateway/store/migrations.js";
import { pseudonymOf } from "../../gateway/store/memberVault.js";
import { newResidentId } from "../e2e/harness.js";

describe("gateway store (SQLite)", () => {
  let dir: string;
  let store: Store;
  const keys = { pseudonymKey: randomBytes(32), vaultKey: randomBytes(32) };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pension-store-"));
    store = openStore(dir, keys);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("migrations", () => {
    it("applies every numbered migration once and reopens without reapplying", () => {
      expect(store.database.version()).to.equal(MIGRATIONS.length);
      store.close();
      store = openStore(dir, keys);
      expect(store.database.version()).to.equal(MIGRATIONS.length);
    });

    it("keeps the database in WAL mode", () => {
      const row = store.database.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string };
      expect(row.journal_mode).to.equal("wal");
    });
  });

  describe("members vault", () => {
    it("stores the ID number, name and card encrypted: none appears in the database files", () => {
      const residentId = newResidentId();
      store.members.upsert({ residentId, name: "李四", bankCard: "6222020200112233445" });
      store.database.db.exec("PRAGMA wal_checkpoint(FULL)");
      for (const file of readdirSync(dir)) {
        const bytes = readFileSync(path.join(dir, file));
        expect(bytes.includes(Buffer.from(residentId)), file).to.equal(false);
        expect(bytes.includes(Buffer.from("6222020200112233445")), file).to.equal(false);
        expect(bytes.includes(Buffer.from("李四")), file).to.equal(false);
      }
    });

    it("uses HMAC-SHA256 of the ID number under the pseudonym key as the bytes32 pseudonym", () => {
      const residentId = newResidentId();
      const pseudonym = store.members.upsert({ residentId, name: "王五" });
      expect(pseudonym).to.match(/^0x[0-9a-f]{64}$/);
      expect(pseudonym).to.equal(pseudonymOf(keys.pseudonymKey, residentId));
      expect(pseudonymOf(randomBytes(32), residentId)).to.not.equal(pseudonym);
    });

    it("resolves a member by pseudonym, by ID number and by pension serial", () => {
      const residentId = newResidentId();
      const pseudonym = store.members.upsert({ residentId, name: "赵六", bankCard: "6222020200112233446" });
      const serial = store.members.assignPensionSerial(pseudonym);
      expect(store.members.byPseudonym(pseudonym)?.residentId).to.equal(residentId);
      expect(store.members.byResidentId(residentId)?.name).to.equal("赵六");
      expect(store.members.byPensionSerial(serial)?.bankCard).to.equal("6222020200112233446");
      expect(store.members.byResidentId(newResidentId())).to.equal(undefined);
    });

    it("gives each member one pension serial, and different members different serials", () => {
      const a = store.members.upsert({ residentId: newResidentId(), name: "A" });
      const b = store.members.upsert({ residentId: newResidentId(), name: "B" });
      const serialA = store.members.assignPensionSerial(a);
      expect(store.members.assignPensionSerial(a)).to.equal(serialA);
      expect(store.members.assignPensionSerial(b)).to.not.equal(serialA);
    });

    it("cannot read the vault with a different vault key", () => {
      const residentId = newResidentId();
      const pseudonym = store.members.upsert({ residentId, name: "钱七" });
      store.close();
      store = openStore(dir, { pseudonymKey: keys.pseudonymKey, vaultKey: randomBytes(32) });
      expect(() => store.members.byPseudonym(pseudonym)).to.throw();
    });
  });

  describe("outbox", () => {
    it("hands a signer's open operations out oldest first and not before their retry time", () => {
      const first = store.operations.insert({ kind: "contribute", signer: "bank", institution: "bank", request: { n: 1 } });
      store.operations.insert({ kind: "contribute", signer: "bank", institution: "bank", request: { n: 2 } });
      expect(store.operations.nextOpen("bank", Date.now())?.id).to.equal(first.id);
      store.operations.scheduleRetry(first.id, 1, Date.now() + 60_000, { code: "CHAIN_UNAVAILABLE", message: "down" });
      expect(store.operations.nextOpen("bank", Date.now())).to.equal(undefined);
      expect(store.operations.nextOpen("keeper", Date.now())).to.equal(undefined);
      expect(store.operations.openCount()).to.equal(2);
    });

    it("re-queues a succeeded operation whose transaction vanished, counting the resubmission", () => {
      const op = store.operations.insert({ kind: "contribute", signer: "bank", institution: "bank", request: {} });
      const progress = { cursor: 1, chunks: [{ from: 0, to: 1, txHash: "0x01", nonce: 0, state: "mined" as const, blockNumber: 9 }] };
      store.operations.succeed(op.id, progress, {});
      expect(store.operations.withChunksAbove(8).map((o) => o.id)).to.deep.equal([op.id]);
      expect(store.operations.withChunksAbove(9)).to.deep.equal([]);
      store.operations.requeue(op.id, { cursor: 0, chunks: [] });
      const requeued = store.operations.get(op.id)!;
      expect(requeued.state).to.equal("pending");
      expect(requeued.resubmissions).to.equal(1);
    });
  });

  describe("credentials", () => {
    it("stores only the SHA-256 of a token and authenticates with the token", () => {
      const token = newToken("bank");
      store.credentials.save("bank", token, "0x0000000000000000000000000000000000000001");
      const row = store.database.db.prepare("SELECT token_hash FROM credentials").get() as { token_hash: string };
      expect(row.token_hash).to.equal(hashToken(token));
      expect(store.credentials.authenticate(token)?.role).to.equal("BANK");
      expect(store.credentials.authenticate(newToken("bank"))).to.equal(undefined);
    });
  });

  describe("event index and checkpoint", () => {
    it("writes an event once however often its block range is replayed", () => {
      const at = { blockNumber: 5, blockHash: "0xaa", txHash: "0xbb", logIndex: 0 };
      expect(store.eventIndex.recordEvent(at, "X", "{}")).to.equal(true);
      expect(store.eventIndex.recordEvent(at, "X", "{}")).to.equal(false);
      expect(store.eventIndex.countOf("idx_events")).to.equal(1);
    });

    it("drops rows above a block on rollback and keeps those at or below it", () => {
      store.eventIndex.contribution({ blockNumber: 5, blockHash: "0x5", txHash: "0xa", logIndex: 0 }, { accountId: "0x1", bankRef: "0x2", kind: "personal", amount: 1n, employerAmount: 0n, employeeAmount: 1n, year: 2026 });
      store.eventIndex.contribution({ blockNumber: 6, blockHash: "0x6", txHash: "0xb", logIndex: 0 }, { accountId: "0x1", bankRef: "0x3", kind: "personal", amount: 2n, employerAmount: 0n, employeeAmount: 2n, year: 2026 });
      store.eventIndex.rollbackAbove(5);
      expect(store.eventIndex.contributionsOf("0x1").map((c) => c.amount)).to.deep.equal(["1"]);
    });

    it("remembers checkpoint blocks and forgets those above a rewind", () => {
      store.checkpoint.set({ blockNumber: 10, blockHash: "0x10" });
      store.checkpoint.set({ blockNumber: 12, blockHash: "0x12" });
      expect(store.checkpoint.get()).to.deep.equal({ blockNumber: 12, blockHash: "0x12" });
      store.checkpoint.forgetAbove(10);
      expect(store.checkpoint.recentBlocks(100).map((b) => b.blockNumber)).to.deep.equal([10]);
    });
  });
});
