/**
 * Crash tests: nothing acknowledged is lost or applied twice.
 *  (a) the gateway process is SIGKILLed after the outbox write, before submission;
 *  (b) the gateway process is SIGKILLed after submission, before the receipt;
 *  (c) the chain node is SIGKILLed and restarted from an older state file.
 * The gateway runs as a child process (`tsx gateway/index.ts`); the kill point is chosen with the test-only
 * PENSION_FAULT_INJECTION variable, read only by that child.
 */
import { expect } from "chai";
import { copyFileSync, statSync } from "node:fs";
import path from "node:path";
import { Contract } from "ethers";
import { createProvider } from "../../gateway/chain/provider.js";
import { ledgerInterface } from "../../gateway/chain/ledgerInterface.js";
import { bankRefOf } from "../../gateway/services/contributions.js";
import { openStore } from "../../gateway/store/index.js";
import { ApiClient, createTestStack, isoNow, newResidentId, spawnGateway, startInProcessGateway, type TestStack } from "./harness.js";

/** How many times the chain credited a bank reference (PersonalContributionCredited events). */
async function creditsOnChain(stack: TestStack, bankReference: string): Promise<number> {
  const provider = createProvider(stack.env.CHAIN_RPC_URL!, stack.config.chainId);
  try {
    const topics = ledgerInterface.encodeFilterTopics("PersonalContributionCredited", [null, bankRefOf(bankReference)]);
    return (await provider.getLogs({ address: stack.ledger, fromBlock: 0, toBlock: "latest", topics })).length;
  } finally {
    provider.destroy();
  }
}

/**
 * The index holds every ledger operation once, with no gap: sequences 1..N where N is the chain's operation count,
 * and the last running hash equals the chain's (waits for the listener to catch up).
 */
