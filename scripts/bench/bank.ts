/**
 * `npm run bench:bank`: the bank adapter's throughput on a real local chain.
 *
 *  1. Starts anvil on a free port of 127.0.0.1 (in memory, base fee 0, default 30M block gas limit), provisions the
 *     gateway as `npm start` does and starts it in-process (SQLite in a temp dir).
 *  2. Setup, not measured: BENCH_MEMBERS (default 10,000) members in the gateway's vault with pension references
 *     and bound cards, their personal-pension accounts and their enrolment in one enterprise-annuity plan written
 *     directly on chain (the bank's address impersonated, 100 transactions per mined block), then indexed.
 *  3. camt054ParseMsPer10k: parseCamt054 of a generated camt.054.001.08 with one CNY credit entry per member
 *     (median of 3), scaled to 10,000 entries.
 *  4. camt054EndToEndMemberCreditsPerSecond: a file of the same form with BENCH_CAMT054_CREDITS entries (default:
 *     all, one per member) dropped in DATA_DIR/inbox/bank (written as .part, then renamed); clock from the rename to
 *     every credit in the event index: the inbox scan, parse, classification, the pre-check (the chain's
 *     contributionsInYear of every member), the outbox rows with the dedup keys, `contributeBatch` transactions of
 *     up to the ledger's MAX_BATCH credits (sized by gas; chain reference = keccak256 of the chunk's sorted dedup
 *     keys), the listener.
 *  5. payrollEndToEndMemberCreditsPerSecond: a payroll file with one line per member submitted over HTTP
 *     (validation and enrolment check), then the employer's booking (a camt.054 quoting its PR… reference, for the
 *     file's total) dropped in the inbox; clock from the submission to every annuity credit indexed
 *     (contributeAnnuityBatch transactions sized by gas).
 *  Writes bench/results/bank.json and prints progress and the figures.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bankInboxDir } from "../../gateway/adapters/bank/inbox.js";
import { parseCamt054 } from "../../gateway/adapters/bank/camt054.js";
import { formatPayrollReference, formatPensionReference } from "../../gateway/adapters/bank/pensionReference.js";
import { exitOnHelp, freePort, startBenchChain } from "./benchChain.js";
import { provision } from "../../gateway/bootstrap/provision.js";
import { ledgerInterface } from "../../gateway/chain/ledgerInterface.js";
import { loadConfig } from "../../gateway/config.js";
import { residentIdCheckCharacter } from "../../gateway/domain/residentId.js";
import { startGateway } from "../../gateway/gateway.js";
import { planIdOf } from "../../gateway/services/plans.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
/** Credits in the camt.054 timed end to end: by default the whole file, one credit per member. */
const CAMT054_CREDITS = Math.min(MEMBERS, Number(process.env.BENCH_CAMT054_CREDITS ?? MEMBERS));
const TX_PER_BLOCK = 100;
const PLAN = "BENCH-PLAN";

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const yuan = (fen: bigint) => `${fen / 100n}.${String(fen % 100n).padStart(2, "0")}`;
const log = (message: string) => console.log(`[bench:bank ${new Date().toISOString().slice(11, 19)}] ${message}`);

function residentId(i: number): string {
  const birth = new Date(Date.UTC(1970, 0, 1) + Math.floor(i / 400) * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
  const first17 = `310104${birth}${String(i % 400 * 2 + 1).padStart(3, "0")}`;
  return first17 + residentIdCheckCharacter(first17);
}
const cardOf = (i: number) => `62170${String(i).padStart(14, "0")}`;

/** Yesterday in CST: the bookings must be in a year the ledger still takes, whenever the bench runs. */
const BOOKING_DATE = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);

