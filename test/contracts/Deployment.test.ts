import { spawn } from "node:child_process";
import { readFileSync, readdirSync, rmSync, rmdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import PensionLedgerModule from "../../deploy/PensionLedger.js";
import { RoleVerificationError, verifyRoles } from "../../deploy/verifyRoles.js";
import type { PensionLedger } from "../../types/index.js";
import { CHAIN_START, CAP } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, ignition, networkHelpers } = connection;
const EIP170_LIMIT = 24_576;

async function institutions() {
  const [deployer, operator, bank, socialSecurity, taxBureau, investmentManager, keeper, outsider] = await ethers.getSigners();
  return {
    deployer,
    outsider,
    parameters: {
      operator: operator.address,
      bank: bank.address,
      socialSecurity: socialSecurity.address,
      taxBureau: taxBureau.address,
      investmentManager: investmentManager.address,
      keeper: keeper.address,
    },
  };
}

async function deployedFixture() {
  const { deployer, outsider, parameters } = await institutions();
  const deployment = await ignition.deploy(PensionLedgerModule, { parameters: { PensionLedger: parameters } });
  const ledger = (await ethers.getContractAt("PensionLedger", await deployment.ledger.getAddress())) as unknown as PensionLedger;
  return { ledger, deployer, outsider, parameters };
}

