/** DATA_DIR/deployment.json: where the ledger is on this chain. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface DeploymentRecord {
  chainId: number;
  /** The ledger's address (the proxy). */
  ledger: string;
  /** First block to index. */
  deploymentBlock: number;
  deployedAt: string;
  roles: Record<string, string>;
}

export function deploymentFile(dataDir: string): string {
  return path.join(dataDir, "deployment.json");
}

export function readDeployment(dataDir: string): DeploymentRecord | undefined {
  const file = deploymentFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord) : undefined;
}

export function writeDeployment(dataDir: string, record: DeploymentRecord): void {
  writeFileSync(deploymentFile(dataDir), JSON.stringify(record, null, 2) + "\n");
}
