/**
 * Shared test harness for the gateway: a real anvil on a random free port with its state in a temp dir, the
 * ledger deployed with the Ignition module, a real SQLite file, and the gateway either in-process or as a child
 * process (for crash tests). Everything binds 127.0.0.1 and is torn down by the caller.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { anvilBinary, startAnvil, type RunningAnvil } from "../../gateway/bootstrap/anvil.js";
import { provision } from "../../gateway/bootstrap/provision.js";
import { loadConfig, type GatewayConfig } from "../../gateway/config.js";
import { residentIdCheckCharacter } from "../../gateway/domain/residentId.js";
import { startGateway, type GatewayOptions, type RunningGateway } from "../../gateway/gateway.js";
import { createLogger } from "../../gateway/logger.js";
import type { Institution } from "../../gateway/store/credentials.js";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestStack {
  dataDir: string;
  chainPort: number;
  anvil: RunningAnvil;
  env: Record<string, string>;
  config: GatewayConfig;
  tokens: Record<Institution, string>;
  ledger: string;
  /** Restart anvil on the same port and state file (after stop() or kill()). */
  restartChain(): Promise<void>;
  /** Stops the chain and deletes the temp dir. */
  destroy(): Promise<void>;
}

/** A fresh chain with the ledger deployed and credentials issued, in a new temp DATA_DIR. */
export async function createTestStack(extraEnv: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pension-gw-test-"));
  const chainPort = await freePort();
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    CHAIN_PORT: String(chainPort),
    CHAIN_RPC_URL: `http://127.0.0.1:${chainPort}`,
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    INDEX_POLL_MS: "200",
    KEYSTORE_SCRYPT_LOG_N: "10",
    WAIT_TIMEOUT_MS: "30000",
    ...extraEnv,
  };
  const config = loadConfig(env, { createSecrets: true });
  const stateFile = path.join(dataDir, "chain", "state.json");
  const launch = () => startAnvil({ binary: anvilBinary(projectRoot), port: chainPort, chainId: config.chainId, stateFile });
  const stack: TestStack = {
    dataDir, chainPort, env, config, anvil: await launch(), tokens: {} as Record<Institution, string>, ledger: "",
    async restartChain() {
      stack.anvil = await launch();
    },
    async destroy() {
      await stack.anvil.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    const result = await provision(config, path.join(projectRoot, "artifacts"));
    stack.tokens = result.newCredentials!;
    stack.ledger = result.deployment.ledger;
  } catch (error) {
    await stack.destroy();
    throw error;
  }
  return stack;
}

/** The gateway in this process, on a free port. */
export async function startInProcessGateway(stack: TestStack, options: GatewayOptions = {}): Promise<RunningGateway> {
  return startGateway(stack.config, { port: 0, logger: createLogger("silent"), ...options });
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited (with its signal, if killed). */
  exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** The gateway as a child process (`node --import tsx gateway/index.ts`), for crash tests. */
export async function spawnGateway(stack: TestStack, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const port = await freePort();
  // Node itself (with the tsx loader), so a SIGKILL hits the gateway process and nothing in between.
  const child = spawn(process.execPath, ["--import", "tsx", "--no-warnings=ExperimentalWarning", path.join(projectRoot, "gateway", "index.ts")], {
    cwd: projectRoot,
    env: { ...process.env, ...stack.env, PORT: String(port), LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString("utf8")));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`gateway exited during start-up:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200 || res.status === 503) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`gateway did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url, child, exited,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client for one credential. */
export class ApiClient {
  constructor(readonly baseUrl: string, readonly token?: string) {}

  async request<T = any>(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${urlPath}`, {
      method,
      headers: {
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(urlPath: string, headers?: Record<string, string>) {
    return this.request<T>("GET", urlPath, undefined, headers);
  }

  post<T = any>(urlPath: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", urlPath, body, headers);
  }

  delete<T = any>(urlPath: string, headers?: Record<string, string>) {
    return this.request<T>("DELETE", urlPath, undefined, headers);
  }

  /** Polls getOperation until the operation is succeeded or failed. */
  async waitForOperation(operationId: string, timeoutMs = 60_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.get(`/v1/operations/${operationId}`);
      if (res.status === 200 && (res.body.state === "succeeded" || res.body.state === "failed")) return res.body;
      if (Date.now() > deadline) throw new Error(`operation ${operationId} not final: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

let residentSequence = 0;
/**
 * A valid resident ID number (GB 11643-1999) that no other call in this process returns: region 110105, a birth
 * date stepping one day per call from a per-process start in 1960–1998, and the computed check character.
 */
export function newResidentId(options: { birthDate?: string; female?: boolean } = {}): string {
  residentSequence++;
  const day = new Date(Date.UTC(1960, 0, 1) + (((process.pid * 37) % 7000) + residentSequence) * 86_400_000);
  const birth = options.birthDate?.replaceAll("-", "") ?? day.toISOString().slice(0, 10).replaceAll("-", "");
  const order = String(((residentSequence % 499) * 2 + (options.female ? 0 : 1)) % 1000).padStart(3, "0");
  const first17 = `110105${birth}${order}`;
  return first17 + residentIdCheckCharacter(first17);
}

export function isoNow(offsetSeconds = 0): string {
  return new Date(Date.now() + offsetSeconds * 1000).toISOString();
}