describe("PensionLedger deployment", function () {
  describe("Ignition module", function () {
    it("deploys behind an ERC-1967 proxy, initialised with the default parameters as operation 1", async function () {
      const { ledger } = await networkHelpers.loadFixture(deployedFixture);
      expect(await ledger.annualCap(2026)).to.equal(CAP);
      expect((await ledger.auditState())[0]).to.equal(1n);
      const [cap] = await ledger.queryFilter(ledger.filters.AnnualCapSet());
      const [tax] = await ledger.queryFilter(ledger.filters.WithdrawalTaxRateSet());
      const [limits] = await ledger.queryFilter(ledger.filters.EnterpriseLimitsSet());
      expect([cap.args.fromYear, cap.args.capFen]).to.deep.equal([2024n, CAP]);
      expect([tax.args.fromYear, tax.args.rateBps]).to.deep.equal([2024n, 300n]);
      expect([limits.args.fromYear, limits.args.employerBps, limits.args.totalBps]).to.deep.equal([2024n, 800n, 1_200n]);
      const implementationSlot = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
      const implementation = await ethers.provider.getStorage(await ledger.getAddress(), implementationSlot);
      expect(BigInt(implementation)).to.not.equal(0n);
    });

    it("changes nothing when run a second time with the same parameters (on a local anvil node)", async function () {
      this.timeout(120_000);
      const port = await freePort();
      const anvil = spawn("node_modules/.bin/anvil", ["--host", "127.0.0.1", "--port", String(port), "--silent"], {
        stdio: "ignore",
      });
      const deploymentId = `test-idempotence-${process.pid}`;
      try {
        const remote = await network.create({ network: "localhost", override: { url: `http://127.0.0.1:${port}` } });
        await waitForNode(remote.ethers.provider);
        const [, operator, bank, socialSecurity, taxBureau, investmentManager, keeper] = await remote.ethers.getSigners();
        const parameters = {
          PensionLedger: {
            operator: operator.address,
            bank: bank.address,
            socialSecurity: socialSecurity.address,
            taxBureau: taxBureau.address,
            investmentManager: investmentManager.address,
            keeper: keeper.address,
          },
        };
        const options = { parameters, deploymentId, config: { requiredConfirmations: 1 } };
        const first = await remote.ignition.deploy(PensionLedgerModule, options);
        const block = await remote.ethers.provider.getBlockNumber();
        const second = await remote.ignition.deploy(PensionLedgerModule, options);
        expect(await remote.ethers.provider.getBlockNumber()).to.equal(block);
        expect(await second.ledger.getAddress()).to.equal(await first.ledger.getAddress());
        await verifyRoles(second.ledger as never, parameters.PensionLedger);
        await remote.close();
      } finally {
        anvil.kill("SIGTERM");
        rmSync(path.join("ignition", "deployments", deploymentId), { recursive: true, force: true });
        removeIfEmpty(path.join("ignition", "deployments"));
        removeIfEmpty("ignition");
      }
    });

    it("keeps the ledger and every library under the 24,576-byte code size limit", async function () {
      for (const artifact of [
        "PensionLedger.sol/PensionLedger.json",
        "libraries/AccountLogic.sol/AccountLogic.json",
        "libraries/ContributionLogic.sol/ContributionLogic.json",
        "libraries/EligibilityLogic.sol/EligibilityLogic.json",
        "libraries/PayoutLogic.sol/PayoutLogic.json",
        "libraries/ReturnsLogic.sol/ReturnsLogic.json",
        "libraries/ParameterLogic.sol/ParameterLogic.json",
        "libraries/GovernanceLogic.sol/GovernanceLogic.json",
      ]) {
        const { deployedBytecode } = JSON.parse(readFileSync(path.join("artifacts", "contracts", artifact), "utf8"));
        const size = (deployedBytecode.length - 2) / 2;
        expect(size, artifact).to.be.greaterThan(0).and.lessThanOrEqual(EIP170_LIMIT);
      }
    });
  });

  describe("verifyRoles", function () {
    it("passes when each institution holds exactly its role and the deployer none", async function () {
      const { ledger, deployer, parameters } = await networkHelpers.loadFixture(deployedFixture);
      await verifyRoles(ledger as never, { ...parameters, noRole: [deployer.address] });
      expect(await ledger.hasRole(await ledger.DEFAULT_ADMIN_ROLE(), deployer.address)).to.equal(false);
    });

    it("throws naming an extra grant", async function () {
      const { ledger, outsider, parameters } = await networkHelpers.loadFixture(deployedFixture);
      const [, operator] = await ethers.getSigners();
      const keeper = await ethers.getSigner(parameters.keeper);
      await ledger.connect(keeper).nominateRoleMember(await ledger.KEEPER_ROLE(), outsider.address);
      await ledger.connect(operator).grantRole(await ledger.KEEPER_ROLE(), outsider.address);
      const error = await verifyRoles(ledger as never, { ...parameters, noRole: [outsider.address] }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RoleVerificationError);
      expect((error as RoleVerificationError).message).to.equal(
        `role check failed: noRole ${outsider.address.toLowerCase()} holds KEEPER_ROLE, which it must not`,
      );
    });

    it("throws when two institutions share an address", async function () {
      const { ledger, parameters } = await networkHelpers.loadFixture(deployedFixture);
      const error = (await verifyRoles(ledger as never, { ...parameters, keeper: parameters.bank }).catch((e: unknown) => e)) as RoleVerificationError;
      expect(error).to.be.instanceOf(RoleVerificationError);
      expect(error.message).to.equal(
        `role check failed: bank and keeper share ${parameters.bank.toLowerCase()}; each institution needs its own address`,
      );
      expect(error.role).to.equal("KEEPER_ROLE");
    });

    it("throws naming a missing grant", async function () {
      const { ledger, parameters } = await networkHelpers.loadFixture(deployedFixture);
      const [, operator] = await ethers.getSigners();
      await ledger.connect(operator).revokeRole(await ledger.SOCIAL_SECURITY_ROLE(), parameters.socialSecurity);
      const error = (await verifyRoles(ledger as never, parameters).catch((e: unknown) => e)) as RoleVerificationError;
      expect(error.role).to.equal("SOCIAL_SECURITY_ROLE");
      expect(error.account).to.equal(parameters.socialSecurity.toLowerCase());
      expect(error.message).to.contain("lacks SOCIAL_SECURITY_ROLE");
    });
  });
});

/** A TCP port on 127.0.0.1 that is free right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForNode(provider: { getBlockNumber(): Promise<number> }): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await provider.getBlockNumber();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("the local node did not start");
}

/** Removes a folder this test created, unless something else put files in it. */
function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // absent: nothing to do
  }
}
