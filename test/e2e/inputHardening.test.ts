/**
 * Bad input at the HTTP edge, found by a new user's QA pass: every case answers 4xx with a catalog code naming
 * the field, never 500, and changes nothing (real chain, real SQLite file).
 */
import { expect } from "chai";
import { statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { findDuplicateKey, parseJsonStrictIntegers } from "../../gateway/api/jsonBody.js";
import type { RunningGateway } from "../../gateway/gateway.js";
import { ApiClient, createTestStack, isoNow, newResidentId, startInProcessGateway, type TestStack } from "./harness.js";

describe("bad input at the HTTP edge (real chain, real SQLite file)", function () {
  let stack: TestStack;
  let gateway: RunningGateway;
  let bank: ApiClient, operator: ApiClient;
  let cardSeq = 5000;

  const raw = (urlPath: string, body: Uint8Array | string, headers: Record<string, string>) =>
    fetch(`${gateway.url}${urlPath}`, { method: "POST", headers: { Authorization: `Bearer ${stack.tokens.bank}`, ...headers }, body: typeof body === "string" ? body : new Uint8Array(body) });

  async function openAccount() {
    const residentId = newResidentId();
    const res = await bank.post("/v1/personal-accounts?wait=true", { residentId, name: "测试成员", bankCard: `62220202001199${cardSeq++}` });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return { residentId, accountId: res.body.result.accountId as string };
  }

  before(async function () {
    this.timeout(180_000);
    stack = await createTestStack();
    gateway = await startInProcessGateway(stack);
    bank = new ApiClient(gateway.url, stack.tokens.bank);
    operator = new ApiClient(gateway.url, stack.tokens.operator);
  });

  after(async () => {
    await gateway?.stop();
    await stack?.destroy();
  });

  describe("request bodies", () => {
    it("answers 400 naming the body, not 500, for a body that is not what its Content-Encoding says", async () => {
      for (const encoding of ["gzip", "deflate", "br"]) {
        const res = await raw("/v1/contributions", "{}", { "content-type": "application/json", "content-encoding": encoding });
        expect(res.status, encoding).to.equal(400);
        expect(await res.json()).to.include({ code: "VALIDATION_FAILED", field: "body" });
      }
      const unknown = await raw("/v1/contributions", "{}", { "content-type": "application/json", "content-encoding": "foo" });
      expect(unknown.status).to.equal(415);
    });

    it("still reads a body that really is gzip", async () => {
      const res = await raw("/v1/contributions", gzipSync(Buffer.from("{}")), { "content-type": "application/json", "content-encoding": "gzip" });
      expect(res.status).to.equal(400);
      const body = await res.json();
      // Parsed: the schema now names a missing field, not the body.
      expect(body.code).to.equal("VALIDATION_FAILED");
      expect(body.field).to.not.equal("body");
    });

    it("refuses bytes that are not UTF-8 instead of storing U+FFFD as the member's name", async () => {
      const residentId = newResidentId();
      const body = Buffer.concat([Buffer.from(`{"residentId":"${residentId}","name":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`","bankCard":"6222020200112233454"}`)]);
      const res = await raw("/v1/personal-accounts", body, { "content-type": "application/json" });
      expect(res.status).to.equal(400);
      expect(await res.json()).to.deep.include({ code: "VALIDATION_FAILED", field: "body", details: { reason: "invalid UTF-8" } });
      expect(gateway.store.members.byResidentId(residentId)).to.equal(undefined);
    });

    it("refuses a JSON body declared in another charset with 415", async () => {
      const res = await raw("/v1/contributions", "{}", { "content-type": "application/json; charset=latin1" });
      expect(res.status).to.equal(415);
      expect((await res.json()).code).to.equal("UNSUPPORTED_MEDIA_TYPE");
    });

    it("refuses a key sent twice, which would let 100.5 hide behind a later 100", async () => {
      const { residentId, accountId } = await openAccount();
      const text = `{"residentId":"${residentId}","amount":100,"amount":100,"bookedAt":"${isoNow(-60)}","bankReference":"DUP-KEY-1"}`;
      const res = await raw("/v1/contributions?wait=true", text, { "content-type": "application/json" });
      expect(res.status).to.equal(400);
      expect(await res.json()).to.include({ code: "VALIDATION_FAILED", field: "amount" });
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("0");
    });

    it("tells a bare JSON value from broken JSON", async () => {
      for (const text of ["null", '"x"', "123"]) {
        const res = await raw("/v1/contributions", text, { "content-type": "application/json" });
        expect(res.status, text).to.equal(400);
        const body = await res.json();
        expect(body, text).to.deep.include({ code: "VALIDATION_FAILED", field: "body", details: { reason: "not an object" } });
      }
    });

    it("does not echo a run of digits from an unknown key (it may be an ID or card number)", async () => {
      const res = await bank.post("/v1/contributions", { "6222020200112233445": 1 });
      expect(res.status).to.equal(400);
      expect(JSON.stringify(res.body)).to.not.contain("6222020200112233445");
    });

    it("refuses a name with control characters", async () => {
      const residentId = newResidentId();
      const res = await bank.post("/v1/personal-accounts", { residentId, name: "a\nb\u0000", bankCard: "6222020200112233455" });
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ code: "VALIDATION_FAILED", field: "name" });
      expect(gateway.store.members.byResidentId(residentId)).to.equal(undefined);
    });

    it("refuses a name with a lone surrogate (\\ud800), which would be stored as U+FFFD for good", async () => {
      const residentId = newResidentId();
      const res = await raw("/v1/personal-accounts", `{"residentId":"${residentId}","name":"\\ud800","bankCard":"6222020200112233456"}`, { "content-type": "application/json" });
      expect(res.status).to.equal(400);
      expect(await res.json()).to.include({ code: "VALIDATION_FAILED", field: "name" });
      expect(gateway.store.members.byResidentId(residentId)).to.equal(undefined);
    });

    it("refuses a suspense assignment naming both a resident ID and a pension reference", async () => {
      const res = await operator.post("/v1/bank/suspense/SUS-00000000-0000-0000-0000-000000000000/assignment", { residentId: newResidentId(), pensionReference: "PA000000000000000487" });
      // 400 for the body, before the (unknown) suspense id is even looked up (that would be 404).
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.code).to.equal("VALIDATION_FAILED");
    });

    it("refuses a booking or effective date before 1970 as a validation error naming the field, creating no operation", async () => {
      const before = gateway.store.operations.list().length;
      const booking = await bank.post("/v1/contributions", { residentId: newResidentId(), amount: 100, bookedAt: "1899-01-01T00:00:00Z", bankReference: "OLD-1" });
      expect(booking.status).to.equal(400);
      expect(booking.body).to.include({ code: "VALIDATION_FAILED", field: "bookedAt" });
      const ss = new ApiClient(gateway.url, stack.tokens.socialSecurity);
      const effective = await ss.post("/v1/eligibility", { residentId: newResidentId(), qualifyingEvent: "Retirement", effectiveDate: "1900-01-01", evidenceReference: "E" });
      expect(effective.status).to.equal(400);
      expect(effective.body).to.include({ code: "VALIDATION_FAILED", field: "effectiveDate" });
      expect(gateway.store.operations.list().length).to.equal(before);
    });
  });

  describe("idempotency", () => {
    it("treats the same body with its keys in another order as the same request", async () => {
      const { residentId } = await openAccount();
      const bookedAt = isoNow(-60);
      const first = await raw("/v1/contributions", `{"residentId":"${residentId}","amount":100,"bookedAt":"${bookedAt}","bankReference":"ORDER-1"}`, { "content-type": "application/json", "Idempotency-Key": "order-1" });
      const second = await raw("/v1/contributions", `{"bankReference":"ORDER-1","bookedAt":"${bookedAt}","amount":100,"residentId":"${residentId}"}`, { "content-type": "application/json", "Idempotency-Key": "order-1" });
      expect(first.status).to.equal(202);
      expect(second.status).to.be.oneOf([200, 202]);
      expect((await second.json()).operationId).to.equal((await first.json()).operationId);
    });
  });

  describe("numbers in JSON", () => {
    it("keeps an integer beyond 2^53 exactly (amounts reach the ledger's uint64)", () => {
      const parsed = parseJsonStrictIntegers('{"amount":18446744073709551615,"n":5}') as { amount: bigint; n: number };
      expect(parsed.amount).to.equal(18446744073709551615n);
      expect(parsed.n).to.equal(5);
    });

    it("finds a duplicate key at its path, inside arrays and nested objects, and ignores braces inside strings", () => {
      expect(findDuplicateKey('{"a":1,"b":{"c":"}{\\"","c":2}}')).to.equal("b.c");
      expect(findDuplicateKey('{"items":[{"x":1},{"x":1,"x":2}]}')).to.equal("items.1.x");
      expect(findDuplicateKey('{"a":"a","b":["a","a"],"c":{"a":1}}')).to.equal(undefined);
    });

    it("talks of fen only for amounts: a day of month of 1.5 is told to be an integer", async () => {
      const res = await bank.post("/v1/standing-contributions", `{"residentId":"${newResidentId()}","amount":100,"dayOfMonth":1.5}`);
      expect(res.status).to.equal(400);
      expect(res.body.field).to.equal("dayOfMonth");
      expect(res.body.message).to.contain("dayOfMonth must be an integer;");
      expect(res.body.message).to.not.contain("fen");
    });
  });

  describe("what goes on chain", () => {
    it("refuses a reason code holding digits (an ID number would be published on chain) and sends nothing", async () => {
      const { accountId } = await openAccount();
      const before = gateway.store.operations.list().length;
      for (const reasonCode of ["110105200002290056", "COURT_ORDER_2026", "court_order"]) {
        const res = await operator.post(`/v1/accounts/${accountId}/freeze`, { reasonCode });
        expect(res.status, reasonCode).to.equal(400);
        expect(res.body, reasonCode).to.include({ code: "VALIDATION_FAILED", field: "reasonCode" });
      }
      expect(gateway.store.operations.list().length).to.equal(before);
      expect((await operator.post(`/v1/accounts/${accountId}/freeze?wait=true`, { reasonCode: "COURT_ORDER" })).status).to.equal(200);
    });
  });

  describe("files at rest", () => {
    it("keeps the gateway's SQLite file (encrypted vault, credential hashes) readable by its owner only", () => {
      const mode = statSync(path.join(stack.dataDir, "gateway.sqlite")).mode & 0o777;
      expect(mode.toString(8)).to.equal("600");
    });
  });
});
