/**
 * Unit tests of the gateway-core fixes that need no chain: the outbox part of /healthz (a stuck queue is
 * surfaced), the sender's classification of encoding errors as permanent, the JSON parser that refuses decimal
 * and exponent number literals, the members vault never overwriting a stored name or card, and where the first
 * start puts the API credentials when stdout is not a terminal.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AbiCoder } from "ethers";
import { parseJsonStrictIntegers } from "../../gateway/api/jsonBody.js";
import { permanentFailureOf } from "../../gateway/chain/sender.js";
import { CALLS } from "../../gateway/chain/calls.js";
import { AppError } from "../../gateway/errors.js";
import { outboxHealth } from "../../gateway/health.js";
import { openStore, type Store } from "../../gateway/store/index.js";
import { deliverCredentials } from "../../scripts/start.js";
import { newResidentId } from "../e2e/harness.js";

describe("gateway core fixes (no chain)", () => {
  let dir: string;
  let store: Store;
  const keys = { pseudonymKey: randomBytes(32), vaultKey: randomBytes(32) };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pension-core-"));
    store = openStore(dir, keys);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("outbox health", () => {
    const limits = { maxAgeMs: 300_000, maxAttempts: 20 };
    it("is not stalled with an empty outbox, and reports no age", () => {
      const h = outboxHealth(store.operations, Date.now(), limits);
      expect(h).to.include({ depth: 0, oldestPendingAgeSeconds: null, stalled: false });
    });

    it("reports the oldest pending operation's age and is stalled just past the age limit, not at it", () => {
      const op = store.operations.insert({ kind: "contribute", signer: "bank", institution: "bank", request: {} });
      const created = Date.parse(op.createdAt);
      expect(outboxHealth(store.operations, created + 300_000, limits)).to.include({ oldestPendingAgeSeconds: 300, stalled: false });
      const late = outboxHealth(store.operations, created + 301_000, limits);
      expect(late).to.include({ oldestPendingAgeSeconds: 301, stalled: true, depth: 1 });
      expect(late.oldestPending).to.include({ operationId: op.id, kind: "contribute", signer: "bank" });
    });

    it("is stalled when an open operation was retried more than the allowed times (21 > 20, not 20)", () => {
      const op = store.operations.insert({ kind: "contribute", signer: "bank", institution: "bank", request: {} });
      const now = Date.parse(op.createdAt) + 1000;
      store.operations.scheduleRetry(op.id, 20, 0, { code: "CHAIN_UNAVAILABLE", message: "x" });
      expect(outboxHealth(store.operations, now, limits).stalled).to.equal(false);
      store.operations.scheduleRetry(op.id, 21, 0, { code: "CHAIN_UNAVAILABLE", message: "x" });
      const h = outboxHealth(store.operations, now, limits);
      expect(h).to.include({ stalled: true, maxAttempts: 21 });
      expect(h.oldestPending!.lastError).to.deep.equal({ code: "CHAIN_UNAVAILABLE", message: "x" });
    });
  });

  describe("sender error classification", () => {
    it("treats the encoding error of an amount beyond uint64 as permanent (OPERATION_NOT_ENCODABLE)", () => {
      let thrown: unknown;
      try {
        CALLS.contribute!.encode({ bankRef: "0x" + "11".repeat(32), member: "0x" + "22".repeat(32), amount: "99999999999999999999999999", bookedAt: 1 }, 0, 1);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, "encoding must fail").to.not.equal(undefined);
      expect(permanentFailureOf(thrown)!.code).to.equal("OPERATION_NOT_ENCODABLE");
    });

    it("treats NUMERIC_FAULT and BUFFER_OVERRUN as permanent and a network error as transient", () => {
      let overrun: unknown;
      try {
        AbiCoder.defaultAbiCoder().decode(["uint256"], "0x01");
      } catch (error) {
        overrun = error;
      }
      expect(permanentFailureOf(overrun)?.code).to.equal("OPERATION_NOT_ENCODABLE");
      expect(permanentFailureOf(Object.assign(new Error("overflow"), { code: "NUMERIC_FAULT" }))?.code).to.equal("OPERATION_NOT_ENCODABLE");
      expect(permanentFailureOf(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).to.equal(undefined);
      expect(permanentFailureOf(new TypeError("fetch failed"))).to.equal(undefined);
    });
  });

  describe("JSON bodies", () => {
    it("refuses 100.00 naming the field with the fen to send instead", () => {
      try {
        parseJsonStrictIntegers('{"amount":100.00}');
        expect.fail("must throw");
      } catch (error) {
        expect(error).to.be.instanceOf(AppError);
        expect((error as AppError).field).to.equal("amount");
        expect((error as AppError).message).to.contain("amount must be an integer number of fen (分); 100.00 is not allowed — send 10000 for ¥100.00");
      }
    });

    it("refuses exponents and names nested paths; keeps integers, strings holding dots, and negative integers", () => {
      expect(() => parseJsonStrictIntegers('{"a":[1,{"b":1e5}]}')).to.throw(AppError).with.property("field", "a.1.b");
      expect(() => parseJsonStrictIntegers('{"x":-0.0}')).to.throw(AppError).with.property("field", "x");
      expect(parseJsonStrictIntegers('{"amount":10000,"text":"1.5","n":-3}')).to.deep.equal({ amount: 10000, text: "1.5", n: -3 });
    });
  });

  describe("members vault on open and enrol", () => {
    it("never overwrites a stored name or card, only fills empty fields", () => {
      const residentId = newResidentId();
      store.members.addMember({ residentId, name: "原名" });
      const filled = store.members.addMember({ residentId, name: "别名", bankCard: "6222020200112233445" });
      expect(filled.name).to.equal("原名");
      expect(filled.bankCard).to.equal("6222020200112233445");
      const again = store.members.addMember({ residentId, name: "第三", bankCard: "6222020200112299999" });
      expect(again.name).to.equal("原名");
      expect(again.bankCard).to.equal("6222020200112233445");
      expect(again.bankAccountHash).to.equal(store.members.bankAccountHashOf("6222020200112233445"));
    });
  });

  describe("first-start credentials", () => {
    const tokens = { bank: "pl_bank_secretsecretsecret", auditor: "pl_auditor_secretsecretsecret" };
    it("without a terminal, writes them to DATA_DIR/initial-credentials.txt (0600) and prints only the path", () => {
      const printed: string[] = [];
      const file = deliverCredentials(tokens, dir, false, (l) => printed.push(l));
      expect(file).to.equal(path.join(dir, "initial-credentials.txt"));
      expect(statSync(file!).mode & 0o777).to.equal(0o600);
      expect(readFileSync(file!, "utf8")).to.contain("bank=pl_bank_secretsecretsecret");
      expect(printed.join("\n")).to.not.contain("pl_bank_");
      expect(printed.join("\n")).to.contain(file!);
      expect(printed.join("\n")).to.match(/delete that file/);
    });

    it("on a terminal, prints them and writes no file", () => {
      const printed: string[] = [];
      expect(deliverCredentials(tokens, dir, true, (l) => printed.push(l))).to.equal(undefined);
      expect(printed.join("\n")).to.contain("pl_bank_secretsecretsecret");
      expect(existsSync(path.join(dir, "initial-credentials.txt"))).to.equal(false);
    });
  });
});
