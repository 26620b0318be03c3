/**
 * `npm start`: the whole embedded stack in one command.
 *  1. builds the contracts if artifacts/ or types/ are missing (fresh clone);
 *  2. starts anvil on 127.0.0.1:CHAIN_PORT with its state in DATA_DIR/chain/state.json;
 *  3. first start: creates DATA_DIR, the secrets, one signing key per institution (encrypted keystore) and one API
 *     credential per institution, shown once (printed on a terminal; otherwise written to
 *     DATA_DIR/initial-credentials.txt, mode 0600, so no token lands in a captured log); deploys the ledger with the Ignition module and reads the roles
 *     back; later starts reuse all of it (the ledger is redeployed only if this chain lacks its code);
 *  4. starts the gateway and prints its URLs.
 * Ctrl-C / SIGTERM stops the gateway, then anvil (which dumps its state), so the next start continues intact.
 * An anvil orphaned by a SIGKILLed start is found by DATA_DIR/chain/anvil.pid and stopped cleanly by the next start.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { anvilBinary, startAnvil, type RunningAnvil } from "../gateway/bootstrap/anvil.js";
import { CONFIG_HELP, ConfigError, loadConfig } from "../gateway/config.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function printHelp(): void {
  const lines = [
    "用法 / Usage: npm start [-- --help]",
    "",
    "启动本地链（状态保存在 DATA_DIR/chain）、部署合约（如尚未部署）并启动网关。",
    "Starts the local chain (state kept in DATA_DIR/chain), deploys the contracts if this chain lacks them, and starts the gateway.",
    "首次启动会为每个机构生成签名密钥和 API 凭证（只显示一次）。/ The first start creates one signing key and one API credential per institution (shown once).",
    "",
    "配置（环境变量或 CONFIG_FILE 指向的 JSON 文件）/ Settings (environment, or a JSON file named by CONFIG_FILE):",
    ...CONFIG_HELP.map(([name, text]) => `  ${name.padEnd(26)} ${text}`),
  ];
  console.log(lines.join("\n"));
}

function ensureBuilt(): void {
  const artifact = path.join(root, "artifacts", "contracts", "PensionLedger.sol", "PensionLedger.json");
  const types = path.join(root, "types", "index.ts");
  if (existsSync(artifact) && existsSync(types)) return;
  console.log("编译合约 / Building the contracts (hardhat build)…");
  const result = spawnSync(path.join(root, "node_modules", ".bin", "hardhat"), ["build", "--quiet"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error("hardhat build failed");
}

/**
 * The credentials issued by the first start. On a terminal they are printed (once); otherwise (stdout captured
 * by a log, a service manager, a pipe) they go to DATA_DIR/initial-credentials.txt (mode 0600) and only that
 * path is printed, so no token lands in a log file.
 */
export function deliverCredentials(credentials: Record<string, string>, dataDir: string, isTty: boolean, print: (line: string) => void): string | undefined {
  if (isTty) {
    print("\n=== API 凭证（仅显示这一次，请妥善保存）/ API credentials (shown ONCE — store them now) ===");
    for (const [institution, token] of Object.entries(credentials)) print(`  ${institution.padEnd(18)} ${token}`);
    print("=== 仅保存了凭证的哈希 / Only their hashes are stored ===\n");
    return undefined;
  }
  const file = path.join(dataDir, "initial-credentials.txt");
  const lines = [
    "# pension-ledger: API credentials issued by the first start (only their hashes are stored by the gateway).",
    "# 请将其转移到安全的位置后删除本文件 / Move them to a safe place, then delete this file.",
    ...Object.entries(credentials).map(([institution, token]) => `${institution}=${token}`),
  ];
  writeFileSync(file, lines.join("\n") + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  print(`\n首次启动签发的 API 凭证已写入 / The API credentials issued by this first start were written to: ${file} (mode 0600)`);
  print("请立即将其转移到安全的位置并删除该文件 / Move them to a safe place now and delete that file.\n");
  return file;
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    printHelp();
    return;
  }
  let config;
  try {
    config = loadConfig(process.env, { createSecrets: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`配置错误 / Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  ensureBuilt();
  // Imported after the build: these modules use the generated contract types.
  const { provision } = await import("../gateway/bootstrap/provision.js");
  const { startGateway } = await import("../gateway/gateway.js");

  let anvil: RunningAnvil | undefined;
  let stopping = false;
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n收到 ${signal}，正在停止… / ${signal} received, stopping…`);
    await gateway?.stop().catch(() => undefined);
    await anvil?.stop().catch(() => undefined);
    console.log(anvil ? "已停止，链状态已保存。/ Stopped; chain state saved." : "已停止（外部链节点未受影响）。/ Stopped (the external chain node was left running).");
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGHUP", () => void shutdown("SIGHUP"));
  // Any other way out this process can see (an uncaught error, process.exit): anvil goes with it (SIGTERM, so it
  // dumps its state). A SIGKILL of this process cannot be seen: the next start finds the orphan by its pid file
  // (DATA_DIR/chain/anvil.pid) and stops it before starting its own.
  process.on("exit", () => {
    const child = anvil?.process;
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });
  process.once("uncaughtException", (error) => {
    console.error(`意外错误 / Unexpected error: ${error.message}`);
    process.exit(1);
  });

  try {
    const stateFile = path.join(config.dataDir, "chain", "state.json");
    const ownChain = !process.env.CHAIN_RPC_URL;
    if (ownChain) {
      console.log(`启动本地链 / Starting the local chain on 127.0.0.1:${config.chainPort} (state: ${stateFile})`);
      anvil = await startAnvil({ binary: anvilBinary(root), port: config.chainPort, chainId: config.chainId, stateFile, onOutput: (line) => {
        if (line.startsWith("stopped an earlier anvil")) console.log(`已停止上次遗留的本地链 / ${line}`);
      } });
    }
    const result = await provision(config, path.join(root, "artifacts"), (line) => console.log(line));
    console.log(
      result.deployed
        ? `已部署账本合约 / Ledger deployed at ${result.deployment.ledger} (roles verified)`
        : `沿用已部署的账本合约 / Reusing the ledger at ${result.deployment.ledger}`,
    );
    if (result.newCredentials) deliverCredentials(result.newCredentials, config.dataDir, process.stdout.isTTY === true, (line) => console.log(line));
    gateway = await startGateway(config);
    const url = gateway.url;
    console.log(
      [
        "",
        "养老金账本网关已启动 / Pension ledger gateway is running",
        `  接口 API:            ${url}/v1`,
        `  接口文档 Docs:       ${url}/docs   (OpenAPI: ${url}/openapi.json)`,
        `  健康检查 Health:     ${url}/healthz`,
        `  指标 Metrics:        ${url}/metrics`,
        `  数据目录 Data:       ${config.dataDir}`,
        "按 Ctrl-C 停止 / Press Ctrl-C to stop",
        "",
      ].join("\n"),
    );
  } catch (error) {
    const message = error instanceof ConfigError ? `配置错误 / Configuration error: ${error.message}` : `启动失败 / Start failed: ${(error as Error).message}`;
    console.error(message);
    await gateway?.stop().catch(() => undefined);
    await anvil?.stop().catch(() => undefined);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
