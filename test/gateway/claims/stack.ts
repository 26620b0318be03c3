/**
 * The real stack for the social-security, claims and tax tests: anvil on a free port of 127.0.0.1 (state in a
 * temp dir), the ledger deployed by the gateway's own provisioning, and the gateway on a free port with a fast
 * index poll. `stop()` stops and removes everything. Helpers open accounts, contribute and settle through the API.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { anvilBinary, startAnvil, type RunningAnvil } from "../../../gateway/bootstrap/anvil.js";
import { provision } from "../../../gateway/bootstrap/provision.js";
import { loadConfig, type GatewayConfig } from "../../../gateway/config.js";
import { residentIdCheckCharacter } from "../../../gateway/domain/residentId.js";
import { startGateway, type RunningGateway } from "../../../gateway/gateway.js";
import type { Institution } from "../../../gateway/store/credentials.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface ApiResponse {
  status: number;
  body: any;
  text: string;
  contentType: string | null;
}

export interface ClaimsStack {
  config: GatewayConfig;
  gateway: RunningGateway;
  tokens: Record<Institution, string>;
  api(institution: Institution, method: string, path: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  /** Waits until the event index has caught up with the chain head. */
  indexed(): Promise<void>;
  /** Every operation in the outbox, and the chain's head block: what a refused request must leave unchanged. */
  footprint(): Promise<{ operations: number; headBlock: number }>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startClaimsStack(): Promise<ClaimsStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pension-claims-"));
  const chainPort = await freePort();
  let anvil: RunningAnvil | undefined;
  let gateway: RunningGateway | undefined;
  try {
    anvil = await startAnvil({ binary: anvilBinary(root), port: chainPort, chainId: 31337, stateFile: path.join(dataDir, "chain", "state.json") });
    const config = loadConfig(
      {
        DATA_DIR: dataDir, CHAIN_PORT: String(chainPort), LOG_LEVEL: "silent", KEYSTORE_SCRYPT_LOG_N: "10", INDEX_POLL_MS: "150",
        SCHEDULER_INTERVAL_MS: "3600000", WAIT_TIMEOUT_MS: "20000",
      },
      { createSecrets: true },
    );
    const provisioned = await provision(config, path.join(root, "artifacts"));
    if (!provisioned.newCredentials) throw new Error("expected fresh credentials");
    gateway = await startGateway(config, { port: 0 });
    const g = gateway;
    const a = anvil;
    const tokens = provisioned.newCredentials;
    return {
      config,
      gateway: g,
      tokens,
      async api(institution, method, p, body, contentType) {
        const type = contentType ?? (body === undefined ? undefined : "application/json");
        const res = await fetch(g.url + p, {
          method,
          headers: { authorization: `Bearer ${tokens[institution]}`, ...(type ? { "content-type": type } : {}) },
          body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        });
        const text = await res.text();
        const json = res.headers.get("content-type")?.includes("json") && text ? JSON.parse(text) : null;
        return { status: res.status, body: json, text, contentType: res.headers.get("content-type") };
      },
      async indexed() {
        const head = await blockNumber(a.url);
        for (let i = 0; i < 200; i++) {
          await g.listener.poll();
          if ((g.listener.status.indexedBlock ?? -1) >= head) return;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error("the index did not catch up");
      },
      async footprint() {
        const counts = g.store.operations.countByState();
        return { operations: counts.pending + counts.submitted + counts.succeeded + counts.failed, headBlock: await blockNumber(a.url) };
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

async function blockNumber(url: string): Promise<number> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) });
  return Number(((await res.json()) as { result: string }).result);
}

/**
 * A valid resident ID number (GB 11643-1999) with the given birth date, gender and serial (1..499): the 17th
 * digit is odd for men and even for women.
 */
export function residentIdOf(birthDate: string, gender: "male" | "female", serial: number): string {
  const sequence = serial * 2 + (gender === "male" ? 1 : 0);
  const body = `110105${birthDate.replaceAll("-", "")}${String(sequence % 1000).padStart(3, "0")}`;
  return body + residentIdCheckCharacter(body);
}

/** Today's date in Asia/Shanghai, YYYY-MM-DD. */
export function cstToday(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Throws with the response when the status is not the expected one; returns the body. */
export function expectStatus(response: ApiResponse, status: number, what: string): any {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${response.text.slice(0, 500)}`);
  return response.body;
}

/** Opens a personal-pension account and credits contributions (fen), waiting for each. Returns the account id. */
export async function openFundedAccount(stack: ClaimsStack, residentId: string, name: string, card: string, amounts: number[]): Promise<string> {
  const open = expectStatus(await stack.api("bank", "POST", "/v1/personal-accounts?wait=true", { residentId, name, bankCard: card }), 200, "open account");
  const bookedAt = new Date(Date.now() - 60_000).toISOString();
  for (const [i, amount] of amounts.entries()) {
    expectStatus(
      await stack.api("bank", "POST", "/v1/contributions?wait=true", { residentId, amount, bookedAt, bankReference: `C-${residentId.slice(-6)}-${card.slice(-4)}-${i}` }),
      200,
      "contribution",
    );
  }
  await stack.indexed();
  return String(open.result.accountId).toLowerCase();
}

/** Runs a settlement (the keeper), waiting for it; returns the operation. */
export async function settle(stack: ClaimsStack, runReference: string): Promise<any> {
  const run = expectStatus(await stack.api("keeper", "POST", "/v1/settlement-runs?wait=true", { runReference }), 200, "settlement");
  await stack.indexed();
  return run;
}
