/**
 * The real stack for audit and console tests: anvil on a free port of 127.0.0.1 (state in a temp dir), the ledger
 * deployed by the gateway's own provisioning (Ignition module, roles read back), and the gateway listening on a
 * free port. Everything is stopped and removed by `stop()`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { anvilBinary, startAnvil, type RunningAnvil } from "../../../gateway/bootstrap/anvil.js";
import { provision } from "../../../gateway/bootstrap/provision.js";
import { loadConfig, type GatewayConfig } from "../../../gateway/config.js";
import { startGateway, type RunningGateway } from "../../../gateway/gateway.js";
import type { Institution } from "../../../gateway/store/credentials.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface AuditStack {
  url: string;
  chainUrl: string;
  config: GatewayConfig;
  gateway: RunningGateway;
  tokens: Record<Institution, string>;
  ledgerAddress: string;
  /** Calls the gateway's API as an institution. */
  api(institution: Institution, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Waits until the event index and the audit tables have caught up with the chain head. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startAuditStack(): Promise<AuditStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pension-audit-"));
  const chainPort = await freePort();
  let anvil: RunningAnvil | undefined;
  let gateway: RunningGateway | undefined;
  try {
    anvil = await startAnvil({ binary: anvilBinary(root), port: chainPort, chainId: 31337, stateFile: path.join(dataDir, "chain", "state.json") });
    const config = loadConfig(
      // PORT must be valid here but is not used: startGateway listens on a free port (port: 0).
      { DATA_DIR: dataDir, CHAIN_PORT: String(chainPort), PORT: "18080", LOG_LEVEL: "silent", KEYSTORE_SCRYPT_LOG_N: "10", INDEX_POLL_MS: "200", SCHEDULER_INTERVAL_MS: "3600000" },
      { createSecrets: true },
    );
    const provisioned = await provision(config, path.join(root, "artifacts"));
    if (!provisioned.newCredentials) throw new Error("expected fresh credentials");
    gateway = await startGateway(config, { port: 0 });
    const g = gateway;
    const a = anvil;
    const tokens = provisioned.newCredentials;
    const api: AuditStack["api"] = async (institution, method, p, body) => {
      const res = await fetch(g.url + p, {
        method,
        headers: { authorization: `Bearer ${tokens[institution]}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    return {
      url: g.url,
      chainUrl: a.url,
      config,
      gateway: g,
      tokens,
      ledgerAddress: provisioned.deployment.ledger,
      api,
      async settle() {
        // The head from the node itself (ethers caches getBlockNumber for a moment).
        const res = await fetch(a.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) });
        const head = Number(((await res.json()) as { result: string }).result);
        for (let i = 0; i < 100; i++) {
          await g.listener.poll();
          if ((g.listener.status.indexedBlock ?? -1) >= head) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await g.services.audit!.index.sync();
      },
      async stop() {
        await g.stop();
        await a.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await gateway?.stop();
    await anvil?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A valid resident ID number (GB 11643-1999) born 1960-01-01 (so a retiree), with serial `n`. */
export function residentIdFor(n: number): string {
  const body = `110105${"19600101"}${String(n % 1000).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return body + "10X98765432"[sum % 11]!;
}

/**
 * A small history: two personal-pension accounts; A gets three contributions, a return, an attested retirement,
 * a lump-sum payout plan and one settled payout with 3 % tax; B gets one contribution.
 */
export async function seedHistory(stack: AuditStack): Promise<{ accountA: string; accountB: string; idA: string; idB: string; pseudonymA: string }> {
  const ok = (r: { status: number; body: any }, what: string) => {
    if (r.status !== 200 && r.status !== 201) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.body?.state && r.body.state !== "succeeded") throw new Error(`${what}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const idA = residentIdFor(1);
  const idB = residentIdFor(2);
  const openA = ok(await stack.api("bank", "POST", "/v1/personal-accounts?wait=true", { residentId: idA, name: "张三", bankCard: "6222020200112233445" }), "open A");
  const openB = ok(await stack.api("bank", "POST", "/v1/personal-accounts?wait=true", { residentId: idB, name: "李四", bankCard: "6222020200112233446" }), "open B");
  const accountA = String(openA.result.accountId).toLowerCase();
  const accountB = String(openB.result.accountId).toLowerCase();
  const bookedAt = new Date(Date.now() - 120_000).toISOString();
  for (const [i, amount] of [100_000, 250_050, 1].entries()) {
    ok(await stack.api("bank", "POST", "/v1/contributions?wait=true", { residentId: idA, amount, bookedAt, bankReference: `AUDIT-A-${i}` }), `contribution A${i}`);
  }
  ok(await stack.api("bank", "POST", "/v1/contributions?wait=true", { residentId: idB, amount: 50_000, bookedAt, bankReference: "AUDIT-B-0" }), "contribution B");
  ok(await stack.api("investmentManager", "POST", "/v1/return-batches?wait=true", { batchReference: "RET-2026-12", items: [{ accountId: accountA, amount: 1234 }] }), "returns");
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  ok(await stack.api("socialSecurity", "POST", "/v1/eligibility?wait=true", { residentId: idA, qualifyingEvent: "Retirement", effectiveDate: today, evidenceReference: "SS-CERT-0001" }), "eligibility");
  ok(await stack.api("bank", "POST", `/v1/accounts/${accountA}/payout-plan?wait=true`, { qualifyingEvent: "Retirement", mode: "LumpSum" }), "payout plan");
  // The settlement lists the accounts paying out from the index: let it see the payout plan first.
  await stack.settle();
  ok(await stack.api("keeper", "POST", "/v1/settlement-runs?wait=true", { runReference: "AUDIT-RUN-1" }), "settlement");
  await stack.settle();
  const pseudonymA = String(stack.gateway.store.members.pseudonymOf(idA));
  return { accountA, accountB, idA, idB, pseudonymA };
}
