/**
 * `npm start` end to end (scripts/start.ts): a first start creates everything and prints the credentials once;
 * Ctrl-C (SIGINT) stops the gateway and the chain cleanly; a second start continues with every account and
 * balance intact and prints no new credentials. Random ports, a temp DATA_DIR.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApiClient, freePort, isoNow, newResidentId, projectRoot } from "./harness.js";

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
    const token = /pl_bank_[A-Za-z0-9_-]+/.exec(first)![0];
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
  });
});
