import { expect } from "chai";
import { anyValue as anyTime } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { network } from "hardhat";
import { CHAIN_START, Event, Mode, Status, ZERO, accountId, conserved, cst, deployLedger, latest, member, ref, payroll } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;
const START = cst(2026, 12, 3, 10);
const SERVICE_START = cst(2024, 3, 15, 9);

async function ledgerFixture() {
  await networkHelpers.time.increaseTo(Math.max(START, (await latest(ethers)) + 1));
  return deployLedger(connection);
}

async function planFixture() {
  const l = await ledgerFixture();
  const plan = ref(ethers, "plan-acme");
  const employer = ref(ethers, "employer-acme");
  await l.asOperator.createPlan(plan, employer, [2_500, 5_000, 7_500, 10_000]);
  const worker = member(ethers, "worker");
  await l.asBank.enrolMember(plan, worker, SERVICE_START);
  await payroll(l.asBank, ref(ethers, "payroll"), plan, 202611, [
    { member: worker, wageBase: 1_000_000n, employerAmount: 80_000n, employeeAmount: 40_000n },
  ]);
  return { ...l, plan, employer, worker, workerAccount: accountId(ethers, worker, plan) };
}

describe("PensionLedger accounts", function () {
  describe("openPersonalAccount", function () {
    it("opens one account per member and emits its id with the bank-account hash", async function () {
      const { ledger, asBank } = await networkHelpers.loadFixture(ledgerFixture);
      const m = member(ethers, "alice");
      const id = accountId(ethers, m);
      await expect(asBank.openPersonalAccount(m, ref(ethers, "card")))
        .to.emit(ledger, "PersonalAccountOpened")
        .withArgs(id, m, ref(ethers, "card"));
      const account = await ledger.getAccount(id);
      expect(account.member).to.equal(m);
      expect(account.plan).to.equal(ZERO);
      expect(account.kind).to.equal(0n);
      expect(account.status).to.equal(Status.Active);
      expect(account.bankAccountHash).to.equal(ref(ethers, "card"));
      expect(await ledger.accountIdOf(m, ZERO)).to.equal(id);
      await expect(asBank.openPersonalAccount(m, ref(ethers, "other-card")))
        .to.be.revertedWithCustomError(ledger, "AccountAlreadyOpen")
        .withArgs(m);
    });

    it("rejects a zero member or bank-account hash, and a member whose death is attested", async function () {
      const { ledger, asBank, asBureau } = await networkHelpers.loadFixture(ledgerFixture);
      await expect(asBank.openPersonalAccount(ZERO, ref(ethers, "card")))
        .to.be.revertedWithCustomError(ledger, "ZeroValue")
        .withArgs("member");
      await expect(asBank.openPersonalAccount(member(ethers, "a"), ZERO))
        .to.be.revertedWithCustomError(ledger, "ZeroValue")
        .withArgs("bankAccountHash");
      const m = member(ethers, "late");
      await asBureau.recordEligibility(m, Event.Death, (await latest(ethers)) - 1, ref(ethers, "certificate"));
      await expect(asBank.openPersonalAccount(m, ref(ethers, "card")))
        .to.be.revertedWithCustomError(ledger, "MemberDeceased")
        .withArgs(m);
    });

    it("reports an unknown account as not found", async function () {
      const { ledger } = await networkHelpers.loadFixture(ledgerFixture);
      await expect(ledger.getAccount(ref(ethers, "nothing")))
        .to.be.revertedWithCustomError(ledger, "AccountNotFound")
        .withArgs(ref(ethers, "nothing"));
    });
  });

  describe("createPlan", function () {
    it("creates a plan with its schedule and rejects a second one with the same id", async function () {
      const { ledger, asOperator } = await networkHelpers.loadFixture(ledgerFixture);
      const plan = ref(ethers, "plan");
      await expect(asOperator.createPlan(plan, ref(ethers, "employer"), [0, 0, 0, 0, 0, 0, 0, 10_000]))
        .to.emit(ledger, "PlanCreated")
        .withArgs(plan, ref(ethers, "employer"), [0, 0, 0, 0, 0, 0, 0, 10_000]);
      await expect(asOperator.createPlan(plan, ref(ethers, "employer"), [10_000]))
        .to.be.revertedWithCustomError(ledger, "PlanAlreadyExists")
        .withArgs(plan);
    });

    it("rejects schedules that are empty, longer than 8 years, decreasing, above or not ending at 10,000 bps", async function () {
      const { ledger, asOperator } = await networkHelpers.loadFixture(ledgerFixture);
      const cases: [number[], number][] = [
        [[], 0],
        [[0, 0, 0, 0, 0, 0, 0, 0, 10_000], 9],
        [[5_000, 4_000, 10_000], 1],
        [[10_001], 0],
        [[2_500, 5_000], 1],
      ];
      for (const [i, [schedule, index]] of cases.entries()) {
        await expect(asOperator.createPlan(ref(ethers, `plan-${i}`), ref(ethers, "employer"), schedule))
          .to.be.revertedWithCustomError(ledger, "VestingScheduleInvalid")
          .withArgs(BigInt(index));
      }
      await expect(asOperator.createPlan(ZERO, ref(ethers, "employer"), [10_000]))
        .to.be.revertedWithCustomError(ledger, "ZeroValue")
        .withArgs("plan");
      await expect(asOperator.createPlan(ref(ethers, "p"), ZERO, [10_000]))
        .to.be.revertedWithCustomError(ledger, "ZeroValue")
        .withArgs("employer");
    });
  });

  describe("enrolMember", function () {
    it("enrols a member once per plan with a service start in the past", async function () {
      const { ledger, asBank, plan, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      const m = member(ethers, "new-hire");
      const start = (await latest(ethers)) - 10;
      await expect(asBank.enrolMember(plan, m, start))
        .to.emit(ledger, "MemberEnrolled")
        .withArgs(accountId(ethers, m, plan), plan, m, start);
      await expect(asBank.enrolMember(plan, worker, start))
        .to.be.revertedWithCustomError(ledger, "AlreadyEnrolled")
        .withArgs(plan, worker);
      const account = await ledger.getAccount(workerAccount);
      expect(account.kind).to.equal(1n);
      expect(account.plan).to.equal(plan);
    });

    it("rejects an unknown plan, a zero member and a service start in the future or at zero", async function () {
      const { ledger, asBank, plan } = await networkHelpers.loadFixture(planFixture);
      const now = (await latest(ethers)) + 10;
      await expect(asBank.enrolMember(ref(ethers, "nope"), member(ethers, "x"), 1))
        .to.be.revertedWithCustomError(ledger, "PlanNotFound")
        .withArgs(ref(ethers, "nope"));
      await expect(asBank.enrolMember(plan, ZERO, 1)).to.be.revertedWithCustomError(ledger, "ZeroValue").withArgs("member");
      await networkHelpers.time.setNextBlockTimestamp(now);
      await expect(asBank.enrolMember(plan, member(ethers, "x"), now + 1))
        .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
        .withArgs("serviceStart", BigInt(now + 1));
      await expect(asBank.enrolMember(plan, member(ethers, "x"), 0))
        .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
        .withArgs("serviceStart", 0n);
    });
  });

  describe("vesting and recordLeaving", function () {
    it("shows the employer part vested by full years of service (2 years on 2026-12-03: 50 %)", async function () {
      const { ledger, workerAccount } = await networkHelpers.loadFixture(planFixture);
      const account = await ledger.getAccount(workerAccount);
      expect(account.employerVested).to.equal(40_000n);
      expect(account.employerUnvested).to.equal(40_000n);
    });

    it("forfeits 75 % when leaving one second before the second anniversary and 50 % on that CST date", async function () {
      const { ledger, asBank, plan, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      // Service from 2024-03-15 09:00 CST: 1 full year from 2025-03-15, 2 full years from 2026-03-15 (CST dates).
      const snapshot = await networkHelpers.takeSnapshot();
      const leftAt = cst(2026, 3, 14, 23, 59, 59);
      await expect(asBank.recordLeaving(plan, worker, leftAt))
        .to.emit(ledger, "MemberLeft")
        .withArgs(workerAccount, leftAt, 20_000n, 60_000n);
      expect(await ledger.forfeitureBalance(plan)).to.equal(60_000n);
      await snapshot.restore();
      await expect(asBank.recordLeaving(plan, worker, cst(2026, 3, 15)))
        .to.emit(ledger, "MemberLeft")
        .withArgs(workerAccount, cst(2026, 3, 15), 40_000n, 40_000n);
      const account = await ledger.getAccount(workerAccount);
      expect(account.balance).to.equal(80_000n);
      expect(account.forfeitures).to.equal(40_000n);
      expect(account.employerVested).to.equal(40_000n);
      expect(account.employerUnvested).to.equal(0n);
      expect(conserved(account)).to.equal(true);
      const totals = await ledger.systemTotals();
      expect(totals.forfeiturePools).to.equal(40_000n);
      expect(conserved(totals)).to.equal(true);
      expect(totals.balance + totals.forfeiturePools).to.equal(
        totals.contributions + totals.employerContributions + totals.investmentReturns - totals.payouts - totals.tax,
      );
    });

    it("forfeits everything before the first anniversary and nothing after the schedule's last year", async function () {
      const { ledger, asOperator, asBank } = await networkHelpers.loadFixture(ledgerFixture);
      const plan = ref(ethers, "eight-years");
      await asOperator.createPlan(plan, ref(ethers, "employer"), [0, 0, 0, 0, 0, 0, 0, 10_000]);
      const [early, late] = [member(ethers, "early"), member(ethers, "late")];
      await asBank.enrolMember(plan, early, cst(2026, 1, 1));
      await asBank.enrolMember(plan, late, cst(2018, 12, 3));
      await payroll(asBank, ref(ethers, "payroll"), plan, 202611, [
        { member: early, wageBase: 100_000n, employerAmount: 8_000n, employeeAmount: 0n },
        { member: late, wageBase: 100_000n, employerAmount: 8_000n, employeeAmount: 0n },
      ]);
      await expect(asBank.recordLeaving(plan, early, (await latest(ethers)) - 1))
        .to.emit(ledger, "MemberLeft")
        .withArgs(accountId(ethers, early, plan), (await latest(ethers)) - 1, 0n, 8_000n);
      // 7 years and 364 days: still nothing vested under this schedule; 8 years: all.
      const lateAccount = accountId(ethers, late, plan);
      const snapshot = await networkHelpers.takeSnapshot();
      await expect(asBank.recordLeaving(plan, late, cst(2026, 12, 3) - 1))
        .to.emit(ledger, "MemberLeft")
        .withArgs(lateAccount, cst(2026, 12, 3) - 1, 0n, 8_000n);
      await snapshot.restore();
      await expect(asBank.recordLeaving(plan, late, cst(2026, 12, 3)))
        .to.emit(ledger, "MemberLeft")
        .withArgs(lateAccount, cst(2026, 12, 3), 8_000n, 0n);
    });

    it("vests the employer part in full when a payout starts", async function () {
      const { ledger, asBank, asBureau, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      await asBureau.recordEligibility(worker, Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "e"));
      await asBank.startPayout(workerAccount, Event.Retirement, Mode.Monthly, 12n);
      const account = await ledger.getAccount(workerAccount);
      expect(account.employerVested).to.equal(80_000n);
      expect(account.employerUnvested).to.equal(0n);
    });

    it("forfeits the unvested employer part before an emigration payout (QA F4: emigration does not vest it)", async function () {
      const { ledger, asBank, asBureau, asKeeper, plan, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      await asBureau.recordEligibility(worker, Event.Emigration, (await latest(ethers)) - 1, ref(ethers, "e"));
      const at = (await latest(ethers)) + 1;
      await networkHelpers.time.setNextBlockTimestamp(at);
      // 2 full years of service on 2026-12-03: 50 % of 80,000 vested, 40,000 forfeited.
      await expect(asBank.startPayout(workerAccount, Event.Emigration, Mode.LumpSum, 0n))
        .to.emit(ledger, "MemberLeft")
        .withArgs(workerAccount, at, 40_000n, 40_000n);
      const account = await ledger.getAccount(workerAccount);
      expect(account.forfeitures).to.equal(40_000n);
      expect(account.balance).to.equal(80_000n);
      expect(account.employerVested).to.equal(40_000n);
      expect(account.employerUnvested).to.equal(0n);
      expect(await ledger.forfeitureBalance(plan)).to.equal(40_000n);
      expect(conserved(account)).to.equal(true);
      await expect(asKeeper.settlePayouts(ref(ethers, "run"), [workerAccount]))
        .to.emit(ledger, "PayoutSettled")
        .withArgs(1n, workerAccount, 1n, worker, 80_000n, 0n, 80_000n);
      const totals = await ledger.systemTotals();
      expect(totals.forfeitures).to.equal(40_000n);
      expect(totals.forfeiturePools).to.equal(40_000n);
    });

    it("does not forfeit twice when the member left before emigrating, nor when retirement is attested too", async function () {
      const { ledger, asBank, asBureau, plan, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      await asBank.recordLeaving(plan, worker, cst(2026, 6, 1)); // 2 years: 40,000 forfeited
      await asBureau.recordEligibility(worker, Event.Emigration, (await latest(ethers)) - 1, ref(ethers, "e"));
      await expect(asBank.startPayout(workerAccount, Event.Emigration, Mode.LumpSum, 0n)).to.not.emit(ledger, "MemberLeft");
      expect((await ledger.getAccount(workerAccount)).forfeitures).to.equal(40_000n);

      const other = member(ethers, "retired-emigrant");
      await asBank.enrolMember(plan, other, SERVICE_START);
      await payroll(asBank, ref(ethers, "payroll-2"), plan, 202612, [
        { member: other, wageBase: 1_000_000n, employerAmount: 80_000n, employeeAmount: 40_000n },
      ]);
      await asBureau.recordEligibility(other, Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "r"));
      await asBureau.recordEligibility(other, Event.Emigration, (await latest(ethers)) - 1, ref(ethers, "e"));
      const id = accountId(ethers, other, plan);
      await expect(asBank.startPayout(id, Event.Emigration, Mode.LumpSum, 0n)).to.emit(ledger, "MemberLeft").withArgs(id, anyTime, 80_000n, 0n);
      expect((await ledger.getAccount(id)).balance).to.equal(120_000n);
    });

    it("forfeits nothing on leaving after a certified retirement, loss of work capacity or death (QA vesting)", async function () {
      const { ledger, asBank, asBureau, plan } = await networkHelpers.loadFixture(planFixture);
      for (const [i, event] of [Event.Retirement, Event.LossOfWorkCapacity, Event.Death].entries()) {
        const m = member(ethers, `vests-${i}`);
        const id = accountId(ethers, m, plan);
        await asBank.enrolMember(plan, m, SERVICE_START);
        // One payroll period each: the fixture's 202611 payroll declared one employee.
        await payroll(asBank, ref(ethers, `payroll-v${i}`), plan, [202612, 202701, 202702][i]!, [
          { member: m, wageBase: 1_000_000n, employerAmount: 80_000n, employeeAmount: 40_000n },
        ]);
        const t = (await latest(ethers)) - 1;
        await asBureau.recordEligibility(m, event, t, ref(ethers, "e"));
        expect((await ledger.getAccount(id)).employerUnvested).to.equal(0n);
        await expect(asBank.recordLeaving(plan, m, t)).to.emit(ledger, "MemberLeft").withArgs(id, t, 80_000n, 0n);
        const account = await ledger.getAccount(id);
        expect([account.balance, account.forfeitures]).to.deep.equal([120_000n, 0n]);
      }
      expect(await ledger.forfeitureBalance(plan)).to.equal(0n);
    });

    it("still forfeits when the member left before the certified retirement took effect", async function () {
      const { ledger, asBank, asBureau, plan, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      const retiredAt = (await latest(ethers)) - 10;
      await asBureau.recordEligibility(worker, Event.Retirement, retiredAt, ref(ethers, "e"));
      // Left one second before the retirement's effective date (2 full years: 50 % vested).
      await expect(asBank.recordLeaving(plan, worker, retiredAt - 1))
        .to.emit(ledger, "MemberLeft")
        .withArgs(workerAccount, retiredAt - 1, 40_000n, 40_000n);
    });

    it("never forfeits more than the balance after losses", async function () {
      const { ledger, asBank, asInvestment, plan, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      await asInvestment.creditReturns(ref(ethers, "crash"), [{ accountId: workerAccount, amount: -100_000n }]);
      await expect(asBank.recordLeaving(plan, worker, cst(2025, 6, 1)))
        .to.emit(ledger, "MemberLeft")
        .withArgs(workerAccount, cst(2025, 6, 1), 60_000n, 20_000n);
      expect((await ledger.getAccount(workerAccount)).balance).to.equal(0n);
    });

    it("rejects leaving twice, in the future, before the service start, an unknown plan or member", async function () {
      const { ledger, asBank, plan, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      const now = (await latest(ethers)) + 10;
      await networkHelpers.time.setNextBlockTimestamp(now);
      await expect(asBank.recordLeaving(plan, worker, now + 1))
        .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
        .withArgs("leftAt", BigInt(now + 1));
      await expect(asBank.recordLeaving(plan, worker, SERVICE_START - 1))
        .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
        .withArgs("leftAt", BigInt(SERVICE_START - 1));
      await expect(asBank.recordLeaving(ref(ethers, "nope"), worker, SERVICE_START))
        .to.be.revertedWithCustomError(ledger, "PlanNotFound")
        .withArgs(ref(ethers, "nope"));
      const stranger = member(ethers, "stranger");
      await expect(asBank.recordLeaving(plan, stranger, SERVICE_START))
        .to.be.revertedWithCustomError(ledger, "AccountNotFound")
        .withArgs(accountId(ethers, stranger, plan));
      await asBank.recordLeaving(plan, worker, SERVICE_START);
      await expect(asBank.recordLeaving(plan, worker, SERVICE_START))
        .to.be.revertedWithCustomError(ledger, "MemberLeftPlan")
        .withArgs(plan, worker);
      expect((await ledger.getAccount(workerAccount)).forfeitures).to.equal(80_000n);
    });
  });

  describe("freezeAccount and unfreezeAccount", function () {
    it("freezes with a reason code and returns the account to the status it had", async function () {
      const { ledger, asOperator, workerAccount } = await networkHelpers.loadFixture(planFixture);
      const reason = ethers.encodeBytes32String("COURT_ORDER_17");
      await expect(asOperator.freezeAccount(workerAccount, reason))
        .to.emit(ledger, "AccountStatusChanged")
        .withArgs(workerAccount, Status.Active, Status.Frozen, reason);
      await expect(asOperator.freezeAccount(workerAccount, reason))
        .to.be.revertedWithCustomError(ledger, "AccountStatusInvalid")
        .withArgs(workerAccount, Status.Frozen);
      const lifted = ethers.encodeBytes32String("RELEASED");
      await expect(asOperator.unfreezeAccount(workerAccount, lifted))
        .to.emit(ledger, "AccountStatusChanged")
        .withArgs(workerAccount, Status.Frozen, Status.Active, lifted);
      await expect(asOperator.unfreezeAccount(workerAccount, lifted))
        .to.be.revertedWithCustomError(ledger, "AccountStatusInvalid")
        .withArgs(workerAccount, Status.Active);
    });

    it("keeps a frozen paying-out account's payout plan and rejects unknown accounts and zero reasons", async function () {
      const { ledger, asOperator, asBank, asBureau, worker, workerAccount } = await networkHelpers.loadFixture(planFixture);
      await asBureau.recordEligibility(worker, Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "e"));
      await asBank.startPayout(workerAccount, Event.Retirement, Mode.Monthly, 12n);
      await asOperator.freezeAccount(workerAccount, ref(ethers, "HOLD"));
      expect((await ledger.getAccount(workerAccount)).status).to.equal(Status.Frozen);
      await asOperator.unfreezeAccount(workerAccount, ref(ethers, "RELEASED"));
      expect((await ledger.getAccount(workerAccount)).status).to.equal(Status.PayingOut);
      const unknown = ref(ethers, "unknown");
      await expect(asOperator.freezeAccount(unknown, ref(ethers, "HOLD")))
        .to.be.revertedWithCustomError(ledger, "AccountNotFound")
        .withArgs(unknown);
      await expect(asOperator.unfreezeAccount(unknown, ref(ethers, "HOLD")))
        .to.be.revertedWithCustomError(ledger, "AccountNotFound")
        .withArgs(unknown);
      await expect(asOperator.freezeAccount(workerAccount, ZERO))
        .to.be.revertedWithCustomError(ledger, "ZeroValue")
        .withArgs("reasonCode");
      await expect(asOperator.unfreezeAccount(workerAccount, ZERO))
        .to.be.revertedWithCustomError(ledger, "ZeroValue")
        .withArgs("reasonCode");
    });
  });
});
