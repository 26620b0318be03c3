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

/** The pid file of the anvil that keeps its state in `stateFile`: DATA_DIR/chain/anvil.pid. */
export function anvilPidFile(stateFile: string): string {
  return path.join(path.dirname(stateFile), "anvil.pid");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when `pid` is an anvil running on `stateFile` (Linux: /proc/<pid>/cmdline). */
export function isOurAnvil(pid: number, stateFile: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return args.some((a) => path.basename(a) === "anvil" || a.endsWith("/anvil")) && args.includes(path.resolve(stateFile));
  } catch {
    return false;
  }
}

/**
 * An anvil left running on our state file by a start that died without stopping it (kill -9 of `npm start`):
 * stopped cleanly (SIGTERM, so it dumps its state; SIGKILL only after `graceMs`), and its pid file removed.
 * Returns the pid stopped, or undefined when there was none. Any other process is left alone.
 */
export async function stopOrphanedAnvil(stateFile: string, graceMs = 15_000): Promise<number | undefined> {
  const pidFile = anvilPidFile(stateFile);
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid) || !isOurAnvil(pid, stateFile)) {
    rmSync(pidFile, { force: true });
    return undefined;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive(pid) && isOurAnvil(pid, stateFile)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 200));
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(pidFile, { force: true });
  return pid;
}

export async function startAnvil(options: AnvilOptions): Promise<RunningAnvil> {
  if (!existsSync(options.binary)) throw new Error(`anvil not found at ${options.binary}: run npm ci`);
  mkdirSync(path.dirname(options.stateFile), { recursive: true, mode: 0o700 });
  const stateFile = path.resolve(options.stateFile);
  const url = `http://127.0.0.1:${options.port}`;
  const pidFile = anvilPidFile(stateFile);
  const orphan = await stopOrphanedAnvil(stateFile);
  if (orphan !== undefined) options.onOutput?.(`stopped an earlier anvil (pid ${orphan}) left running on ${stateFile}`);
  if (await rpcReady(url)) {
    // Not ours (or not on our state file): never start a second anvil beside it on the same state.
    throw new Error(
      `Port ${options.port} on 127.0.0.1 is already serving JSON-RPC, and it is not the anvil of ${stateFile} (pid file ${pidFile}); stop that process first`,
    );
  }
  const child = spawn(
    options.binary,
    [
      "--host", "127.0.0.1", "--port", String(options.port), "--chain-id", String(options.chainId),
      "--state", stateFile, "--state-interval", String(options.stateInterval ?? 1), "--silent",
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
