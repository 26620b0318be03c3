/**
 * Batches are sized by gas, not by count: with a small share of the block gas limit allowed per transaction, a
 * contribution batch is split into several transactions, each item is credited exactly once, and the first
 * chunk keeps the batch's own bank reference.
 */
import { expect } from "chai";
import { chunkReference } from "../../gateway/chain/ledgerInterface.js";
import type { RunningGateway } from "../../gateway/gateway.js";
import { bankRefOf } from "../../gateway/services/contributions.js";
import { ApiClient, createTestStack, isoNow, newResidentId, startInProcessGateway, type TestStack } from "./harness.js";

describe("batches sized by gas", function () {
  this.timeout(180_000);
  let stack: TestStack;
  let gateway: RunningGateway;

  before(async () => {
    stack = await createTestStack();
    // 1 % of anvil's 30,000,000 block gas limit: room for only a few items per transaction.
    gateway = await startInProcessGateway({ ...stack, config: { ...stack.config, batchGasSharePercent: 1 } });
  });
  after(async () => {
    await gateway?.stop();
    await stack?.destroy();
  });

  it("splits a batch that does not fit the gas budget into several transactions and credits every item once", async () => {
    const bank = new ApiClient(gateway.url, stack.tokens.bank);
    // 4 members × 10 items: 40 items, several times what fits in 1 % of the block gas limit.
    const members: { residentId: string; accountId: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const residentId = newResidentId();
      const res = await bank.post("/v1/personal-accounts?wait=true", { residentId, name: "批量", bankCard: `62220202001122${100 + i}` });
      expect(res.status).to.equal(200);
      members.push({ residentId, accountId: res.body.result.accountId });
    }
    const items = Array.from({ length: 40 }, (_, i) => ({ residentId: members[i % 4]!.residentId, amount: 100 + i, bookedAt: isoNow(-60) }));
    const bankReference = `GAS-${members[0]!.residentId}`;
    const res = await bank.post("/v1/contribution-batches?wait=true", { bankReference, items });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.transactions.length).to.be.greaterThan(1);
    for (const [m, member] of members.entries()) {
      const expected = items.reduce((sum, item, i) => (i % 4 === m ? sum + item.amount : sum), 0);
      expect((await bank.get(`/v1/accounts/${member.accountId}`)).body.balances.balance).to.equal(String(expected));
    }
    const op = gateway.store.operations.get(res.body.operationId)!;
    const covered = op.progress.chunks.reduce((n, c) => n + (c.to - c.from), 0);
    expect(covered).to.equal(items.length);
    expect(op.progress.chunks[0]!.reference).to.equal(bankRefOf(bankReference));
    expect(op.progress.chunks[1]!.reference).to.equal(chunkReference(bankRefOf(bankReference), op.progress.chunks[1]!.from));
  });
});
