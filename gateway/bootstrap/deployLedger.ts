/**
 * Deploys the ledger with the Hardhat Ignition module (deploy/PensionLedger.ts) through ignition-core, with
 * its journal under DATA_DIR/ignition, unless the recorded ledger already has code on this chain; then reads
 * every role grant back (deploy/verifyRoles.ts). The deployer is the chain's first unlocked development account;
 * it holds no role afterwards.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { deploy, type Artifact, type ArtifactResolver } from "@nomicfoundation/ignition-core";
import type { JsonRpcProvider } from "ethers";
import { parseEther } from "ethers";
import PensionLedgerModule from "../../deploy/PensionLedger.js";
import { verifyRoles } from "../../deploy/verifyRoles.js";
import { PensionLedger__factory } from "../../types/index.js";
import type { Institution } from "../store/credentials.js";
import { readDeployment, writeDeployment, type DeploymentRecord } from "./deploymentRecord.js";

/** Reads Hardhat's compilation artifacts by contract name. */
export class ArtifactsDirectoryResolver implements ArtifactResolver {
  private readonly files = new Map<string, string>();

  constructor(artifactsDir: string) {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) {
          if (entry !== "build-info") walk(full);
        } else if (entry.endsWith(".json") && !entry.endsWith(".dbg.json") && path.basename(dir).endsWith(".sol")) {
          const name = entry.slice(0, -5);
          if (!this.files.has(name)) this.files.set(name, full);
          const fq = `${path.relative(artifactsDir, dir)}:${name}`;
          this.files.set(fq, full);
        }
      }
    };
    walk(artifactsDir);
  }

  async loadArtifact(contractName: string): Promise<Artifact> {
    const file = this.files.get(contractName);
    if (!file) throw new Error(`No artifact for ${contractName}: run \`npx hardhat build\``);
    return JSON.parse(readFileSync(file, "utf8")) as Artifact;
  }

  async getBuildInfo(): Promise<undefined> {
    return undefined;
  }
}

/** Gives each institution's key gas money from the development account, if it has little. */
export async function fundInstitutions(provider: JsonRpcProvider, addresses: Record<Institution, string>): Promise<void> {
  const funder = await provider.getSigner(0);
  for (const address of Object.values(addresses)) {
    if ((await provider.getBalance(address)) < parseEther("10")) {
      const tx = await funder.sendTransaction({ to: address, value: parseEther("1000") });
      await tx.wait();
    }
  }
}

export interface EnsureDeployedResult {
  record: DeploymentRecord;
  deployed: boolean;
}

export async function ensureLedgerDeployed(options: {
  provider: JsonRpcProvider;
  dataDir: string;
  artifactsDir: string;
  chainId: number;
  addresses: Record<Institution, string>;
  log?: (line: string) => void;
}): Promise<EnsureDeployedResult> {
  const { provider, dataDir, addresses } = options;
  const existing = readDeployment(dataDir);
  if (existing && existing.chainId === options.chainId && (await provider.getCode(existing.ledger)) !== "0x") {
    return { record: existing, deployed: false };
  }
  const ignitionDir = path.join(dataDir, "ignition", `chain-${options.chainId}`);
  if (existing) {
    options.log?.("The recorded ledger has no code on this chain (new chain state): deploying again.");
    if (existsSync(ignitionDir)) rmSync(ignitionDir, { recursive: true, force: true });
  }
  const accounts = (await provider.send("eth_accounts", [])) as string[];
  const eip1193 = { request: ({ method, params }: { method: string; params?: unknown[] | object }) => provider.send(method, (params as unknown[]) ?? []) };
  const parameters = {
    operator: addresses.operator, bank: addresses.bank, socialSecurity: addresses.socialSecurity, taxBureau: addresses.taxBureau,
    investmentManager: addresses.investmentManager, keeper: addresses.keeper,
  };
  const result = await deploy({
    config: { requiredConfirmations: 1 },
    artifactResolver: new ArtifactsDirectoryResolver(options.artifactsDir),
    provider: eip1193 as never,
    deploymentDir: ignitionDir,
    ignitionModule: PensionLedgerModule,
    deploymentParameters: { PensionLedger: parameters },
    accounts,
    defaultSender: accounts[0],
  });
  if (result.type !== "SUCCESSFUL_DEPLOYMENT") {
    throw new Error(`Ignition deployment did not succeed: ${result.type} ${JSON.stringify(result).slice(0, 500)}`);
  }
  // Keyed by the module's return name or by future id ("PensionLedger#PensionLedger"), depending on the version.
  const ledgerContract = result.contracts.ledger ?? Object.values(result.contracts).find((c) => c.id === "PensionLedger#PensionLedger");
  if (!ledgerContract) throw new Error(`Ignition result has no ledger: ${Object.keys(result.contracts).join(", ")}`);
  const ledgerAddress = ledgerContract.address;
  const ledger = PensionLedger__factory.connect(ledgerAddress, provider);
  await verifyRoles(ledger, { ...parameters, noRole: [accounts[0]!] });
  // Index from a block before any of the deployment's transactions.
  const head = await provider.getBlockNumber();
  const proxyCreation = await findCreationBlock(provider, ledgerAddress, head);
  const record: DeploymentRecord = {
    chainId: options.chainId,
    ledger: ledgerAddress,
    deploymentBlock: proxyCreation,
    deployedAt: new Date().toISOString(),
    roles: { ...addresses },
  };
  writeDeployment(dataDir, record);
  return { record, deployed: true };
}

/** The block in which `address` got its code (binary search over getCode). */
async function findCreationBlock(provider: JsonRpcProvider, address: string, head: number): Promise<number> {
  let low = 0;
  let high = head;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if ((await provider.getCode(address, mid)) === "0x") low = mid + 1;
    else high = mid;
  }
  return low;
}
