/**
 * One claim of each kind from the bureau's notification to the bank's payment instruction, on the real stack
 * (anvil + SQLite + the gateway over HTTP): automatic approval, rejection, manual review, inheritance — plus a
 * claim still pending when the settlement run starts. Each test uses its own members and its own settlement run.
 * Each paid claim's recorded times (attestation → decision → first payment) are written to
 * test-artifacts/claims-timeline.json (git-ignored) for the record.
 */
import { expect } from "chai";
import { mkdirSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildPain001 } from "../../../gateway/adapters/bank/pain001.js";
import { socialSecurityInboxDir } from "../../../gateway/adapters/socialsecurity/inbox.js";
import { ageInWholeYears } from "../../../gateway/domain/calendar.js";
import { CLAIM_RULES } from "../../../gateway/domain/claimRules.js";
import { divRoundHalfUp } from "../../../gateway/domain/money.js";
import { monthsDivisor } from "../../../gateway/domain/monthsDivisor.js";
import { statutoryRetirement } from "../../../gateway/domain/retirementAge.js";
import { cstToday, expectStatus, openFundedAccount, residentIdOf, settle, startClaimsStack, type ClaimsStack } from "./stack.js";

const OFFICE = "北京市东城区社会保险事业管理中心";

interface IndexedPayoutRow {
  payout_id: number;
  account_id: string;
  run_id: number;
  payee: string;
  gross: string;
  tax: string;
  net: string;
}

