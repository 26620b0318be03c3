import { expect } from "chai";
import { network } from "hardhat";
import { settlementProof, settlementRoot, type SettledPayout } from "../../deploy/settlementMerkle.js";
import { CHAIN_START, Event, Mode, PayoutStatus, Status, ZERO, accountId, conserved, cst, deployLedger, latest, member, openAccount, ref, type Ledger, payroll } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;
const START = cst(2026, 12, 3, 10);

async function payoutFixture() {
  await networkHelpers.time.increaseTo(Math.max(START, (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const [alice, aliceAccount] = await openAccount(l, "alice");
  const [bob, bobAccount] = await openAccount(l, "bob");
  const bookedAt = (await latest(ethers)) - 60;
  await l.asBank.contributeBatch(ref(ethers, "contributions"), [
    { member: alice, amount: 1_200_000n, bookedAt },
    { member: bob, amount: 1_000n, bookedAt },
  ]);
  const attestedAt = (await latest(ethers)) - 86_400;
  await l.asBureau.recordEligibility(alice, Event.Retirement, attestedAt, ref(ethers, "retirement-alice"));
  await l.asBureau.recordEligibility(bob, Event.Retirement, attestedAt, ref(ethers, "retirement-bob"));
  return { ...l, alice, aliceAccount, bob, bobAccount };
}

/** The payouts of a settlement transaction, read from its PayoutSettled events. */
async function settled(l: Ledger, tx: Promise<{ hash: string }>): Promise<SettledPayout[]> {
  const receipt = await (await tx).hash;
  const full = await l.ethers.provider.getTransactionReceipt(receipt);
  return full!.logs
    .map((log) => l.ledger.interface.parseLog(log))
    .filter((e) => e?.name === "PayoutSettled")
    .map((e) => ({
      payoutId: e!.args.payoutId,
      accountId: e!.args.accountId,
      payee: e!.args.payee,
      gross: e!.args.gross,
      tax: e!.args.tax,
      net: e!.args.net,
    }));
}

/** Moves the chain to 09:00 CST on the 1st of the next CST calendar month. */
async function nextMonth(): Promise<void> {
  const now = new Date(((await latest(ethers)) + 8 * 3600) * 1000);
  await networkHelpers.time.increaseTo(cst(now.getUTCFullYear(), now.getUTCMonth() + 2, 1, 9));
}

describe("PensionLedger payouts", function () {
  describe("startPayout", function () {
    describe("validations", function () {
      it("rejects an account without an attested qualifying event", async function () {
        const { ledger, asBank, aliceAccount } = await networkHelpers.loadFixture(payoutFixture);
        await expect(asBank.startPayout(aliceAccount, Event.LossOfWorkCapacity, Mode.LumpSum, 0))
          .to.be.revertedWithCustomError(ledger, "PayoutNotEligible")
          .withArgs(aliceAccount, Event.LossOfWorkCapacity);
      });

      it("rejects death as a payout event (heirs are paid instead) and an unknown account", async function () {
        const { ledger, asBank, aliceAccount } = await networkHelpers.loadFixture(payoutFixture);
        await expect(asBank.startPayout(aliceAccount, Event.Death, Mode.LumpSum, 0))
          .to.be.revertedWithCustomError(ledger, "PayoutNotEligible")
          .withArgs(aliceAccount, Event.Death);
        const unknown = accountId(ethers, member(ethers, "nobody"));
        await expect(asBank.startPayout(unknown, Event.Retirement, Mode.LumpSum, 0))
          .to.be.revertedWithCustomError(ledger, "AccountNotFound")
          .withArgs(unknown);
      });

      it("accepts 1 and 600 months and rejects 0 and 601", async function () {
        const { ledger, asBank, aliceAccount, bobAccount } = await networkHelpers.loadFixture(payoutFixture);
        for (const months of [0n, 601n]) {
          await expect(asBank.startPayout(aliceAccount, Event.Retirement, Mode.Monthly, months))
            .to.be.revertedWithCustomError(ledger, "PayoutModeInvalid")
            .withArgs(aliceAccount, Mode.Monthly, months);
        }
        await asBank.startPayout(aliceAccount, Event.Retirement, Mode.Monthly, 600n);
        await asBank.startPayout(bobAccount, Event.Retirement, Mode.Monthly, 1n);
        expect((await ledger.getAccount(bobAccount)).status).to.equal(Status.PayingOut);
      });

      it("rejects a lump sum with a parameter, a zero fixed instalment and no mode", async function () {
        const { ledger, asBank, aliceAccount } = await networkHelpers.loadFixture(payoutFixture);
        const cases: [Mode, bigint][] = [
          [Mode.LumpSum, 1n],
          [Mode.FixedInstalment, 0n],
          [Mode.FixedInstalment, 2n ** 64n],
          [Mode.None, 0n],
        ];
        for (const [mode, parameter] of cases) {
          await expect(asBank.startPayout(aliceAccount, Event.Retirement, mode, parameter))
            .to.be.revertedWithCustomError(ledger, "PayoutModeInvalid")
            .withArgs(aliceAccount, mode, parameter);
        }
      });

      it("rejects a second payout plan, a frozen account and a deceased member", async function () {
        const l = await networkHelpers.loadFixture(payoutFixture);
        const { ledger, asBank, asBureau, asOperator, aliceAccount, bobAccount } = l;
        await asBank.startPayout(aliceAccount, Event.Retirement, Mode.LumpSum, 0);
        await expect(asBank.startPayout(aliceAccount, Event.Retirement, Mode.LumpSum, 0))
          .to.be.revertedWithCustomError(ledger, "PayoutAlreadyStarted")
          .withArgs(aliceAccount);
        await asOperator.freezeAccount(bobAccount, ref(ethers, "HOLD"));
        await expect(asBank.startPayout(bobAccount, Event.Retirement, Mode.LumpSum, 0))
          .to.be.revertedWithCustomError(ledger, "AccountStatusInvalid")
          .withArgs(bobAccount, Status.Frozen);
        const [carol, carolAccount] = await openAccount(l, "carol");
        await asBureau.recordEligibility(carol, Event.Retirement, (await latest(ethers)) - 10, ref(ethers, "r"));
        await asBureau.recordEligibility(carol, Event.Death, (await latest(ethers)) - 10, ref(ethers, "d"));
        await expect(asBank.startPayout(carolAccount, Event.Retirement, Mode.LumpSum, 0))
          .to.be.revertedWithCustomError(ledger, "MemberDeceased")
          .withArgs(carol);
      });
    });

    describe("events and effects", function () {
      it("starts the plan, moves the account to PayingOut and stops contributions", async function () {
        const { ledger, asBank, alice, aliceAccount } = await networkHelpers.loadFixture(payoutFixture);
        const tx = asBank.startPayout(aliceAccount, Event.Retirement, Mode.Monthly, 120n);
        await expect(tx).to.emit(ledger, "PayoutPlanStarted").withArgs(aliceAccount, Event.Retirement, Mode.Monthly, 120n);
        await expect(tx)
          .to.emit(ledger, "AccountStatusChanged")
          .withArgs(aliceAccount, Status.Active, Status.PayingOut, ethers.encodeBytes32String("PAYOUT_STARTED"));
        await expect(asBank.contribute(ref(ethers, "late"), alice, 1n, (await latest(ethers)) - 1))
          .to.be.revertedWithCustomError(ledger, "AccountStatusInvalid")
          .withArgs(aliceAccount, Status.PayingOut);
        // The year's contributions stay readable for the tax bureau.
        expect(await ledger.contributionsInYear(alice, 2026)).to.deep.equal([1_200_000n, 0n]);
      });
    });
  });

  describe("settlePayouts", function () {
    describe("validations", function () {
      it("rejects a zero or reused run reference and an empty run", async function () {
        const { ledger, asKeeper, aliceAccount } = await networkHelpers.loadFixture(payoutFixture);
        await expect(asKeeper.settlePayouts(ZERO, [aliceAccount]))
          .to.be.revertedWithCustomError(ledger, "ZeroValue")
          .withArgs("runRef");
        await expect(asKeeper.settlePayouts(ref(ethers, "run"), []))
          .to.be.revertedWithCustomError(ledger, "BatchSizeInvalid")
          .withArgs(0n);
        await asKeeper.settlePayouts(ref(ethers, "run"), [aliceAccount]);
        await expect(asKeeper.settlePayouts(ref(ethers, "run"), [aliceAccount]))
          .to.be.revertedWithCustomError(ledger, "SettlementRunAlreadyUsed")
          .withArgs(ref(ethers, "run"));
      });

      it("skips accounts with nothing due: active, unknown, frozen or already paid this CST month", async function () {
        const { ledger, asBank, asKeeper, asOperator, aliceAccount, bobAccount } =
          await networkHelpers.loadFixture(payoutFixture);
        await asBank.startPayout(aliceAccount, Event.Retirement, Mode.Monthly, 120n);
        await asKeeper.settlePayouts(ref(ethers, "run-1"), [aliceAccount]);
        await asOperator.freezeAccount(aliceAccount, ref(ethers, "HOLD"));
        const unknown = accountId(ethers, member(ethers, "nobody"));
        await expect(asKeeper.settlePayouts(ref(ethers, "run-2"), [bobAccount, unknown, aliceAccount]))
          .to.emit(ledger, "SettlementRunRecorded")
          .withArgs(2n, ref(ethers, "run-2"), 0n, ZERO);
        await asOperator.unfreezeAccount(aliceAccount, ref(ethers, "RELEASED"));
        await expect(asKeeper.settlePayouts(ref(ethers, "run-3"), [aliceAccount]))
          .to.emit(ledger, "SettlementRunRecorded")
          .withArgs(3n, ref(ethers, "run-3"), 0n, ZERO);
        await nextMonth();
        await expect(asKeeper.settlePayouts(ref(ethers, "run-4"), [aliceAccount])).to.emit(ledger, "PayoutSettled");
      });
    });

    describe("events and effects", function () {
      it("pays a monthly instalment with 3 % tax and commits the run's Merkle root", async function () {
        const l = await networkHelpers.loadFixture(payoutFixture);
        const { ledger, asBank, asKeeper, alice, aliceAccount } = l;
        await asBank.startPayout(aliceAccount, Event.Retirement, Mode.Monthly, 120n);
        const tx = asKeeper.settlePayouts(ref(ethers, "run-1"), [aliceAccount]);
        await expect(tx).to.emit(ledger, "PayoutSettled").withArgs(1n, aliceAccount, 1n, alice, 10_000n, 300n, 9_700n);
        const payouts = await settled(l, tx);
        expect(await ledger.settlementRoot(1n)).to.equal(settlementRoot(payouts));
        const account = await ledger.getAccount(aliceAccount);
        expect(account.balance).to.equal(1_190_000n);
        expect(account.payouts).to.equal(9_700n);
        expect(account.tax).to.equal(300n);
        expect(conserved(account)).to.equal(true);
        const totals = await ledger.systemTotals();
        expect(totals.payouts).to.equal(9_700n);
        expect(totals.tax).to.equal(300n);
        expect(conserved(totals)).to.equal(true);
        expect(await ledger.payoutStatus(1n)).to.equal(PayoutStatus.Settled);
        expect(await ledger.payoutStatus(2n)).to.equal(PayoutStatus.None);
      });

      it("rounds the withheld tax to the fen half up: 1.5 fen → 2, 1.47 fen → 1", async function () {
        const l = await networkHelpers.loadFixture(payoutFixture);
        const cases: [bigint, bigint][] = [
          [50n, 2n],
          [49n, 1n],
          [17n, 1n],
          [16n, 0n],
        ];
        for (const [i, [gross, tax]] of cases.entries()) {
          const [m, id] = await openAccount(l, `tax-${i}`);
          await l.asBank.contribute(ref(ethers, `c-${i}`), m, gross, (await latest(ethers)) - 1);
          await l.asBureau.recordEligibility(m, Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "e"));
          await l.asBank.startPayout(id, Event.Retirement, Mode.LumpSum, 0);
          await expect(l.asKeeper.settlePayouts(ref(ethers, `run-${i}`), [id]))
            .to.emit(l.ledger, "PayoutSettled")
            .withArgs(BigInt(i + 1), id, BigInt(i + 1), m, gross, tax, gross - tax);
        }
      });

      it("divides the balance by the months left and lets the last instalment take the rest", async function () {
        const { ledger, asBank, asKeeper, bob, bobAccount } = await networkHelpers.loadFixture(payoutFixture);
        await asBank.contribute(ref(ethers, "top-up"), bob, 1n, (await latest(ethers)) - 1); // balance 1,001
        await asBank.startPayout(bobAccount, Event.Retirement, Mode.Monthly, 2n);
        await expect(asKeeper.settlePayouts(ref(ethers, "run-1"), [bobAccount]))
          .to.emit(ledger, "PayoutSettled")
          .withArgs(1n, bobAccount, 1n, bob, 500n, 15n, 485n);
        await nextMonth();
        const tx = asKeeper.settlePayouts(ref(ethers, "run-2"), [bobAccount]);
        await expect(tx).to.emit(ledger, "PayoutSettled").withArgs(2n, bobAccount, 2n, bob, 501n, 15n, 486n);
        await expect(tx)
          .to.emit(ledger, "AccountStatusChanged")
          .withArgs(bobAccount, Status.PayingOut, Status.Closed, ethers.encodeBytes32String("PAID_OUT"));
        expect((await ledger.getAccount(bobAccount)).status).to.equal(Status.Closed);
      });

      it("pays fixed instalments until the balance is exhausted", async function () {
        const { ledger, asBank, asKeeper, bob, bobAccount } = await networkHelpers.loadFixture(payoutFixture);
        await asBank.startPayout(bobAccount, Event.Retirement, Mode.FixedInstalment, 400n);
        const grosses: bigint[] = [];
        for (let i = 0; i < 4; i++) {
          if (i > 0) await nextMonth();
          const payouts = await settled({ ethers, ledger } as Ledger, asKeeper.settlePayouts(ref(ethers, `run-${i}`), [bobAccount]));
          grosses.push(...payouts.map((p) => p.gross));
        }
        expect(grosses).to.deep.equal([400n, 400n, 200n]);
        expect((await ledger.getAccount(bobAccount)).balance).to.equal(0n);
        expect(bob).to.not.equal(ZERO);
      });

      it("withholds no tax on enterprise-annuity payouts", async function () {
        const l = await networkHelpers.loadFixture(payoutFixture);
        const plan = ref(ethers, "plan");
        const worker = member(ethers, "worker");
        await l.asOperator.createPlan(plan, ref(ethers, "employer"), [10_000]);
        await l.asBank.enrolMember(plan, worker, cst(2020, 1, 1));
        await payroll(l.asBank, ref(ethers, "payroll"), plan, 202611, [
          { member: worker, wageBase: 100_000n, employerAmount: 8_000n, employeeAmount: 4_000n },
        ]);
        await l.asBureau.recordEligibility(worker, Event.Emigration, (await latest(ethers)) - 1, ref(ethers, "e"));
        const id = accountId(ethers, worker, plan);
        await expect(l.asBank.startPayout(id, Event.Emigration, Mode.Monthly, 12n))
          .to.be.revertedWithCustomError(l.ledger, "PayoutModeInvalid")
          .withArgs(id, Mode.Monthly, 12n);
        await l.asBank.startPayout(id, Event.Emigration, Mode.LumpSum, 0n);
        await expect(l.asKeeper.settlePayouts(ref(ethers, "run"), [id]))
          .to.emit(l.ledger, "PayoutSettled")
          .withArgs(1n, id, 1n, worker, 12_000n, 0n, 12_000n);
      });

      it("numbers payouts sequentially across runs and commits an odd-sized run correctly", async function () {
        const l = await networkHelpers.loadFixture(payoutFixture);
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const [m, id] = await openAccount(l, `retiree-${i}`);
          await l.asBank.contribute(ref(ethers, `c-${i}`), m, 10_000n + BigInt(i), (await latest(ethers)) - 1);
          await l.asBureau.recordEligibility(m, Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "e"));
          await l.asBank.startPayout(id, Event.Retirement, Mode.Monthly, 10n);
          ids.push(id);
        }
        await l.asBank.startPayout(l.aliceAccount, Event.Retirement, Mode.LumpSum, 0n);
        await l.asKeeper.settlePayouts(ref(ethers, "run-1"), [l.aliceAccount]);
        const payouts = await settled(l, l.asKeeper.settlePayouts(ref(ethers, "run-2"), ids));
        expect(payouts.map((p) => p.payoutId)).to.deep.equal([2n, 3n, 4n]);
        expect(await l.ledger.settlementRoot(2n)).to.equal(settlementRoot(payouts));
        // Every payout of the odd-sized run proves its membership (the last one was carried up unpaired).
        const results = payouts.map((p) => ({ runId: 2n, payout: p, proof: settlementProof(payouts, p.payoutId), paid: true }));
        expect(results[2].proof).to.have.length(1);
        await l.asBank.reportPayoutResults(results);
        for (const p of payouts) expect(await l.ledger.payoutStatus(p.payoutId)).to.equal(PayoutStatus.Paid);
      });
    });
  });

  describe("reportPayoutResults", function () {
    async function settledFixture() {
      const l = await payoutFixture();
      await l.asBank.startPayout(l.aliceAccount, Event.Retirement, Mode.LumpSum, 0n);
      await l.asBank.startPayout(l.bobAccount, Event.Retirement, Mode.Monthly, 10n);
      const payouts = await settled(l, l.asKeeper.settlePayouts(ref(ethers, "run-1"), [l.aliceAccount, l.bobAccount]));
      const result = (p: SettledPayout, paid: boolean) => ({
        runId: 1n,
        payout: p,
        proof: settlementProof(payouts, p.payoutId),
        paid,
      });
      return { ...l, payouts, result };
    }

    describe("validations", function () {
      it("rejects a payout whose proof does not match the run", async function () {
        const { ledger, asBank, payouts, result } = await networkHelpers.loadFixture(settledFixture);
        const forged = { ...payouts[0], gross: payouts[0].gross + 1n };
        await expect(asBank.reportPayoutResults([{ ...result(payouts[0], true), payout: forged }]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("PayoutProofInvalid", [1n, payouts[0].payoutId]));
        await expect(asBank.reportPayoutResults([{ ...result(payouts[0], true), runId: 9n }]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("PayoutProofInvalid", [9n, payouts[0].payoutId]));
        await expect(asBank.reportPayoutResults([])).to.be.revertedWithCustomError(ledger, "BatchSizeInvalid").withArgs(0n);
      });

      it("accepts one result per payout id", async function () {
        const { ledger, asBank, payouts, result } = await networkHelpers.loadFixture(settledFixture);
        await asBank.reportPayoutResults([result(payouts[0], true)]);
        await expect(asBank.reportPayoutResults([result(payouts[0], false)]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("PayoutAlreadyReported", [payouts[0].payoutId, PayoutStatus.Paid]));
        await asBank.reportPayoutResults([result(payouts[1], false)]);
        await expect(asBank.reportPayoutResults([result(payouts[1], true)]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("PayoutAlreadyReported", [payouts[1].payoutId, PayoutStatus.Failed]));
      });
    });

    describe("events and effects", function () {
      it("records a paid payout", async function () {
        const { ledger, asBank, payouts, result, aliceAccount } = await networkHelpers.loadFixture(settledFixture);
        await expect(asBank.reportPayoutResults([result(payouts[0], true)]))
          .to.emit(ledger, "PayoutPaid")
          .withArgs(payouts[0].payoutId, aliceAccount);
        expect(await ledger.payoutStatus(payouts[0].payoutId)).to.equal(PayoutStatus.Paid);
      });

      it("returns a failed payout's gross to the balance, reverses payout and tax, and reopens a closed account", async function () {
        const { ledger, asBank, asKeeper, payouts, result, aliceAccount } = await networkHelpers.loadFixture(settledFixture);
        const before = await ledger.systemTotals();
        const tx = asBank.reportPayoutResults([result(payouts[0], false)]);
        await expect(tx).to.emit(ledger, "PayoutFailed").withArgs(payouts[0].payoutId, aliceAccount, 1_200_000n);
        await expect(tx)
          .to.emit(ledger, "AccountStatusChanged")
          .withArgs(aliceAccount, Status.Closed, Status.PayingOut, ethers.encodeBytes32String("PAYOUT_FAILED"));
        const account = await ledger.getAccount(aliceAccount);
        expect(account.balance).to.equal(1_200_000n);
        expect(account.payouts).to.equal(0n);
        expect(account.tax).to.equal(0n);
        expect(conserved(account)).to.equal(true);
        const after = await ledger.systemTotals();
        expect(after.balance - before.balance).to.equal(1_200_000n);
        expect(before.tax - after.tax).to.equal(36_000n);
        expect(conserved(after)).to.equal(true);
        expect(await ledger.payoutStatus(payouts[0].payoutId)).to.equal(PayoutStatus.Failed);
        await nextMonth();
        await expect(asKeeper.settlePayouts(ref(ethers, "retry"), [aliceAccount]))
          .to.emit(ledger, "PayoutSettled")
          .withArgs(3n, aliceAccount, 2n, payouts[0].payee, 1_200_000n, 36_000n, 1_164_000n);
      });
    });
  });

  describe("registerHeirs", function () {
    async function deathFixture() {
      const l = await payoutFixture();
      await l.asBureau.recordEligibility(l.alice, Event.Death, (await latest(ethers)) - 1, ref(ethers, "death-certificate"));
      const heirs = [
        { heirRef: ref(ethers, "heir-1"), shareBps: 3_333 },
        { heirRef: ref(ethers, "heir-2"), shareBps: 3_333 },
        { heirRef: ref(ethers, "heir-3"), shareBps: 3_334 },
      ];
      return { ...l, heirs };
    }

    describe("validations", function () {
      it("accepts shares summing to exactly 10,000 bps and rejects 9,999 and 10,001", async function () {
        const { ledger, asBank, aliceAccount, heirs } = await networkHelpers.loadFixture(deathFixture);
        for (const last of [3_333, 3_335]) {
          const shares = [...heirs.slice(0, 2), { ...heirs[2], shareBps: last }];
          await expect(asBank.registerHeirs(aliceAccount, shares))
            .to.be.revertedWithCustomError(ledger, "HeirSharesInvalid")
            .withArgs(BigInt(6_666 + last));
        }
        await expect(asBank.registerHeirs(aliceAccount, heirs)).to.emit(ledger, "HeirsRegistered");
      });

      it("rejects no heirs, a zero share and a zero heir reference", async function () {
        const { ledger, asBank, aliceAccount, heirs } = await networkHelpers.loadFixture(deathFixture);
        await expect(asBank.registerHeirs(aliceAccount, []))
          .to.be.revertedWithCustomError(ledger, "HeirSharesInvalid")
          .withArgs(0n);
        await expect(asBank.registerHeirs(aliceAccount, [{ ...heirs[0], shareBps: 10_000 }, { ...heirs[1], shareBps: 0 }]))
          .to.be.revertedWithCustomError(ledger, "HeirSharesInvalid")
          .withArgs(10_000n);
        await expect(asBank.registerHeirs(aliceAccount, [{ heirRef: ZERO, shareBps: 10_000 }]))
          .to.be.revertedWithCustomError(ledger, "ZeroValue")
          .withArgs("heirRef");
      });

      it("allows heirs only after an attested death, and only once", async function () {
        const { ledger, asBank, aliceAccount, bobAccount, heirs } = await networkHelpers.loadFixture(deathFixture);
        await expect(asBank.registerHeirs(bobAccount, heirs))
          .to.be.revertedWithCustomError(ledger, "InheritanceNotAllowed")
          .withArgs(bobAccount);
        await asBank.registerHeirs(aliceAccount, heirs);
        await expect(asBank.registerHeirs(aliceAccount, heirs))
          .to.be.revertedWithCustomError(ledger, "InheritanceNotAllowed")
          .withArgs(aliceAccount);
      });
    });

    describe("events and effects", function () {
      it("pays the balance to the heirs by share at the next settlement and closes the account", async function () {
        const l = await networkHelpers.loadFixture(deathFixture);
        const { ledger, asBank, asKeeper, aliceAccount, heirs } = l;
        await expect(asBank.registerHeirs(aliceAccount, heirs))
          .to.emit(ledger, "AccountStatusChanged")
          .withArgs(aliceAccount, Status.Active, Status.PayingOut, ethers.encodeBytes32String("INHERITANCE"));
        const tx = asKeeper.settlePayouts(ref(ethers, "run"), [aliceAccount]);
        const payouts = await settled(l, tx);
        expect(payouts.map((p) => [p.payee, p.gross])).to.deep.equal([
          [heirs[0].heirRef, 399_960n],
          [heirs[1].heirRef, 399_960n],
          [heirs[2].heirRef, 400_080n],
        ]);
        expect(payouts.map((p) => p.tax)).to.deep.equal([11_999n, 11_999n, 12_002n]);
        const account = await ledger.getAccount(aliceAccount);
        expect(account.status).to.equal(Status.Closed);
        expect(account.balance).to.equal(0n);
        expect(conserved(account)).to.equal(true);
      });

      it("pays a failed heir payment to the same heir at the next settlement", async function () {
        const l = await networkHelpers.loadFixture(deathFixture);
        const { ledger, asBank, asKeeper, aliceAccount, heirs } = l;
        await asBank.registerHeirs(aliceAccount, heirs);
        const payouts = await settled(l, asKeeper.settlePayouts(ref(ethers, "run-1"), [aliceAccount]));
        await asBank.reportPayoutResults([
          { runId: 1n, payout: payouts[1], proof: settlementProof(payouts, payouts[1].payoutId), paid: false },
        ]);
        await nextMonth();
        const retry = await settled(l, asKeeper.settlePayouts(ref(ethers, "run-2"), [aliceAccount]));
        expect(retry.map((p) => [p.payee, p.gross])).to.deep.equal([[heirs[1].heirRef, 399_960n]]);
        expect((await ledger.getAccount(aliceAccount)).status).to.equal(Status.Closed);
      });

      it("after failed payments and a loss leaving less than is owed, shares the rest by what each heir is owed", async function () {
        const l = await networkHelpers.loadFixture(deathFixture);
        const { ledger, asBank, asKeeper, asInvestment, aliceAccount, heirs } = l;
        await asBank.registerHeirs(aliceAccount, heirs);
        const payouts = await settled(l, asKeeper.settlePayouts(ref(ethers, "run-1"), [aliceAccount]));
        // Heir 0 is paid 399,960; heirs 1 and 2 fail (owed 399,960 and 400,080, together 800,040).
        await asBank.reportPayoutResults([
          { runId: 1n, payout: payouts[0], proof: settlementProof(payouts, payouts[0].payoutId), paid: true },
          { runId: 1n, payout: payouts[1], proof: settlementProof(payouts, payouts[1].payoutId), paid: false },
          { runId: 1n, payout: payouts[2], proof: settlementProof(payouts, payouts[2].payoutId), paid: false },
        ]);
        await asInvestment.creditReturns(ref(ethers, "loss"), [{ accountId: aliceAccount, amount: -100_040n }]);
        await nextMonth();
        const retry = await settled(l, asKeeper.settlePayouts(ref(ethers, "run-2"), [aliceAccount]));
        // 700,000 × 399,960 / 800,040 = 349,947 (rounded down); the last heir owed anything takes the rest.
        expect(retry.map((p) => [p.payee, p.gross])).to.deep.equal([
          [heirs[1].heirRef, 349_947n],
          [heirs[2].heirRef, 350_053n],
        ]);
        const account = await ledger.getAccount(aliceAccount);
        expect(account.status).to.equal(Status.Closed);
        expect(account.balance).to.equal(0n);
        expect(conserved(account)).to.equal(true);
      });

      it("does not pay an heir paid in full again when a 1-fen loss follows another heir's failed payment", async function () {
        const l = await networkHelpers.loadFixture(deathFixture);
        const { asBank, asKeeper, asInvestment, aliceAccount, heirs } = l;
        const two = [
          { heirRef: heirs[0].heirRef, shareBps: 5_000 },
          { heirRef: heirs[1].heirRef, shareBps: 5_000 },
        ];
        await asBank.registerHeirs(aliceAccount, two);
        const payouts = await settled(l, asKeeper.settlePayouts(ref(ethers, "run-1"), [aliceAccount]));
        await asBank.reportPayoutResults([
          { runId: 1n, payout: payouts[0], proof: settlementProof(payouts, payouts[0].payoutId), paid: true },
          { runId: 1n, payout: payouts[1], proof: settlementProof(payouts, payouts[1].payoutId), paid: false },
        ]);
        await asInvestment.creditReturns(ref(ethers, "loss"), [{ accountId: aliceAccount, amount: -1n }]);
        await nextMonth();
        const retry = await settled(l, asKeeper.settlePayouts(ref(ethers, "run-2"), [aliceAccount]));
        expect(retry.map((p) => [p.payee, p.gross])).to.deep.equal([[heirs[1].heirRef, 599_999n]]);
      });
    });
  });
});
