import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN_START, CAP, Event, Status, ZERO, accountId, cst, deployLedger, latest, member, openAccount, ref, payroll } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;

/** Fixed calendar: the chain starts on 2026-12-03 10:00 CST. */
const START = cst(2026, 12, 3, 10);

async function ledgerFixture() {
  await networkHelpers.time.increaseTo(Math.max(START, (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const [alice, aliceAccount] = await openAccount(l, "alice");
  const [bob, bobAccount] = await openAccount(l, "bob");
  return { ...l, alice, aliceAccount, bob, bobAccount };
}

async function annuityFixture() {
  const l = await ledgerFixture();
  const plan = ref(ethers, "plan-acme");
  await l.asOperator.createPlan(plan, ref(ethers, "employer-acme"), [2_500, 5_000, 7_500, 10_000]);
  const serviceStart = cst(2024, 1, 1);
  const members = [0, 1, 2, 3, 4, 5].map((i) => member(ethers, `employee-${i}`));
  for (const m of members) await l.asBank.enrolMember(plan, m, serviceStart);
  return { ...l, plan, members };
}

const line = (m: string, employerAmount: bigint, employeeAmount: bigint, wageBase = 1_000_000n) => ({
  member: m,
  wageBase,
  employerAmount,
  employeeAmount,
});

describe("PensionLedger contributions", function () {
  describe("contribute", function () {
    describe("validations", function () {
      it("accepts exactly the annual cap of 1,200,000 fen in one CST year", async function () {
        const { asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        const bookedAt = (await latest(ethers)) - 60;
        await asBank.contribute(ref(ethers, "r1"), alice, 1_000_000n, bookedAt);
        await expect(asBank.contribute(ref(ethers, "r2"), alice, 200_000n, bookedAt)).to.not.revert(ethers);
        const [contributed, remaining] = await asBank.contributionsInYear(alice, 2026);
        expect(contributed).to.equal(CAP);
        expect(remaining).to.equal(0n);
      });

      it("rejects one fen over the cap whole, with the member, the amount and the room left", async function () {
        const { ledger, asBank, alice, aliceAccount } = await networkHelpers.loadFixture(ledgerFixture);
        const bookedAt = (await latest(ethers)) - 60;
        await asBank.contribute(ref(ethers, "r1"), alice, 1_000_000n, bookedAt);
        await expect(asBank.contribute(ref(ethers, "r2"), alice, 200_001n, bookedAt))
          .to.be.revertedWithCustomError(ledger, "ContributionExceedsAnnualCap")
          .withArgs(alice, 200_001n, 200_000n);
        expect((await ledger.getAccount(aliceAccount)).balance).to.equal(1_000_000n);
        expect(await ledger.isBankReferenceUsed(ref(ethers, "r2"))).to.equal(false);
      });

      it("rejects a single contribution above the cap on an empty year with the whole cap as room", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        await expect(asBank.contribute(ref(ethers, "r1"), alice, CAP + 1n, (await latest(ethers)) - 1))
          .to.be.revertedWithCustomError(ledger, "ContributionExceedsAnnualCap")
          .withArgs(alice, CAP + 1n, CAP);
      });

      it("rejects a booking time later than the block time", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        const now = (await latest(ethers)) + 100;
        await networkHelpers.time.setNextBlockTimestamp(now);
        await expect(asBank.contribute(ref(ethers, "r1"), alice, 100n, now + 1))
          .to.be.revertedWithCustomError(ledger, "BookingDateInFuture")
          .withArgs(now + 1, now);
      });

      it("accepts a booking at exactly the block time", async function () {
        const { ledger, asBank, alice, aliceAccount } = await networkHelpers.loadFixture(ledgerFixture);
        const now = (await latest(ethers)) + 100;
        await networkHelpers.time.setNextBlockTimestamp(now);
        await asBank.contribute(ref(ethers, "r1"), alice, 100n, now);
        expect((await ledger.getAccount(aliceAccount)).balance).to.equal(100n);
      });

      it("rejects a booking two CST years back as a closed year", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        await networkHelpers.time.increaseTo(cst(2027, 1, 10));
        // 2025-12-31 23:59:59 CST is the last second of 2025 in China; one second later is 2026.
        await expect(asBank.contribute(ref(ethers, "r1"), alice, 100n, cst(2026, 1, 1) - 1))
          .to.be.revertedWithCustomError(ledger, "BookingYearClosed")
          .withArgs(alice, 2025);
        await expect(asBank.contribute(ref(ethers, "r2"), alice, 100n, cst(2026, 1, 1))).to.not.revert(ethers);
        expect((await ledger.contributionsInYear(alice, 2026))[0]).to.equal(100n);
      });

      it("accepts a previous-year booking until 16 January 00:00 CST and rejects it from then on", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        const lastDecember = cst(2026, 12, 31, 18);
        await networkHelpers.time.setNextBlockTimestamp(cst(2027, 1, 16) - 1);
        await asBank.contribute(ref(ethers, "r1"), alice, 100n, lastDecember);
        await networkHelpers.time.setNextBlockTimestamp(cst(2027, 1, 16));
        await expect(asBank.contribute(ref(ethers, "r2"), alice, 100n, lastDecember))
          .to.be.revertedWithCustomError(ledger, "BookingYearClosed")
          .withArgs(alice, 2026);
        // The batch path applies the same window.
        await expect(asBank.contributeBatch(ref(ethers, "r3"), [{ member: alice, amount: 100n, bookedAt: lastDecember }]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("BookingYearClosed", [alice, 2026]));
        expect((await ledger.contributionsInYear(alice, 2026))[0]).to.equal(100n);
      });

      it("rejects in December a booking for the previous year, long closed (QA: no ¥12,000 'for 2025' in Dec 2026)", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        // The chain is on 2026-12-03: 2025 closed on 2026-01-16 00:00 CST.
        await expect(asBank.contribute(ref(ethers, "r1"), alice, CAP, cst(2025, 12, 31)))
          .to.be.revertedWithCustomError(ledger, "BookingYearClosed")
          .withArgs(alice, 2025);
      });

      it("takes the cap year from the booking date in China Standard Time, not UTC", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        await networkHelpers.time.increaseTo(cst(2027, 1, 1, 12));
        // 2027-01-01 00:00 CST is 2026-12-31 16:00 UTC: it counts for 2027.
        await asBank.contribute(ref(ethers, "r1"), alice, 300n, cst(2027, 1, 1));
        await asBank.contribute(ref(ethers, "r2"), alice, 200n, cst(2027, 1, 1) - 1);
        expect((await ledger.contributionsInYear(alice, 2027))[0]).to.equal(300n);
        expect((await ledger.contributionsInYear(alice, 2026))[0]).to.equal(200n);
      });

      it("counts a late booking for last year against last year's cap", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        await asBank.contribute(ref(ethers, "r1"), alice, CAP - 10n, (await latest(ethers)) - 1);
        await networkHelpers.time.increaseTo(cst(2027, 1, 5));
        await asBank.contribute(ref(ethers, "r2"), alice, CAP, cst(2027, 1, 4));
        await expect(asBank.contribute(ref(ethers, "r3"), alice, 11n, cst(2026, 12, 31)))
          .to.be.revertedWithCustomError(ledger, "ContributionExceedsAnnualCap")
          .withArgs(alice, 11n, 10n);
        await asBank.contribute(ref(ethers, "r4"), alice, 10n, cst(2026, 12, 31));
        expect(await ledger.contributionsInYear(alice, 2026)).to.deep.equal([CAP, 0n]);
        expect(await ledger.contributionsInYear(alice, 2027)).to.deep.equal([CAP, 0n]);
      });

      it("keeps each year's sum readable after the two-year window moves on", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        await asBank.contribute(ref(ethers, "r1"), alice, 1_000n, (await latest(ethers)) - 1);
        await networkHelpers.time.increaseTo(cst(2027, 3, 1));
        await asBank.contribute(ref(ethers, "r2"), alice, 2_000n, cst(2027, 3, 1) - 10);
        await networkHelpers.time.increaseTo(cst(2028, 3, 1));
        await asBank.contribute(ref(ethers, "r3"), alice, 3_000n, cst(2028, 3, 1) - 10);
        await networkHelpers.time.increaseTo(cst(2031, 3, 1));
        await asBank.contribute(ref(ethers, "r4"), alice, 4_000n, cst(2031, 3, 1) - 10);
        expect((await ledger.contributionsInYear(alice, 2026))[0]).to.equal(1_000n);
        expect((await ledger.contributionsInYear(alice, 2027))[0]).to.equal(2_000n);
        expect((await ledger.contributionsInYear(alice, 2028))[0]).to.equal(3_000n);
        expect((await ledger.contributionsInYear(alice, 2030))[0]).to.equal(0n);
        expect(await ledger.contributionsInYear(alice, 2031)).to.deep.equal([4_000n, CAP - 4_000n]);
      });

      it("rejects a bank reference used before, even for another member", async function () {
        const { ledger, asBank, alice, bob } = await networkHelpers.loadFixture(ledgerFixture);
        const bookedAt = (await latest(ethers)) - 1;
        await asBank.contribute(ref(ethers, "r1"), alice, 100n, bookedAt);
        await expect(asBank.contribute(ref(ethers, "r1"), bob, 100n, bookedAt))
          .to.be.revertedWithCustomError(ledger, "BankReferenceAlreadyUsed")
          .withArgs(ref(ethers, "r1"));
      });

      it("rejects a zero bank reference and a zero amount", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        const bookedAt = (await latest(ethers)) - 1;
        await expect(asBank.contribute(ZERO, alice, 100n, bookedAt))
          .to.be.revertedWithCustomError(ledger, "ZeroValue")
          .withArgs("bankRef");
        await expect(asBank.contribute(ref(ethers, "r1"), alice, 0n, bookedAt))
          .to.be.revertedWithCustomError(ledger, "ZeroValue")
          .withArgs("amount");
      });

      it("rejects a member without an account", async function () {
        const { ledger, asBank } = await networkHelpers.loadFixture(ledgerFixture);
        const stranger = member(ethers, "stranger");
        await expect(asBank.contribute(ref(ethers, "r1"), stranger, 100n, (await latest(ethers)) - 1))
          .to.be.revertedWithCustomError(ledger, "AccountNotFound")
          .withArgs(accountId(ethers, stranger));
      });

      it("rejects contributions to a frozen account", async function () {
        const { ledger, asBank, asOperator, alice, aliceAccount } = await networkHelpers.loadFixture(ledgerFixture);
        await asOperator.freezeAccount(aliceAccount, ref(ethers, "COURT_ORDER"));
        await expect(asBank.contribute(ref(ethers, "r1"), alice, 100n, (await latest(ethers)) - 1))
          .to.be.revertedWithCustomError(ledger, "AccountStatusInvalid")
          .withArgs(aliceAccount, Status.Frozen);
      });

      it("stops contributions once the member's death is attested", async function () {
        const { ledger, asBank, asBureau, alice } = await networkHelpers.loadFixture(ledgerFixture);
        const now = await latest(ethers);
        await asBureau.recordEligibility(alice, Event.Death, now - 86_400, ref(ethers, "death-certificate"));
        await expect(asBank.contribute(ref(ethers, "r1"), alice, 100n, now - 1))
          .to.be.revertedWithCustomError(ledger, "MemberDeceased")
          .withArgs(alice);
      });
    });

    describe("events and effects", function () {
      it("emits the credit with the account, the reference, the amount and the cap year", async function () {
        const { ledger, asBank, alice, aliceAccount } = await networkHelpers.loadFixture(ledgerFixture);
        await expect(asBank.contribute(ref(ethers, "r1"), alice, 12_345n, (await latest(ethers)) - 1))
          .to.emit(ledger, "PersonalContributionCredited")
          .withArgs(aliceAccount, ref(ethers, "r1"), 12_345n, 2026);
      });

      it("credits the balance, the contributions and the system totals", async function () {
        const { ledger, asBank, alice, aliceAccount } = await networkHelpers.loadFixture(ledgerFixture);
        await asBank.contribute(ref(ethers, "r1"), alice, 12_345n, (await latest(ethers)) - 1);
        const account = await ledger.getAccount(aliceAccount);
        expect(account.balance).to.equal(12_345n);
        expect(account.contributions).to.equal(12_345n);
        expect(account.status).to.equal(Status.Active);
        const totals = await ledger.systemTotals();
        expect(totals.contributions).to.equal(12_345n);
        expect(totals.balance).to.equal(12_345n);
        expect(totals.accounts).to.equal(2n);
        expect(await ledger.isBankReferenceUsed(ref(ethers, "r1"))).to.equal(true);
      });
    });
  });

  describe("contributeBatch", function () {
    describe("validations", function () {
      it("rejects the whole batch naming the index and the inner error of the invalid item", async function () {
        const { ledger, asBank, alice, aliceAccount, bob } = await networkHelpers.loadFixture(ledgerFixture);
        const bookedAt = (await latest(ethers)) - 1;
        const items = [
          { member: alice, amount: 100n, bookedAt },
          { member: bob, amount: CAP + 1n, bookedAt },
        ];
        await expect(asBank.contributeBatch(ref(ethers, "batch"), items))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(1n, ledger.interface.encodeErrorResult("ContributionExceedsAnnualCap", [bob, CAP + 1n, CAP]));
        expect((await ledger.getAccount(aliceAccount)).balance).to.equal(0n);
      });

      it("applies the cap across items of the same member in one batch", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        const bookedAt = (await latest(ethers)) - 1;
        const items = [
          { member: alice, amount: CAP, bookedAt },
          { member: alice, amount: 1n, bookedAt },
        ];
        await expect(asBank.contributeBatch(ref(ethers, "batch"), items))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(1n, ledger.interface.encodeErrorResult("ContributionExceedsAnnualCap", [alice, 1n, 0n]));
      });

      it("names the inner error of every kind of invalid item", async function () {
        const { ledger, asBank, asOperator, alice, aliceAccount } = await networkHelpers.loadFixture(ledgerFixture);
        const now = (await latest(ethers)) + 50;
        const stranger = member(ethers, "stranger");
        const cases: [object, string, unknown[]][] = [
          [{ member: alice, amount: 0n, bookedAt: now - 1 }, "ZeroValue", ["amount"]],
          [{ member: alice, amount: 1n, bookedAt: now + 1 }, "BookingDateInFuture", [now + 1, now]],
          [{ member: alice, amount: 1n, bookedAt: cst(2024, 12, 31) }, "BookingYearClosed", [alice, 2024]],
          [{ member: stranger, amount: 1n, bookedAt: now - 1 }, "AccountNotFound", [accountId(ethers, stranger)]],
        ];
        for (const [i, [item, error, args]] of cases.entries()) {
          await networkHelpers.time.setNextBlockTimestamp(now);
          await expect(asBank.contributeBatch(ref(ethers, `batch-${i}`), [item as never]))
            .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
            .withArgs(0n, ledger.interface.encodeErrorResult(error, args));
        }
        await asOperator.freezeAccount(aliceAccount, ref(ethers, "HOLD"));
        await expect(asBank.contributeBatch(ref(ethers, "batch-frozen"), [{ member: alice, amount: 1n, bookedAt: now }]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("AccountStatusInvalid", [aliceAccount, Status.Frozen]));
      });

      it("rejects an empty batch and a reused reference", async function () {
        const { ledger, asBank, alice } = await networkHelpers.loadFixture(ledgerFixture);
        await expect(asBank.contributeBatch(ref(ethers, "batch"), []))
          .to.be.revertedWithCustomError(ledger, "BatchSizeInvalid")
          .withArgs(0n);
        const items = [{ member: alice, amount: 100n, bookedAt: (await latest(ethers)) - 1 }];
        await asBank.contributeBatch(ref(ethers, "batch"), items);
        await expect(asBank.contributeBatch(ref(ethers, "batch"), items))
          .to.be.revertedWithCustomError(ledger, "BankReferenceAlreadyUsed")
          .withArgs(ref(ethers, "batch"));
        await expect(asBank.contribute(ref(ethers, "batch"), alice, 1n, (await latest(ethers)) - 1))
          .to.be.revertedWithCustomError(ledger, "BankReferenceAlreadyUsed")
          .withArgs(ref(ethers, "batch"));
      });
    });

    describe("events and effects", function () {
      it("credits every item once and records the batch", async function () {
        const { ledger, asBank, alice, aliceAccount, bob, bobAccount } = await networkHelpers.loadFixture(ledgerFixture);
        const bookedAt = (await latest(ethers)) - 1;
        await asBank.contribute(ref(ethers, "earlier"), alice, 1n, bookedAt); // alice is on the fast path
        const items = [
          { member: alice, amount: 700n, bookedAt },
          { member: bob, amount: 300n, bookedAt },
        ];
        const tx = asBank.contributeBatch(ref(ethers, "batch"), items);
        await expect(tx).to.emit(ledger, "PersonalContributionCredited").withArgs(aliceAccount, ref(ethers, "batch"), 700n, 2026);
        await expect(tx).to.emit(ledger, "PersonalContributionCredited").withArgs(bobAccount, ref(ethers, "batch"), 300n, 2026);
        await expect(tx).to.emit(ledger, "ContributionBatchRecorded").withArgs(ref(ethers, "batch"), ZERO, 2n, 1_000n);
        expect((await ledger.getAccount(aliceAccount)).balance).to.equal(701n);
        expect((await ledger.getAccount(bobAccount)).contributions).to.equal(300n);
        expect((await ledger.systemTotals()).balance).to.equal(1_001n);
      });
    });
  });

  describe("contributeAnnuityBatch", function () {
    describe("validations", function () {
      it("accepts an employer part of exactly 8 % and a total of exactly 12 % of the wage base", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        const items = members.map((m) => line(m, 80_000n, 40_000n));
        await payroll(asBank, ref(ethers, "payroll"), plan, 202612, items);
        const account = await ledger.getAccount(accountId(ethers, members[0], plan));
        expect(account.employerContributions).to.equal(80_000n);
        expect(account.contributions).to.equal(40_000n);
        expect(account.balance).to.equal(120_000n);
      });

      it("rejects an employer part one fen over 8 % of the wage base", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        const items = members.map((m) => line(m, 80_000n, 0n));
        items[2] = line(members[2], 80_001n, 0n);
        await expect(payroll(asBank, ref(ethers, "payroll"), plan, 202612, items))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(
            2n,
            ledger.interface.encodeErrorResult("EmployerContributionExceedsLimit", [members[2], 80_001n, 80_000n]),
          );
      });

      it("rounds the limits down to the fen", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        // 8 % of 1,000,012 fen is 80,000.96 fen: the limit is 80,000.
        await expect(
          payroll(asBank, ref(ethers, "payroll"), plan, 202612, [line(members[0], 80_001n, 0n, 1_000_012n)]),
        )
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("EmployerContributionExceedsLimit", [members[0], 80_001n, 80_000n]));
      });

      it("rejects employer plus employee one fen over 12 % of the wage base", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        await expect(
          payroll(asBank, ref(ethers, "payroll"), plan, 202612, [line(members[0], 80_000n, 40_001n)]),
        )
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("TotalContributionExceedsLimit", [members[0], 120_001n, 120_000n]));
      });

      it("accepts an employer part of exactly 5 times the batch average and rejects one fen more", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        // Five lines of 1,000 and one of e: e × 6 ≤ 5 × (5,000 + e) ⇔ e ≤ 25,000.
        const batch = (e: bigint) => members.map((m, i) => line(m, i === 5 ? e : 1_000n, 0n));
        await expect(
          payroll(asBank, ref(ethers, "payroll-1"), plan, 202612, batch(25_001n)),
        )
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(
            5n,
            ledger.interface.encodeErrorResult("EmployerContributionAboveFiveTimesAverage", [members[5], 25_001n, 30_001n / 6n]),
          );
        await payroll(asBank, ref(ethers, "payroll-2"), plan, 202612, batch(25_000n));
        expect((await ledger.getAccount(accountId(ethers, members[5], plan))).employerContributions).to.equal(25_000n);
      });

      it("rejects an unknown plan, an invalid period, a zero wage base and an empty line", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        const unknown = ref(ethers, "no-plan");
        await expect(payroll(asBank, ref(ethers, "p1"), unknown, 202612, [line(members[0], 1n, 1n)]))
          .to.be.revertedWithCustomError(ledger, "PlanNotFound")
          .withArgs(unknown);
        await expect(payroll(asBank, ref(ethers, "p2"), plan, 202613, [line(members[0], 1n, 1n)]))
          .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
          .withArgs("period", 202613n);
        await expect(payroll(asBank, ref(ethers, "p3"), plan, 202612, [line(members[0], 0n, 0n, 0n)]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("ZeroValue", ["wageBase"]));
        await expect(payroll(asBank, ref(ethers, "p4"), plan, 202612, [line(members[0], 0n, 0n)]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("ZeroValue", ["amount"]));
        await expect(payroll(asBank, ref(ethers, "p5"), plan, 202612, []))
          .to.be.revertedWithCustomError(ledger, "BatchSizeInvalid")
          .withArgs(0n);
      });

      it("rejects a member not enrolled, one who left, a deceased one and a frozen account", async function () {
        const { ledger, asBank, asBureau, asOperator, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        const stranger = member(ethers, "stranger");
        const item = (m: string) => [line(m, 1_000n, 1_000n)];
        await expect(payroll(asBank, ref(ethers, "p1"), plan, 202612, item(stranger)))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("AccountNotFound", [accountId(ethers, stranger, plan)]));
        await asBank.recordLeaving(plan, members[0], (await latest(ethers)) - 1);
        await expect(payroll(asBank, ref(ethers, "p2"), plan, 202612, item(members[0])))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("MemberLeftPlan", [plan, members[0]]));
        await asBureau.recordEligibility(members[1], Event.Death, (await latest(ethers)) - 1, ref(ethers, "certificate"));
        await expect(payroll(asBank, ref(ethers, "p3"), plan, 202612, item(members[1])))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("MemberDeceased", [members[1]]));
        const frozen = accountId(ethers, members[2], plan);
        await asOperator.freezeAccount(frozen, ref(ethers, "HOLD"));
        await expect(payroll(asBank, ref(ethers, "p4"), plan, 202612, item(members[2])))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("AccountStatusInvalid", [frozen, Status.Frozen]));
      });
    });

    describe("limits per employee per payroll period", function () {
      const err = (name: string, args: unknown[]) => (ledgerIface: { encodeErrorResult: (n: string, a: unknown[]) => string }) =>
        ledgerIface.encodeErrorResult(name, args);

      it("rejects the same member twice in one batch (QA F2)", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        const l0 = line(members[0], 80_000n, 40_000n);
        await expect(payroll(asBank, ref(ethers, "payroll"), plan, 202612, [l0, l0]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(1n, err("AnnuityPeriodAlreadyCredited", [members[0], 202612, 202612])(ledger.interface));
      });

      it("rejects a member credited for the period by an earlier batch, or for an earlier period; accepts the next period", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        const totals = { employees: 2n, employerTotal: 160_000n };
        const l0 = line(members[0], 80_000n, 40_000n);
        await payroll(asBank, ref(ethers, "a"), plan, 202612, [l0], totals);
        await expect(payroll(asBank, ref(ethers, "b"), plan, 202612, [l0], totals))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, err("AnnuityPeriodAlreadyCredited", [members[0], 202612, 202612])(ledger.interface));
        await payroll(asBank, ref(ethers, "c"), plan, 202612, [line(members[1], 80_000n, 40_000n)], totals);
        await expect(payroll(asBank, ref(ethers, "d"), plan, 202611, [l0]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, err("AnnuityPeriodAlreadyCredited", [members[0], 202611, 202612])(ledger.interface));
        await payroll(asBank, ref(ethers, "e"), plan, 202701, [l0]);
        expect((await ledger.getAccount(accountId(ethers, members[0], plan))).employerContributions).to.equal(160_000n);
      });

      it("applies the 5x rule to the period's declared average, so splitting the payroll does not bypass it (QA F3)", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        const small = members.slice(0, 5).map((m) => line(m, 1_000n, 0n, 10_000_000n));
        const exec = line(members[5], 800_000n, 0n, 10_000_000n);
        const totals = { employees: 6n, employerTotal: 805_000n };
        await payroll(asBank, ref(ethers, "p2"), plan, 202612, small, totals);
        await expect(payroll(asBank, ref(ethers, "p3"), plan, 202612, [exec], totals))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, err("EmployerContributionAboveFiveTimesAverage", [members[5], 800_000n, 805_000n / 6n])(ledger.interface));
      });

      it("accepts exactly 5x the declared average in a later batch and rejects one fen more", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        // Declared: 6 employees, 30,001 fen: e × 6 ≤ 5 × 30,001 ⇔ e ≤ 25,000.
        const totals = { employees: 6n, employerTotal: 30_001n };
        await payroll(asBank, ref(ethers, "p1"), plan, 202612, members.slice(0, 5).map((m) => line(m, 1_000n, 0n)), totals);
        await expect(payroll(asBank, ref(ethers, "p2"), plan, 202612, [line(members[5], 25_001n, 0n)], totals))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, err("EmployerContributionAboveFiveTimesAverage", [members[5], 25_001n, 5_000n])(ledger.interface));
        await payroll(asBank, ref(ethers, "p3"), plan, 202612, [line(members[5], 25_000n, 0n)], totals);
        expect((await ledger.getAccount(accountId(ethers, members[5], plan))).employerContributions).to.equal(25_000n);
      });

      it("rejects other totals than the period's first batch declared", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        await payroll(asBank, ref(ethers, "p1"), plan, 202612, [line(members[0], 1_000n, 0n)], { employees: 2n, employerTotal: 2_000n });
        await expect(payroll(asBank, ref(ethers, "p2"), plan, 202612, [line(members[1], 1_000n, 0n)], { employees: 3n, employerTotal: 2_000n }))
          .to.be.revertedWithCustomError(ledger, "PayrollTotalsMismatch")
          .withArgs(plan, 202612, 3n, 2_000n, 2n, 2_000n);
        await expect(payroll(asBank, ref(ethers, "p3"), plan, 202612, [line(members[1], 1_000n, 0n)], { employees: 2n, employerTotal: 2_001n }))
          .to.be.revertedWithCustomError(ledger, "PayrollTotalsMismatch")
          .withArgs(plan, 202612, 2n, 2_001n, 2n, 2_000n);
        // Another plan's or another period's totals are their own.
        await payroll(asBank, ref(ethers, "p4"), plan, 202701, [line(members[1], 1_000n, 0n)], { employees: 3n, employerTotal: 2_000n });
      });

      it("never credits more employees or more employer money than declared for the period", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        await expect(payroll(asBank, ref(ethers, "p1"), plan, 202612, [line(members[0], 500n, 0n), line(members[1], 500n, 0n)], { employees: 1n, employerTotal: 1_000n }))
          .to.be.revertedWithCustomError(ledger, "PayrollPeriodExceeded")
          .withArgs(plan, 202612, 2n, 1_000n);
        const totals = { employees: 3n, employerTotal: 1_500n };
        await payroll(asBank, ref(ethers, "p2"), plan, 202612, [line(members[0], 500n, 0n), line(members[1], 500n, 0n)], totals);
        await expect(payroll(asBank, ref(ethers, "p3"), plan, 202612, [line(members[2], 501n, 0n)], totals))
          .to.be.revertedWithCustomError(ledger, "PayrollPeriodExceeded")
          .withArgs(plan, 202612, 3n, 1_501n);
        await payroll(asBank, ref(ethers, "p4"), plan, 202612, [line(members[2], 500n, 0n)], totals);
        await expect(payroll(asBank, ref(ethers, "p5"), plan, 202612, [line(members[3], 1n, 0n)], { employees: 0n, employerTotal: 1_500n }))
          .to.be.revertedWithCustomError(ledger, "ZeroValue")
          .withArgs("periodEmployees");
      });
    });

    describe("events and effects", function () {
      it("emits one credit per line and the batch record, and updates the system totals", async function () {
        const { ledger, asBank, plan, members } = await networkHelpers.loadFixture(annuityFixture);
        const items = [line(members[0], 5_000n, 2_000n), line(members[1], 6_000n, 3_000n)];
        const tx = payroll(asBank, ref(ethers, "payroll"), plan, 202612, items);
        await expect(tx)
          .to.emit(ledger, "AnnuityContributionCredited")
          .withArgs(accountId(ethers, members[1], plan), ref(ethers, "payroll"), 6_000n, 3_000n);
        await expect(tx).to.emit(ledger, "ContributionBatchRecorded").withArgs(ref(ethers, "payroll"), plan, 2n, 16_000n);
        const totals = await ledger.systemTotals();
        expect(totals.contributions).to.equal(5_000n);
        expect(totals.employerContributions).to.equal(11_000n);
        expect(totals.balance).to.equal(16_000n);
      });
    });
  });
});