function camt054(messageId: string, entries: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>${messageId}</MsgId><CreDtTm>${BOOKING_DATE}T18:00:00+08:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>NTF-${messageId}</Id>
      <Acct><Id><Othr><Id>110012345000526001</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
${entries.join("\n")}
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
`;
}

function creditEntry(ref: string, amountFen: bigint, remittance: string, debtorCard?: string): string {
  return `      <Ntry>
        <Amt Ccy="CNY">${yuan(amountFen)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>${BOOKING_DATE}</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>${ref}T1</AcctSvcrRef><EndToEndId>E2E-${ref}</EndToEndId></Refs>
          <Amt Ccy="CNY">${yuan(amountFen)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          ${debtorCard ? `<RltdPties><DbtrAcct><Id><Othr><Id>${debtorCard}</Id></Othr></Id></DbtrAcct></RltdPties>` : ""}
          <RmtInf><Ustrd>${remittance}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`;
}

async function main(): Promise<void> {
  exitOnHelp(import.meta.url);
  const started = Date.now();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pension-bench-bank-"));
  const chain = await startBenchChain(["--base-fee", "0"], dataDir);
  const { rpc, port: chainPort } = chain;

  let stopGateway: (() => Promise<void>) | undefined;
  try {
    const config = loadConfig(
      {
        DATA_DIR: dataDir, CHAIN_PORT: String(chainPort), PORT: String(await freePort()), LOG_LEVEL: "silent", KEYSTORE_SCRYPT_LOG_N: "10",
        INDEX_POLL_MS: "200", SCHEDULER_INTERVAL_MS: "3600000", RATE_LIMIT_PER_MINUTE: "1000000", WAIT_TIMEOUT_MS: "600000",
      },
      { createSecrets: true },
    );
    const provisioned = await provision(config, path.join(root, "artifacts"));
    const tokens = provisioned.newCredentials!;
    const gateway = await startGateway(config);
    stopGateway = () => gateway.stop();
    const api = async (method: string, p: string, body: string | object, contentType = "application/json") => {
      const res = await fetch(gateway.url + p, {
        method, headers: { authorization: `Bearer ${tokens.bank}`, "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const json = (await res.json()) as any;
      if (!res.ok) throw new Error(`${p}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
      return json;
    };
    const plan = await fetch(`${gateway.url}/v1/plans?wait=true`, {
      method: "POST", headers: { authorization: `Bearer ${tokens.operator}`, "content-type": "application/json" },
      body: JSON.stringify({ planCode: PLAN, employerCode: "91310000MA1BENCH0X", vestingBpsByYear: [10000] }),
    });
    if (plan.status !== 200) throw new Error(`createPlan: ${plan.status} ${await plan.text()}`);

    // ── setup: members in the vault, accounts and enrolments on chain ──
    log(`setup: ${MEMBERS} members (vault, personal-pension accounts, enrolment in ${PLAN})`);
    const setupStarted = Date.now();
    const members: { residentId: string; pseudonym: string; card: string; serial: bigint }[] = [];
    gateway.store.transaction(() => {
      for (let i = 0; i < MEMBERS; i++) {
        const rid = residentId(i);
        const card = cardOf(i);
        const pseudonym = gateway.store.members.upsert({ residentId: rid, name: `会员${i}`, bankCard: card });
        members.push({ residentId: rid, pseudonym, card, serial: gateway.store.members.assignPensionSerial(pseudonym) });
      }
    });
    const bank = provisioned.addresses.bank;
    await rpc([{ method: "anvil_impersonateAccount", params: [bank] }, { method: "evm_setAutomine", params: [false] }]);
    let [nonceHex] = await rpc([{ method: "eth_getTransactionCount", params: [bank, "latest"] }]);
    let nonce = Number(nonceHex);
    let pending: { method: string; params: unknown[] }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      await rpc(pending);
      await rpc([{ method: "evm_mine", params: [] }]);
      pending = [];
    };
    const send = async (data: string) => {
      pending.push({ method: "eth_sendTransaction", params: [{ from: bank, to: provisioned.deployment.ledger, data, gas: "0x" + (250_000).toString(16), gasPrice: "0x0", nonce: "0x" + (nonce++).toString(16) }] });
      if (pending.length >= TX_PER_BLOCK) await flush();
    };
    for (const [i, m] of members.entries()) {
      await send(ledgerInterface.encodeFunctionData("openPersonalAccount", [m.pseudonym, gateway.store.members.bankAccountHashOf(m.card)]));
      await send(ledgerInterface.encodeFunctionData("enrolMember", [planIdOf(PLAN), m.pseudonym, 1_577_808_000n]));
      if ((i + 1) % 2000 === 0) log(`  setup: ${i + 1} members on chain`);
    }
    await flush();
    await rpc([{ method: "evm_setAutomine", params: [true] }]);
    [nonceHex] = await rpc([{ method: "eth_blockNumber", params: [] }]);
    while ((gateway.listener.status.indexedBlock ?? 0) < Number(nonceHex)) {
      await gateway.listener.poll();
      await new Promise((r) => setTimeout(r, 50));
    }
    const accountsIndexed = gateway.store.eventIndex.countOf("idx_accounts");
    if (accountsIndexed < 2 * MEMBERS) throw new Error(`only ${accountsIndexed} accounts indexed`);
    const setupSeconds = (Date.now() - setupStarted) / 1000;
    log(`setup done in ${round(setupSeconds)} s (${accountsIndexed} accounts indexed)`);

    // ── camt.054 parse ──
    const entries = members.map((m, i) => creditEntry(`CNB20261202${String(i).padStart(8, "0")}`, 10_000n + BigInt(i % 100), `个人养老金 ${formatPensionReference(m.serial)}`, m.card));
    const notification = camt054("CNPL-054-BENCH-PERSONAL", entries);
    const parseRuns: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      const parsed = parseCamt054(notification);
      parseRuns.push(performance.now() - t);
      if (parsed.notifications[0]!.entries.length !== MEMBERS) throw new Error("parse lost entries");
    }
    const parseMs = [...parseRuns].sort((a, b) => a - b)[1]!;
    log(`camt.054 parse: ${MEMBERS} entries (${round(Buffer.byteLength(notification) / 2 ** 20, 2)} MiB) in ${round(parseMs)} ms (median of 3)`);

    // ── camt.054 end to end through the inbox ──
    const inbox = bankInboxDir(dataDir);
    mkdirSync(inbox, { recursive: true });
    const contributionsBefore = gateway.store.eventIndex.countOf("idx_contributions");
    const personalCount = () => gateway.store.eventIndex.countOf("idx_contributions") - contributionsBefore;
    const timedNotification = camt054("CNPL-054-BENCH-PERSONAL-E2E", entries.slice(0, CAMT054_CREDITS));
    writeFileSync(path.join(inbox, "personal.xml.part"), timedNotification);
    const camtStart = performance.now();
    renameSync(path.join(inbox, "personal.xml.part"), path.join(inbox, "personal.xml"));
    let lastLog = Date.now();
    const reportFile = path.join(inbox, "processed", "personal.xml.report.json");
    let reportSeconds: number | undefined;
    while (personalCount() < CAMT054_CREDITS) {
      await new Promise((r) => setTimeout(r, 100));
      if (reportSeconds === undefined && existsSync(reportFile)) {
        reportSeconds = (performance.now() - camtStart) / 1000;
        log(`  camt.054: report written after ${round(reportSeconds, 2)} s (parse, classify, pre-check, outbox rows)`);
      }
      if (Date.now() - lastLog > 10_000) {
        const states = gateway.store.operations.countByState();
        log(`  camt.054: ${personalCount()} / ${CAMT054_CREDITS} credits indexed (outbox: ${states.pending} pending, ${states.succeeded} succeeded, ${states.failed} failed)`);
        if (states.failed > 0) throw new Error(`${states.failed} operations failed`);
        lastLog = Date.now();
      }
    }
    const camtSeconds = (performance.now() - camtStart) / 1000;
    log(`camt.054 end to end: ${CAMT054_CREDITS} credits in ${round(camtSeconds)} s`);
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as { counts: Record<string, number> };
    const batchOps = (gateway.store.database.db.prepare("SELECT id FROM operations WHERE kind = 'contributeBatch' ORDER BY seq").all() as { id: string }[])
      .map((r) => gateway.store.operations.get(r.id)!);
    const batchGas: number[] = [];
    const batchSizes: number[] = [];
    for (const op of batchOps) {
      for (const chunk of op.progress.chunks) {
        const receipt = await gateway.pipeline["o"].provider.getTransactionReceipt(chunk.txHash);
        batchGas.push(Number(receipt?.gasUsed ?? 0n));
        batchSizes.push(chunk.to - chunk.from);
      }
    }
    const gasPerCredit = batchGas.reduce((a, b) => a + b, 0) / Math.max(1, batchSizes.reduce((a, b) => a + b, 0));
    log(`  camt.054: ${batchOps.length} contributeBatch operations, ${batchGas.length} transactions of ${batchSizes.join(", ")} credits; ${round(gasPerCredit, 0)} gas per credit`);

    // ── payroll file + booking ──
    const payrollReference = formatPayrollReference(202612000001n);
    const lines = members.map((m, i) => `${m.residentId},1000000,${50_000 + (i % 10) * 100},30000`);
    const total = members.reduce((sum, _m, i) => sum + BigInt(50_000 + (i % 10) * 100 + 30_000), 0n);
    const csv = [`payrollReference,${payrollReference}`, `planId,${PLAN}`, "period,2026-12", `declaredTotalFen,${total}`, "employer,91310000MA1BENCH0X",
      "residentId,wageBaseFen,employerFen,employeeFen", ...lines].join("\n");
    const annuityBefore = gateway.store.eventIndex.countOf("idx_contributions");
    const payrollStart = performance.now();
    const submitted = await api("POST", "/v1/bank/payroll-files", csv, "text/csv");
    const validationMs = performance.now() - payrollStart;
    if (submitted.totals.acceptedLines !== MEMBERS) throw new Error(`payroll: ${JSON.stringify(submitted).slice(0, 500)}`);
    log(`payroll file: ${MEMBERS} lines validated and stored in ${round(validationMs)} ms; ${submitted.chainBatches} chain batches`);
    writeFileSync(path.join(inbox, "payroll.xml.part"), camt054("CNPL-054-BENCH-PAYROLL", [creditEntry("CNB20261202PAYROLL01", total, `企业年金缴费 ${payrollReference}`)]));
    renameSync(path.join(inbox, "payroll.xml.part"), path.join(inbox, "payroll.xml"));
    const annuityCount = () => gateway.store.eventIndex.countOf("idx_contributions") - annuityBefore;
    lastLog = Date.now();
    while (annuityCount() < MEMBERS) {
      await new Promise((r) => setTimeout(r, 250));
      if (Date.now() - lastLog > 10_000) {
        const states = gateway.store.operations.countByState();
        log(`  payroll: ${annuityCount()} / ${MEMBERS} credits indexed (outbox: ${states.pending} pending, ${states.failed} failed)`);
        if (states.failed > 0) throw new Error(`${states.failed} operations failed`);
        lastLog = Date.now();
      }
    }
    const payrollSeconds = (performance.now() - payrollStart) / 1000;
    log(`payroll end to end: ${MEMBERS} credits in ${round(payrollSeconds)} s`);

    const result = {
      camt054ParseMsPer10k: round((parseMs * 10_000) / MEMBERS),
      camt054EndToEndMemberCreditsPerSecond: round(CAMT054_CREDITS / camtSeconds, 2),
      payrollEndToEndMemberCreditsPerSecond: round(MEMBERS / payrollSeconds),
      measured: {
        members: MEMBERS,
        camt054: {
          parsedEntries: MEMBERS, parsedFileMiB: round(Buffer.byteLength(notification) / 2 ** 20, 2), parseRunsMs: parseRuns.map((r) => round(r)),
          endToEndEntries: CAMT054_CREDITS, endToEndSeconds: round(camtSeconds, 2),
          reportWrittenSeconds: reportSeconds === undefined ? null : round(reportSeconds, 2), reportCounts: report.counts,
          contributeBatchOperations: batchOps.length, transactions: batchGas.length, creditsPerTransaction: batchSizes,
          gasUsedPerTransaction: batchGas, gasPerCredit: round(gasPerCredit, 0),
          path: "file renamed into DATA_DIR/inbox/bank → inbox scan → parse + classify → pre-check (event index: status, death; chain: contributionsInYear per member in JSON-RPC batches of 500) → outbox rows with dedup keys (one SQLite transaction) → contributeBatch transactions of up to 1,000 credits (bankRef = keccak256(abi.encode(sorted dedup keys))) → receipt → event listener → idx_contributions",
        },
        payroll: {
          lines: MEMBERS, validationAndStoreMs: round(validationMs), chainBatches: submitted.chainBatches, endToEndSeconds: round(payrollSeconds, 2),
          path: "POST /v1/bank/payroll-files (CSV: validation, enrolment check) → camt.054 booking with the PR… reference dropped in the inbox → contributeAnnuityBatch transactions sized by gas → event listener",
        },
        setup: { seconds: round(setupSeconds), transactionsPerBlock: TX_PER_BLOCK, note: "accounts and enrolments written directly on chain (bank impersonated), not measured" },
        over: "anvil (automine, in memory, base fee 0, 30M block gas limit) and the gateway in one process on 127.0.0.1, SQLite (node:sqlite, WAL, synchronous=FULL) in a temp dir",
      },
      machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, node: process.version, loadAverage: os.loadavg().map((l) => round(l, 2)) },
      date: new Date().toISOString(),
      command: `BENCH_MEMBERS=${MEMBERS} BENCH_CAMT054_CREDITS=${CAMT054_CREDITS} npm run bench:bank`,
      totalSeconds: round((Date.now() - started) / 1000),
    };
    mkdirSync(path.join(root, "bench", "results"), { recursive: true });
    writeFileSync(path.join(root, "bench", "results", "bank.json"), JSON.stringify(result, null, 2) + "\n");
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