describe("claims from notification to payment instruction (real chain and database)", function () {
  this.timeout(120_000);
  let stack: ClaimsStack;
  const timeline: { kind: string; claimId: string; status: string; rule: string | null; runId: number | null; times: unknown; durations: unknown }[] = [];
  const record = (kind: string, claim: { claimId: string; status: string; decision: { rule: string | null } | null; firstPayment: { runId: number } | null; times: unknown; durations: unknown }) =>
    timeline.push({
      kind, claimId: claim.claimId, status: claim.status, rule: claim.decision?.rule ?? null, runId: claim.firstPayment?.runId ?? null, times: claim.times, durations: claim.durations,
    });

  before(async () => {
    stack = await startClaimsStack();
  });
  after(async () => {
    await stack?.stop();
    mkdirSync("test-artifacts", { recursive: true });
    writeFileSync(path.join("test-artifacts", "claims-timeline.json"), JSON.stringify(timeline, null, 2) + "\n");
  });

  const balanceOf = async (accountId: string) =>
    BigInt(expectStatus(await stack.api("bank", "GET", `/v1/accounts/${accountId}`), 200, "account").balances.balance);

  const payoutsOfRun = (runId: number): IndexedPayoutRow[] =>
    stack.gateway.store.database.db.prepare("SELECT * FROM idx_payouts WHERE run_id = ? ORDER BY payout_id").all(runId) as unknown as IndexedPayoutRow[];

  /** The bank's pain.001 for a settlement run, creditors resolved by the claims service (members and heirs). */
  const paymentInstruction = (runId: number) => {
    const payouts = payoutsOfRun(runId).map((p) => {
      const payee = stack.gateway.services.claims.payeeOf(p.payee)!;
      return { payoutId: String(p.payout_id), amountFen: BigInt(p.net), creditor: { name: payee.name!, account: payee.bankCard! }, remittance: "个人养老金领取" };
    });
    return buildPain001({
      messageId: `RUN-${runId}`, createdAt: Math.floor(Date.now() / 1000), executionDate: cstToday(),
      initiatingParty: { name: "养老金运营中心" }, debtor: { name: "个人养老金资金结算户", account: "110000000000000001" }, payouts,
    });
  };

  const ingest = async (records: unknown) =>
    expectStatus(await stack.api("socialSecurity", "POST", "/v1/social-security/notifications?wait=true", records), 200, "ingest");

  it("approves a retirement claim automatically and pays its first monthly instalment at the next settlement", async () => {
    const birthDate = "1960-01-01";
    const residentId = residentIdOf(birthDate, "male", 1);
    const accountId = await openFundedAccount(stack, residentId, "张三", "6222020200112233401", [500_000, 300_001]);
    const report = await ingest({
      residentId, eventType: "retirement", effectiveDate: "2020-02-01", certificateNumber: "BJ-TX-2020-000001", issuingOffice: OFFICE, gender: "male",
    });
    expect(report.records[0]).to.include({ outcome: "recorded", state: "succeeded" });
    expect(report.records[0]).not.to.have.property("review");

    const claim = expectStatus(
      await stack.api("bank", "POST", "/v1/claims", { residentId, plan: "personal", event: "retirement", payoutMode: "monthly" }),
      201,
      "submit",
    );
    const months = monthsDivisor(ageInWholeYears(birthDate, cstToday()));
    expect(claim).to.include({ status: "approved", parameter: String(months), accountId });
    expect(claim.decision).to.include({ by: "rules", rule: null });
    expect(claim.operation.operationId).to.be.a("string");
    const balance = await balanceOf(accountId);

    const run = await settle(stack, "claims-auto-approval");
    const paid = expectStatus(await stack.api("bank", "GET", `/v1/claims/${claim.claimId}`), 200, "get claim");
    const gross = balance / BigInt(months);
    const tax = divRoundHalfUp(gross * 300n, 10_000n);
    expect(paid.firstPayment).to.include({ gross: gross.toString(), tax: tax.toString(), net: (gross - tax).toString() });
    expect(paid.firstPayment.runId).to.equal(run.result.runs[0].runId);
    for (const key of ["attestedAt", "submittedAt", "decidedAt", "firstPaymentAt"]) expect(paid.times[key], key).to.be.a("string");
    expect(paid.durations.attestationToDecisionSeconds).to.be.a("number").that.is.at.least(0);
    expect(paid.durations.attestationToFirstPaymentSeconds).to.be.at.least(paid.durations.attestationToDecisionSeconds);
    expect(Date.parse(paid.times.firstPaymentAt)).to.be.at.least(Date.parse(paid.times.decidedAt));

    const instruction = paymentInstruction(paid.firstPayment.runId);
    expect(instruction.xml).to.contain(`<EndToEndId>${paid.firstPayment.payoutId}</EndToEndId>`);
    record("automaticApproval", paid);
    expect(instruction.xml).to.contain("张三");
    expect(instruction.controlSumFen).to.be.at.least(gross - tax);
  });

  it("rejects a claim on an event the bureau has not attested, naming the rule, and sends nothing to the chain", async () => {
    const residentId = residentIdOf("1962-05-05", "male", 2);
    await openFundedAccount(stack, residentId, "李四", "6222020200112233402", [100_000]);
    const report = await ingest({ residentId, eventType: "lossOfWorkCapacity", effectiveDate: "2026-06-01", certificateNumber: "BJ-LD-2026-000002", issuingOffice: OFFICE });
    expect(report.records[0]).to.include({ outcome: "recorded", state: "succeeded" });
    const before = await stack.footprint();

    const claim = expectStatus(
      await stack.api("bank", "POST", "/v1/claims", { residentId, plan: "personal", event: "emigration", payoutMode: "lumpSum" }),
      201,
      "submit",
    );
    expect(claim.status).to.equal("rejected");
    expect(claim.decision).to.include({ by: "rules", rule: "ELIGIBILITY_NOT_ATTESTED" });
    expect(claim.decision.messageZh).to.contain("社保机构");
    expect(claim.operation).to.equal(null);
    expect(claim.times.decidedAt).to.be.a("string");
    expect(await stack.footprint()).to.deep.equal(before);
    record("rejection", claim);
  });

  it("rejects an enterprise-annuity claim on an event that applies to personal pension only", async () => {
    const residentId = residentIdOf("1968-08-08", "female", 6);
    expectStatus(
      await stack.api("operator", "POST", "/v1/plans?wait=true", { planCode: "EA-CLAIMS-1", employerCode: "91110000MA00CLAIMS", vestingBpsByYear: [10_000] }),
      200,
      "create plan",
    );
    expectStatus(await stack.api("bank", "POST", "/v1/plans/EA-CLAIMS-1/members?wait=true", { residentId, name: "周八", serviceStart: "2019-01-01" }), 200, "enrol");
    const claim = expectStatus(
      await stack.api("bank", "POST", "/v1/claims", { residentId, plan: "EA-CLAIMS-1", event: "seriousIllness", payoutMode: "lumpSum" }),
      201,
      "submit",
    );
    expect(claim).to.include({ status: "rejected", plan: "EA-CLAIMS-1" });
    expect(claim.decision.rule).to.equal("EVENT_NOT_ALLOWED_FOR_PLAN");
  });

  it("sends a retirement before the statutory age to manual review, escalates it at settlement, and pays it after the operator approves", async () => {
    const birthDate = "1970-05-10";
    const residentId = residentIdOf(birthDate, "male", 3);
    const accountId = await openFundedAccount(stack, residentId, "王五", "6222020200112233403", [240_000]);
    const statutory = statutoryRetirement(birthDate, "male");
    const report = await ingest({
      residentId, eventType: "retirement", effectiveDate: "2026-11-01", certificateNumber: "BJ-TX-2026-000003", issuingOffice: OFFICE, gender: "male",
    });
    expect(report.records[0].outcome).to.equal("recorded");
    expect(report.records[0].review).to.include({ rule: "RETIREMENT_BELOW_STATUTORY_AGE", statutoryRetirementDate: statutory.retirementDate });

    const claim = expectStatus(
      await stack.api("bank", "POST", "/v1/claims", { residentId, plan: "personal", event: "retirement", payoutMode: "monthly" }),
      201,
      "submit",
    );
    expect(claim.status).to.equal("review");
    expect(claim.decision.rule).to.equal("RETIREMENT_BELOW_STATUTORY_AGE");
    expect(claim.operation).to.equal(null);

    await settle(stack, "claims-review-1");
    const escalated = expectStatus(await stack.api("operator", "GET", `/v1/claims/${claim.claimId}`), 200, "get claim");
    expect(escalated.status).to.equal("review");
    expect(escalated.escalations).to.be.at.least(1);
    expect(escalated.firstPayment).to.equal(null);

    const refused = await stack.api("bank", "POST", `/v1/claims/${claim.claimId}/decision`, { decision: "approve" });
    expect(refused.status).to.equal(403);
    expect(refused.body.code).to.equal("FORBIDDEN_FOR_ROLE");

    const approved = expectStatus(
      await stack.api("operator", "POST", `/v1/claims/${claim.claimId}/decision`, { decision: "approve", reasonCode: "EARLY_RETIREMENT_OK" }),
      200,
      "decide",
    );
    const months = monthsDivisor(ageInWholeYears(birthDate, cstToday()));
    expect(approved).to.include({ status: "approved", parameter: String(months) });
    expect(approved.decision).to.include({ by: "operator", rule: "RETIREMENT_BELOW_STATUTORY_AGE" });
    expect(approved.decision.message).to.equal(`${CLAIM_RULES.RETIREMENT_BELOW_STATUTORY_AGE.en} Approved by the operator after manual review (EARLY_RETIREMENT_OK).`);
    expect(approved.decision.messageZh).to.contain("（EARLY_RETIREMENT_OK）");
    const again = await stack.api("operator", "POST", `/v1/claims/${claim.claimId}/decision`, { decision: "reject" });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal("CLAIM_NOT_IN_REVIEW");

    const balance = await balanceOf(accountId);
    await settle(stack, "claims-review-2");
    const paid = expectStatus(await stack.api("auditor", "GET", `/v1/claims/${claim.claimId}`), 200, "get claim");
    expect(paid.firstPayment.gross).to.equal((balance / BigInt(months)).toString());
    expect(paid.durations.attestationToFirstPaymentSeconds).to.be.a("number");
    expect(paymentInstruction(paid.firstPayment.runId).xml).to.contain("王五");
    record("manualReview", paid);
  });

  it("turns a death notification dropped in the inbox into an inheritance paid to the heirs by their shares", async () => {
    const residentId = residentIdOf("1958-03-08", "female", 4);
    const accountId = await openFundedAccount(stack, residentId, "赵六", "6222020200112233404", [400_000, 33_333]);
    const inbox = socialSecurityInboxDir(stack.config.dataDir);
    mkdirSync(inbox, { recursive: true });
    const csv = `residentId,eventType,effectiveDate,certificateNumber,issuingOffice\n${residentId},death,${cstToday(-3)},BJ-SW-2026-000004,${OFFICE}\n`;
    writeFileSync(path.join(inbox, "deaths.csv.part"), csv);
    const { renameSync } = await import("node:fs");
    renameSync(path.join(inbox, "deaths.csv.part"), path.join(inbox, "deaths.csv"));
    const reportFile = path.join(inbox, "processed", "deaths.csv.report.json");
    for (let i = 0; i < 100 && !existsSync(reportFile); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(path.join(inbox, "processed", "deaths.csv"))).to.equal(true);
    const report = JSON.parse(readFileSync(reportFile, "utf8"));
    expect(report.records[0].outcome).to.equal("recorded");
    expect(report.records[0].inheritanceClaimIds).to.have.length(1);
    expect(JSON.stringify(report)).not.to.contain(residentId);
    const claimId = report.records[0].inheritanceClaimIds[0];
    await stack.gateway.pipeline.waitForFinal(report.records[0].operationId, 20_000);
    await stack.indexed();

    const opened = expectStatus(await stack.api("bank", "GET", `/v1/claims/${claimId}`), 200, "get claim");
    expect(opened).to.include({ kind: "inheritance", status: "awaitingHeirs", accountId });

    const contribution = await stack.api("bank", "POST", "/v1/contributions?wait=true", {
      residentId, amount: 100, bookedAt: new Date(Date.now() - 30_000).toISOString(), bankReference: "AFTER-DEATH-1",
    });
    expect(contribution.status).to.equal(409);
    expect(contribution.body.code).to.equal("MEMBER_DECEASED");

    const heirs = [
      { residentId: residentIdOf("1985-06-01", "male", 41), name: "赵一", bankCard: "6222020200112233441", shareBps: 6000 },
      { residentId: residentIdOf("1988-09-09", "female", 42), name: "赵二", bankCard: "6222020200112233442", shareBps: 3000 },
    ];
    const badShares = await stack.api("bank", "POST", "/v1/inheritances", { residentId, plan: "personal", heirs });
    expect(badShares.status).to.equal(422);
    expect(badShares.body).to.include({ code: "HEIR_SHARES_INVALID", field: "heirs" });

    heirs[1]!.shareBps = 4000;
    const registered = expectStatus(await stack.api("bank", "POST", "/v1/inheritances", { residentId, plan: "personal", heirs }), 201, "register heirs");
    expect(registered).to.include({ claimId, status: "approved" });
    expect(registered.heirs.map((h: { nameMasked: string }) => h.nameMasked)).to.deep.equal(["赵*", "赵*"]);
    const stored = stack.gateway.store.database.db.prepare("SELECT * FROM claim_heirs WHERE claim_id = ?").all(claimId);
    expect(JSON.stringify(stored)).not.to.contain(heirs[0]!.residentId).and.not.to.contain("赵一").and.not.to.contain(heirs[0]!.bankCard);

    const twice = await stack.api("bank", "POST", "/v1/inheritances", { residentId, plan: "personal", heirs });
    expect(twice.status).to.equal(409);
    expect(twice.body.code).to.equal("INHERITANCE_NOT_ALLOWED");

    const balance = await balanceOf(accountId);
    await settle(stack, "claims-inheritance");
    const paid = expectStatus(await stack.api("bank", "GET", `/v1/claims/${claimId}`), 200, "get claim");
    const run = payoutsOfRun(paid.firstPayment.runId).filter((p) => p.account_id === accountId);
    const first = (balance * 6000n) / 10_000n;
    expect(run.map((p) => BigInt(p.gross))).to.deep.equal([first, balance - first]);
    expect(run.map((p) => BigInt(p.tax))).to.deep.equal([divRoundHalfUp(first * 300n, 10_000n), divRoundHalfUp((balance - first) * 300n, 10_000n)]);
    expect(paid.times.attestedAt).to.be.a("string");
    expect(paid.durations.attestationToFirstPaymentSeconds).to.be.a("number");
    const xml = paymentInstruction(paid.firstPayment.runId).xml;
    expect(xml).to.contain("赵一").and.to.contain("赵二").and.to.contain(heirs[1]!.bankCard);
    record("inheritance", paid);
    expect(BigInt(expectStatus(await stack.api("bank", "GET", `/v1/accounts/${accountId}`), 200, "account").balances.balance)).to.equal(0n);
  });

  it("decides a claim still waiting for its attestation before the settlement run, which then pays it", async () => {
    const birthDate = "1961-07-01";
    const residentId = residentIdOf(birthDate, "male", 5);
    await openFundedAccount(stack, residentId, "孙七", "6222020200112233405", [120_000]);
    await stack.gateway.pipeline.stop();
    let claim;
    try {
      const report = expectStatus(
        await stack.api("socialSecurity", "POST", "/v1/social-security/notifications", {
          residentId, eventType: "retirement", effectiveDate: "2021-08-01", certificateNumber: "BJ-TX-2021-000005", issuingOffice: OFFICE, gender: "male",
        }),
        200,
        "ingest",
      );
      expect(report.records[0].outcome).to.equal("recorded");
      claim = expectStatus(await stack.api("bank", "POST", "/v1/claims", { residentId, plan: "personal", event: "retirement", payoutMode: "lumpSum" }), 201, "submit");
      expect(claim.status).to.equal("pending");
      expect(claim.decision).to.equal(null);
    } finally {
      stack.gateway.pipeline.start();
    }
    await settle(stack, "claims-pending");
    const paid = expectStatus(await stack.api("bank", "GET", `/v1/claims/${claim.claimId}`), 200, "get claim");
    expect(paid.status).to.equal("approved");
    expect(paid.firstPayment.gross).to.equal("120000");
    expect(paid.firstPayment.tax).to.equal("3600");
    record("pendingAtSettlement", paid);
  });
});
