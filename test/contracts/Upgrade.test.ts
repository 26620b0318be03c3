import { expect } from "chai";
import type { Result } from "ethers";
import { network } from "hardhat";
import { CHAIN_START, Event, Mode, cst, deployLedger, latest, member, openAccount, ref, payroll } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;

async function busyLedgerFixture() {
  await networkHelpers.time.increaseTo(Math.max(cst(2026, 12, 3, 10), (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const accounts: string[] = [];
  for (let i = 0; i < 4; i++) {
    const [m, id] = await openAccount(l, i);
    await l.asBank.contribute(ref(ethers, `c-${i}`), m, 100_000n * BigInt(i + 1), (await latest(ethers)) - 1);
    accounts.push(id);
  }
  const plan = ref(ethers, "plan");
  const worker = member(ethers, "worker");
  await l.asOperator.createPlan(plan, ref(ethers, "employer"), [5_000, 10_000]);
  await l.asBank.enrolMember(plan, worker, cst(2026, 1, 1));
  await payroll(l.asBank, ref(ethers, "payroll"), plan, 202612, [
    { member: worker, wageBase: 100_000n, employerAmount: 8_000n, employeeAmount: 4_000n },
  ]);
  await l.asBank.recordLeaving(plan, worker, (await latest(ethers)) - 1);
  accounts.push(await l.ledger.accountIdOf(worker, plan));
  await l.asInvestment.creditReturns(ref(ethers, "returns"), accounts.map((accountId) => ({ accountId, amount: 321n })));
  await l.asBureau.recordEligibility(member(ethers, 0), Event.Retirement, (await latest(ethers)) - 1, ref(ethers, "e"));
  await l.asBank.startPayout(accounts[0], Event.Retirement, Mode.Monthly, 12n);
  await l.asKeeper.settlePayouts(ref(ethers, "run"), [accounts[0]]);
  return { ...l, accounts, plan };
}

/** A struct returned by a view as a plain object (named fields), for deep comparison. */
const plain = (value: unknown): Record<string, unknown> => (value as Result).toObject(true);

describe("PensionLedger upgrade", function () {
  it("upgrades the logic through the proxy and finds every balance, total and the running hash unchanged", async function () {
    const { ledger, asOperator, libraries, accounts, plan } = await networkHelpers.loadFixture(busyLedgerFixture);
    const snapshotOf = async () => ({
      accounts: await Promise.all(accounts.map((id) => ledger.getAccount(id).then(plain))),
      totals: plain(await ledger.systemTotals()),
      pool: await ledger.forfeitureBalance(plan),
      year: await ledger.contributionsInYear(member(ethers, 1), 2026),
      root: await ledger.settlementRoot(1n),
    });
    const before = await snapshotOf();

    const v2 = await (await ethers.getContractFactory("PensionLedgerV2", { libraries })).deploy();
    const readyAt = (await latest(ethers)) + 1 + 2 * 86_400;
    await expect(asOperator.scheduleUpgrade(await v2.getAddress()))
      .to.emit(ledger, "UpgradeScheduled")
      .withArgs(await v2.getAddress(), readyAt);
    await networkHelpers.time.increaseTo(readyAt);
    const [count, hash] = await ledger.auditState();
    const upgrade = asOperator.upgradeToAndCall(await v2.getAddress(), "0x");
    await expect(upgrade).to.emit(ledger, "Upgraded").withArgs(await v2.getAddress());

    const upgraded = await ethers.getContractAt("PensionLedgerV2", await ledger.getAddress());
    expect(await upgraded.version()).to.equal(2n);
    expect(await snapshotOf()).to.deep.equal(before);
    // The upgrade itself is one more ledger operation, chained on the unchanged hash.
    const data = ledger.interface.encodeFunctionData("upgradeToAndCall", [await v2.getAddress(), "0x"]);
    const expected = ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(
        ["bytes32", "uint256", "bytes4", "bytes32"],
        [hash, count + 1n, data.slice(0, 10), ethers.keccak256(data)],
      ),
    );
    expect(await upgraded.auditState()).to.deep.equal([count + 1n, expected]);
    // The schedule is used up.
    expect(await upgraded.scheduledUpgrade()).to.deep.equal([ethers.ZeroAddress, 0n]);
  });

  it("refuses an upgrade that was not scheduled, to another implementation, or before the 2-day delay", async function () {
    const { ledger, asOperator, libraries } = await networkHelpers.loadFixture(busyLedgerFixture);
    const factory = await ethers.getContractFactory("PensionLedgerV2", { libraries });
    const v2 = await (await factory.deploy()).getAddress();
    const other = await (await factory.deploy()).getAddress();
    await expect(asOperator.upgradeToAndCall(v2, "0x"))
      .to.be.revertedWithCustomError(ledger, "UpgradeNotScheduled")
      .withArgs(v2, ethers.ZeroAddress);
    await asOperator.scheduleUpgrade(v2);
    const [, readyAt] = await ledger.scheduledUpgrade();
    expect(await ledger.UPGRADE_DELAY()).to.equal(2n * 86_400n);
    await expect(asOperator.upgradeToAndCall(other, "0x"))
      .to.be.revertedWithCustomError(ledger, "UpgradeNotScheduled")
      .withArgs(other, v2);
    // One second before the delay has passed: refused; at readyAt: accepted.
    await networkHelpers.time.setNextBlockTimestamp(readyAt - 1n);
    await expect(asOperator.upgradeToAndCall(v2, "0x"))
      .to.be.revertedWithCustomError(ledger, "UpgradeNotReady")
      .withArgs(v2, readyAt, readyAt - 1n);
    await networkHelpers.time.setNextBlockTimestamp(readyAt);
    await expect(asOperator.upgradeToAndCall(v2, "0x")).to.emit(ledger, "Upgraded").withArgs(v2);
    await expect(asOperator.scheduleUpgrade(ethers.ZeroAddress))
      .to.be.revertedWithCustomError(ledger, "ZeroValue")
      .withArgs("implementation");
  });

  it("lets only the operator schedule an upgrade", async function () {
    const { ledger, bank, libraries } = await networkHelpers.loadFixture(busyLedgerFixture);
    const v2 = await (await ethers.getContractFactory("PensionLedgerV2", { libraries })).deploy();
    await expect(ledger.connect(bank).scheduleUpgrade(await v2.getAddress()))
      .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
      .withArgs(bank.address, await ledger.OPERATOR_ROLE());
  });

  it("refuses an upgrade from anyone but the operator", async function () {
    const { ledger, bank, libraries } = await networkHelpers.loadFixture(busyLedgerFixture);
    const v2 = await (await ethers.getContractFactory("PensionLedgerV2", { libraries })).deploy();
    await expect(ledger.connect(bank).upgradeToAndCall(await v2.getAddress(), "0x"))
      .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
      .withArgs(bank.address, await ledger.OPERATOR_ROLE());
  });
});
