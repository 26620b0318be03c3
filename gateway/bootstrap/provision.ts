/**
 * Everything a first start creates and later starts reuse, on a running chain: the keystore (one key per
 * institution), their gas money, the ledger deployment (Ignition, roles read back), and the API credentials
 * (returned once, only when newly issued; only hashes are stored).
 */
import type { GatewayConfig } from "../config.js";
import { createProvider } from "../chain/provider.js";
import { openStore } from "../store/index.js";
import type { Institution } from "../store/credentials.js";
import { issueCredentials } from "./credentials.js";
import { ensureLedgerDeployed } from "./deployLedger.js";
import type { DeploymentRecord } from "./deploymentRecord.js";
import { fundInstitutions } from "./deployLedger.js";
import { createKeystore, keystoreExists } from "./keystore.js";

export interface ProvisionResult {
  firstStart: boolean;
  deployed: boolean;
  deployment: DeploymentRecord;
  addresses: Record<Institution, string>;
  /** Only when issued by this call: print them once. */
  newCredentials?: Record<Institution, string>;
}

export async function provision(config: GatewayConfig, artifactsDir: string, log: (line: string) => void = () => {}): Promise<ProvisionResult> {
  const firstStart = !keystoreExists(config.dataDir);
  const addresses = await createKeystore(config.dataDir, config.secrets.keystorePassword, config.keystoreScryptLogN);
  const provider = createProvider(config.chainRpcUrl, config.chainId);
  try {
    await fundInstitutions(provider, addresses);
    const { record, deployed } = await ensureLedgerDeployed({ provider, dataDir: config.dataDir, artifactsDir, chainId: config.chainId, addresses, log });
    const store = openStore(config.dataDir, { pseudonymKey: config.secrets.pseudonymKey, vaultKey: config.secrets.vaultKey });
    try {
      const newCredentials = store.credentials.count() === 0 ? issueCredentials(store.credentials, addresses) : undefined;
      return { firstStart, deployed, deployment: record, addresses, newCredentials };
    } finally {
      store.close();
    }
  } finally {
    provider.destroy();
  }
}
