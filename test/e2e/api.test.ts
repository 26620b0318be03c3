/**
 * The gateway's HTTP API against a real anvil chain (random port) with the ledger deployed, and a real SQLite
 * file: each operation's success, its validation errors and its role refusals.
 */
import { expect } from "chai";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createMetrics } from "../../gateway/api/metrics.js";
import { createApp } from "../../gateway/app.js";
import type { RunningGateway } from "../../gateway/gateway.js";
import { residentIdCheckCharacter } from "../../gateway/domain/residentId.js";
import { createLogger } from "../../gateway/logger.js";
import { ApiClient, createTestStack, isoNow, newResidentId, startInProcessGateway, type TestStack } from "./harness.js";

const CAP = 1_200_000; // 12,000 yuan in fen (domain.md)
const withCheckCharacter = (first17: string) => first17 + residentIdCheckCharacter(first17);

describe("gateway API (real chain, real SQLite file)", function () {
  let stack: TestStack;
  let gateway: RunningGateway;
  let logs = "";
  let bank: ApiClient, operator: ApiClient, socialSecurity: ApiClient, keeper: ApiClient, investmentManager: ApiClient, auditor: ApiClient, taxBureau: ApiClient;
  let anonymous: ApiClient;
  const usedIds: string[] = [];
  let bankCardSeq = 100;

  const residentId = () => {
    const id = newResidentId();
    usedIds.push(id);
    return id;
  };
  const outboxSize = () => gateway.store.operations.list().length;

  async function openAccount(id = residentId()) {
    const res = await bank.post("/v1/personal-accounts?wait=true", { residentId: id, name: "测试成员", bankCard: `62220202001122${bankCardSeq++}` });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.state).to.equal("succeeded");
    return { residentId: id, accountId: res.body.result.accountId as string, pensionReference: res.body.result.pensionReference as string };
  }

  before(async function () {
    this.timeout(180_000);
    stack = await createTestStack({ BODY_LIMIT_BYTES: "65536" });
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs += chunk.toString();
        done();
      },
    });
    gateway = await startInProcessGateway(stack, { logger: createLogger("info", sink) });
    const client = (token?: string) => new ApiClient(gateway.url, token);
    bank = client(stack.tokens.bank);
    operator = client(stack.tokens.operator);
    socialSecurity = client(stack.tokens.socialSecurity);
    keeper = client(stack.tokens.keeper);
    investmentManager = client(stack.tokens.investmentManager);
    auditor = client(stack.tokens.auditor);
    taxBureau = client(stack.tokens.taxBureau);
    anonymous = client();
  });

  after(async function () {
    await gateway?.stop();
    await stack?.destroy();
  });

  describe("authentication and the HTTP envelope", () => {
    it("answers 401 UNAUTHENTICATED without a credential and writes nothing", async () => {
      const before = outboxSize();
      const res = await anonymous.post("/v1/contributions", { residentId: residentId(), amount: 1, bookedAt: isoNow(), bankReference: "X" });
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal("UNAUTHENTICATED");
      expect(outboxSize()).to.equal(before);
    });

    it("answers 401 for an unknown token", async () => {
      const res = await new ApiClient(gateway.url, "pl_bank_" + "A".repeat(43)).get("/v1/operations/00000000-0000-4000-8000-000000000000");
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ code: "UNAUTHENTICATED", message: "Missing or invalid credential." });
    });

    it("refuses a body over the limit with 413 PAYLOAD_TOO_LARGE", async () => {
      const res = await bank.post("/v1/contribution-batches", { bankReference: "big", items: [], padding: "x".repeat(70_000) });
      expect(res.status).to.equal(413);
      expect(res.body.code).to.equal("PAYLOAD_TOO_LARGE");
      expect(res.body.details.limitBytes).to.equal(65536);
    });

    it("refuses a body that is not JSON with 415, and broken JSON with 400 naming the body", async () => {
      const plain = await bank.post("/v1/contributions", "amount=1", { "content-type": "text/plain" });
      expect(plain.status).to.equal(415);
      expect(plain.body.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
      const broken = await bank.post("/v1/contributions", "{\"amount\":", { "content-type": "application/json" });
      expect(broken.status).to.equal(400);
      expect(broken.body).to.include({ code: "VALIDATION_FAILED", field: "body" });
    });

    it("sets security headers and a request id", async () => {
      const res = await anonymous.get("/healthz");
      expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
      expect(res.headers.get("content-security-policy")).to.contain("default-src 'self'");
      expect(res.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
    });

    it("answers an unknown path with 404 NOT_FOUND in the error format", async () => {
      const res = await anonymous.get("/nowhere");
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal("NOT_FOUND");
    });
  });

  describe("openAccount", () => {
    it("opens an account and returns its id and pension reference; getAccount shows it Active", async () => {
      const { accountId, pensionReference } = await openAccount();
      expect(accountId).to.match(/^0x[0-9a-f]{64}$/);
      expect(pensionReference).to.match(/^PA[0-9]{18}$/);
      const account = await bank.get(`/v1/accounts/${accountId}`);
      expect(account.status).to.equal(200);
      expect(account.body).to.deep.include({ status: "Active", kind: "PersonalPension", pensionReference });
      expect(account.body.balances.balance).to.equal("0");
      expect(account.body.thisYear).to.include({ contributed: "0", remaining: String(CAP), cap: String(CAP) });
      expect(account.body.holder.residentIdMasked).to.match(/^110\*{11}/);
    });

    it("acknowledges with 202 and an operation id that getOperation follows to succeeded", async () => {
      const res = await bank.post("/v1/personal-accounts", { residentId: residentId(), name: "异步", bankCard: "6222020200112299001" });
      expect(res.status).to.equal(202);
      expect(res.body.state).to.be.oneOf(["pending", "submitted"]);
      const final = await bank.waitForOperation(res.body.operationId);
      expect(final.state).to.equal("succeeded");
      expect(final.transactions[0].txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(final.blockNumber).to.be.a("number");
    });

    for (const [check, id] of [
      ["length", "11010519491231002"],
      ["characters", "1101051949123100AX"],
      ["checkCharacter", "110105194912310021"],
      ["birthDate", withCheckCharacter("11010519490230002")],
    ] as const) {
      it(`rejects a resident ID number failing the ${check} check with RESIDENT_ID_INVALID naming it`, async () => {
        const before = outboxSize();
        const res = await bank.post("/v1/personal-accounts", { residentId: id, name: "某人", bankCard: "6222020200112233445" });
        expect(res.status).to.equal(400);
        expect(res.body).to.include({ code: "RESIDENT_ID_INVALID", field: "residentId" });
        expect(res.body.details.check).to.equal(check);
        expect(res.body.message).to.not.contain(id);
        expect(outboxSize()).to.equal(before);
      });
    }

    it("rejects a missing name, a malformed card and an unknown field with VALIDATION_FAILED naming the field", async () => {
      const noName = await bank.post("/v1/personal-accounts", { residentId: residentId(), bankCard: "6222020200112233445" });
      expect(noName.body).to.include({ code: "VALIDATION_FAILED", field: "name" });
      const badCard = await bank.post("/v1/personal-accounts", { residentId: residentId(), name: "某人", bankCard: "12-34" });
      expect(badCard.body).to.include({ code: "VALIDATION_FAILED", field: "bankCard" });
      const extra = await bank.post("/v1/personal-accounts", { residentId: residentId(), name: "某人", bankCard: "6222020200112233445", pseudonym: "0x00" });
      expect(extra.status).to.equal(400);
      expect(extra.body.code).to.equal("VALIDATION_FAILED");
    });

    for (const who of ["socialSecurity", "taxBureau", "auditor", "operator", "keeper", "investmentManager"] as const) {
      it(`refuses openAccount to the ${who} credential with 403 and sends nothing to the chain`, async () => {
        const before = outboxSize();
        const client = new ApiClient(gateway.url, stack.tokens[who]);
        const res = await client.post("/v1/personal-accounts", { residentId: residentId(), name: "某人", bankCard: "6222020200112233445" });
        expect(res.status).to.equal(403);
        expect(res.body.code).to.equal("FORBIDDEN_FOR_ROLE");
        expect(outboxSize()).to.equal(before);
      });
    }

    it("refuses a second account for the same member with 409 ACCOUNT_ALREADY_OPEN and changes nothing: name, card and outbox stay", async () => {
      const { residentId: id, accountId } = await openAccount();
      const stored = gateway.store.members.byResidentId(id)!;
      const before = outboxSize();
      for (const wait of ["?wait=true", ""]) {
        const res = await bank.post(`/v1/personal-accounts${wait}`, { residentId: id, name: "冒名者", bankCard: "6222020200112233999" });
        expect(res.status).to.equal(409);
        expect(res.body).to.include({ code: "ACCOUNT_ALREADY_OPEN", field: "residentId" });
        expect(res.body.details.accountId).to.equal(accountId);
      }
      const after = gateway.store.members.byResidentId(id)!;
      expect(after.name).to.equal(stored.name);
      expect(after.bankCard).to.equal(stored.bankCard);
      expect(after.bankAccountHash).to.equal(stored.bankAccountHash);
      expect(outboxSize()).to.equal(before);
    });

    it("replays the first operation for a repeated Idempotency-Key of an open that succeeded (not a 409)", async () => {
      const id = residentId();
      const body = { residentId: id, name: "重放", bankCard: "6222020200112233123" };
      const first = await bank.post("/v1/personal-accounts?wait=true", body, { "Idempotency-Key": `open-${id}` });
      expect(first.status).to.equal(200);
      const again = await bank.post("/v1/personal-accounts?wait=true", body, { "Idempotency-Key": `open-${id}` });
      expect(again.status).to.equal(200);
      expect(again.body.operationId).to.equal(first.body.operationId);
    });

    it("fills the card of a member first enrolled in an annuity plan without overwriting the enrolment's name", async () => {
      const planCode = `FILL-${Date.now()}`;
      expect((await operator.post("/v1/plans?wait=true", { planCode, employerCode: "91310000MA1FL0FILL", vestingBpsByYear: [10000] })).status).to.equal(200);
      const id = residentId();
      expect((await bank.post(`/v1/plans/${planCode}/members?wait=true`, { residentId: id, name: "原名", serviceStart: "2024-01-01" })).status).to.equal(200);
      const opened = await bank.post("/v1/personal-accounts?wait=true", { residentId: id, name: "别名", bankCard: "6222020200112233555" });
      expect(opened.status, JSON.stringify(opened.body)).to.equal(200);
      const member = gateway.store.members.byResidentId(id)!;
      expect(member.name).to.equal("原名");
      expect(member.bankCard).to.equal("6222020200112233555");
    });

    it("finds the account by resident ID number in the body", async () => {
      const { residentId: id, accountId } = await openAccount();
      const res = await auditor.post("/v1/accounts/query", { residentId: id });
      expect(res.status).to.equal(200);
      expect(res.body.accountId).to.equal(accountId);
      expect(res.body).to.not.have.property("holder");
    });
  });

  describe("contribute", () => {
    it("credits a contribution and getAccount shows it in the balance and this year's room", async () => {
      const { residentId: id, accountId } = await openAccount();
      const res = await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 100_000, bookedAt: isoNow(-60), bankReference: `C-${id}` });
      expect(res.status).to.equal(200);
      const account = await bank.get(`/v1/accounts/${accountId}`);
      expect(account.body.balances).to.include({ balance: "100000", personalContributions: "100000" });
      expect(account.body.thisYear).to.include({ contributed: "100000", remaining: String(CAP - 100_000) });
      expect(account.body.display.balance).to.equal("¥1,000.00");
    });

    it("accepts exactly the annual cap and rejects one fen more whole, stating the room left (0)", async () => {
      const { residentId: id, accountId } = await openAccount();
      const atCap = await bank.post("/v1/contributions?wait=true", { residentId: id, amount: String(CAP), bookedAt: isoNow(-60), bankReference: `CAP-${id}` });
      expect(atCap.status, JSON.stringify(atCap.body)).to.equal(200);
      const over = await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 1, bookedAt: isoNow(-60), bankReference: `CAP1-${id}` });
      expect(over.status).to.equal(422);
      expect(over.body.code).to.equal("CONTRIBUTION_EXCEEDS_ANNUAL_CAP");
      expect(over.body.details).to.include({ requested: "1", remaining: "0" });
      const account = await bank.get(`/v1/accounts/${accountId}`);
      expect(account.body.balances.balance).to.equal(String(CAP));
    });

    it("rejects a contribution one fen over the remaining room, reporting the room left", async () => {
      const { residentId: id } = await openAccount();
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 200_000, bookedAt: isoNow(-60), bankReference: `R1-${id}` });
      const over = await bank.post("/v1/contributions?wait=true", { residentId: id, amount: CAP - 200_000 + 1, bookedAt: isoNow(-60), bankReference: `R2-${id}` });
      expect(over.status).to.equal(422);
      expect(over.body.details.remaining).to.equal(String(CAP - 200_000));
      const op = await bank.get(`/v1/operations/${over.body.details.operationId}`);
      expect(op.body.state).to.equal("failed");
      expect(op.body.error.code).to.equal("CONTRIBUTION_EXCEEDS_ANNUAL_CAP");
    });

    it("credits the same bank reference once: a resent message fails with BANK_REFERENCE_ALREADY_USED", async () => {
      const { residentId: id, accountId } = await openAccount();
      const body = { residentId: id, amount: 5_000, bookedAt: isoNow(-60), bankReference: `DUP-${id}` };
      expect((await bank.post("/v1/contributions?wait=true", body)).status).to.equal(200);
      const again = await bank.post("/v1/contributions?wait=true", body);
      expect(again.status).to.equal(409);
      expect(again.body.code).to.equal("BANK_REFERENCE_ALREADY_USED");
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("5000");
    });

    it("accepts the pension reference instead of the ID number", async () => {
      const { pensionReference, accountId } = await openAccount();
      const res = await bank.post("/v1/contributions?wait=true", { pensionReference, amount: 700, bookedAt: isoNow(-60), bankReference: `PR-${pensionReference}` });
      expect(res.status).to.equal(200);
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("700");
    });

    for (const [label, amount, reason] of [
      ["a float", 12.5, /integer number of fen \(分\); 12\.5 is not allowed/],
      ["a decimal string", "12.50", /whole number/],
      ["an exponent string", "1e3", /digit string/],
      ["a boolean", true, /integer number of fen/],
    ] as const) {
      it(`rejects ${label} as amount with VALIDATION_FAILED naming amount`, async () => {
        const res = await bank.post("/v1/contributions", { residentId: residentId(), amount, bookedAt: isoNow(), bankReference: "F" });
        expect(res.status).to.equal(400);
        expect(res.body).to.include({ code: "VALIDATION_FAILED", field: "amount" });
        expect(res.body.message).to.match(reason);
      });
    }

    it("rejects zero and negative amounts, a future booking time and a missing bank reference", async () => {
      for (const amount of [0, -1]) {
        const res = await bank.post("/v1/contributions", { residentId: residentId(), amount, bookedAt: isoNow(), bankReference: "Z" });
        expect(res.body).to.include({ code: "VALIDATION_FAILED", field: "amount" });
      }
      const future = await bank.post("/v1/contributions", { residentId: residentId(), amount: 1, bookedAt: isoNow(3600), bankReference: "Z" });
      expect(future.body).to.include({ code: "VALIDATION_FAILED", field: "bookedAt" });
      const noRef = await bank.post("/v1/contributions", { residentId: residentId(), amount: 1, bookedAt: isoNow() });
      expect(noRef.body).to.include({ code: "VALIDATION_FAILED", field: "bankReference" });
    });

    it("requires exactly one of residentId and pensionReference", async () => {
      const res = await bank.post("/v1/contributions", { amount: 1, bookedAt: isoNow(), bankReference: "N" });
      expect(res.body).to.include({ code: "VALIDATION_FAILED", field: "residentId" });
    });

    for (const who of ["socialSecurity", "keeper", "auditor"] as const) {
      it(`refuses contribute to the ${who} credential with 403`, async () => {
        const res = await new ApiClient(gateway.url, stack.tokens[who]).post("/v1/contributions", { residentId: residentId(), amount: 1, bookedAt: isoNow(), bankReference: "R" });
        expect(res.status).to.equal(403);
        expect(res.body.code).to.equal("FORBIDDEN_FOR_ROLE");
      });
    }
  });

  describe("Idempotency-Key", () => {
    it("returns the first operation for the same key and body, and 409 IDEMPOTENCY_KEY_REUSED for another body", async () => {
      const { residentId: id } = await openAccount();
      const body = { residentId: id, amount: 1_000, bookedAt: isoNow(-60), bankReference: `IK-${id}` };
      const key = { "Idempotency-Key": `key-${id}` };
      const first = await bank.post("/v1/contributions", body, key);
      const second = await bank.post("/v1/contributions", body, key);
      expect(second.body.operationId).to.equal(first.body.operationId);
      const other = await bank.post("/v1/contributions", { ...body, amount: 2_000 }, key);
      expect(other.status).to.equal(409);
      expect(other.body.code).to.equal("IDEMPOTENCY_KEY_REUSED");
    });

    it("turns 50 concurrent identical requests into one operation and one credit", async () => {
      const { residentId: id, accountId } = await openAccount();
      const before = outboxSize();
      const body = { residentId: id, amount: 3_000, bookedAt: isoNow(-60), bankReference: `C50-${id}` };
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => bank.post("/v1/contributions?wait=true", body, { "Idempotency-Key": `fifty-${id}` })),
      );
      const ids = new Set(responses.map((r) => r.body.operationId));
      expect(ids.size).to.equal(1);
      expect(responses.every((r) => r.status === 200 || r.status === 202)).to.equal(true);
      expect(outboxSize()).to.equal(before + 1);
      await bank.waitForOperation([...ids][0]!);
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("3000");
    });
  });

  describe("contributeBatch", () => {
    it("credits every item of a batch under one bank reference", async () => {
      const a = await openAccount();
      const b = await openAccount();
      const res = await bank.post("/v1/contribution-batches?wait=true", {
        bankReference: `B-${a.residentId}`,
        items: [
          { residentId: a.residentId, amount: 100, bookedAt: isoNow(-60) },
          { residentId: b.residentId, amount: "250", bookedAt: isoNow(-60) },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((await bank.get(`/v1/accounts/${a.accountId}`)).body.balances.balance).to.equal("100");
      expect((await bank.get(`/v1/accounts/${b.accountId}`)).body.balances.balance).to.equal("250");
    });

    it("names the item field of an invalid item (items.1.residentId)", async () => {
      const res = await bank.post("/v1/contribution-batches", {
        bankReference: "BAD",
        items: [
          { residentId: residentId(), amount: 1, bookedAt: isoNow() },
          { residentId: "110105194912310021", amount: 1, bookedAt: isoNow() },
        ],
      });
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ code: "RESIDENT_ID_INVALID", field: "items.1.residentId" });
    });

    it("rejects the whole batch with BATCH_ITEM_INVALID when one member has no account", async () => {
      const a = await openAccount();
      const res = await bank.post("/v1/contribution-batches?wait=true", {
        bankReference: `BI-${a.residentId}`,
        items: [
          { residentId: a.residentId, amount: 100, bookedAt: isoNow(-60) },
          { residentId: residentId(), amount: 100, bookedAt: isoNow(-60) },
        ],
      });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("BATCH_ITEM_INVALID");
      expect(res.body.details.index).to.equal("1");
      expect((await bank.get(`/v1/accounts/${a.accountId}`)).body.balances.balance).to.equal("0");
    });

    it("rejects an empty batch and refuses the batch to the keeper", async () => {
      const empty = await bank.post("/v1/contribution-batches", { bankReference: "E", items: [] });
      expect(empty.body).to.include({ code: "VALIDATION_FAILED", field: "items" });
      const keeperTry = await keeper.post("/v1/contribution-batches", { bankReference: "E", items: [] });
      expect(keeperTry.status).to.equal(403);
    });
  });

  describe("enterprise annuity: createPlan and enrolEnterprisePlan", () => {
    it("creates a plan (operator) and enrols a member (bank); the account is an annuity account", async () => {
      const planCode = `PLAN-${Date.now()}`;
      const plan = await operator.post("/v1/plans?wait=true", { planCode, employerCode: "91310000MA1FL0TEST", vestingBpsByYear: [2500, 5000, 7500, 10000] });
      expect(plan.status, JSON.stringify(plan.body)).to.equal(200);
      const enrol = await bank.post(`/v1/plans/${planCode}/members?wait=true`, { residentId: residentId(), name: "职工", serviceStart: "2024-01-01" });
      expect(enrol.status, JSON.stringify(enrol.body)).to.equal(200);
      const account = await bank.get(`/v1/accounts/${enrol.body.result.accountId}`);
      expect(account.body).to.include({ kind: "EnterpriseAnnuity", status: "Active" });
      expect(account.body.thisYear).to.equal(null);
    });

    it("rejects a vesting schedule that does not end at 10,000 bps with VESTING_SCHEDULE_INVALID", async () => {
      const res = await operator.post("/v1/plans?wait=true", { planCode: `BADV-${Date.now()}`, employerCode: "X", vestingBpsByYear: [5000] });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("VESTING_SCHEDULE_INVALID");
    });

    it("rejects more than 8 vesting steps and a bad service start date, naming the field", async () => {
      const long = await operator.post("/v1/plans", { planCode: "L", employerCode: "X", vestingBpsByYear: Array(9).fill(10000) });
      expect(long.body).to.include({ code: "VALIDATION_FAILED", field: "vestingBpsByYear" });
      const badDate = await bank.post("/v1/plans/L/members", { residentId: residentId(), name: "职工", serviceStart: "2024-13-01" });
      expect(badDate.body).to.include({ code: "VALIDATION_FAILED", field: "serviceStart" });
    });

    it("refuses createPlan to the bank and enrolment to the operator", async () => {
      expect((await bank.post("/v1/plans", { planCode: "P", employerCode: "X", vestingBpsByYear: [10000] })).status).to.equal(403);
      expect((await operator.post("/v1/plans/P/members", { residentId: residentId(), name: "职工", serviceStart: "2024-01-01" })).status).to.equal(403);
    });

    it("enrolling in a plan that does not exist fails with PLAN_NOT_FOUND", async () => {
      const res = await bank.post(`/v1/plans/NOPE-${Date.now()}/members?wait=true`, { residentId: residentId(), name: "职工", serviceStart: "2024-01-01" });
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal("PLAN_NOT_FOUND");
    });
  });

  describe("eligibility, payout mode and settlement", () => {
    it("certifies retirement, starts a lump-sum payout and settles it with 3 % tax withheld", async () => {
      const { residentId: id, accountId } = await openAccount(newResidentId({ birthDate: "1960-03-15" }));
      usedIds.push(id);
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 1_000_000, bookedAt: isoNow(-60), bankReference: `S-${id}` });
      const certify = await socialSecurity.post("/v1/eligibility?wait=true", { residentId: id, qualifyingEvent: "Retirement", effectiveDate: "2025-01-01", evidenceReference: `EV-${id}` });
      expect(certify.status, JSON.stringify(certify.body)).to.equal(200);
      const mode = await bank.post(`/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "LumpSum" });
      expect(mode.status, JSON.stringify(mode.body)).to.equal(200);
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.status).to.equal("PayingOut");
      // The keeper's run takes the accounts paying out from the event index.
      await waitFor(() => gateway.store.eventIndex.account(accountId)?.status === "PayingOut");
      const run = await keeper.post("/v1/settlement-runs?wait=true", { runReference: `run-${id}` });
      expect(run.status, JSON.stringify(run.body)).to.equal(200);
      expect(run.body.result.runs[0].payouts).to.be.at.least(1);
      const account = await bank.get(`/v1/accounts/${accountId}`);
      expect(account.body.balances.taxWithheld).to.equal("30000");
      expect(account.body.balances.payouts).to.equal("970000");
      expect(account.body.balances.balance).to.equal("0");

      // The bank reports the payment rejected (e.g. closed card): the gross returns to the balance, once.
      const runId = run.body.result.runs[0].runId as number;
      await waitFor(() => gateway.store.eventIndex.payoutsOfRun(runId).some((p) => p.accountId === accountId));
      const payout = gateway.store.eventIndex.payoutsOfRun(runId).find((p) => p.accountId === accountId)!;
      const report = await bank.post("/v1/payout-results?wait=true", { results: [{ payoutId: Number(payout.payoutId), paid: false }] });
      expect(report.status, JSON.stringify(report.body)).to.equal(200);
      const afterFailure = await bank.get(`/v1/accounts/${accountId}`);
      expect(afterFailure.body.balances.balance).to.equal("1000000");
      const again = await bank.post("/v1/payout-results?wait=true", { results: [{ payoutId: Number(payout.payoutId), paid: true }] });
      expect(again.status).to.equal(422);
      expect(again.body.code).to.equal("BATCH_ITEM_INVALID");
      expect(again.body.details.item).to.deep.include({ code: "PAYOUT_ALREADY_REPORTED" });
      expect(again.body.details.item.details.status).to.equal("Failed");
    });

    it("refuses payout results to the keeper and rejects an unknown payout id naming the field", async () => {
      expect((await keeper.post("/v1/payout-results", { results: [{ payoutId: 1, paid: true }] })).status).to.equal(403);
      const unknown = await bank.post("/v1/payout-results", { results: [{ payoutId: 999_999, paid: true }] });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.field).to.equal("results.0.payoutId");
    });

    it("rejects a future effective date and an unknown qualifying event, naming the field", async () => {
      const future = await socialSecurity.post("/v1/eligibility", { residentId: residentId(), qualifyingEvent: "Retirement", effectiveDate: "2999-01-01", evidenceReference: "E" });
      expect(future.body).to.include({ code: "VALIDATION_FAILED", field: "effectiveDate" });
      const unknown = await socialSecurity.post("/v1/eligibility", { residentId: residentId(), qualifyingEvent: "Lottery", effectiveDate: "2025-01-01", evidenceReference: "E" });
      expect(unknown.body).to.include({ code: "VALIDATION_FAILED", field: "qualifyingEvent" });
    });

    it("refuses recordEligibility to the bank and choosePayoutMode to the social-security bureau", async () => {
      expect((await bank.post("/v1/eligibility", { residentId: residentId(), qualifyingEvent: "Retirement", effectiveDate: "2025-01-01", evidenceReference: "E" })).status).to.equal(403);
      const { accountId } = await openAccount();
      expect((await socialSecurity.post(`/v1/accounts/${accountId}/payout-plan`, { qualifyingEvent: "Retirement", mode: "LumpSum" })).status).to.equal(403);
    });

    it("refuses a payout plan without a certified event with the claim rule ELIGIBILITY_NOT_ATTESTED, sending nothing", async () => {
      const { residentId: id, accountId } = await openAccount();
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 10_000, bookedAt: isoNow(-60), bankReference: `NE-${id}` });
      const before = outboxSize();
      const res = await bank.post(`/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "LumpSum" });
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.code).to.equal("CLAIM_RULE_FAILED");
      expect(res.body.details.rule).to.equal("ELIGIBILITY_NOT_ATTESTED");
      expect(outboxSize()).to.equal(before);
    });

    it("sends a retirement before the statutory age to manual review (422 CLAIM_NEEDS_REVIEW), starts nothing, and refuses a second plan while the claim is open", async () => {
      const { residentId: id, accountId } = await openAccount(newResidentId({ birthDate: "2000-05-05" }));
      usedIds.push(id);
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 50_000, bookedAt: isoNow(-60), bankReference: `YR-${id}` });
      const certify = await socialSecurity.post("/v1/eligibility?wait=true", { residentId: id, qualifyingEvent: "Retirement", effectiveDate: "2025-01-01", evidenceReference: `YR-${id}` });
      expect(certify.status, JSON.stringify(certify.body)).to.equal(200);
      const before = outboxSize();
      const res = await bank.post(`/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "LumpSum" });
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.code).to.equal("CLAIM_NEEDS_REVIEW");
      expect(res.body.details.rule).to.equal("RETIREMENT_BELOW_STATUTORY_AGE");
      const claim = await bank.get(`/v1/claims/${res.body.details.claimId}`);
      expect(claim.body).to.include({ status: "review", accountId: accountId.toLowerCase(), payoutMode: "lumpSum" });
      expect(outboxSize()).to.equal(before);
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.status).to.equal("Active");
      const again = await bank.post(`/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "LumpSum" });
      expect(again.status).to.equal(409);
      expect(again.body).to.include({ code: "CLAIM_ALREADY_OPEN", field: "accountId" });
      expect(again.body.details).to.deep.equal({ claimId: res.body.details.claimId, status: "review" });
      expect(outboxSize()).to.equal(before);
    });

    it("takes the Monthly months from the divisor table for the member's age: left out → the table's figure, another figure → 400 naming months", async () => {
      const { residentId: id, accountId } = await openAccount(newResidentId({ birthDate: "1960-03-15" }));
      usedIds.push(id);
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 1_390_00, bookedAt: isoNow(-60), bankReference: `MD-${id}` });
      await socialSecurity.post("/v1/eligibility?wait=true", { residentId: id, qualifyingEvent: "Retirement", effectiveDate: "2025-01-01", evidenceReference: `MD-${id}` });
      const todayCst = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const age = Number(todayCst.slice(0, 4)) - 1960 - (todayCst.slice(5) < "03-15" ? 1 : 0);
      const expected = [139, 132, 125, 117, 109, 101, 93, 84, 75, 65, 56][age - 60]!;
      const wrong = await bank.post(`/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "Monthly", months: 1 });
      expect(wrong.status).to.equal(400);
      expect(wrong.body).to.include({ code: "VALIDATION_FAILED", field: "months" });
      expect(wrong.body.details).to.deep.equal({ expected, age, got: 1 });
      const ok = await bank.post(`/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "Monthly" });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expect(gateway.store.operations.get(ok.body.operationId)!.request).to.deep.include({ mode: 1, parameter: String(expected) });
    });

    it("rejects Monthly for a member older than the divisor table (76) with MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE", async () => {
      const { residentId: id, accountId } = await openAccount(newResidentId({ birthDate: "1950-01-10" }));
      usedIds.push(id);
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 10_000, bookedAt: isoNow(-60), bankReference: `OLD-${id}` });
      await socialSecurity.post("/v1/eligibility?wait=true", { residentId: id, qualifyingEvent: "Retirement", effectiveDate: "2025-01-01", evidenceReference: `OLD-${id}` });
      const res = await bank.post(`/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "Monthly", months: 1 });
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.code).to.equal("CLAIM_RULE_FAILED");
      expect(res.body.details.rule).to.equal("MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE");
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.status).to.equal("Active");
    });

    it("answers a replayed choosePayoutMode (same Idempotency-Key) with the first operation and opens no second claim", async () => {
      const { residentId: id, accountId } = await openAccount(newResidentId({ birthDate: "1960-03-15" }));
      usedIds.push(id);
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 10_000, bookedAt: isoNow(-60), bankReference: `IK-${id}` });
      await socialSecurity.post("/v1/eligibility?wait=true", { residentId: id, qualifyingEvent: "Retirement", effectiveDate: "2025-01-01", evidenceReference: `IK-${id}` });
      const key = { "Idempotency-Key": `plan-${id}` };
      const first = await bank.request("POST", `/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "LumpSum" }, key);
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      const claimsBefore = gateway.store.database.db.prepare("SELECT COUNT(*) AS n FROM claims WHERE account_id = ?").get(accountId.toLowerCase()) as { n: number };
      const replay = await bank.request("POST", `/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "LumpSum" }, key);
      expect(replay.status).to.equal(200);
      expect(replay.body.operationId).to.equal(first.body.operationId);
      expect(gateway.store.database.db.prepare("SELECT COUNT(*) AS n FROM claims WHERE account_id = ?").get(accountId.toLowerCase())).to.deep.equal(claimsBefore);
      const other = await bank.request("POST", `/v1/accounts/${accountId}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "Monthly" }, key);
      expect(other.status).to.equal(409);
      expect(other.body.code).to.equal("IDEMPOTENCY_KEY_REUSED");
    });

    it("requires an amount of at least 1 fen for FixedInstalment and refuses parameters that do not apply to the mode, naming the field", async () => {
      const { accountId } = await openAccount();
      const before = outboxSize();
      const cases: [Record<string, unknown>, string][] = [
        [{ mode: "FixedInstalment" }, "amountPerMonth"],
        [{ mode: "FixedInstalment", amountPerMonth: 0 }, "amountPerMonth"],
        [{ mode: "FixedInstalment", amountPerMonth: 1000, months: 12 }, "months"],
        [{ mode: "LumpSum", months: 12 }, "months"],
        [{ mode: "LumpSum", amountPerMonth: 1000 }, "amountPerMonth"],
        [{ mode: "Monthly", amountPerMonth: 1000 }, "amountPerMonth"],
        [{ mode: "Monthly", months: 601 }, "months"],
      ];
      for (const [body, field] of cases) {
        const res = await bank.post(`/v1/accounts/${accountId}/payout-plan`, { qualifyingEvent: "Retirement", ...body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body, JSON.stringify(body)).to.include({ code: "VALIDATION_FAILED", field });
      }
      expect(outboxSize()).to.equal(before);
    });

    it("revokes an attestation made in error (social-security bureau)", async () => {
      const { residentId: id } = await openAccount();
      const recorded = await socialSecurity.post("/v1/eligibility?wait=true", { residentId: id, qualifyingEvent: "LossOfWorkCapacity", effectiveDate: "2025-06-01", evidenceReference: `R-${id}` });
      expect(recorded.status, JSON.stringify(recorded.body)).to.equal(200);
      const revoke = await socialSecurity.post("/v1/eligibility/revocations?wait=true", { residentId: id, qualifyingEvent: "LossOfWorkCapacity", reasonCode: "ENTERED_IN_ERROR" });
      expect(revoke.status, JSON.stringify(revoke.body)).to.equal(200);
      const again = await socialSecurity.post("/v1/eligibility/revocations?wait=true", { residentId: id, qualifyingEvent: "LossOfWorkCapacity", reasonCode: "ENTERED_IN_ERROR" });
      expect(again.body.code, JSON.stringify(again.body)).to.equal("ELIGIBILITY_NOT_FOUND");
    });

    it("refuses runSettlement to the bank and the operator", async () => {
      expect((await bank.post("/v1/settlement-runs", {})).status).to.equal(403);
      expect((await operator.post("/v1/settlement-runs", {})).status).to.equal(403);
    });
  });

  describe("creditReturns, freezeAccount and unfreezeAccount", () => {
    it("credits a return (investment manager) into the returns sub-ledger", async () => {
      const { residentId: id, accountId } = await openAccount();
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 10_000, bookedAt: isoNow(-60), bankReference: `RT-${id}` });
      const res = await investmentManager.post("/v1/return-batches?wait=true", { batchReference: `RET-${id}`, items: [{ accountId, amount: 321 }] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const account = await bank.get(`/v1/accounts/${accountId}`);
      expect(account.body.balances).to.include({ investmentReturns: "321", balance: "10321" });
    });

    it("rejects a fractional return and refuses returns to the bank", async () => {
      const frac = await investmentManager.post("/v1/return-batches", { batchReference: "F", items: [{ accountId: "0x" + "11".repeat(32), amount: 0.5 }] });
      expect(frac.body).to.include({ code: "VALIDATION_FAILED", field: "items.0.amount" });
      expect((await bank.post("/v1/return-batches", { batchReference: "F", items: [] })).status).to.equal(403);
    });

    it("freezes and unfreezes an account (operator); a frozen account refuses contributions", async () => {
      const { residentId: id, accountId } = await openAccount();
      expect((await operator.post(`/v1/accounts/${accountId}/freeze?wait=true`, { reasonCode: "COURT_ORDER" })).status).to.equal(200);
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.status).to.equal("Frozen");
      const refused = await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 1, bookedAt: isoNow(-60), bankReference: `FZ-${id}` });
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal("ACCOUNT_STATUS_INVALID");
      expect((await operator.post(`/v1/accounts/${accountId}/unfreeze?wait=true`, { reasonCode: "RELEASED" })).status).to.equal(200);
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.status).to.equal("Active");
    });

    it("rejects a lowercase reason code and refuses freezing to the bank", async () => {
      const { accountId } = await openAccount();
      const bad = await operator.post(`/v1/accounts/${accountId}/freeze`, { reasonCode: "court order" });
      expect(bad.body).to.include({ code: "VALIDATION_FAILED", field: "reasonCode" });
      expect((await bank.post(`/v1/accounts/${accountId}/freeze`, { reasonCode: "X" })).status).to.equal(403);
    });
  });

  describe("standing contributions", () => {
    it("executes an instruction once per month, however often the scheduler runs", async () => {
      const { residentId: id, accountId } = await openAccount();
      const created = await bank.post("/v1/standing-contributions", { residentId: id, amount: 50_000, dayOfMonth: 1 });
      expect(created.status).to.equal(201);
      const first = gateway.services.standing.executeDue();
      const second = gateway.services.standing.executeDue();
      const mine = gateway.store.standing.executions(created.body.instructionId);
      expect(mine).to.have.length(1);
      expect(first).to.include(mine[0]!.operationId);
      expect(second).to.not.include(mine[0]!.operationId);
      await bank.waitForOperation(mine[0]!.operationId);
      const view = await bank.get(`/v1/standing-contributions/${created.body.instructionId}`);
      expect(view.body.executions[0].state).to.equal("executed");
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("50000");
    });

    it("records a month that would exceed the cap as missed with its reason, and does not retry it", async () => {
      const { residentId: id } = await openAccount();
      await bank.post("/v1/contributions?wait=true", { residentId: id, amount: CAP, bookedAt: isoNow(-60), bankReference: `SC-${id}` });
      const created = await bank.post("/v1/standing-contributions", { residentId: id, amount: 100, dayOfMonth: 1 });
      gateway.services.standing.executeDue();
      const [execution] = gateway.store.standing.executions(created.body.instructionId);
      await bank.waitForOperation(execution!.operationId);
      gateway.services.standing.executeDue();
      const view = await bank.get(`/v1/standing-contributions/${created.body.instructionId}`);
      expect(view.body.executions).to.have.length(1);
      expect(view.body.executions[0].state).to.equal("missed");
      expect(view.body.executions[0].reason.code).to.equal("CONTRIBUTION_EXCEEDS_ANNUAL_CAP");
    });

    it("cancels an instruction; cancelling again is 409 and a cancelled one is not executed", async () => {
      const { residentId: id } = await openAccount();
      // Due this month from day 1: only the cancellation keeps it from executing.
      const created = await bank.post("/v1/standing-contributions", { residentId: id, amount: 100, dayOfMonth: 1 });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const cancel = await bank.delete(`/v1/standing-contributions/${created.body.instructionId}`);
      expect(cancel.status).to.equal(200);
      expect(cancel.body.status).to.equal("cancelled");
      const again = await bank.delete(`/v1/standing-contributions/${created.body.instructionId}`);
      expect(again.status).to.equal(409);
      expect(again.body.code).to.equal("STANDING_INSTRUCTION_CANCELLED");
      gateway.services.standing.executeDue();
      expect(gateway.store.standing.executions(created.body.instructionId)).to.have.length(0);
    });

    it("refuses an instruction for a member with no account (404), day 29 (400), and to the keeper (403)", async () => {
      const noAccount = await bank.post("/v1/standing-contributions", { residentId: residentId(), amount: 100, dayOfMonth: 1 });
      expect(noAccount.status).to.equal(404);
      expect(noAccount.body.code).to.equal("MEMBER_NOT_FOUND");
      const day29 = await bank.post("/v1/standing-contributions", { residentId: residentId(), amount: 100, dayOfMonth: 29 });
      expect(day29.body).to.include({ code: "VALIDATION_FAILED", field: "dayOfMonth" });
      expect((await keeper.post("/v1/standing-contributions", { residentId: residentId(), amount: 100, dayOfMonth: 1 })).status).to.equal(403);
      expect((await keeper.delete("/v1/standing-contributions/00000000-0000-4000-8000-000000000000")).status).to.equal(403);
    });
  });

  describe("getAccount and getOperation", () => {
    it("answers ACCOUNT_UNKNOWN for an account the ledger does not have, and VALIDATION_FAILED for a malformed id", async () => {
      const unknown = await auditor.get(`/v1/accounts/0x${"12".repeat(32)}`);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.code).to.equal("ACCOUNT_UNKNOWN");
      const malformed = await auditor.get("/v1/accounts/12345");
      expect(malformed.body).to.include({ code: "VALIDATION_FAILED", field: "accountId" });
    });

    it("lets the tax bureau read an account but refuses getAccount to the keeper", async () => {
      const { accountId } = await openAccount();
      expect((await taxBureau.get(`/v1/accounts/${accountId}`)).status).to.equal(200);
      expect((await keeper.get(`/v1/accounts/${accountId}`)).status).to.equal(403);
    });

    it("shows an operation to its institution and the auditor, not to another institution", async () => {
      const res = await bank.post("/v1/personal-accounts", { residentId: residentId(), name: "某人", bankCard: "6222020200112233777" });
      expect((await auditor.get(`/v1/operations/${res.body.operationId}`)).status).to.equal(200);
      const other = await keeper.get(`/v1/operations/${res.body.operationId}`);
      expect(other.status).to.equal(404);
      expect(other.body.code).to.equal("OPERATION_NOT_FOUND");
      expect((await bank.get("/v1/operations/not-a-uuid")).body).to.include({ code: "VALIDATION_FAILED", field: "operationId" });
    });
  });

  describe("documentation and operations endpoints", () => {
    it("serves an OpenAPI 3 document with every required operationId", async () => {
      const res = await anonymous.get("/openapi.json");
      expect(res.status).to.equal(200);
      expect(res.body.openapi).to.match(/^3\./);
      const ids = Object.values(res.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
      for (const id of ["openAccount", "enrolEnterprisePlan", "contribute", "contributeBatch", "createStandingContribution", "cancelStandingContribution", "recordEligibility", "choosePayoutMode", "runSettlement", "getAccount", "getOperation"]) {
        expect(ids, id).to.include(id);
      }
    });

    it("serves /docs as a self-contained page that loads nothing from another origin", async () => {
      const res = await fetch(`${gateway.url}/docs`);
      const html = await res.text();
      expect(res.status).to.equal(200);
      expect(html).to.contain("/docs/docs.js");
      expect(html).to.not.match(/(src|href)="https?:/);
      const script = await (await fetch(`${gateway.url}/docs/docs.js`)).text();
      // The page's script renders the document it fetches from this gateway.
      expect(script).to.contain('fetch("/openapi.json")');
      expect(script).to.not.match(/https?:\/\//);
    });

    it("reports health: chain reachable, head block, index lag and outbox depth", async () => {
      const res = await anonymous.get("/healthz");
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal("ok");
      expect(res.body.chain.reachable).to.equal(true);
      expect(res.body.chain.headBlock).to.be.a("number");
      expect(res.body.index.lag).to.be.a("number");
      expect(res.body.outbox.depth).to.be.a("number");
    });

    it("exposes Prometheus metrics for requests, latency, outbox depth and transaction failures", async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(text).to.contain("gateway_http_requests_total");
      expect(text).to.contain("gateway_http_request_duration_seconds_bucket");
      expect(text).to.contain("gateway_outbox_depth");
      expect(text).to.match(/gateway_transaction_failures_total\{code="CONTRIBUTION_EXCEEDS_ANNUAL_CAP"\} [1-9]/);
    });

    it("never wrote a resident ID number, a name or a card number to the logs", () => {
      expect(logs.length).to.be.greaterThan(0);
      for (const id of usedIds) expect(logs).to.not.contain(id);
      expect(logs).to.not.contain("测试成员");
      expect(logs).to.not.contain("6222020200112");
    });
  });

  describe("enrolEnterprisePlan twice", () => {
    it("refuses a second enrolment with 409 ALREADY_ENROLLED and keeps the stored name", async () => {
      const planCode = `TWICE-${Date.now()}`;
      expect((await operator.post("/v1/plans?wait=true", { planCode, employerCode: "91310000MA1FL0TWCE", vestingBpsByYear: [10000] })).status).to.equal(200);
      const id = residentId();
      expect((await bank.post(`/v1/plans/${planCode}/members?wait=true`, { residentId: id, name: "第一", serviceStart: "2024-01-01" })).status).to.equal(200);
      const before = outboxSize();
      const again = await bank.post(`/v1/plans/${planCode}/members?wait=true`, { residentId: id, name: "第二", serviceStart: "2024-01-01" });
      expect(again.status).to.equal(409);
      expect(again.body).to.include({ code: "ALREADY_ENROLLED", field: "residentId" });
      expect(gateway.store.members.byResidentId(id)!.name).to.equal("第一");
      expect(outboxSize()).to.equal(before);
    });
  });

  describe("JSON numbers with a decimal point or an exponent", () => {
    for (const [literal, suggestion] of [["100.00", /send 10000 for ¥100\.00/], ["1e5", /write it as 100000/], ["0.5", /send 50 for ¥0\.5/]] as const) {
      it(`refuses amount ${literal} with 400 VALIDATION_FAILED naming amount, and writes nothing`, async () => {
        const before = outboxSize();
        const raw = `{"residentId":"${residentId()}","amount":${literal},"bookedAt":"${isoNow(-60)}","bankReference":"DEC-${literal}"}`;
        const res = await bank.post("/v1/contributions", raw, { "content-type": "application/json" });
        expect(res.status).to.equal(400);
        expect(res.body).to.include({ code: "VALIDATION_FAILED", field: "amount" });
        expect(res.body.message).to.contain(`amount must be an integer number of fen (分); ${literal} is not allowed`);
        expect(res.body.message).to.match(suggestion);
        expect(outboxSize()).to.equal(before);
      });
    }

    it("names the nested field of a decimal amount inside a batch (items.1.amount)", async () => {
      const raw = `{"bankReference":"DEC-B","items":[{"residentId":"${residentId()}","amount":100,"bookedAt":"${isoNow(-60)}"},{"residentId":"${residentId()}","amount":2.50,"bookedAt":"${isoNow(-60)}"}]}`;
      const res = await bank.post("/v1/contribution-batches", raw, { "content-type": "application/json" });
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ code: "VALIDATION_FAILED", field: "items.1.amount" });
      expect(res.body.message).to.contain("send 250 for ¥2.50");
    });

    it("still accepts the same amount written as an integer (10000)", async () => {
      const { residentId: id, accountId } = await openAccount();
      const raw = `{"residentId":"${id}","amount":10000,"bookedAt":"${isoNow(-60)}","bankReference":"INT-${id}"}`;
      const res = await bank.post("/v1/contributions?wait=true", raw, { "content-type": "application/json" });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("10000");
    });
  });

  describe("amounts beyond what the ledger takes (uint64 fen)", () => {
    const MAX = "18446744073709551615";
    it("refuses a standing contribution of 99999999999999999999999999 fen with 400 stating the limit, and stores nothing", async () => {
      const { residentId: id } = await openAccount();
      const res = await bank.post("/v1/standing-contributions", { residentId: id, amount: "99999999999999999999999999", dayOfMonth: 1 });
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ code: "VALIDATION_FAILED", field: "amount" });
      expect(res.body.message).to.contain(MAX);
    });

    it("accepts a standing contribution of exactly the annual cap and refuses one fen more, which could never be credited", async () => {
      const { residentId: id } = await openAccount();
      const atCap = await bank.post("/v1/standing-contributions", { residentId: id, amount: CAP, dayOfMonth: 28 });
      expect(atCap.status, JSON.stringify(atCap.body)).to.equal(201);
      const over = await bank.post("/v1/standing-contributions", { residentId: id, amount: CAP + 1, dayOfMonth: 28 });
      expect(over.status).to.equal(400);
      expect(over.body).to.include({ code: "VALIDATION_FAILED", field: "amount" });
      expect(over.body.details).to.deep.equal({ amount: String(CAP + 1), annualCap: String(CAP) });
      expect(over.body.message).to.contain("¥12,000.00");
      expect(gateway.services.standing.get({ institution: "bank", role: "BANK" }, atCap.body.instructionId).amount).to.equal(String(CAP));
    });

    it("refuses a standing contribution whose first month is past or more than twelve months ahead", async () => {
      const { residentId: id } = await openAccount();
      for (const firstMonth of ["2020-01", "9999-12"]) {
        const res = await bank.post("/v1/standing-contributions", { residentId: id, amount: 100, dayOfMonth: 1, firstMonth });
        expect(res.status, firstMonth).to.equal(400);
        expect(res.body).to.include({ code: "VALIDATION_FAILED", field: "firstMonth" });
      }
    });

    it("refuses contribution, batch and return amounts over the limit with the limit in the message", async () => {
      const one = await bank.post("/v1/contributions", { residentId: residentId(), amount: (BigInt(MAX) + 1n).toString(), bookedAt: isoNow(-60), bankReference: "BIG" });
      expect(one.body).to.include({ code: "VALIDATION_FAILED", field: "amount" });
      expect(one.body.message).to.contain(`at most ${MAX} fen`);
      const batch = await bank.post("/v1/contribution-batches", { bankReference: "BIG", items: [{ residentId: residentId(), amount: "1" + MAX, bookedAt: isoNow(-60) }] });
      expect(batch.body).to.include({ code: "VALIDATION_FAILED", field: "items.0.amount" });
      const ret = await investmentManager.post("/v1/return-batches", { batchReference: "BIG", items: [{ accountId: "0x" + "11".repeat(32), amount: "9223372036854775808" }] });
      expect(ret.body).to.include({ code: "VALIDATION_FAILED", field: "items.0.amount" });
      expect(ret.body.message).to.contain("9223372036854775807");
    });

    it("fails an outbox operation whose amount cannot be encoded (OPERATION_NOT_ENCODABLE) and moves the bank's queue on", async () => {
      const { residentId: id, accountId } = await openAccount();
      // What the old standing-contribution path let through: an amount beyond uint64 in the outbox.
      const jammed = gateway.store.operations.insert({
        kind: "contribute", signer: "bank", institution: "bank",
        request: { bankRef: "0x" + "ee".repeat(32), member: gateway.store.members.pseudonymOf(id), amount: "99999999999999999999999999", bookedAt: Math.floor(Date.now() / 1000) - 60 },
      });
      const next = await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 4_321, bookedAt: isoNow(-60), bankReference: `AFTER-JAM-${id}` });
      expect(next.status, JSON.stringify(next.body)).to.equal(200);
      const failed = await bank.waitForOperation(jammed.id);
      expect(failed.state).to.equal("failed");
      expect(failed.error.code).to.equal("OPERATION_NOT_ENCODABLE");
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("4321");
    });
  });

  describe("role-shaped account views", () => {
    let member: { residentId: string; accountId: string; pensionReference: string };
    before(async () => {
      member = await openAccount();
      expect((await bank.post("/v1/contributions?wait=true", { residentId: member.residentId, amount: 30_000, bookedAt: isoNow(-60), bankReference: `VIEW-${member.residentId}` })).status).to.equal(200);
    });

    it("shows the social-security bureau only the account's status (getAccount and findAccount)", async () => {
      for (const res of [await socialSecurity.get(`/v1/accounts/${member.accountId}`), await socialSecurity.post("/v1/accounts/query", { residentId: member.residentId })]) {
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ view: "socialSecurity", accountId: member.accountId, kind: "PersonalPension", status: "Active", eligibility: [] });
      }
    });

    it("shows the social-security bureau the member's active attestations with their CST effective date", async () => {
      const { residentId: id, accountId } = await openAccount();
      const recorded = await socialSecurity.post("/v1/eligibility?wait=true", { residentId: id, qualifyingEvent: "LossOfWorkCapacity", effectiveDate: "2025-03-01", evidenceReference: `V-${id}` });
      expect(recorded.status, JSON.stringify(recorded.body)).to.equal(200);
      const res = await socialSecurity.get(`/v1/accounts/${accountId}`);
      expect(res.body.eligibility).to.deep.equal([{ qualifyingEvent: "LossOfWorkCapacity", effectiveDate: "2025-03-01" }]);
      expect(res.body).to.not.have.property("balances");
    });

    it("shows the tax bureau only contributions (this year's, deductible) and withholding, no holder data", async () => {
      for (const res of [await taxBureau.get(`/v1/accounts/${member.accountId}`), await taxBureau.post("/v1/accounts/query", { residentId: member.residentId })]) {
        expect(res.status).to.equal(200);
        expect(Object.keys(res.body).sort()).to.deep.equal(["accountId", "contributions", "display", "kind", "view", "withholding"]);
        expect(res.body.view).to.equal("taxBureau");
        expect(res.body.contributions.personalTotal).to.equal("30000");
        expect(res.body.contributions.thisYear).to.include({ contributed: "30000", deductible: "30000", cap: String(CAP) });
        expect(res.body.withholding).to.deep.equal({ payoutsGross: "0", taxWithheld: "0" });
        expect(JSON.stringify(res.body)).to.not.match(/holder|balance|测试成员|residentId/);
      }
    });

    it("shows the auditor balances without holder, and the bank and the operator with the holder", async () => {
      const audit = await auditor.get(`/v1/accounts/${member.accountId}`);
      expect(audit.body.balances.balance).to.equal("30000");
      expect(audit.body).to.not.have.property("holder");
      for (const client of [bank, operator]) {
        const res = await client.get(`/v1/accounts/${member.accountId}`);
        expect(res.body.holder.name).to.equal("测试成员");
        expect(res.body.balances.balance).to.equal("30000");
      }
    });
  });

  describe("request handling details", () => {
    it("accepts the scheme in lowercase (Authorization: bearer …)", async () => {
      const res = await fetch(`${gateway.url}/v1/operations/00000000-0000-4000-8000-000000000000`, { headers: { Authorization: `bearer ${stack.tokens.auditor}` } });
      expect(res.status).to.equal(404);
      expect(((await res.json()) as { code: string }).code).to.equal("OPERATION_NOT_FOUND");
    });

    it("answers a wrong method on an existing path with 405 and an Allow header", async () => {
      const res = await bank.request("PUT", "/v1/contributions", {});
      expect(res.status).to.equal(405);
      expect(res.body.code).to.equal("METHOD_NOT_ALLOWED");
      expect(res.headers.get("allow")).to.equal("POST");
      const onAccount = await bank.delete(`/v1/accounts/0x${"12".repeat(32)}`);
      expect(onAccount.status).to.equal(405);
      expect(onAccount.headers.get("allow")).to.equal("GET, HEAD");
    });

    it("explains validation errors in sentences naming the field, Chinese first", async () => {
      const missing = await bank.post("/v1/personal-accounts", { name: "某人", bankCard: "6222020200112233445" });
      expect(missing.body).to.include({ field: "residentId", message: "缺少字段 residentId / residentId is required" });
      const extra = await bank.post("/v1/personal-accounts", { residentId: residentId(), name: "某人", bankCard: "6222020200112233445", foo: 1 });
      expect(extra.body.field).to.equal("foo");
      expect(extra.body.message).to.match(/^不认识的字段 foo.*Unrecognized key "foo"/);
    });

    it("names residentId (not accountId) when findAccount finds no account for a resident", async () => {
      const res = await bank.post("/v1/accounts/query", { residentId: residentId() });
      expect(res.status).to.equal(404);
      expect(res.body).to.include({ code: "ACCOUNT_UNKNOWN", field: "residentId" });
    });

    it("says a frozen account is frozen (details.status Frozen) when a contribution is refused", async () => {
      const { residentId: id, accountId } = await openAccount();
      expect((await operator.post(`/v1/accounts/${accountId}/freeze?wait=true`, { reasonCode: "COURT_ORDER" })).status).to.equal(200);
      const refused = await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 1, bookedAt: isoNow(-60), bankReference: `FROZEN-${id}` });
      expect(refused.body.code).to.equal("ACCOUNT_STATUS_INVALID");
      expect(refused.body.details.status).to.equal("Frozen");
      expect(refused.body.message).to.contain("The account is frozen");
    });

    it("returns a useful result for a contribution: accountId, amount, year and the room left", async () => {
      const { residentId: id, accountId } = await openAccount();
      const res = await bank.post("/v1/contributions?wait=true", { residentId: id, amount: 12_345, bookedAt: isoNow(-60), bankReference: `RES-${id}` });
      expect(res.status).to.equal(200);
      expect(res.body.result).to.include({ accountId, amount: "12345", contributedThisYear: "12345", remainingThisYear: String(CAP - 12_345) });
      expect(res.body.result.year).to.be.a("number");
    });

    it("reports the outbox's oldest pending age and limits in /healthz", async () => {
      const res = await anonymous.get("/healthz");
      expect(res.body.outbox).to.have.property("oldestPendingAgeSeconds");
      expect(res.body.outbox.limits).to.deep.equal({ maxAgeSeconds: 300, maxAttempts: 20 });
      expect(res.body.outbox.stalled).to.equal(false);
    });
  });

  describe("rate limit per credential", () => {
    it("answers 429 RATE_LIMITED once a credential exceeds its limit, without affecting another credential", async () => {
      // A second app over the same services, with a limit of 3 requests per minute.
      const app = createApp({
        services: gateway.services, credentials: gateway.store.credentials, metrics: createMetrics(() => 0, () => 0), logger: createLogger("silent"),
        health: async () => ({ status: "ok", chain: { reachable: true, headBlock: 0 }, index: { block: 0, lag: 0 }, outbox: { depth: 0 } }),
        rateLimitPerMinute: 3, bodyLimitBytes: 1024,
      });
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      const limited = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise((r) => server.close(r)) };
      try {
        const client = new ApiClient(limited.url, stack.tokens.auditor);
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await client.get("/v1/operations/00000000-0000-4000-8000-000000000000")).status);
        expect(statuses).to.deep.equal([404, 404, 404, 429]);
        const other = await new ApiClient(limited.url, stack.tokens.bank).get("/v1/operations/00000000-0000-4000-8000-000000000000");
        expect(other.status).to.equal(404);
      } finally {
        await limited.stop();
      }
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
