import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN_START, CAP, Status, ZERO, cst, deployLedger, latest, openAccount, ref } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;

async function governanceFixture() {
  await networkHelpers.time.increaseTo(Math.max(cst(2026, 12, 3, 10), (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const [alice] = await openAccount(l, "alice");
  return { ...l, alice };
}

describe("PensionLedger governance", function () {
  describe("initialize", function () {
    it("sets the default parameters from 2024 on and nothing before", async function () {
      const { ledger } = await networkHelpers.loadFixture(governanceFixture);
      expect(await ledger.annualCap(2024)).to.equal(CAP);
      expect(await ledger.annualCap(2031)).to.equal(CAP);
      expect(await ledger.annualCap(2023)).to.equal(0n);
      expect(await ledger.withdrawalTaxRate(2026)).to.equal(300n);
      expect(await ledger.withdrawalTaxRate(2023)).to.equal(0n);
      expect(await ledger.enterpriseLimits(2026)).to.deep.equal([800n, 1_200n]);
      expect(await ledger.enterpriseLimits(2023)).to.deep.equal([0n, 0n]);
    });

    it("cannot be called again", async function () {
      const { ledger, operator } = await networkHelpers.loadFixture(governanceFixture);
      const a = operator.address;
      await expect(ledger.initialize(a, a, a, a, a, a)).to.be.revertedWithCustomError(ledger, "InvalidInitialization");
    });
  });

  describe("setAnnualCap", function () {
    it("applies a new cap from its year on and leaves earlier years alone", async function () {
      const { ledger, asOperator, asBank, alice } = await networkHelpers.loadFixture(governanceFixture);
      await expect(asOperator.setAnnualCap(2027, 1_500_000n)).to.emit(ledger, "AnnualCapSet").withArgs(2027, 1_500_000n);
      expect(await ledger.annualCap(2026)).to.equal(CAP);
      expect(await ledger.annualCap(2027)).to.equal(1_500_000n);
      await networkHelpers.time.increaseTo(cst(2027, 1, 2));
      await asBank.contribute(ref(ethers, "c"), alice, 1_500_000n, cst(2027, 1, 1));
      expect(await ledger.contributionsInYear(alice, 2027)).to.deep.equal([1_500_000n, 0n]);
    });

    it("replaces the cap of the latest year and rejects a year before it, a zero cap or one beyond 48 bits", async function () {
      const { ledger, asOperator } = await networkHelpers.loadFixture(governanceFixture);
      await asOperator.setAnnualCap(2027, 1_500_000n);
      await asOperator.setAnnualCap(2027, 1_400_000n);
      expect(await ledger.annualCap(2030)).to.equal(1_400_000n);
      await expect(asOperator.setAnnualCap(2026, 1n)).to.be.revertedWithCustomError(ledger, "ParameterInvalid").withArgs("fromYear", 2026n);
      await expect(asOperator.setAnnualCap(2028, 0n)).to.be.revertedWithCustomError(ledger, "ParameterInvalid").withArgs("capFen", 0n);
      await expect(asOperator.setAnnualCap(2028, 2n ** 48n))
        .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
        .withArgs("capFen", 2n ** 48n);
      await expect(asOperator.setAnnualCap(1969, 1n)).to.be.revertedWithCustomError(ledger, "ParameterInvalid").withArgs("fromYear", 1969n);
    });
  });

  describe("setWithdrawalTaxRate", function () {
    it("sets a rate from a year on, accepts 4,500 bps (the top income-tax bracket) and rejects more", async function () {
      const { ledger, asOperator } = await networkHelpers.loadFixture(governanceFixture);
      await expect(asOperator.setWithdrawalTaxRate(2028, 4_500)).to.emit(ledger, "WithdrawalTaxRateSet").withArgs(2028, 4_500);
      await asOperator.setWithdrawalTaxRate(2028, 250);
      expect(await ledger.withdrawalTaxRate(2027)).to.equal(300n);
      expect(await ledger.withdrawalTaxRate(2028)).to.equal(250n);
      await expect(asOperator.setWithdrawalTaxRate(2029, 4_501))
        .to.be.revertedWithCustomError(ledger, "ParameterAboveMaximum")
        .withArgs("rateBps", 4_501n, 4_500n);
      await expect(asOperator.setWithdrawalTaxRate(2029, 10_000))
        .to.be.revertedWithCustomError(ledger, "ParameterAboveMaximum")
        .withArgs("rateBps", 10_000n, 4_500n);
    });
  });

  describe("no retroactive change", function () {
    it("rejects a change from a year that has started and keeps closed years' values (QA F5)", async function () {
      const { ledger, asOperator } = await networkHelpers.loadFixture(governanceFixture);
      // 2026-12-03: 2024 and 2025 are closed, 2026 has started.
      await expect(asOperator.setAnnualCap(2024, 100n)).to.be.revertedWithCustomError(ledger, "ParameterYearClosed").withArgs(2024, 2026);
      await expect(asOperator.setAnnualCap(2025, 100n)).to.be.revertedWithCustomError(ledger, "ParameterYearClosed").withArgs(2025, 2026);
      await expect(asOperator.setWithdrawalTaxRate(2024, 4_500))
        .to.be.revertedWithCustomError(ledger, "ParameterYearClosed")
        .withArgs(2024, 2026);
      await expect(asOperator.setEnterpriseLimits(2025, 800, 1_200))
        .to.be.revertedWithCustomError(ledger, "ParameterYearClosed")
        .withArgs(2025, 2026);
      expect(await ledger.annualCap(2025)).to.equal(CAP);
      expect(await ledger.withdrawalTaxRate(2025)).to.equal(300n);
    });

    it("accepts a new entry from the current year once, never a replacement of it; a future entry until its year starts", async function () {
      const { ledger, asOperator } = await networkHelpers.loadFixture(governanceFixture);
      await asOperator.setAnnualCap(2026, 1_300_000n); // the last entry is 2024's: a new entry from 2026
      expect(await ledger.annualCap(2025)).to.equal(CAP);
      await expect(asOperator.setAnnualCap(2026, 1_400_000n))
        .to.be.revertedWithCustomError(ledger, "ParameterYearClosed")
        .withArgs(2026, 2026);
      await asOperator.setAnnualCap(2027, 1_500_000n);
      await asOperator.setAnnualCap(2027, 1_600_000n); // 2027 has not started: replaceable
      await networkHelpers.time.increaseTo(cst(2027, 1, 1));
      await expect(asOperator.setAnnualCap(2027, 1_700_000n))
        .to.be.revertedWithCustomError(ledger, "ParameterYearClosed")
        .withArgs(2027, 2027);
      expect(await ledger.annualCap(2027)).to.equal(1_600_000n);
    });
  });

  describe("setEnterpriseLimits", function () {
    it("sets both limits from a year on and rejects an employer limit above the total or a total above 100 %", async function () {
      const { ledger, asOperator } = await networkHelpers.loadFixture(governanceFixture);
      await expect(asOperator.setEnterpriseLimits(2027, 900, 1_300)).to.emit(ledger, "EnterpriseLimitsSet").withArgs(2027, 900, 1_300);
      await asOperator.setEnterpriseLimits(2027, 850, 1_250);
      expect(await ledger.enterpriseLimits(2027)).to.deep.equal([850n, 1_250n]);
      await expect(asOperator.setEnterpriseLimits(2028, 1_301, 1_300))
        .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
        .withArgs("employerBps", 1_301n);
      await expect(asOperator.setEnterpriseLimits(2028, 0, 10_001))
        .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
        .withArgs("totalBps", 10_001n);
      await expect(asOperator.setEnterpriseLimits(2028, 0, 0))
        .to.be.revertedWithCustomError(ledger, "ParameterInvalid")
        .withArgs("totalBps", 0n);
    });
  });

  describe("pause and unpause", function () {
    it("stops every ledger operation until unpaused", async function () {
      const { ledger, asOperator, asBank, alice } = await networkHelpers.loadFixture(governanceFixture);
      await expect(asOperator.pause()).to.emit(ledger, "Paused");
      await expect(asBank.contribute(ref(ethers, "c"), alice, 1n, (await latest(ethers)) - 1)).to.be.revertedWithCustomError(
        ledger,
        "EnforcedPause",
      );
      await expect(asOperator.setAnnualCap(2030, 1n)).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      await expect(asOperator.pause()).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      await expect(asOperator.unpause()).to.emit(ledger, "Unpaused");
      await expect(asOperator.unpause()).to.be.revertedWithCustomError(ledger, "ExpectedPause");
      await asBank.contribute(ref(ethers, "c"), alice, 1n, (await latest(ethers)) - 1);
      expect((await ledger.contributionsInYear(alice, 2026))[0]).to.equal(1n);
    });

    it("lets the operator freeze and unfreeze an account while paused (a legal hold during an emergency stop, QA F7)", async function () {
      const { ledger, asOperator, alice } = await networkHelpers.loadFixture(governanceFixture);
      const id = await ledger.accountIdOf(alice, ZERO);
      await asOperator.pause();
      await expect(asOperator.freezeAccount(id, ref(ethers, "COURT")))
        .to.emit(ledger, "AccountStatusChanged")
        .withArgs(id, Status.Active, Status.Frozen, ref(ethers, "COURT"));
      await expect(asOperator.unfreezeAccount(id, ref(ethers, "RELEASED")))
        .to.emit(ledger, "AccountStatusChanged")
        .withArgs(id, Status.Frozen, Status.Active, ref(ethers, "RELEASED"));
    });

    it("lets a holder nominate and the operator grant a replacement key while paused", async function () {
      const { ledger, asOperator, bank, outsider } = await networkHelpers.loadFixture(governanceFixture);
      await asOperator.pause();
      const BANK = await ledger.BANK_ROLE();
      await ledger.connect(bank).nominateRoleMember(BANK, outsider.address);
      await expect(asOperator.grantRole(BANK, outsider.address)).to.emit(ledger, "RoleGranted");
      await expect(asOperator.revokeRole(BANK, bank.address)).to.emit(ledger, "RoleRevoked");
    });

    it("still lets the operator revoke a compromised key while paused", async function () {
      const { ledger, asOperator, bank } = await networkHelpers.loadFixture(governanceFixture);
      await asOperator.pause();
      await expect(asOperator.revokeRole(await ledger.BANK_ROLE(), bank.address)).to.emit(ledger, "RoleRevoked");
      expect(await ledger.hasRole(await ledger.BANK_ROLE(), bank.address)).to.equal(false);
    });
  });

  describe("roles", function () {
    it("exposes each role id as keccak256 of its name", async function () {
      const { ledger } = await networkHelpers.loadFixture(governanceFixture);
      for (const name of ["OPERATOR_ROLE", "BANK_ROLE", "SOCIAL_SECURITY_ROLE", "TAX_BUREAU_ROLE", "INVESTMENT_MANAGER_ROLE", "KEEPER_ROLE"]) {
        expect(await (ledger as unknown as Record<string, () => Promise<string>>)[name]()).to.equal(ethers.id(name));
      }
    });

    it("lets a holder renounce its own role as a recorded operation", async function () {
      const { ledger, keeper } = await networkHelpers.loadFixture(governanceFixture);
      const role = await ledger.KEEPER_ROLE();
      const [before] = await ledger.auditState();
      await ledger.connect(keeper).renounceRole(role, keeper.address);
      expect(await ledger.hasRole(role, keeper.address)).to.equal(false);
      expect((await ledger.auditState())[0]).to.equal(before + 1n);
    });
  });
});