async function expectIndexMatchesChain(stack: TestStack): Promise<void> {
  const provider = createProvider(stack.env.CHAIN_RPC_URL!, stack.config.chainId);
  const ledger = new Contract(stack.ledger, ledgerInterface, provider);
  const store = openStore(stack.dataDir, { pseudonymKey: stack.config.secrets.pseudonymKey, vaultKey: stack.config.secrets.vaultKey });
  try {
    const [operationCount, runningHash] = (await ledger.getFunction("auditState").staticCall()) as [bigint, string];
    const deadline = Date.now() + 20_000;
    while ((store.eventIndex.lastLedgerOperation()?.sequence ?? 0) < Number(operationCount) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(store.eventIndex.lastLedgerOperation()).to.deep.equal({ sequence: Number(operationCount), runningHash: runningHash.toLowerCase() });
    expect(store.eventIndex.countOf("idx_ledger_operations")).to.equal(Number(operationCount));
  } finally {
    store.close();
    provider.destroy();
  }
}

/**
 * Copies anvil's state file once it was dumped after `afterMs`. anvil replaces the file on each dump, so between
 * two looks it may briefly not exist: such a look is simply repeated.
 */
async function copyAfterNextDump(stateFile: string, copy: string, afterMs: number): Promise<void> {
  const dumpedAt = () => {
    try {
      return statSync(stateFile).mtimeMs;
    } catch {
      return 0;
    }
  };
  while (dumpedAt() <= afterMs + 100) await new Promise((r) => setTimeout(r, 200));
  for (let tries = 0; ; tries++) {
    try {
      copyFileSync(stateFile, copy);
      return;
    } catch (error) {
      if (tries > 20) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function readOperation(stack: TestStack, operationId: string) {
  const store = openStore(stack.dataDir, { pseudonymKey: stack.config.secrets.pseudonymKey, vaultKey: stack.config.secrets.vaultKey });
  try {
    return store.operations.get(operationId)!;
  } finally {
    store.close();
  }
}

async function openAccountWithNormalGateway(stack: TestStack): Promise<{ residentId: string; accountId: string }> {
  const gateway = await spawnGateway(stack);
  try {
    const residentId = newResidentId();
    const res = await new ApiClient(gateway.url, stack.tokens.bank).post("/v1/personal-accounts?wait=true", { residentId, name: "崩溃测试", bankCard: "6222020200112233445" });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return { residentId, accountId: res.body.result.accountId };
  } finally {
    await gateway.stop();
  }
}

describe("crash recovery: every acknowledged operation reaches the chain exactly once", function () {
  this.timeout(240_000);
  let stack: TestStack;

  beforeEach(async () => {
    stack = await createTestStack();
  });
  afterEach(async () => {
    await stack?.destroy();
  });

  it("(a) gateway killed after the outbox write, before submission: after restart each acknowledged contribution is credited once", async () => {
    const { residentId, accountId } = await openAccountWithNormalGateway(stack);
    const faulty = await spawnGateway(stack, { PENSION_FAULT_INJECTION: "after-outbox-write" });
    const bank = new ApiClient(faulty.url, stack.tokens.bank);
    const references = [1, 2, 3].map((n) => `CRASH-A-${n}-${residentId}`);
    const answers = await Promise.allSettled(
      references.map((bankReference, n) => bank.post("/v1/contributions", { residentId, amount: 1000 * (n + 1), bookedAt: isoNow(-60), bankReference })),
    );
    expect(await faulty.exited).to.equal("SIGKILL");
    const acknowledged = answers.flatMap((a, n) => (a.status === "fulfilled" && a.value.status === 202 ? [{ n, operationId: a.value.body.operationId as string }] : []));
    expect(acknowledged.length).to.be.at.least(1);
    for (const { n, operationId } of acknowledged) {
      const op = readOperation(stack, operationId);
      expect(op.state, "in the outbox, not yet sent").to.equal("pending");
      expect(op.progress.chunks).to.deep.equal([]);
      expect(await creditsOnChain(stack, references[n]!)).to.equal(0);
    }

    const restarted = await spawnGateway(stack);
    try {
      const client = new ApiClient(restarted.url, stack.tokens.bank);
      let expectedBalance = 0;
      for (const { n, operationId } of acknowledged) {
        const final = await client.waitForOperation(operationId);
        expect(final.state).to.equal("succeeded");
        expect(await creditsOnChain(stack, references[n]!)).to.equal(1);
        expectedBalance += 1000 * (n + 1);
      }
      const account = await client.get(`/v1/accounts/${accountId}`);
      expect(account.body.balances.balance).to.equal(String(expectedBalance));
      // The restarted listener resumed from the checkpoint: no gap, no duplicate.
      await expectIndexMatchesChain(stack);
    } finally {
      await restarted.stop();
    }
  });

  it("(b) gateway killed after submission, before the receipt: after restart the sent transaction is recognised, not sent again", async () => {
    const { residentId, accountId } = await openAccountWithNormalGateway(stack);
    const faulty = await spawnGateway(stack, { PENSION_FAULT_INJECTION: "after-submit" });
    const bankReference = `CRASH-B-${residentId}`;
    const answer = await new ApiClient(faulty.url, stack.tokens.bank).post("/v1/contributions", { residentId, amount: 4321, bookedAt: isoNow(-60), bankReference });
    expect(answer.status).to.equal(202);
    expect(await faulty.exited).to.equal("SIGKILL");
    const crashed = readOperation(stack, answer.body.operationId);
    expect(crashed.state, "submitted, receipt not recorded").to.equal("submitted");
    expect(crashed.progress.chunks).to.have.length(1);
    expect(crashed.progress.chunks[0]!.state).to.equal("sent");
    const sentHash = crashed.progress.chunks[0]!.txHash;

    const restarted = await spawnGateway(stack);
    try {
      const client = new ApiClient(restarted.url, stack.tokens.bank);
      const final = await client.waitForOperation(answer.body.operationId);
      expect(final.state).to.equal("succeeded");
      expect(final.transactions.map((t: { txHash: string }) => t.txHash)).to.deep.equal([sentHash]);
      expect(await creditsOnChain(stack, bankReference)).to.equal(1);
      expect((await client.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("4321");
    } finally {
      await restarted.stop();
    }
  });

  it("(c) chain node killed and restarted from an older state file: the gateway re-indexes and resubmits what the chain lost", async () => {
    const gateway = await startInProcessGateway(stack);
    try {
      const bank = new ApiClient(gateway.url, stack.tokens.bank);
      const residentId = newResidentId();
      const opened = await bank.post("/v1/personal-accounts?wait=true", { residentId, name: "回滚测试", bankCard: "6222020200112233445" });
      expect(opened.status).to.equal(200);
      const accountId = opened.body.result.accountId as string;
      const first = await bank.post("/v1/contributions?wait=true", { residentId, amount: 100, bookedAt: isoNow(-60), bankReference: `OLD-${residentId}` });
      expect(first.status).to.equal(200);

      // Take the older state once anvil has dumped a state that includes the first contribution.
      const stateFile = path.join(stack.dataDir, "chain", "state.json");
      const olderFile = path.join(stack.dataDir, "chain", "older-state.json");
      const dumpedAfter = Date.now();
      await copyAfterNextDump(stateFile, olderFile, dumpedAfter);

      const lost = [];
      for (const n of [1, 2]) {
        const res = await bank.post("/v1/contributions?wait=true", { residentId, amount: 1000 * n, bookedAt: isoNow(-60), bankReference: `NEW-${n}-${residentId}` });
        expect(res.status).to.equal(200);
        lost.push(res.body);
      }
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("3100");
      const probe = createProvider(stack.env.CHAIN_RPC_URL!, stack.config.chainId);
      const headBefore = await probe.getBlockNumber();
      probe.destroy();

      await stack.anvil.kill();
      const down = await new ApiClient(gateway.url).get("/healthz");
      expect(down.status).to.equal(503);
      expect(down.body.chain.reachable).to.equal(false);
      copyFileSync(olderFile, stateFile);
      await stack.restartChain();
      const provider = createProvider(stack.env.CHAIN_RPC_URL!, stack.config.chainId);
      const headAfterRestore = await provider.getBlockNumber();
      provider.destroy();
      expect(headAfterRestore, "the chain came back behind where it was").to.be.lessThan(headBefore);

      // The listener notices, re-queues the two lost contributions, and the senders resubmit them.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ops = lost.map((op) => gateway.store.operations.get(op.operationId)!);
        if (ops.every((op) => op.state === "succeeded" && op.resubmissions > 0)) break;
        if (Date.now() > deadline) throw new Error(`not recovered: ${JSON.stringify(ops.map((o) => [o.state, o.resubmissions]))}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(gateway.listener.status.rewinds).to.be.at.least(1);
      expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("3100");
      for (const reference of [`OLD-${residentId}`, `NEW-1-${residentId}`, `NEW-2-${residentId}`]) {
        expect(await creditsOnChain(stack, reference), reference).to.equal(1);
      }
      // The index, rebuilt from the last common block, holds each credit once.
      const deadlineIndex = Date.now() + 20_000;
      while (gateway.store.eventIndex.contributionsOf(accountId).length < 3 && Date.now() < deadlineIndex) await new Promise((r) => setTimeout(r, 200));
      expect(gateway.store.eventIndex.contributionsOf(accountId).map((c) => c.amount).sort()).to.deep.equal(["100", "1000", "2000"]);
      await expectIndexMatchesChain(stack);
    } finally {
      await gateway.stop();
    }
  });

  for (const regrow of [false, true]) {
    it(`(d) chain restored from an older state before the index saw the lost blocks${regrow ? ", then grown past them with other blocks" : ""}: the lost contribution is resubmitted`, async () => {
      // The listener polls only when told to, so the index lags behind what the sender saw mined.
      const gateway = await startInProcessGateway({ ...stack, config: { ...stack.config, indexPollMs: 3_600_000 } });
      try {
        const bank = new ApiClient(gateway.url, stack.tokens.bank);
        const residentId = newResidentId();
        const opened = await bank.post("/v1/personal-accounts?wait=true", { residentId, name: "滞后", bankCard: "6222020200112233445" });
        const accountId = opened.body.result.accountId as string;
        const stateFile = path.join(stack.dataDir, "chain", "state.json");
        const olderFile = path.join(stack.dataDir, "chain", "older-state.json");
        const dumpedAfter = Date.now();
        await copyAfterNextDump(stateFile, olderFile, dumpedAfter);
        const lost = await bank.post("/v1/contributions?wait=true", { residentId, amount: 777, bookedAt: isoNow(-60), bankReference: `LAG-${residentId}` });
        expect(lost.status).to.equal(200);
        const lostBlock = gateway.store.operations.get(lost.body.operationId)!.blockNumber!;
        expect(gateway.store.checkpoint.get()!.blockNumber, "the index has not seen the contribution's block").to.be.lessThan(lostBlock);

        await stack.anvil.kill();
        copyFileSync(olderFile, stateFile);
        await stack.restartChain();
        const provider = createProvider(stack.env.CHAIN_RPC_URL!, stack.config.chainId);
        if (regrow) {
          // Other blocks at and above the lost one's height: the chain is not behind, it is different.
          while ((await provider.getBlockNumber()) < lostBlock + 2) await provider.send("evm_mine", []);
        }
        provider.destroy();
        expect(await creditsOnChain(stack, `LAG-${residentId}`)).to.equal(0);

        await gateway.listener.poll();
        const final = await bank.waitForOperation(lost.body.operationId);
        const op = gateway.store.operations.get(lost.body.operationId)!;
        expect(final.state === "succeeded" && op.resubmissions > 0, JSON.stringify(final)).to.equal(true);
        expect(await creditsOnChain(stack, `LAG-${residentId}`)).to.equal(1);
        expect((await bank.get(`/v1/accounts/${accountId}`)).body.balances.balance).to.equal("777");
      } finally {
        await gateway.stop();
      }
    });
  }
});
