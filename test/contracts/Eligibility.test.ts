import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN_START, Event, Mode, ZERO, cst, deployLedger, latest, openAccount, ref } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;
const START = cst(2026, 12, 3, 10);
/** 2025-09-01 00:00 CST: the personal-pension-only events qualify from this moment. */
const PERSONAL_EVENTS_FROM = cst(2025, 9, 1);

async function eligibilityFixture() {
  await networkHelpers.time.increaseTo(Math.max(START, (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const [alice, aliceAccount] = await openAccount(l, "alice");
  const plan = ref(ethers, "plan");
  await l.asOperator.createPlan(plan, ref(ethers, "employer"), [10_000]);
  await l.asBank.enrolMember(plan, alice, cst(2020, 1, 1));
  const annuityAccount = await l.ledger.accountIdOf(alice, plan);
  return { ...l, alice, aliceAccount, plan, annuityAccount };
}

describe("PensionLedger eligibility", function () {
  describe("recordEligibility", function () {
    describe("validations", function () {
      it("rejects no event, a zero or future effective date, a zero member and zero evidence", async function () {
        const { ledger, asBureau, alice } = await networkHelpers.loadFixture(eligibilityFixture);
        const now = (await latest(ethers)) + 10;
        await networkHelpers.time.setNextBlockTimestamp(now);
        await expect(asBureau.recordEligibility(alice, Event.Retirement, now + 1, ref(ethers, "e")))
          .to.be.revertedWithCustomError(ledger, "EligibilityInvalid")
          .withArgs(alice, Event.Retirement, now + 1);
        await expect(asBureau.recordEligibility(alice, Event.None, now - 10, ref(ethers, "e")))
          .to.be.revertedWithCustomError(ledger, "EligibilityInvalid")
          .withArgs(alice, Event.None, now - 10);
        await expect(asBureau.recordEligibility(alice, Event.Retirement, 0, ref(ethers, "e")))
          .to.be.revertedWithCustomError(ledger, "EligibilityInvalid")
          .withArgs(alice, Event.Retirement, 0);
        await expect(asBureau.recordEligibility(ZERO, Event.Retirement, now - 10, ref(ethers, "e")))
          .to.be.revertedWithCustomError(ledger, "ZeroValue")
          .withArgs("member");
        await expect(asBureau.recordEligibility(alice, Event.Retirement, now - 10, ZERO))
          .to.be.revertedWithCustomError(ledger, "ZeroValue")
          .withArgs("evidenceHash");
      });

      it("accepts serious illness effective from 2025-09-01 00:00 CST and rejects one second earlier", async function () {
        const { ledger, asBureau, alice } = await networkHelpers.loadFixture(eligibilityFixture);
        await expect(asBureau.recordEligibility(alice, Event.SeriousIllness, PERSONAL_EVENTS_FROM - 1, ref(ethers, "e")))
          .to.be.revertedWithCustomError(ledger, "EligibilityInvalid")
          .withArgs(alice, Event.SeriousIllness, PERSONAL_EVENTS_FROM - 1);
        await expect(asBureau.recordEligibility(alice, Event.SeriousIllness, PERSONAL_EVENTS_FROM, ref(ethers, "e")))
          .to.emit(ledger, "EligibilityRecorded")
          .withArgs(alice, Event.SeriousIllness, PERSONAL_EVENTS_FROM, ref(ethers, "e"));
      });

      it("rejects an event that is already active", async function () {
        const { ledger, asBureau, alice } = await networkHelpers.loadFixture(eligibilityFixture);
        const at = (await latest(ethers)) - 1;
        await asBureau.recordEligibility(alice, Event.Retirement, at, ref(ethers, "e"));
        await expect(asBureau.recordEligibility(alice, Event.Retirement, at, ref(ethers, "e")))
          .to.be.revertedWithCustomError(ledger, "EligibilityAlreadyRecorded")
          .withArgs(alice, Event.Retirement);
      });
    });

    describe("effects", function () {
      it("stores the attestation for anyone to read", async function () {
        const { ledger, asBureau, alice } = await networkHelpers.loadFixture(eligibilityFixture);
        const at = (await latest(ethers)) - 1;
        await asBureau.recordEligibility(alice, Event.LossOfWorkCapacity, at, ref(ethers, "medical-board"));
        expect(await ledger.eligibilityOf(alice, Event.LossOfWorkCapacity)).to.deep.equal([
          true,
          BigInt(at),
          ref(ethers, "medical-board"),
        ]);
        expect((await ledger.eligibilityOf(alice, Event.Retirement))[0]).to.equal(false);
      });

      it("lets illness, unemployment and minimum allowance start personal-pension payouts only", async function () {
        const { ledger, asBank, asBureau, alice, aliceAccount, annuityAccount } =
          await networkHelpers.loadFixture(eligibilityFixture);
        for (const event of [Event.SeriousIllness, Event.LongUnemployment, Event.MinimumLivingAllowance]) {
          await asBureau.recordEligibility(alice, event, (await latest(ethers)) - 1, ref(ethers, "e"));
          await expect(asBank.startPayout(annuityAccount, event, Mode.LumpSum, 0))
            .to.be.revertedWithCustomError(ledger, "PayoutNotEligible")
            .withArgs(annuityAccount, event);
        }
        await asBank.startPayout(aliceAccount, Event.MinimumLivingAllowance, Mode.LumpSum, 0);
        expect((await ledger.getAccount(aliceAccount)).status).to.equal(3n);
      });
    });
  });

  describe("revokeEligibility", function () {
    it("revokes an attestation made in error", async function () {
      const { ledger, asBureau, alice } = await networkHelpers.loadFixture(eligibilityFixture);
      await asBureau.recordEligibility(alice, Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "e"));
      await expect(asBureau.revokeEligibility(alice, Event.Retirement, ref(ethers, "clerical-error")))
        .to.emit(ledger, "EligibilityRevoked")
        .withArgs(alice, Event.Retirement, ref(ethers, "clerical-error"));
      expect((await ledger.eligibilityOf(alice, Event.Retirement))[0]).to.equal(false);
    });

    it("rejects revoking what is not active, a zero reason, and an attestation a payout started on", async function () {
      const { ledger, asBank, asBureau, alice, aliceAccount } = await networkHelpers.loadFixture(eligibilityFixture);
      await expect(asBureau.revokeEligibility(alice, Event.Retirement, ref(ethers, "r")))
        .to.be.revertedWithCustomError(ledger, "EligibilityNotFound")
        .withArgs(alice, Event.Retirement);
      await asBureau.recordEligibility(alice, Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "e"));
      await expect(asBureau.revokeEligibility(alice, Event.Retirement, ZERO))
        .to.be.revertedWithCustomError(ledger, "ZeroValue")
        .withArgs("reason");
      await asBank.startPayout(aliceAccount, Event.Retirement, Mode.LumpSum, 0);
      await expect(asBureau.revokeEligibility(alice, Event.Retirement, ref(ethers, "r")))
        .to.be.revertedWithCustomError(ledger, "EligibilityInUse")
        .withArgs(alice, Event.Retirement);
    });

    it("lets contributions resume when a death attested in error is revoked, but not once heirs are registered", async function () {
      const { ledger, asBank, asBureau, alice, aliceAccount } = await networkHelpers.loadFixture(eligibilityFixture);
      await asBureau.recordEligibility(alice, Event.Death, (await latest(ethers)) - 1, ref(ethers, "certificate"));
      await asBureau.revokeEligibility(alice, Event.Death, ref(ethers, "wrong-person"));
      await asBank.contribute(ref(ethers, "c1"), alice, 100n, (await latest(ethers)) - 1);
      expect((await ledger.getAccount(aliceAccount)).balance).to.equal(100n);
      await asBureau.recordEligibility(alice, Event.Death, (await latest(ethers)) - 1, ref(ethers, "certificate"));
      await asBank.registerHeirs(aliceAccount, [{ heirRef: ref(ethers, "heir"), shareBps: 10_000 }]);
      await expect(asBureau.revokeEligibility(alice, Event.Death, ref(ethers, "r")))
        .to.be.revertedWithCustomError(ledger, "EligibilityInUse")
        .withArgs(alice, Event.Death);
    });
  });
});
