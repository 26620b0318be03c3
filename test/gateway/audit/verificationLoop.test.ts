/**
 * verifyLedger does not hold the gateway's thread: it compares a read snapshot of the index in slices, giving way to
 * the event loop between them, and the listener indexing new blocks meanwhile changes nothing it compares.
 * Ordering, not speed: the slices are one row or log each (`chunkSize: 1`), and nothing here measures time.
 */
import { expect } from "chai";
import { seedHistory, startAuditStack, type AuditStack } from "./stack.js";

describe("verifyLedger without holding the event loop", function () {
  this.timeout(180_000);
  let stack: AuditStack;
  let seeded: Awaited<ReturnType<typeof seedHistory>>;

  before(async () => {
    stack = await startAuditStack();
    seeded = await seedHistory(stack);
  });
  after(async () => {
    await stack?.stop();
  });

  const verifier = () => stack.gateway.services.audit!.verifier;

  it("lets a timer and a request begun after its first slice complete before it answers", async () => {
    const events: string[] = [];
    let slices = 0;
    const result = await verifier().verifyLedger(undefined, {
      chunkSize: 1,
      onSlice: () => {
        slices++;
        if (slices !== 1) return;
        // The comparison has begun: before this change it ran to its end without giving way.
        setTimeout(() => events.push("timer"), 0);
        void stack.api("auditor", "GET", "/v1/audit/verifications/latest").then((r) => events.push(`request ${r.status}`));
      },
    });
    events.push("verified");
    expect(result.ok).to.equal(true);
    expect(slices).to.be.greaterThan(1);
    expect(events).to.have.members(["timer", "request 200", "verified"]);
    expect(events[2]).to.equal("verified");
  });

  it("describes the snapshot's block and is OK when the listener indexes a new contribution during the comparison", async () => {
    await stack.settle();
    const snapshotBlock = stack.gateway.store.checkpoint.get()!.blockNumber;
    const operationsBefore = (stack.gateway.store.database.db.prepare("SELECT COUNT(*) AS n FROM idx_ledger_operations").get() as { n: number }).n;
    let written: Promise<void> | undefined;
    const result = await verifier().verifyLedger(undefined, {
      chunkSize: 1,
      // Holds the first slice until the bank's contribution is on chain, indexed and in the audit tables.
      onSlice: () => {
        written ??= (async () => {
          const bookedAt = new Date(Date.now() - 60_000).toISOString();
          const res = await stack.api("bank", "POST", "/v1/contributions?wait=true", { residentId: seeded.idB, amount: 7_700, bookedAt, bankReference: "AUDIT-DURING-VERIFY" });
          expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
          expect(res.body.state).to.equal("succeeded");
          await stack.settle();
        })();
        return written;
      },
    });
    await written;
    const indexedBlock = stack.gateway.store.checkpoint.get()!.blockNumber;
    expect(indexedBlock).to.be.greaterThan(snapshotBlock);
    const operationsAfter = (stack.gateway.store.database.db.prepare("SELECT COUNT(*) AS n FROM idx_ledger_operations").get() as { n: number }).n;
    expect(operationsAfter).to.equal(operationsBefore + 1);
    expect(result).to.include({ ok: true, blockNumber: snapshotBlock, operationCount: operationsBefore, indexOperationCount: operationsBefore, divergenceCount: 0 });

    const next = await verifier().verifyLedger();
    expect(next).to.include({ ok: true, blockNumber: indexedBlock, operationCount: operationsBefore + 1 });
  });
});
