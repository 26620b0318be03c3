/**
 * The tax bureau's certificate, its verification against the chain (and a tampered one failing), the withholding
 * report, every role refusal of the operations, and the calculators over HTTP — on the real stack.
 */
import { expect } from "chai";
import { certificateHashOf } from "../../../gateway/services/claims/tax.js";
import { divRoundHalfUp } from "../../../gateway/domain/money.js";
import { monthsDivisor } from "../../../gateway/domain/monthsDivisor.js";
import type { Institution } from "../../../gateway/store/credentials.js";
import { cstToday, expectStatus, openFundedAccount, residentIdOf, settle, startClaimsStack, type ClaimsStack } from "./stack.js";

const OFFICE = "广州市社会保险基金管理中心";
const year = Number(cstToday().slice(0, 4));

describe("tax bureau, access and calculators (real chain and database)", function () {
  this.timeout(120_000);
  let stack: ClaimsStack;
  const taxpayer = residentIdOf("1960-03-03", "male", 21);
  const saver = residentIdOf("1990-04-04", "female", 22);

  before(async () => {
    stack = await startClaimsStack();
    // One taxpayer contributes the full cap (12,000 yuan), retires and takes a lump sum; another only contributes.
    await openFundedAccount(stack, taxpayer, "陈一", "6222020200112233421", [700_000, 500_000]);
    await openFundedAccount(stack, saver, "林二", "6222020200112233422", [100_000]);
    expectStatus(
      await stack.api("socialSecurity", "POST", "/v1/social-security/notifications?wait=true", {
        residentId: taxpayer, eventType: "retirement", effectiveDate: "2020-04-01", certificateNumber: "GZ-TX-2020-0021", issuingOffice: OFFICE, gender: "male",
      }),
      200,
      "ingest",
    );
    const claim = expectStatus(await stack.api("bank", "POST", "/v1/claims", { residentId: taxpayer, plan: "personal", event: "retirement", payoutMode: "lumpSum" }), 201, "claim");
    expect(claim.status).to.equal("approved");
    await settle(stack, "tax-run-1");
  });
  after(async () => {
    await stack?.stop();
  });

  const certificateOf = async (residentId: string) =>
    expectStatus(await stack.api("taxBureau", "POST", "/v1/tax/certificates", { residentId, year }), 200, "certificate");
  const verify = async (certificate: unknown, as: Institution = "auditor") =>
    expectStatus(await stack.api(as, "POST", "/v1/tax/certificates/verification", certificate), 200, "verify");

  describe("getTaxCertificate and verifyTaxCertificate", () => {
    it("certifies the year's contributions up to the cap, the payouts and the tax withheld, each with its transaction", async () => {
      const certificate = await certificateOf(taxpayer);
      expect(certificate.taxYear).to.equal(year);
      expect(certificate.contributions.items.map((c: { amount: string }) => c.amount)).to.deep.equal(["700000", "500000"]);
      expect(certificate.contributions).to.include({ total: "1200000", annualCap: "1200000", deductible: "1200000" });
      expect(certificate.contributions.display.deductible).to.equal("¥12,000.00");
      const tax = divRoundHalfUp(1_200_000n * 300n, 10_000n);
      expect(certificate.payouts).to.include({ gross: "1200000", taxWithheld: tax.toString(), net: (1_200_000n - tax).toString() });
      expect(certificate.payouts.items).to.have.length(1);
      for (const item of [...certificate.contributions.items, ...certificate.payouts.items]) expect(item.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(Number(certificate.ledger.operationCount)).to.be.greaterThan(0);
      expect(certificate.certificateHash).to.equal(certificateHashOf(certificate));
    });

    it("shows the tax bureau the same gross paid and tax withheld on the account as on the certificate", async () => {
      const certificate = await certificateOf(taxpayer);
      const account = expectStatus(await stack.api("taxBureau", "POST", "/v1/accounts/query", { residentId: taxpayer }), 200, "account");
      expect(account.withholding).to.deep.equal({ payoutsGross: certificate.payouts.gross, taxWithheld: certificate.payouts.taxWithheld });
    });

    it("certifies a contributor below the cap with the whole contribution deductible and no payouts", async () => {
      const certificate = await certificateOf(saver);
      expect(certificate.contributions).to.include({ total: "100000", deductible: "100000" });
      expect(certificate.payouts).to.include({ gross: "0", taxWithheld: "0" });
      expect(certificate.payouts.items).to.deep.equal([]);
    });

    it("verifies a genuine certificate against the chain, for any authenticated institution", async () => {
      const certificate = await certificateOf(taxpayer);
      for (const institution of ["auditor", "bank", "taxBureau"] as const) {
        const result = await verify(certificate, institution);
        expect(result.valid, institution).to.equal(true);
        expect(result.checks.every((c: { ok: boolean }) => c.ok)).to.equal(true);
        expect(result.checks.map((c: { check: string }) => c.check)).to.include.members(["certificateHash", "seal", "payouts.items.0", "contributions.items.1", "ledger.runningHash"]);
      }
    });

    it("fails a certificate whose tax was altered, and one altered with a recomputed hash, naming the checks", async () => {
      const certificate = await certificateOf(taxpayer);
      const altered = structuredClone(certificate);
      altered.payouts.items[0].tax = "0";
      altered.payouts.items[0].net = "1200000";
      altered.payouts.taxWithheld = "0";
      altered.payouts.net = "1200000";
      const plain = await verify(altered);
      const failed = (r: { checks: { check: string; ok: boolean }[] }) => r.checks.filter((c) => !c.ok).map((c) => c.check);
      expect(plain.valid).to.equal(false);
      expect(failed(plain)).to.include.members(["certificateHash", "payouts.items.0"]);

      altered.certificateHash = certificateHashOf(altered);
      const rehashed = await verify(altered);
      expect(rehashed.valid).to.equal(false);
      expect(failed(rehashed)).to.deep.equal(["seal", "payouts.items.0", "payouts.complete"]);

      const inflated = structuredClone(certificate);
      inflated.contributions.items[1].amount = "600000";
      inflated.contributions.total = "1300000";
      inflated.contributions.deductible = "1300000";
      const result = await verify(inflated);
      expect(failed(result)).to.include.members(["certificateHash", "contributions.items.1", "contributions.deductible"]);
    });

    it("issues a certificate right after a contribution with it included, its figures and ledger section at the same block, even while the index lags", async () => {
      const late = residentIdOf("1985-06-06", "male", 23);
      await openFundedAccount(stack, late, "赵三", "6222020200112233423", [10_000]);
      await stack.gateway.listener.stop();
      let certificate: any;
      let restarted = false;
      try {
        const credited = expectStatus(
          await stack.api("bank", "POST", "/v1/contributions?wait=true", { residentId: late, amount: 20_000, bookedAt: new Date(Date.now() - 60_000).toISOString(), bankReference: "C-LATE-1" }),
          200,
          "contribution",
        );
        const pending = stack.api("taxBureau", "POST", "/v1/tax/certificates", { residentId: late, year });
        await new Promise((r) => setTimeout(r, 600));
        stack.gateway.listener.start();
        restarted = true;
        certificate = expectStatus(await pending, 200, "certificate");
        expect(certificate.ledger.blockNumber).to.be.at.least(credited.blockNumber);
      } finally {
        if (!restarted) stack.gateway.listener.start();
      }
      expect(certificate.contributions.items.map((c: { amount: string }) => c.amount)).to.deep.equal(["10000", "20000"]);
      expect(certificate.contributions.total).to.equal("30000");
      expect((await verify(certificate)).valid).to.equal(true);
    });

    it("finds an omitted contribution or payout by re-reading the year from the chain, even with a recomputed hash", async () => {
      const failed = (r: { checks: { check: string; ok: boolean }[] }) => r.checks.filter((c) => !c.ok).map((c) => c.check);
      const certificate = await certificateOf(taxpayer);
      const short = structuredClone(certificate);
      short.contributions.items.pop();
      short.contributions.total = "700000";
      short.contributions.deductible = "700000";
      short.certificateHash = certificateHashOf(short);
      const shortResult = await verify(short);
      expect(shortResult.valid).to.equal(false);
      expect(failed(shortResult)).to.deep.equal(["seal", "contributions.complete"]);
      expect(shortResult.checks.find((c: { check: string }) => c.check === "contributions.complete").detail).to.contain("2 contributions of the year totalling 1200000 fen");

      const unpaid = structuredClone(certificate);
      unpaid.payouts.items = [];
      Object.assign(unpaid.payouts, { gross: "0", taxWithheld: "0", net: "0" });
      unpaid.certificateHash = certificateHashOf(unpaid);
      expect(failed(await verify(unpaid))).to.deep.equal(["seal", "payouts.complete"]);
    });

    it("refuses an operation count beyond uint256 with 400 naming ledger.operationCount, and answers valid:false for a taxpayer ID with a bad check character", async () => {
      const certificate = await certificateOf(taxpayer);
      for (const operationCount of ["9".repeat(80), (2n ** 256n).toString()]) {
        const response = await stack.api("auditor", "POST", "/v1/tax/certificates/verification", { ...certificate, ledger: { ...certificate.ledger, operationCount } });
        expect(response.status, operationCount).to.equal(400);
        expect(response.body).to.include({ code: "VALIDATION_FAILED", field: "ledger.operationCount" });
      }
      const farYear = await stack.api("auditor", "POST", "/v1/tax/certificates/verification", { ...certificate, taxYear: 70_000 });
      expect(farYear.status).to.equal(400);
      expect(farYear.body).to.include({ code: "VALIDATION_FAILED", field: "taxYear" });
      const future = await verify({ ...certificate, ledger: { ...certificate.ledger, blockNumber: 9_000_000_000 } });
      expect(future.valid).to.equal(false);
      expect(future.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { check: string }) => c.check)).to.include.members(["certificateHash", "ledger.blockNumber"]);
      const badCheck = taxpayer.slice(0, 17) + (taxpayer[17] === "0" ? "1" : "0");
      const result = await verify({ ...certificate, taxpayer: { residentId: badCheck } });
      expect(result.valid).to.equal(false);
      const check = result.checks.find((c: { check: string }) => c.check === "taxpayer.residentId");
      expect(check).to.include({ ok: false });
      expect(check.detail).to.contain("checkCharacter");
    });

    it("refuses a certificate for a valid ID number that is neither a member nor an heir with 404 MEMBER_NOT_FOUND", async () => {
      const response = await stack.api("taxBureau", "POST", "/v1/tax/certificates", { residentId: residentIdOf("1988-08-08", "female", 98), year });
      expect(response.status).to.equal(404);
      expect(response.body).to.include({ code: "MEMBER_NOT_FOUND", field: "residentId" });
    });

    it("rejects a year before personal pension or after this year, and a bad ID number, naming the field", async () => {
      for (const bad of [2021, year + 1]) {
        const response = await stack.api("taxBureau", "POST", "/v1/tax/certificates", { residentId: taxpayer, year: bad });
        expect(response.status).to.equal(400);
        expect(response.body).to.include({ code: "TAX_YEAR_INVALID", field: "year" });
      }
      const notNumber = await stack.api("taxBureau", "POST", "/v1/tax/certificates", { residentId: taxpayer, year: String(year) });
      expect(notNumber.body).to.include({ code: "VALIDATION_FAILED", field: "year" });
      const badId = await stack.api("taxBureau", "POST", "/v1/tax/certificates", { residentId: taxpayer.slice(0, 17), year });
      expect(badId.body).to.include({ code: "RESIDENT_ID_INVALID", field: "residentId" });
      const malformed = await stack.api("auditor", "POST", "/v1/tax/certificates/verification", { version: "x" });
      expect(malformed.body.code).to.equal("VALIDATION_FAILED");
    });
  });

  describe("getWithholdingReport", () => {
    it("lists per taxpayer the gross paid and the tax withheld in the year, as CSV identified by ID number only", async () => {
      const response = await stack.api("taxBureau", "GET", `/v1/tax/withholding-reports/${year}`);
      expect(response.status).to.equal(200);
      expect(response.contentType).to.contain("text/csv");
      const lines = response.text.trim().split("\r\n");
      expect(lines[0]).to.equal("taxYear,taxpayerId,payouts,grossFen,taxWithheldFen,netFen,gross,taxWithheld");
      const tax = divRoundHalfUp(1_200_000n * 300n, 10_000n);
      expect(lines).to.include(`${year},${taxpayer},1,1200000,${tax},${1_200_000n - tax},"¥12,000.00","¥${(Number(tax) / 100).toFixed(2)}"`);
      expect(response.text).not.to.contain(saver).and.not.to.contain("陈一");
      const previous = await stack.api("taxBureau", "GET", `/v1/tax/withholding-reports/${year - 1}`);
      expect(previous.text.trim().split("\r\n")).to.have.length(1);
      const tooEarly = await stack.api("taxBureau", "GET", "/v1/tax/withholding-reports/2021");
      expect(tooEarly.body).to.include({ code: "TAX_YEAR_INVALID" });
    });
  });

  describe("access: each institution only what it needs", () => {
    const claimBody = () => ({ residentId: taxpayer, plan: "personal", event: "retirement", payoutMode: "lumpSum" });
    const heirsBody = () => ({ residentId: taxpayer, plan: "personal", heirs: [{ residentId: saver, name: "林二", bankCard: "6222020200112233422", shareBps: 10_000 }] });
    const someClaim = "00000000-0000-4000-8000-000000000000";
    const refusals: [Institution, string, string, () => unknown][] = [
      ["taxBureau", "POST", "/v1/claims", claimBody],
      ["taxBureau", "POST", "/v1/inheritances", heirsBody],
      ["taxBureau", "GET", `/v1/claims/${someClaim}`, () => undefined],
      ["taxBureau", "POST", `/v1/claims/${someClaim}/decision`, () => ({ decision: "approve" })],
      ["taxBureau", "POST", "/v1/social-security/notifications", () => ({})],
      ["socialSecurity", "POST", "/v1/tax/certificates", () => ({ residentId: taxpayer, year })],
      ["socialSecurity", "GET", `/v1/tax/withholding-reports/${year}`, () => undefined],
      ["socialSecurity", "POST", "/v1/claims", claimBody],
      ["socialSecurity", "GET", `/v1/claims/${someClaim}`, () => undefined],
      ["socialSecurity", "POST", "/v1/inheritances", heirsBody],
      ["bank", "POST", "/v1/tax/certificates", () => ({ residentId: taxpayer, year })],
      ["bank", "GET", `/v1/tax/withholding-reports/${year}`, () => undefined],
      ["bank", "POST", `/v1/claims/${someClaim}/decision`, () => ({ decision: "approve" })],
      ["auditor", "POST", "/v1/claims", claimBody],
      ["auditor", "POST", "/v1/tax/certificates", () => ({ residentId: taxpayer, year })],
      ["operator", "POST", "/v1/inheritances", heirsBody],
      ["keeper", "POST", "/v1/claims", claimBody],
      ["investmentManager", "GET", `/v1/tax/withholding-reports/${year}`, () => undefined],
    ];
    for (const [institution, method, path, body] of refusals) {
      it(`refuses ${institution} ${method} ${path.replace(someClaim, ":claimId")} with FORBIDDEN_FOR_ROLE and sends nothing to the chain`, async () => {
        const before = await stack.footprint();
        const response = await stack.api(institution, method, path, body());
        expect(response.status).to.equal(403);
        expect(response.body.code).to.equal("FORBIDDEN_FOR_ROLE");
        expect(JSON.stringify(response.body)).not.to.contain(taxpayer);
        expect(await stack.footprint()).to.deep.equal(before);
      });
    }

    it("shows neither the tax bureau nor the social-security bureau who holds an account", async () => {
      for (const institution of ["taxBureau", "socialSecurity"] as const) {
        const account = expectStatus(await stack.api(institution, "POST", "/v1/accounts/query", { residentId: saver }), 200, institution);
        expect(account).not.to.have.property("holder");
        expect(JSON.stringify(account)).not.to.contain("林二");
      }
    });

    it("answers 401 without a credential", async () => {
      const response = await fetch(`${stack.gateway.url}/v1/calculators/tax-saving`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(response.status).to.equal(401);
    });
  });

  describe("claims input validation", () => {
    it("names the field of a bad claim request", async () => {
      const cases: [unknown, string, string][] = [
        [{ residentId: taxpayer.slice(0, 16) + "00", plan: "personal", event: "retirement", payoutMode: "lumpSum" }, "RESIDENT_ID_INVALID", "residentId"],
        [{ residentId: taxpayer, plan: "personal", event: "retirement", payoutMode: "fixedInstalment" }, "VALIDATION_FAILED", "amountPerMonth"],
        [{ residentId: taxpayer, plan: "personal", event: "retirement", payoutMode: "lumpSum", amountPerMonth: 100 }, "VALIDATION_FAILED", "amountPerMonth"],
        [{ residentId: taxpayer, plan: "personal", event: "holiday", payoutMode: "lumpSum" }, "VALIDATION_FAILED", "event"],
        [{ residentId: taxpayer, plan: "personal", event: "retirement", payoutMode: "fixedInstalment", amountPerMonth: 12.5 }, "VALIDATION_FAILED", "amountPerMonth"],
        [{ residentId: residentIdOf("1999-01-01", "male", 99), plan: "personal", event: "retirement", payoutMode: "lumpSum" }, "MEMBER_NOT_FOUND", "residentId"],
      ];
      for (const [body, code, field] of cases) {
        const response = await stack.api("bank", "POST", "/v1/claims", body);
        expect(response.body, JSON.stringify(body)).to.include({ code, field });
      }
      const unknown = await stack.api("bank", "GET", "/v1/claims/00000000-0000-4000-8000-000000000001");
      expect(unknown.status).to.equal(404);
      expect(unknown.body.code).to.equal("CLAIM_NOT_FOUND");
    });

    it("refuses heirs for a member whose death is not attested", async () => {
      const response = await stack.api("bank", "POST", "/v1/inheritances", {
        residentId: saver, plan: "personal", heirs: [{ residentId: taxpayer, name: "陈一", bankCard: "6222020200112233421", shareBps: 10_000 }],
      });
      expect(response.status).to.equal(409);
      expect(response.body).to.include({ code: "INHERITANCE_NOT_ALLOWED" });
      expect(response.body.details.rule).to.equal("DEATH_NOT_ATTESTED");
    });
  });

  describe("calculators", () => {
    it("calculateTaxSaving: 12,000 yuan on 100,000 yuan taxable income saves 1,200 yuan now, 360 yuan due at withdrawal", async () => {
      const result = expectStatus(await stack.api("keeper", "POST", "/v1/calculators/tax-saving", { taxableIncome: 10_000_000, contribution: "1200000" }), 200, "calc");
      // By hand: 10 % bracket, quick deduction 2,520 yuan. Before: 100,000 × 10 % − 2,520 = 7,480 yuan; after: 88,000 × 10 % − 2,520 = 6,280 yuan.
      expect(result).to.include({ taxBeforeFen: "748000", taxAfterFen: "628000", taxSavedNowFen: "120000", withdrawalTaxFen: "36000", netBenefitFen: "84000" });
      expect(result.display).to.include({ taxSavedNow: "¥1,200.00", netBenefit: "¥840.00" });
    });

    it("calculateTaxSaving: the 3 % bracket ends at 36,000 yuan and 10 % starts one fen above", async () => {
      const at = expectStatus(await stack.api("bank", "POST", "/v1/calculators/tax-saving", { taxableIncome: 3_600_000, contribution: 0 }), 200, "at");
      const above = expectStatus(await stack.api("bank", "POST", "/v1/calculators/tax-saving", { taxableIncome: 3_600_001, contribution: 0 }), 200, "above");
      expect(at.marginalRateBeforeBps).to.equal("300");
      expect(above.marginalRateBeforeBps).to.equal("1000");
    });

    it("calculatePensionPlan: one year at 12 % a year from 10,000 yuan with 100 yuan a month, paid over 139 months at 60", async () => {
      const result = expectStatus(
        await stack.api("auditor", "POST", "/v1/calculators/pension-plan", {
          age: 59, retirementAge: 60, currentBalance: 1_000_000, monthlyContribution: 10_000, annualReturnBps: 1_200,
        }),
        200,
        "plan",
      );
      // By hand: each month the balance earns 1 % (half up to the fen), then 10,000 fen are added.
      let balance = 1_000_000n;
      for (let m = 0; m < 12; m++) balance += divRoundHalfUp(balance, 100n) + 10_000n;
      expect(result.projectedBalanceFen).to.equal(balance.toString());
      expect(result.monthsDivisor).to.equal(monthsDivisor(60));
      expect(result.monthlyPayoutFen).to.equal((balance / 139n).toString());
      expect(result.display.projectedBalance).to.match(/^¥[0-9,]+\.[0-9]{2}$/);
    });

    it("rejects amounts that are not whole fen and ages outside the table, naming the field", async () => {
      const float = await stack.api("bank", "POST", "/v1/calculators/tax-saving", { taxableIncome: 100.5, contribution: 0 });
      expect(float.body).to.include({ code: "VALIDATION_FAILED", field: "taxableIncome" });
      const negative = await stack.api("bank", "POST", "/v1/calculators/tax-saving", { taxableIncome: 0, contribution: -1 });
      expect(negative.body).to.include({ code: "VALIDATION_FAILED", field: "contribution" });
      const age = await stack.api("bank", "POST", "/v1/calculators/pension-plan", { age: 30, retirementAge: 75, currentBalance: 0, monthlyContribution: 0, annualReturnBps: 0 });
      expect(age.body).to.include({ code: "VALIDATION_FAILED", field: "retirementAge" });
    });
  });
});
