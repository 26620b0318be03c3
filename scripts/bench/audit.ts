/**
 * `npm run bench:audit`: the audit trail's figures on a real local chain.
 *
 *  1. Starts anvil on a free port of 127.0.0.1 (in memory, base fee 0), provisions the gateway as `npm start` does
 *     (keys, Ignition deployment, credentials) and starts the gateway on a free port.
 *  2. Builds the ledger directly on the chain (the bank's and the investment manager's addresses impersonated,
 *     several hundred transactions per mined block): one member account with 1,000 entries (opening + 999
 *     contributions) and BENCH_OPERATIONS ledger operations in all (default 20,000): account openings, single
 *     contributions and return batches. The gateway's listener indexes them; the audit tables capture each
 *     operation's calldata and block time.
 *  3. Measures over HTTP: the account's history first page (100 entries) — p95 of 200 requests — and its full export
 *     (JSON and CSV, 1,000 entries) — p95 of 20 requests each; and `verifyLedger` over all operations — the median of
 *     3 runs — scaled linearly to 100,000 operations (none with BENCH_OPERATIONS=100000). The load average (the machine
 *     is shared) is recorded at the start, before verifying and at the end. Each verification records the event
 *     loop's longest stall (perf_hooks.monitorEventLoopDelay, max, ms; the gateway runs in this process); a fourth
 *     runs while the history's first page is requested one request after another until it answers (their latency).
 *  4. Writes bench/results/audit.json and prints the figures (the BENCHMARKS.md section quotes them).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { keccak256, toUtf8Bytes } from "ethers";
import { exitOnHelp, freePort, startBenchChain } from "./benchChain.js";
import { provision } from "../../gateway/bootstrap/provision.js";
import { accountIdOf, ledgerInterface } from "../../gateway/chain/ledgerInterface.js";
import { loadConfig } from "../../gateway/config.js";
import { startGateway } from "../../gateway/gateway.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOTAL_OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 20_000);
const ACCOUNT_ENTRIES = 1000;
const TX_PER_BLOCK = 400;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  exitOnHelp(import.meta.url);
  const loadAtStart = os.loadavg().map((l) => round(l, 2));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pension-bench-audit-"));
  const chain = await startBenchChain(["--base-fee", "0", "--gas-limit", "200000000"], dataDir);
  const { rpc, port: chainPort } = chain;

  let stopGateway: (() => Promise<void>) | undefined;
  try {
    const config = loadConfig(
      {
        DATA_DIR: dataDir, CHAIN_PORT: String(chainPort), PORT: String(await freePort()), LOG_LEVEL: "silent", KEYSTORE_SCRYPT_LOG_N: "10",
        INDEX_POLL_MS: "200", SCHEDULER_INTERVAL_MS: "3600000", RATE_LIMIT_PER_MINUTE: "1000000",
      },
      { createSecrets: true },
    );
    const provisioned = await provision(config, path.join(root, "artifacts"));
    const tokens = provisioned.newCredentials!;
    const gateway = await startGateway(config);
    stopGateway = () => gateway.stop();
    const ledger = provisioned.deployment.ledger;
    const bank = provisioned.addresses.bank;
    const investmentManager = provisioned.addresses.investmentManager;
    await rpc([
      { method: "anvil_impersonateAccount", params: [bank] },
      { method: "anvil_impersonateAccount", params: [investmentManager] },
      { method: "evm_setAutomine", params: [false] },
    ]);
    const nonces = new Map<string, number>();
    for (const address of [bank, investmentManager]) {
      const [n] = await rpc([{ method: "eth_getTransactionCount", params: [address, "latest"] }]);
      nonces.set(address, Number(n));
    }
    let pending: { method: string; params: unknown[] }[] = [];
    let operations = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      await rpc(pending);
      await rpc([{ method: "evm_mine", params: [] }]);
      pending = [];
    };
    const send = async (from: string, data: string, gas: number) => {
      const nonce = nonces.get(from)!;
      nonces.set(from, nonce + 1);
      pending.push({ method: "eth_sendTransaction", params: [{ from, to: ledger, data, gas: "0x" + gas.toString(16), gasPrice: "0x0", nonce: "0x" + nonce.toString(16) }] });
      operations++;
      if (pending.length >= TX_PER_BLOCK) await flush();
    };
    const bytes32 = (text: string) => keccak256(toUtf8Bytes(text));
    const [head] = await rpc([{ method: "eth_getBlockByNumber", params: ["latest", false] }]);
    const bookedAt = BigInt(Number((head as { timestamp: string }).timestamp) - 60);

    const built = Date.now();
    // The account with 1,000 entries: its opening and 999 contributions of 1 fen to 999 fen.
    const member = bytes32("bench:member:0");
    await send(bank, ledgerInterface.encodeFunctionData("openPersonalAccount", [member, bytes32("bench:card:0")]), 400_000);
    for (let i = 1; i < ACCOUNT_ENTRIES; i++) {
      await send(bank, ledgerInterface.encodeFunctionData("contribute", [bytes32(`bench:ref:0:${i}`), member, BigInt(i), bookedAt]), 300_000);
    }
    // The rest of the ledger: other members' accounts, contributions and return batches.
    const others: string[] = [];
    const accountIds: string[] = [];
    let n = 0;
    while (operations + 1 < TOTAL_OPERATIONS) {
      n++;
      if (others.length < 2000 && (others.length === 0 || n % 5 === 0)) {
        const m = bytes32(`bench:member:${others.length + 1}`);
        await send(bank, ledgerInterface.encodeFunctionData("openPersonalAccount", [m, bytes32(`bench:card:${others.length + 1}`)]), 400_000);
        others.push(m);
        accountIds.push(accountIdOf(m));
        continue;
      }
      if (n % 100 === 0 && accountIds.length >= 100) {
        const items = accountIds.slice(0, 100).map((accountId, i) => ({ accountId, amount: BigInt(i + 1) }));
        await send(investmentManager, ledgerInterface.encodeFunctionData("creditReturns", [bytes32(`bench:returns:${n}`), items]), 5_000_000);
        continue;
      }
      const target = others[n % others.length]!;
      await send(bank, ledgerInterface.encodeFunctionData("contribute", [bytes32(`bench:ref:${n}`), target, 100n, bookedAt]), 300_000);
    }
    await flush();
    await rpc([{ method: "evm_setAutomine", params: [true] }]);
    const builtSeconds = (Date.now() - built) / 1000;

    // Index everything, then capture the audit tables.
    const indexed = Date.now();
    const [latest] = await rpc([{ method: "eth_blockNumber", params: [] }]);
    while ((gateway.listener.status.indexedBlock ?? 0) < Number(latest)) {
      await gateway.listener.poll();
      await new Promise((r) => setTimeout(r, 50));
    }
    const indexSeconds = (Date.now() - indexed) / 1000;
    const captured = Date.now();
    await gateway.services.audit!.index.sync();
    const captureSeconds = (Date.now() - captured) / 1000;

    const api = async (method: string, p: string) => {
      const started = performance.now();
      const res = await fetch(gateway.url + p, { method, headers: { authorization: `Bearer ${tokens.auditor}` } });
      const body = (await res.json()) as any;
      if (!res.ok) throw new Error(`${p}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return { ms: performance.now() - started, body };
    };
    const accountId = accountIdOf(member).toLowerCase();
    const firstPage = await api("GET", `/v1/audit/accounts/${accountId}/history`);
    if (firstPage.body.entries.length !== 100) throw new Error(`first page has ${firstPage.body.entries.length} entries`);
    const whole = await api("GET", `/v1/audit/exports?format=json&accountId=${accountId}`);
    if (whole.body.entries.length !== ACCOUNT_ENTRIES) throw new Error(`the account has ${whole.body.entries.length} entries, expected ${ACCOUNT_ENTRIES}`);

    const firstPageMs: number[] = [];
    for (let i = 0; i < 200; i++) firstPageMs.push((await api("GET", `/v1/audit/accounts/${accountId}/history`)).ms);
    const exportJsonMs: number[] = [];
    const exportCsvMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      exportJsonMs.push((await api("GET", `/v1/audit/exports?format=json&accountId=${accountId}`)).ms);
      exportCsvMs.push((await api("GET", `/v1/audit/exports?format=csv&accountId=${accountId}`)).ms);
    }
    const loadBeforeVerify = os.loadavg().map((l) => round(l, 2));
    const verifyRuns: { seconds: number; ok: boolean; operations: number; logs: number; rows: number; phasesMs: Record<string, number>; maxStallMs: number }[] = [];
    let concurrent: { requests: number; p50Ms: number; p95Ms: number; maxMs: number; verifySeconds: number; maxStallMs: number } | undefined;
    // Runs 1–3 alone (their median is the verification time); run 4 while the history's first page is requested over
    // and over, one request at a time, until the verification answers. The gateway runs in this process: each run
    // records its event loop's longest stall.
    for (let i = 0; i < 4; i++) {
      const withRequests = i === 3;
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      let verifying = true;
      const verification = api("POST", "/v1/audit/verifications").finally(() => {
        verifying = false;
      });
      const concurrentMs: number[] = [];
      while (withRequests && verifying) {
        // Every request begun while verifying counts, also one answered after the verification (it waited for it).
        concurrentMs.push((await api("GET", `/v1/audit/accounts/${accountId}/history`)).ms);
      }
      const { ms, body } = await verification;
      delay.disable();
      if (!body.ok) throw new Error(`verification did not pass: ${JSON.stringify(body).slice(0, 500)}`);
      if (withRequests) {
        concurrent = {
          requests: concurrentMs.length, p50Ms: round(percentile(concurrentMs, 50)), p95Ms: round(percentile(concurrentMs, 95)), maxMs: round(Math.max(...concurrentMs)),
          verifySeconds: round(ms / 1000, 3), maxStallMs: round(delay.max / 1e6),
        };
        continue;
      }
      verifyRuns.push({ seconds: ms / 1000, ok: body.ok, operations: body.operationCount, logs: body.checked.logs, rows: body.checked.rows, phasesMs: body.phasesMs, maxStallMs: round(delay.max / 1e6) });
    }
    if (!verifyRuns.every((r) => r.ok)) throw new Error(`verification did not pass: ${JSON.stringify(verifyRuns)}`);
    const verifySeconds = percentile(verifyRuns.map((r) => r.seconds), 50);
    const verifiedOperations = verifyRuns[0]!.operations;

    const result = {
      historyP95MsAt1000Entries: round(percentile(firstPageMs, 95)),
      historyFullExportP95MsAt1000Entries: { json: round(percentile(exportJsonMs, 95)), csv: round(percentile(exportCsvMs, 95)) },
      verifySecondsPer100kOperations: round((verifySeconds * 100_000) / verifiedOperations, 2),
      verifyMaxEventLoopStallMs: Math.max(concurrent!.maxStallMs, ...verifyRuns.map((r) => r.maxStallMs)),
      verifyConcurrentHistoryMaxMs: concurrent!.maxMs,
      targets: { historyP95MsAt1000Entries: 100, verifySecondsPer100kOperations: 30, verifyConcurrentRequestMs: 1000 },
      measured: {
        historyFirstPage: { entries: 100, requests: firstPageMs.length, p50Ms: round(percentile(firstPageMs, 50)), p95Ms: round(percentile(firstPageMs, 95)) },
        historyFullExport: { entries: ACCOUNT_ENTRIES, requestsEach: exportJsonMs.length, jsonP50Ms: round(percentile(exportJsonMs, 50)), csvP50Ms: round(percentile(exportCsvMs, 50)) },
        verify: { operations: verifiedOperations, logs: verifyRuns[0]!.logs, indexRowsCompared: verifyRuns[0]!.rows, runs: verifyRuns.map((r) => round(r.seconds, 3)), medianSeconds: round(verifySeconds, 3), phasesMs: verifyRuns.map((r) => r.phasesMs),
          maxEventLoopStallMs: verifyRuns.map((r) => r.maxStallMs), concurrentHistoryFirstPage: concurrent },
        scaling: verifiedOperations === 100_000
          ? "none: verifyLedger measured directly over 100,000 operations"
          : "verifySecondsPer100kOperations = median verify time × 100,000 / operations verified (linear: every step is one pass over the operations, logs and index rows)",
        loadAverage: { atStart: loadAtStart, beforeVerify: loadBeforeVerify, atEnd: os.loadavg().map((l) => round(l, 2)) },
        setup: { buildSeconds: round(builtSeconds), indexSeconds: round(indexSeconds), auditCaptureSeconds: round(captureSeconds), transactionsPerBlock: TX_PER_BLOCK },
        over: "HTTP to the gateway on 127.0.0.1 (auditor credential), anvil in memory on 127.0.0.1, SQLite (node:sqlite) in a temp dir",
      },
      machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, node: process.version },
      date: new Date().toISOString(),
      command: "npm run bench:audit",
      operations: TOTAL_OPERATIONS,
    };
    mkdirSync(path.join(root, "bench", "results"), { recursive: true });
    writeFileSync(path.join(root, "bench", "results", "audit.json"), JSON.stringify(result, null, 2) + "\n");
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await stopGateway?.();
    chain.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
