/**
 * What the gateway benchmarks share: `--help` from the script's own header comment, a free port, and a throw-away
 * anvil on 127.0.0.1 (in memory) with a batched JSON-RPC helper, stopped — with the temp data dir removed — on
 * normal exit, on error, and on Ctrl-C / SIGTERM.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { anvilBinary } from "../../gateway/bootstrap/anvil.js";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Prints the script's header comment and exits when `--help` or `-h` is given. */
export function exitOnHelp(scriptUrl: string): void {
  if (!process.argv.slice(2).some((a) => a === "--help" || a === "-h")) return;
  const source = readFileSync(fileURLToPath(scriptUrl), "utf8");
  const header = /\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? "";
  console.log(header.split("\n").map((l) => l.replace(/^\s*\* ?/, "")).join("\n").trim());
  process.exit(0);
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

export interface BenchChain {
  port: number;
  rpcUrl: string;
  rpc(calls: { method: string; params: unknown[] }[]): Promise<unknown[]>;
  /** Stops anvil and removes `cleanupDir`. */
  stop(): void;
}

/** Starts anvil in memory with `extraArgs` and waits until it answers; Ctrl-C / SIGTERM stop it too. */
export async function startBenchChain(extraArgs: string[], cleanupDir: string): Promise<BenchChain> {
  const port = await freePort();
  const anvil = spawn(anvilBinary(root), ["--host", "127.0.0.1", "--port", String(port), "--chain-id", "31337", ...extraArgs, "--silent"], {
    stdio: "ignore",
  });
  const stop = () => {
    anvil.kill("SIGTERM");
    rmSync(cleanupDir, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  }
  const rpcUrl = `http://127.0.0.1:${port}`;
  let id = 0;
  const rpc = async (calls: { method: string; params: unknown[] }[]): Promise<unknown[]> => {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(calls.map((c) => ({ jsonrpc: "2.0", id: ++id, ...c }))),
    });
    const answers = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[];
    for (const a of answers) if (a.error) throw new Error(`JSON-RPC: ${a.error.message}`);
    return answers.sort((a, b) => a.id - b.id).map((a) => a.result);
  };
  for (let i = 0; ; i++) {
    try {
      await rpc([{ method: "eth_chainId", params: [] }]);
      break;
    } catch {
      if (i > 200) {
        stop();
        throw new Error("anvil did not start");
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { port, rpcUrl, rpc, stop };
}
