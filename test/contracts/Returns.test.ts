import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN_START, Event, Mode, Status, ZERO, conserved, cst, deployLedger, latest, openAccount, ref } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;

async function returnsFixture() {
  await networkHelpers.time.increaseTo(Math.max(cst(2026, 12, 3, 10), (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const [alice, aliceAccount] = await openAccount(l, "alice");
  const [bob, bobAccount] = await openAccount(l, "bob");
  const bookedAt = (await latest(ethers)) - 1;
  await l.asBank.contributeBatch(ref(ethers, "c"), [
    { member: alice, amount: 1_000n, bookedAt },
    { member: bob, amount: 5_000n, bookedAt },
  ]);
  return { ...l, alice, aliceAccount, bob, bobAccount };
}

describe("PensionLedger returns", function () {
  describe("creditReturns", function () {
    describe("validations", function () {
      it("accepts a loss down to exactly zero and rejects one fen more", async function () {
        const { ledger, asInvestment, aliceAccount } = await networkHelpers.loadFixture(returnsFixture);
        await expect(asInvestment.creditReturns(ref(ethers, "b1"), [{ accountId: aliceAccount, amount: -1_001n }]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("BalanceWouldGoNegative", [aliceAccount, 1_000n, -1_001n]));
        await asInvestment.creditReturns(ref(ethers, "b2"), [{ accountId: aliceAccount, amount: -1_000n }]);
        expect((await ledger.getAccount(aliceAccount)).balance).to.equal(0n);
      });

      it("credits a batch reference once", async function () {
        const { ledger, asInvestment, aliceAccount } = await networkHelpers.loadFixture(returnsFixture);
        await asInvestment.creditReturns(ref(ethers, "b1"), [{ accountId: aliceAccount, amount: 10n }]);
        await expect(asInvestment.creditReturns(ref(ethers, "b1"), [{ accountId: aliceAccount, amount: 10n }]))
          .to.be.revertedWithCustomError(ledger, "ReturnsBatchAlreadyUsed")
          .withArgs(ref(ethers, "b1"));
        expect(await ledger.isReturnsBatchUsed(ref(ethers, "b1"))).to.equal(true);
      });

      it("rejects an empty batch, a zero reference, a zero amount, an unknown or frozen account", async function () {
        const { ledger, asInvestment, asOperator, aliceAccount } = await networkHelpers.loadFixture(returnsFixture);
        await expect(asInvestment.creditReturns(ref(ethers, "b"), [])).to.be.revertedWithCustomError(ledger, "BatchSizeInvalid").withArgs(0n);
        await expect(asInvestment.creditReturns(ZERO, [{ accountId: aliceAccount, amount: 1n }]))
          .to.be.revertedWithCustomError(ledger, "ZeroValue")
          .withArgs("batchRef");
        await expect(asInvestment.creditReturns(ref(ethers, "b"), [{ accountId: aliceAccount, amount: 0n }]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("ZeroValue", ["amount"]));
        const unknown = ref(ethers, "unknown");
        await expect(asInvestment.creditReturns(ref(ethers, "b"), [{ accountId: unknown, amount: 1n }]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("AccountNotFound", [unknown]));
        await asOperator.freezeAccount(aliceAccount, ref(ethers, "HOLD"));
        await expect(asInvestment.creditReturns(ref(ethers, "b"), [{ accountId: aliceAccount, amount: 1n }]))
          .to.be.revertedWithCustomError(ledger, "BatchItemInvalid")
          .withArgs(0n, ledger.interface.encodeErrorResult("AccountStatusInvalid", [aliceAccount, Status.Frozen]));
      });
    });

    describe("events and effects", function () {
      it("credits returns and losses per account, keeping every balance and the system conserved", async function () {
        const { ledger, asInvestment, aliceAccount, bobAccount } = await networkHelpers.loadFixture(returnsFixture);
        const tx = asInvestment.creditReturns(ref(ethers, "b1"), [
          { accountId: aliceAccount, amount: 250n },
          { accountId: bobAccount, amount: -400n },
        ]);
        await expect(tx).to.emit(ledger, "ReturnCredited").withArgs(aliceAccount, ref(ethers, "b1"), 250n);
        await expect(tx).to.emit(ledger, "ReturnCredited").withArgs(bobAccount, ref(ethers, "b1"), -400n);
        const alice = await ledger.getAccount(aliceAccount);
        const bob = await ledger.getAccount(bobAccount);
        expect([alice.balance, alice.investmentReturns]).to.deep.equal([1_250n, 250n]);
        expect([bob.balance, bob.investmentReturns]).to.deep.equal([4_600n, -400n]);
        expect(conserved(alice) && conserved(bob)).to.equal(true);
        const totals = await ledger.systemTotals();
        expect(totals.investmentReturns).to.equal(-150n);
        expect(totals.balance).to.equal(5_850n);
        expect(conserved(totals)).to.equal(true);
      });

      it("keeps crediting returns while an account pays out", async function () {
        const { ledger, asInvestment, asBank, asBureau, alice, aliceAccount } = await networkHelpers.loadFixture(returnsFixture);
        await asBureau.recordEligibility(alice, Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "e"));
        await asBank.startPayout(aliceAccount, Event.Retirement, Mode.Monthly, 12n);
        await asInvestment.creditReturns(ref(ethers, "b1"), [{ accountId: aliceAccount, amount: 7n }]);
        expect((await ledger.getAccount(aliceAccount)).balance).to.equal(1_007n);
      });
    });
  });
});
