/**
 * ingestSocialSecurityNotifications on the real stack: every record's outcome in a batch (JSON and CSV, over HTTP
 * and through the inbox folder), duplicates that change nothing, corrections that revoke the earlier attestation,
 * and the attestation on chain carrying evidenceHash(record).
 */
import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { socialSecurityInboxDir } from "../../../gateway/adapters/socialsecurity/inbox.js";
import { evidenceHash, validateNotification } from "../../../gateway/adapters/socialsecurity/notifications.js";
import { readDeployment } from "../../../gateway/bootstrap/deploymentRecord.js";
import { QUALIFYING_EVENT_CODE } from "../../../gateway/domain/ledgerTypes.js";
import { accountIdOf } from "../../../gateway/chain/ledgerInterface.js";
import { planIdOf } from "../../../gateway/services/plans.js";
import { createLedgerEvidenceReader, type LedgerEvidencePort } from "../../../gateway/services/claims/ledgerEvidence.js";
import { cstToday, expectStatus, openFundedAccount, residentIdOf, startClaimsStack, type ClaimsStack } from "./stack.js";

const OFFICE = "上海市社会保险事业管理中心";

describe("ingestSocialSecurityNotifications (real chain and database)", function () {
  this.timeout(120_000);
  let stack: ClaimsStack;
  let chain: LedgerEvidencePort;
  let provider: JsonRpcProvider;

  before(async () => {
    stack = await startClaimsStack();
    const deployment = readDeployment(stack.config.dataDir)!;
    provider = new JsonRpcProvider(stack.config.chainRpcUrl, 31337, { staticNetwork: true });
    chain = createLedgerEvidenceReader(provider, deployment.ledger, deployment.deploymentBlock);
  });
  after(async () => {
    provider?.destroy();
    await stack?.stop();
  });

  const hashOf = (raw: Record<string, unknown>) => {
    const valid = validateNotification(raw);
    if (!valid.ok) throw new Error(`test record invalid: ${valid.reason}`);
    return evidenceHash(valid.record, pseudonym(valid.record.residentId));
  };
  const pseudonym = (residentId: string) => stack.gateway.store.members.pseudonymOf(residentId);
  const post = (body: unknown, contentType?: string) => stack.api("socialSecurity", "POST", "/v1/social-security/notifications?wait=true", body, contentType);

  async function enrolInAnnuityPlan(residentId: string, planCode: string): Promise<void> {
    expectStatus(
      await stack.api("operator", "POST", "/v1/plans?wait=true", { planCode, employerCode: "91310000MA1FL0TEST", vestingBpsByYear: [5000, 10000] }),
      200,
      "create plan",
    );
    expectStatus(
      await stack.api("bank", "POST", `/v1/plans/${planCode}/members?wait=true`, { residentId, name: "周九", serviceStart: "2020-01-01" }),
      200,
      "enrol",
    );
    await stack.indexed();
  }

  it("reports every record of a batch: valid ones recorded on chain with their evidence hash, bad ones rejected with the field and the reason", async () => {
    const member = residentIdOf("1959-10-10", "male", 11);
    await openFundedAccount(stack, member, "钱八", "6222020200112233411", [10_000]);
    const annuityOnly = residentIdOf("1975-04-04", "female", 12);
    await enrolInAnnuityPlan(annuityOnly, "EA-NOTIFY-1");
    const stranger = residentIdOf("1960-02-02", "male", 13);
    const badCheck = member.slice(0, 17) + (member[17] === "0" ? "1" : "0");
    const valid = { residentId: member, eventType: "retirement", effectiveDate: "2019-11-01", certificateNumber: "SH-TX-2019-0011", issuingOffice: OFFICE, gender: "male" };
    const batch = [
      valid,
      { ...valid },
      { ...valid, residentId: badCheck, certificateNumber: "SH-TX-X-1" },
      { ...valid, residentId: stranger, certificateNumber: "SH-TX-X-2" },
      { ...valid, eventType: "earlyRetirement", certificateNumber: "SH-TX-X-3" },
      { residentId: member, eventType: "emigration", effectiveDate: cstToday(2), certificateNumber: "SH-EM-X-4", issuingOffice: OFFICE },
      { residentId: annuityOnly, eventType: "seriousIllness", effectiveDate: "2026-10-01", certificateNumber: "SH-ZB-X-5", issuingOffice: OFFICE },
      { residentId: member, eventType: "minimumLivingAllowance", effectiveDate: "2025-08-31", certificateNumber: "SH-DB-X-6", issuingOffice: OFFICE },
    ];
    const before = await stack.footprint();
    const report = expectStatus(await post(batch), 200, "ingest");

    const outcome = (line: number) => report.records.find((r: { line: number }) => r.line === line);
    expect(report.counts).to.deep.equal({ received: 8, recorded: 1, corrected: 0, duplicate: 1, rejected: 6 });
    expect(outcome(1)).to.include({ outcome: "recorded", state: "succeeded", evidenceHash: hashOf(valid) });
    expect(outcome(2)).to.include({ outcome: "duplicate" });
    expect(outcome(3)).to.include({ outcome: "rejected", field: "residentId" });
    expect(outcome(3).reason).to.contain("checkCharacter");
    expect(outcome(4)).to.include({ outcome: "rejected", field: "residentId" });
    expect(outcome(4).reason).to.contain("unknown member");
    expect(outcome(5)).to.include({ outcome: "rejected", field: "eventType" });
    expect(outcome(5).reason).to.contain("unknown event type");
    expect(outcome(6)).to.include({ outcome: "rejected", field: "effectiveDate" });
    expect(outcome(6).reason).to.contain("future");
    expect(outcome(7)).to.include({ outcome: "rejected", field: "eventType" });
    expect(outcome(7).reason).to.contain("not allowed for the member's plan");
    expect(outcome(8)).to.include({ outcome: "rejected", field: "effectiveDate" });
    expect(JSON.stringify(report)).not.to.contain(member).and.not.to.contain(stranger);
    expect((await stack.footprint()).operations).to.equal(before.operations + 1);

    const attestation = await chain.eligibilityOf(pseudonym(member), QUALIFYING_EVENT_CODE.retirement);
    expect(attestation).to.include({ active: true, evidenceHash: hashOf(valid) });
    expect((await chain.eligibilityOf(pseudonym(member), QUALIFYING_EVENT_CODE.emigration)).active).to.equal(false);
  });

  it("changes nothing when the same batch arrives again, as CSV with another column order", async () => {
    const member = residentIdOf("1958-12-12", "male", 14);
    await openFundedAccount(stack, member, "吴十", "6222020200112233414", [10_000]);
    const csv = [
      "certificateNumber,residentId,eventType,effectiveDate,issuingOffice,gender",
      `SH-TX-2018-0014,${member.toLowerCase()},retirement,2018-12-12,${OFFICE},male`,
      `SH-LD-2026-0014,${member},lossOfWorkCapacity,2026-10-01,"${OFFICE}, 二科",`,
      "",
    ].join("\r\n");
    const first = expectStatus(await post(csv, "text/csv"), 200, "first");
    expect(first.counts).to.include({ recorded: 2, rejected: 0 });
    expect(first.records.map((r: { line: number }) => r.line)).to.deep.equal([2, 3]);
    await stack.indexed();
    const before = await stack.footprint();

    const again = expectStatus(await post(csv, "text/csv"), 200, "again");
    expect(again.counts).to.deep.equal({ received: 2, recorded: 0, corrected: 0, duplicate: 2, rejected: 0 });
    const asJson = expectStatus(
      await post({ residentId: member, eventType: "retirement", effectiveDate: "2018-12-12", certificateNumber: "SH-TX-2018-0014", issuingOffice: OFFICE, gender: "male" }),
      200,
      "as JSON",
    );
    expect(asJson.records[0].outcome).to.equal("duplicate");
    expect(await stack.footprint()).to.deep.equal(before);
  });

  it("revokes the corrected attestation and records the correction in its place", async () => {
    const member = residentIdOf("1974-06-06", "female", 15);
    await openFundedAccount(stack, member, "郑十一", "6222020200112233415", [10_000]);
    const original = {
      residentId: member, eventType: "retirement", effectiveDate: "2025-01-01", certificateNumber: "SH-TX-2025-0015", issuingOffice: OFFICE, gender: "female",
      originalRetirementAge: 55,
    };
    expect(expectStatus(await post(original), 200, "original").records[0].outcome).to.equal("recorded");
    const conflicting = expectStatus(await post({ ...original, certificateNumber: "SH-TX-2025-0016" }), 200, "conflict");
    expect(conflicting.records[0]).to.include({ outcome: "rejected", field: "eventType" });

    const correction = { ...original, certificateNumber: "SH-TX-2025-0017", originalRetirementAge: 50, correctsCertificateNumber: original.certificateNumber };
    const report = expectStatus(await post(correction), 200, "correction");
    expect(report.records[0]).to.include({ outcome: "corrected", state: "succeeded" });
    expect(report.records[0].revokeOperationId).to.be.a("string");
    const attestation = await chain.eligibilityOf(pseudonym(member), QUALIFYING_EVENT_CODE.retirement);
    expect(attestation).to.include({ active: true, evidenceHash: hashOf(correction) });

    const before = await stack.footprint();
    const resent = expectStatus(await post(original), 200, "original again");
    expect(resent.records[0]).to.include({ outcome: "duplicate" });
    expect(await stack.footprint()).to.deep.equal(before);
    expect((await chain.eligibilityOf(pseudonym(member), QUALIFYING_EVENT_CODE.retirement)).evidenceHash).to.equal(hashOf(correction));

    const stale = expectStatus(await post({ ...correction, certificateNumber: "SH-TX-2025-0018" }), 200, "stale correction");
    expect(stale.records[0]).to.include({ outcome: "rejected", field: "correctsCertificateNumber" });
    const unknown = expectStatus(await post({ ...correction, certificateNumber: "SH-TX-2025-0019", correctsCertificateNumber: "NO-SUCH-CERT" }), 200, "unknown");
    expect(unknown.records[0]).to.include({ outcome: "rejected", field: "correctsCertificateNumber" });
  });

  it("reports a correction the ledger refuses because a payout already started on the attestation, which then stays", async () => {
    const member = residentIdOf("1959-09-09", "male", 17);
    await openFundedAccount(stack, member, "褚十三", "6222020200112233417", [50_000]);
    const original = { residentId: member, eventType: "retirement", effectiveDate: "2019-10-01", certificateNumber: "SH-TX-2019-0017", issuingOffice: OFFICE, gender: "male" };
    expectStatus(await post(original), 200, "original");
    const claim = expectStatus(await stack.api("bank", "POST", "/v1/claims", { residentId: member, plan: "personal", event: "retirement", payoutMode: "lumpSum" }), 201, "claim");
    expect(claim.status).to.equal("approved");
    expect((await stack.gateway.pipeline.waitForFinal(claim.operation.operationId, 20_000)).state).to.equal("succeeded");

    // The gateway knows the payout plan: the correction is refused before anything is sent.
    const correction = { ...original, certificateNumber: "SH-TX-2019-0018", effectiveDate: "2019-11-01", correctsCertificateNumber: original.certificateNumber };
    const before = await stack.footprint();
    const refused = expectStatus(await post(correction), 200, "correction");
    expect(refused.counts).to.include({ corrected: 0, rejected: 1 });
    expect(refused.records[0]).to.include({ outcome: "rejected", field: "correctsCertificateNumber" }).and.not.have.property("operationId");
    expect(refused.records[0].error.code).to.equal("ELIGIBILITY_IN_USE");
    expect(await stack.footprint()).to.deep.equal(before);

    // A payout plan the gateway's claims do not show (simulated): the ledger refuses the revocation, and the record
    // is reported rejected, not corrected; sending it again does not send the failing revocation again.
    const db = stack.gateway.store.database.db;
    db.prepare("UPDATE claims SET status = 'rejected' WHERE id = ?").run(claim.claimId);
    const report = expectStatus(await post({ ...correction, certificateNumber: "SH-TX-2019-0019" }), 200, "correction");
    expect(report.counts).to.include({ corrected: 0, rejected: 1 });
    expect(report.records[0]).to.include({ outcome: "rejected", field: "correctsCertificateNumber", state: "failed" });
    expect(report.records[0].error.code).to.equal("ELIGIBILITY_IN_USE");
    expect((await chain.eligibilityOf(pseudonym(member), QUALIFYING_EVENT_CODE.retirement)).evidenceHash).to.equal(hashOf(original));
    const beforeResend = await stack.footprint();
    const resent = expectStatus(await post({ ...correction, certificateNumber: "SH-TX-2019-0019" }), 200, "resend");
    expect(resent.records[0]).to.include({ outcome: "rejected", field: "correctsCertificateNumber" });
    expect(resent.records[0].error.code).to.equal("ELIGIBILITY_IN_USE");
    expect(await stack.footprint()).to.deep.equal(beforeResend);
    db.prepare("UPDATE claims SET status = 'approved' WHERE id = ?").run(claim.claimId);
    const again = expectStatus(await post(original), 200, "original again");
    expect(again.records[0]).to.include({ outcome: "duplicate" });
    expect(again.records[0]).not.to.have.property("reason");
  });

  it("records the same notification sent five times at once exactly once, the others duplicates", async () => {
    const member = residentIdOf("1958-05-05", "male", 31);
    await openFundedAccount(stack, member, "卫三一", "6222020200112233431", [10_000]);
    const record = { residentId: member, eventType: "retirement", effectiveDate: "2018-06-01", certificateNumber: "SH-TX-2018-0031", issuingOffice: OFFICE, gender: "male" };
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(record)));
    expect(responses.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200]);
    const outcomes = responses.map((r) => r.body.records[0].outcome).sort();
    expect(outcomes).to.deep.equal(["duplicate", "duplicate", "duplicate", "duplicate", "recorded"]);
    const recorded = responses.find((r) => r.body.records[0].outcome === "recorded")!.body.records[0];
    expect(recorded.state).to.equal("succeeded");
    expect((await chain.eligibilityOf(pseudonym(member), QUALIFYING_EVENT_CODE.retirement)).evidenceHash).to.equal(hashOf(record));
  });

  it("records one of four different certificates of the same event sent at once and rejects the others, none recorded with a failed operation", async () => {
    const member = residentIdOf("1958-07-07", "male", 32);
    await openFundedAccount(stack, member, "蒋三二", "6222020200112233432", [10_000]);
    const records = [1, 2, 3, 4].map((n) => ({
      residentId: member, eventType: "lossOfWorkCapacity", effectiveDate: `2024-0${n}-01`, certificateNumber: `SH-LD-2024-003${n}`, issuingOffice: OFFICE,
    }));
    const responses = await Promise.all(records.map((r) => post(r)));
    const reports = responses.map((r) => expectStatus(r, 200, "ingest").records[0]);
    expect(reports.map((r) => r.outcome).sort()).to.deep.equal(["recorded", "rejected", "rejected", "rejected"]);
    const winner = reports.find((r) => r.outcome === "recorded");
    expect(winner.state).to.equal("succeeded");
    for (const loser of reports.filter((r) => r.outcome === "rejected")) expect(loser).to.include({ field: "eventType" }).and.not.have.property("operationId");
    const winningRecord = records.find((r) => r.certificateNumber === winner.certificateNumber)!;
    expect((await chain.eligibilityOf(pseudonym(member), QUALIFYING_EVENT_CODE.lossOfWorkCapacity)).evidenceHash).to.equal(hashOf(winningRecord));
  });

  it("rejects a batch element that is not an object on its own (field record) and processes the rest, as the inbox does", async () => {
    const member = residentIdOf("1958-03-03", "male", 33);
    await openFundedAccount(stack, member, "沈三三", "6222020200112233433", [10_000]);
    const record = { residentId: member, eventType: "retirement", effectiveDate: "2018-04-01", certificateNumber: "SH-TX-2018-0033", issuingOffice: OFFICE, gender: "male" };
    const report = expectStatus(await post(["notanobject", record, null, 7]), 200, "ingest");
    expect(report.counts).to.deep.equal({ received: 4, recorded: 1, corrected: 0, duplicate: 0, rejected: 3 });
    for (const line of [1, 3, 4]) expect(report.records.find((r: { line: number }) => r.line === line)).to.include({ outcome: "rejected", field: "record" });
    expect(report.records.find((r: { line: number }) => r.line === 2)).to.include({ outcome: "recorded", state: "succeeded" });
  });

  it("refuses a GBK-encoded CSV over HTTP and in the inbox, naming the file, and puts nothing on chain", async () => {
    const member = residentIdOf("1958-02-02", "male", 34);
    await openFundedAccount(stack, member, "韩三四", "6222020200112233434", [10_000]);
    // "上海" in GBK is 0xC9CF 0xBAA3: not UTF-8.
    const gbk = Buffer.concat([
      Buffer.from(`residentId,eventType,effectiveDate,certificateNumber,issuingOffice,gender\n${member},retirement,2018-04-01,SH-TX-2018-0034,`),
      Buffer.from([0xc9, 0xcf, 0xba, 0xa3]),
      Buffer.from(",male\n"),
    ]);
    const before = await stack.footprint();
    for (const contentType of ["text/csv", "text/csv; charset=gbk"]) {
      const response = await fetch(`${stack.gateway.url}/v1/social-security/notifications?wait=true`, {
        method: "POST", headers: { authorization: `Bearer ${stack.tokens.socialSecurity}`, "content-type": contentType }, body: gbk,
      });
      const body = (await response.json()) as { code: string; field: string; message: string };
      expect(response.status, contentType).to.equal(400);
      expect(body).to.include({ code: "VALIDATION_FAILED", field: "file" });
      expect(body.message).to.contain("not UTF-8");
    }
    const inbox = socialSecurityInboxDir(stack.config.dataDir);
    mkdirSync(inbox, { recursive: true });
    writeFileSync(path.join(inbox, "gbk.csv.part"), gbk);
    renameSync(path.join(inbox, "gbk.csv.part"), path.join(inbox, "gbk.csv"));
    const reportFile = path.join(inbox, "rejected", "gbk.csv.report.json");
    for (let i = 0; i < 150 && !existsSync(reportFile); i++) await new Promise((r) => setTimeout(r, 100));
    const report = JSON.parse(readFileSync(reportFile, "utf8"));
    expect(report.error).to.include({ code: "VALIDATION_FAILED", field: "file" });
    expect(await stack.footprint()).to.deep.equal(before);
    expect((await chain.eligibilityOf(pseudonym(member), QUALIFYING_EVENT_CODE.retirement)).active).to.equal(false);
  });

  it("knows a member whose account was opened a moment ago, while the event index lags behind", async () => {
    const member = residentIdOf("1958-01-11", "male", 35);
    const annuityMember = residentIdOf("1976-01-12", "female", 36);
    expectStatus(await stack.api("operator", "POST", "/v1/plans?wait=true", { planCode: "EA-LAG-1", employerCode: "91310000MA1FL0TEST", vestingBpsByYear: [10000] }), 200, "plan");
    await stack.gateway.listener.stop();
    try {
      expectStatus(await stack.api("bank", "POST", "/v1/personal-accounts?wait=true", { residentId: member, name: "杨三五", bankCard: "6222020200112233435" }), 200, "open");
      expectStatus(await stack.api("bank", "POST", "/v1/plans/EA-LAG-1/members?wait=true", { residentId: annuityMember, name: "朱三六", serviceStart: "2020-01-01" }), 200, "enrol");
      const report = expectStatus(await post([
        { residentId: member, eventType: "retirement", effectiveDate: "2018-02-01", certificateNumber: "SH-TX-2018-0035", issuingOffice: OFFICE, gender: "male" },
        { residentId: annuityMember, eventType: "lossOfWorkCapacity", effectiveDate: "2024-02-01", certificateNumber: "SH-LD-2024-0036", issuingOffice: OFFICE },
      ]), 200, "ingest");
      expect(report.records.map((r: { outcome: string }) => r.outcome)).to.deep.equal(["recorded", "recorded"]);
      expect(report.records.map((r: { state: string }) => r.state)).to.deep.equal(["succeeded", "succeeded"]);
    } finally {
      stack.gateway.listener.start();
    }
  });

  it("labels the inheritance claim of an annuity account with its plan and decides a zero-balance one at once; a refused settlement run escalates nothing", async () => {
    const member = residentIdOf("1950-05-15", "male", 37);
    const personalAccount = await openFundedAccount(stack, member, "秦三七", "6222020200112233437", [10_000]);
    await enrolInAnnuityPlan(member, "EA-DEATH-1");
    const report = expectStatus(await post({ residentId: member, eventType: "death", effectiveDate: "2026-01-05", certificateNumber: "SH-SW-2026-0037", issuingOffice: OFFICE }), 200, "death");
    expect(report.records[0]).to.include({ outcome: "recorded", state: "succeeded" });
    const claims = await Promise.all(report.records[0].inheritanceClaimIds.map(async (id: string) => expectStatus(await stack.api("bank", "GET", `/v1/claims/${id}`), 200, "claim")));
    expect(claims).to.have.length(2);
    const personal = claims.find((c) => c.accountId === personalAccount)!;
    const annuity = claims.find((c) => c.accountId !== personalAccount)!;
    expect(personal).to.include({ plan: "personal", status: "awaitingHeirs" });
    expect(annuity).to.include({ plan: planIdOf("EA-DEATH-1"), status: "rejected" });
    expect(annuity.decision).to.include({ by: "rules", rule: "ZERO_BALANCE" });
    expect(annuity.times.decidedAt).to.be.a("string");

    const runReference = `refused-run-${Date.now()}`;
    expectStatus(await stack.api("keeper", "POST", "/v1/settlement-runs?wait=true", { runReference }), 200, "run");
    const afterRun = expectStatus(await stack.api("bank", "GET", `/v1/claims/${personal.claimId}`), 200, "claim");
    expect(afterRun.escalations).to.equal(1);
    const again = await stack.api("keeper", "POST", "/v1/settlement-runs?wait=true", { runReference });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal("SETTLEMENT_RUN_ALREADY_USED");
    expect(expectStatus(await stack.api("bank", "GET", `/v1/claims/${personal.claimId}`), 200, "claim").escalations).to.equal(1);
    expect(expectStatus(await stack.api("bank", "GET", `/v1/claims/${annuity.claimId}`), 200, "claim")).to.include({ status: "rejected", escalations: 0 });
  });

  it("opens an annuity account's inheritance with a balance awaiting heirs under its plan id, and names the plan code once the bank registers the heirs", async () => {
    const member = residentIdOf("1950-06-16", "male", 38);
    await enrolInAnnuityPlan(member, "EA-DEATH-2");
    const accountId = accountIdOf(pseudonym(member), planIdOf("EA-DEATH-2")).toLowerCase();
    expectStatus(await stack.api("investmentManager", "POST", "/v1/return-batches?wait=true", { batchReference: "RET-DEATH-2", items: [{ accountId, amount: 5_000 }] }), 200, "returns");
    const report = expectStatus(await post({ residentId: member, eventType: "death", effectiveDate: "2026-01-06", certificateNumber: "SH-SW-2026-0038", issuingOffice: OFFICE }), 200, "death");
    const [claimId] = report.records[0].inheritanceClaimIds;
    expect(expectStatus(await stack.api("bank", "GET", `/v1/claims/${claimId}`), 200, "claim")).to.include({ accountId, plan: planIdOf("EA-DEATH-2"), status: "awaitingHeirs" });
    const heir = residentIdOf("1980-06-16", "female", 39);
    const registered = expectStatus(
      await stack.api("bank", "POST", "/v1/inheritances", { residentId: member, plan: "EA-DEATH-2", heirs: [{ residentId: heir, name: "许三九", bankCard: "6222020200112233439", shareBps: 10_000 }] }),
      201,
      "heirs",
    );
    expect(registered).to.include({ claimId, plan: "EA-DEATH-2", status: "approved" });
  });

  it("processes inbox files: a batch to processed/ with its report, an unusable file to rejected/", async () => {
    const member = residentIdOf("1957-01-20", "male", 16);
    await openFundedAccount(stack, member, "冯十二", "6222020200112233416", [10_000]);
    const inbox = socialSecurityInboxDir(stack.config.dataDir);
    mkdirSync(inbox, { recursive: true });
    const drop = (name: string, text: string) => {
      writeFileSync(path.join(inbox, `${name}.part`), text);
      renameSync(path.join(inbox, `${name}.part`), path.join(inbox, name));
    };
    drop("batch-1.json", JSON.stringify([
      { residentId: member, eventType: "retirement", effectiveDate: "2017-02-01", certificateNumber: "SH-TX-2017-0016", issuingOffice: OFFICE, gender: "male" },
      { residentId: member, eventType: "retirement", effectiveDate: "2017-02-01", certificateNumber: "SH-TX-2017-0017", issuingOffice: OFFICE, gender: "female" },
    ]));
    drop("broken.json", "{ not json");
    const waitFor = async (file: string) => {
      for (let i = 0; i < 150 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
      return JSON.parse(readFileSync(file, "utf8"));
    };
    const report = await waitFor(path.join(inbox, "processed", "batch-1.json.report.json"));
    expect(report.source).to.equal("inbox:batch-1.json");
    expect(report.records.map((r: { outcome: string }) => r.outcome)).to.deep.equal(["recorded", "rejected"]);
    expect(report.records[1]).to.include({ field: "gender" });
    const rejected = await waitFor(path.join(inbox, "rejected", "broken.json.report.json"));
    expect(rejected.error).to.include({ code: "VALIDATION_FAILED", field: "file" });
    expect(existsSync(path.join(inbox, "rejected", "broken.json"))).to.equal(true);
    expect(existsSync(path.join(inbox, "batch-1.json"))).to.equal(false);
  });

  it("rejects a file that is unusable as a whole over HTTP, naming the file, and refuses other institutions", async () => {
    const badHeader = await post("residentId,eventType,when\n", "text/csv");
    expect(badHeader.status).to.equal(400);
    expect(badHeader.body).to.include({ code: "VALIDATION_FAILED", field: "file" });
    const empty = await post([]);
    expect(empty.status).to.equal(400);
    expect(empty.body).to.include({ code: "VALIDATION_FAILED", field: "file" });
    const before = await stack.footprint();
    for (const institution of ["bank", "taxBureau", "auditor", "operator"] as const) {
      const refused = await stack.api(institution, "POST", "/v1/social-security/notifications", [{ residentId: "x" }]);
      expect(refused.status, institution).to.equal(403);
      expect(refused.body.code).to.equal("FORBIDDEN_FOR_ROLE");
    }
    expect(await stack.footprint()).to.deep.equal(before);
  });
});
