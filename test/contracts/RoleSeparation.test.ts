import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN_START, Event, cst, deployLedger, latest, openAccount, ref } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;

async function fixture() {
  await networkHelpers.time.increaseTo(Math.max(cst(2026, 12, 3, 10), (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const [alice, aliceAccount] = await openAccount(l, "alice");
  return { ...l, alice, aliceAccount };
}

describe("PensionLedger role separation", function () {
  it("does not let the operator grant itself another institution's role (no forged death and inheritance)", async function () {
    const { ledger, asOperator, operator } = await networkHelpers.loadFixture(fixture);
    for (const name of ["SOCIAL_SECURITY_ROLE", "BANK_ROLE", "KEEPER_ROLE"] as const) {
      const role = await ledger[name]();
      // Not nominated by a holder of the role: refused whoever the grantee.
      await expect(asOperator.grantRole(role, operator.address))
        .to.be.revertedWithCustomError(ledger, "RoleGrantNotNominated")
        .withArgs(role, operator.address);
    }
    // The operator cannot nominate itself either: only a holder of the role nominates.
    await expect(asOperator.nominateRoleMember(await ledger.BANK_ROLE(), operator.address))
      .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
      .withArgs(operator.address, await ledger.BANK_ROLE());
    await expect(asOperator.recordEligibility(ethers.ZeroHash, Event.Death, 1n, ref(ethers, "forged")))
      .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
      .withArgs(operator.address, await ledger.SOCIAL_SECURITY_ROLE());
  });

  it("refuses a second institution's role on one address even when its holder nominated it", async function () {
    const { ledger, asOperator, asBank, socialSecurity, operator } = await networkHelpers.loadFixture(fixture);
    const BANK = await ledger.BANK_ROLE();
    const bureauRole = await ledger.SOCIAL_SECURITY_ROLE();
    await asBank.nominateRoleMember(BANK, socialSecurity.address);
    await expect(asOperator.grantRole(BANK, socialSecurity.address))
      .to.be.revertedWithCustomError(ledger, "InstitutionRoleConflict")
      .withArgs(socialSecurity.address, bureauRole);
    await asBank.nominateRoleMember(BANK, operator.address);
    await expect(asOperator.grantRole(BANK, operator.address))
      .to.be.revertedWithCustomError(ledger, "InstitutionRoleConflict")
      .withArgs(operator.address, await ledger.OPERATOR_ROLE());
    expect(await ledger.hasRole(BANK, socialSecurity.address)).to.equal(false);
  });

  it("grants a role to a nominated address once (four eyes) and lets the operator revoke alone", async function () {
    const { ledger, asOperator, bank, outsider } = await networkHelpers.loadFixture(fixture);
    const BANK = await ledger.BANK_ROLE();
    const [before] = await ledger.auditState();
    await expect(ledger.connect(bank).nominateRoleMember(BANK, outsider.address))
      .to.emit(ledger, "RoleMemberNominated")
      .withArgs(BANK, outsider.address, bank.address);
    expect((await ledger.auditState())[0]).to.equal(before + 1n);
    await expect(asOperator.grantRole(BANK, outsider.address)).to.emit(ledger, "RoleGranted");
    expect(await ledger.hasRole(BANK, outsider.address)).to.equal(true);
    // Key rotation: the old key is revoked by the operator alone; the nomination was used up.
    await expect(asOperator.revokeRole(BANK, bank.address)).to.emit(ledger, "RoleRevoked");
    await expect(asOperator.grantRole(BANK, bank.address))
      .to.be.revertedWithCustomError(ledger, "RoleGrantNotNominated")
      .withArgs(BANK, bank.address);
    await expect(ledger.connect(outsider).nominateRoleMember(BANK, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(ledger, "ZeroValue")
      .withArgs("account");
  });

  it("frees an address for another institution once its role is revoked or renounced", async function () {
    const { ledger, asOperator, keeper, investmentManager } = await networkHelpers.loadFixture(fixture);
    const KEEPER = await ledger.KEEPER_ROLE();
    const INVEST = await ledger.INVESTMENT_MANAGER_ROLE();
    await ledger.connect(investmentManager).nominateRoleMember(INVEST, keeper.address);
    await expect(asOperator.grantRole(INVEST, keeper.address))
      .to.be.revertedWithCustomError(ledger, "InstitutionRoleConflict")
      .withArgs(keeper.address, KEEPER);
    await ledger.connect(keeper).renounceRole(KEEPER, keeper.address);
    await expect(asOperator.grantRole(INVEST, keeper.address)).to.emit(ledger, "RoleGranted");
  });

  it("keeps the operator's two roles (admin and operator) on one address, and frees it only when both are gone", async function () {
    const { ledger, asOperator, operator, bank } = await networkHelpers.loadFixture(fixture);
    const ADMIN = await ledger.DEFAULT_ADMIN_ROLE();
    const OPERATOR = await ledger.OPERATOR_ROLE();
    const BANK = await ledger.BANK_ROLE();
    await asOperator.revokeRole(OPERATOR, operator.address);
    await ledger.connect(bank).nominateRoleMember(BANK, operator.address);
    await expect(asOperator.grantRole(BANK, operator.address))
      .to.be.revertedWithCustomError(ledger, "InstitutionRoleConflict")
      .withArgs(operator.address, OPERATOR);
    await expect(asOperator.nominateRoleMember(OPERATOR, operator.address))
      .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
      .withArgs(operator.address, OPERATOR);
    await asOperator.nominateRoleMember(ADMIN, operator.address);
    await asOperator.grantRole(ADMIN, operator.address); // already held: nothing changes
    expect(await ledger.hasRole(ADMIN, operator.address)).to.equal(true);
  });

  describe("initialize", function () {
    async function deployWith(addresses: string[]) {
      const { libraries } = await networkHelpers.loadFixture(fixture);
      const implementation = await (await ethers.getContractFactory("PensionLedger", { libraries })).deploy();
      const data = implementation.interface.encodeFunctionData("initialize", addresses as never);
      const proxy = ethers.getContractFactory("ERC1967Proxy").then((f) => f.deploy(implementation.getAddress(), data));
      return { implementation, proxy };
    }

    it("rejects a zero address, naming the institution", async function () {
      const signers = (await ethers.getSigners()).slice(1, 7).map((s) => s.address);
      const names = ["operator", "bank", "socialSecurity", "taxBureau", "investmentManager", "keeper"];
      for (const [i, name] of names.entries()) {
        const addresses = [...signers];
        addresses[i] = ethers.ZeroAddress;
        const { implementation, proxy } = await deployWith(addresses);
        await expect(proxy).to.be.revertedWithCustomError(implementation, "ZeroValue").withArgs(name);
      }
    });

    it("rejects one address for two institutions", async function () {
      const signers = (await ethers.getSigners()).slice(1, 7).map((s) => s.address);
      const addresses = [...signers];
      addresses[5] = addresses[1]; // keeper = bank
      const { implementation, proxy } = await deployWith(addresses);
      await expect(proxy)
        .to.be.revertedWithCustomError(implementation, "InstitutionRoleConflict")
        .withArgs(addresses[1], ethers.id("BANK_ROLE"));
    });
  });
});
