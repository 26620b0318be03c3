/**
 * `npm start` end to end (scripts/start.ts): a first start creates everything and prints the credentials once;
 * Ctrl-C (SIGINT) stops the gateway and the chain cleanly; a second start continues with every account and
 * balance intact and prints no new credentials. Random ports, a temp DATA_DIR.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApiClient, createTestStack, freePort, isoNow, newResidentId, projectRoot } from "./harness.js";

interface StartedStack {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The environment of this process without CHAIN_RPC_URL (so start.ts runs its own chain), plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { CHAIN_RPC_URL: _ignored, ...rest } = process.env;
  void _ignored;
  return { ...rest, ...env };
}

async function npmStart(env: Record<string, string>): Promise<StartedStack> {
  const child = spawn(process.execPath, ["--import", "tsx", "--no-warnings=ExperimentalWarning", path.join(projectRoot, "scripts", "start.ts")], {
    cwd: projectRoot,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 150_000;
  while (!output.includes("Press Ctrl-C to stop")) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`npm start did not come up:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output, exited };
}

describe("npm start (scripts/start.ts)", function () {
  this.timeout(300_000);
  let dataDir: string;
  let env: Record<string, string>;
  let running: StartedStack | undefined;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "pension-start-"));
    env = {
      DATA_DIR: dataDir, CHAIN_PORT: String(await freePort()), PORT: String(await freePort()), KEYSTORE_SCRYPT_LOG_N: "10", LOG_LEVEL: "warn",
    };
  });
  after(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill("SIGINT");
      await running.exited;
    }
    // An anvil orphaned by a failed test (its start process SIGKILLed): stop it by its pid file.
    const pidFile = path.join(dataDir, "chain", "anvil.pid");
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dataDir)) process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers --help with the settings, in Chinese and English", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts", "start.ts"), "--help"], { cwd: projectRoot });
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).to.equal(0);
    expect(out).to.contain("用法 / Usage");
    expect(out).to.contain("CHAIN_PORT");
  });

  it("stops with a message naming a bad setting", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts", "start.ts")], {
      cwd: projectRoot, env: childEnv({ ...env, PORT: "not-a-port" }),
    });
    let err = "";
    child.stderr!.on("data", (c: Buffer) => (err += c.toString("utf8")));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).to.equal(2);
    expect(err).to.match(/Configuration error: PORT:/);
  });

  it("starts everything, survives Ctrl-C and continues intact on the second start", async () => {
    running = await npmStart(env);
    const first = running.output();
    const gatewayUrl = `http://127.0.0.1:${env.PORT}`;
    expect(first).to.contain(`${gatewayUrl}/docs`);
    expect(first).to.contain(`${gatewayUrl}/healthz`);
    expect(first).to.contain("接口 API");
    // stdout is a pipe here, not a terminal: the credentials go to a 0600 file, never to the captured output.
    const credentialsFile = path.join(dataDir, "initial-credentials.txt");
    expect(first).to.not.match(/pl_[a-zA-Z]+_[A-Za-z0-9_-]{20,}/);
    expect(first).to.contain(credentialsFile);
    expect(statSync(credentialsFile).mode & 0o777).to.equal(0o600);
    const token = /^bank=(pl_bank_[A-Za-z0-9_-]+)$/m.exec(readFileSync(credentialsFile, "utf8"))![1]!;
    expect(statSync(path.join(dataDir, "secrets.json")).mode & 0o777).to.equal(0o600);
    expect(existsSync(path.join(dataDir, "deployment.json"))).to.equal(true);

    const bank = new ApiClient(gatewayUrl, token);
    const residentId = newResidentId();
    const opened = await bank.post("/v1/personal-accounts?wait=true", { residentId, name: "重启", bankCard: "6222020200112233445" });
    expect(opened.status).to.equal(200);
    const accountId = opened.body.result.accountId as string;
    expect((await bank.post("/v1/contributions?wait=true", { residentId, amount: 2468, bookedAt: isoNow(-60), bankReference: `START-${residentId}` })).status).to.equal(200);

    running.child.kill("SIGINT");
    expect(await running.exited).to.equal(0);
    expect(running.output()).to.contain("Stopped; chain state saved.");

    running = await npmStart(env);
    const second = running.output();
    expect(second).to.contain("Reusing the ledger");
    expect(second).to.not.match(/pl_bank_/);
    const account = await bank.get(`/v1/accounts/${accountId}`);
    expect(account.status).to.equal(200);
    expect(account.body.balances.balance).to.equal("2468");
    const op = await bank.get(`/v1/operations/${opened.body.operationId}`);
    expect(op.body.state).to.equal("succeeded");
    lastState = { token, accountId };
  });

  let lastState: { token: string; accountId: string } | undefined;

  it("comes up again with its state intact after the start process was SIGKILLed (its anvil orphaned)", async () => {
    expect(lastState, "the previous test left a running stack").to.not.equal(undefined);
    const pidFile = path.join(dataDir, "chain", "anvil.pid");
    const orphanPid = Number(readFileSync(pidFile, "utf8").trim());
    const gatewayUrl = `http://127.0.0.1:${env.PORT}`;
    const bank = new ApiClient(gatewayUrl, lastState!.token);
    running!.child.kill("SIGKILL");
    await running!.exited;
    // The orphan still runs on our state file…
    expect(readFileSync(`/proc/${orphanPid}/cmdline`, "utf8")).to.contain(path.join(dataDir, "chain", "state.json"));

    running = await npmStart(env);
    const third = running.output();
    expect(third).to.contain(`stopped an earlier anvil (pid ${orphanPid})`);
    expect(third).to.contain("Reusing the ledger");
    let orphanGone = false;
    try {
      orphanGone = !readFileSync(`/proc/${orphanPid}/cmdline`, "utf8").includes("anvil");
    } catch {
      orphanGone = true;
    }
    expect(orphanGone).to.equal(true);
    const account = await bank.get(`/v1/accounts/${lastState!.accountId}`);
    expect(account.status).to.equal(200);
    expect(account.body.balances.balance).to.equal("2468");
    running.child.kill("SIGINT");
    expect(await running.exited).to.equal(0);
    expect(running.output()).to.contain("Stopped; chain state saved.");
  });

  it("with CHAIN_RPC_URL (an external node) stops without claiming to have saved the chain, and leaves the node running", async () => {
    const stack = await createTestStack();
    try {
      const external = await npmStart({ ...stack.env, PORT: String(await freePort()), LOG_LEVEL: "warn" });
      expect(external.output()).to.not.contain("Starting the local chain");
      external.child.kill("SIGINT");
      expect(await external.exited).to.equal(0);
      expect(external.output()).to.not.contain("chain state saved");
      expect(external.output()).to.contain("the external chain node was left running");
      const res = await fetch(stack.env.CHAIN_RPC_URL!, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      expect(res.status).to.equal(200);
    } finally {
      await stack.destroy();
    }
  });
});
