/**
 * The embedded chain: anvil (from the @foundry-rs/anvil npm package) bound to 127.0.0.1, keeping its state in a
 * file (dumped every second and on SIGTERM), with a fixed chain id.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface AnvilOptions {
  binary: string;
  port: number;
  chainId: number;
  stateFile: string;
  /** Seconds between state dumps. */
  stateInterval?: number;
  onOutput?: (line: string) => void;
}

export interface RunningAnvil {
  process: ChildProcess;
  url: string;
  /** SIGTERM (anvil dumps its state), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: no final dump (the last periodic dump survives). */
  kill(): Promise<void>;
}

/**
 * The native anvil binary of the platform package, so signals reach anvil itself (SIGTERM → state dump;
 * SIGKILL → a real crash); the node_modules/.bin/anvil wrapper script is the fallback.
 */
export function anvilBinary(projectRoot: string): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const native = path.join(projectRoot, "node_modules", "@foundry-rs", `anvil-${process.platform}-${arch}`, "bin", "anvil");
  return existsSync(native) ? native : path.join(projectRoot, "node_modules", ".bin", "anvil");
}

async function rpcReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

export async function startAnvil(options: AnvilOptions): Promise<RunningAnvil> {
  if (!existsSync(options.binary)) throw new Error(`anvil not found at ${options.binary}: run npm ci`);
  mkdirSync(path.dirname(options.stateFile), { recursive: true });
  const url = `http://127.0.0.1:${options.port}`;
  const pidFile = path.join(path.dirname(options.stateFile), "anvil.pid");
  if (await rpcReady(url)) {
    const earlier = existsSync(pidFile) ? ` (an earlier anvil, pid ${readFileSync(pidFile, "utf8").trim()} from ${pidFile}, may still be running: stop it)` : "";
    throw new Error(`Port ${options.port} on 127.0.0.1 is already serving JSON-RPC${earlier}; or set CHAIN_PORT to a free port`);
  }
  const child = spawn(
    options.binary,
    [
      "--host", "127.0.0.1", "--port", String(options.port), "--chain-id", String(options.chainId),
      "--state", options.stateFile, "--state-interval", String(options.stateInterval ?? 1), "--silent",
    ],
    // Its own process group: a terminal Ctrl-C reaches only us, and we stop the gateway before the chain.
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  writeFileSync(pidFile, `${child.pid}\n`);
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
      output.push(line);
      if (output.length > 50) output.shift();
      options.onOutput?.(line);
    }
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      rmSync(pidFile, { force: true });
      resolve();
    }),
  );
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  const deadline = Date.now() + 30_000;
  while (!(await rpcReady(url))) {
    if (exitedEarly) throw new Error(`anvil exited during start-up:\n${output.join("\n")}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not answer on ${url} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    url,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}
