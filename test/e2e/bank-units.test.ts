/**
 * The two pure pieces of the bank service: the settlement run's Merkle tree (as the ledger builds it) and the
 * dealing of a payroll file into chain batches that keep the file's average employer part.
 */
import { expect } from "chai";
import { merkleProofs, merkleRoot, payoutLeaf, verifyMerkleProof } from "../../deploy/settlementMerkle.js";
import { bookingYearOpen, camt054BatchReference, cstYearOf, dealPayrollChunks, ledgerRefusal, splitFailedBatch } from "../../gateway/services/bank/incoming.js";

const leafOf = (i: number) =>
  payoutLeaf({ payoutId: BigInt(i + 1), accountId: "0x" + String(i + 1).padStart(64, "0"), payee: "0x" + "ab".repeat(32), gross: 1000n + BigInt(i), tax: 30n, net: 970n + BigInt(i) });

describe("bank service: settlement run Merkle tree", () => {
  it("proves every payout of runs of 1 to 9 payouts, the odd last node carried up", () => {
    for (let n = 1; n <= 9; n++) {
      const leaves = Array.from({ length: n }, (_, i) => leafOf(i));
      const root = merkleRoot(leaves);
      const proofs = merkleProofs(leaves);
      leaves.forEach((leaf, i) => expect(verifyMerkleProof(proofs[i]!, root, leaf), `n=${n} i=${i}`).to.equal(true));
      if (n > 1) expect(verifyMerkleProof(proofs[0]!, root, leafOf(n + 5))).to.equal(false);
    }
  });

  it("gives a run of one payout its own leaf as root and an empty proof", () => {
    const leaf = leafOf(0);
    expect(merkleRoot([leaf])).to.equal(leaf);
    expect(merkleProofs([leaf])).to.deep.equal([[]]);
  });

  it("changes the leaf when any field of the payout changes", () => {
    const base = { payoutId: 1n, accountId: "0x" + "01".padStart(64, "0"), payee: "0x" + "ab".repeat(32), gross: 1000n, tax: 30n, net: 970n };
    const leaf = payoutLeaf(base);
    for (const change of [{ payoutId: 2n }, { gross: 1001n }, { tax: 31n }, { net: 971n }, { payee: "0x" + "cd".repeat(32) }]) {
      expect(payoutLeaf({ ...base, ...change })).to.not.equal(leaf);
    }
  });
});

describe("bank service: payroll chain batches", () => {
  const item = (employer: number) => ({ member: "0x" + "11".repeat(32), wageBase: "1000000", employerAmount: String(employer), employeeAmount: "1000" });

  it("deals 10,000 lines into batches of at most the gas-sized count, every line once", () => {
    const items = Array.from({ length: 10_000 }, (_, i) => item(1000 + (i % 97)));
    const chunks = dealPayrollChunks(items, 398);
    expect(chunks).to.have.length(Math.ceil(10_000 / 398));
    expect(chunks.every((c) => c.length <= 398)).to.equal(true);
    expect(chunks.reduce((n, c) => n + c.length, 0)).to.equal(10_000);
  });

  it("keeps the largest line the file's five-times rule allows within five times its batch's average", () => {
    // 999 lines of 100 fen and one of x: the file rule x × 1000 ≤ 5 × (x + 99,900) allows x ≤ 502 (503 fails).
    const n = 1000;
    const others = Array.from({ length: n - 1 }, () => item(100));
    const high = item(502);
    expect(502 * n <= 5 * (502 + 99_900)).to.equal(true);
    expect(503 * n <= 5 * (503 + 99_900)).to.equal(false);
    const chunks = dealPayrollChunks([...others, high], 300);
    for (const c of chunks) {
      const sum = c.reduce((s, x) => s + BigInt(x.employerAmount), 0n);
      for (const x of c) expect(BigInt(x.employerAmount) * BigInt(c.length) <= 5n * sum).to.equal(true);
    }
  });
});

describe("bank service: camt.054 credit batches", () => {
  const item = (i: number) => ({ member: "0x" + String(i).padStart(64, "0"), amount: String(100 + i), bookedAt: 1_764_000_000, dedupKey: `ACCT|TX|REF${i}` });

  it("derives a batch's chain reference from its dedup keys alone: the same keys in any order give the same reference, one key more or less another", () => {
    const keys = ["ACCT|TX|B", "ACCT|TX|A", "ACCT|NTRY|C|0"];
    const ref = camt054BatchReference(keys);
    expect(ref).to.match(/^0x[0-9a-f]{64}$/);
    expect(camt054BatchReference([...keys].reverse())).to.equal(ref);
    expect(camt054BatchReference(keys.slice(0, 2))).to.not.equal(ref);
    expect(camt054BatchReference([...keys, "ACCT|TX|D"])).to.not.equal(ref);
    // Keys are ABI-encoded as a string[], so no two different lists can be joined into the same text.
    expect(camt054BatchReference(["A|B", "C"])).to.not.equal(camt054BatchReference(["A", "B|C"]));
  });

  it("splits a batch refused at item i into the bad item and the others; items an earlier part already credited stay out", () => {
    const items = Array.from({ length: 6 }, (_, i) => item(i));
    const refused = { code: "BATCH_ITEM_INVALID", details: { index: "1", item: { code: "ACCOUNT_STATUS_INVALID", message: "frozen" } } };
    const whole = splitFailedBatch(items, 0, refused);
    expect(whole.bad.map((x) => x.dedupKey)).to.deep.equal(["ACCT|TX|REF1"]);
    expect(whole.resend.map((x) => x.dedupKey)).to.deep.equal(["ACCT|TX|REF0", "ACCT|TX|REF2", "ACCT|TX|REF3", "ACCT|TX|REF4", "ACCT|TX|REF5"]);
    expect(whole.itemError).to.deep.equal({ code: "ACCOUNT_STATUS_INVALID", message: "frozen" });
    // The sender split the batch and [0, 3) went through: the index counts from the refused part.
    const split = splitFailedBatch(items, 3, refused);
    expect(split.onChain).to.have.length(3);
    expect(split.bad.map((x) => x.dedupKey)).to.deep.equal(["ACCT|TX|REF4"]);
    expect(split.resend.map((x) => x.dedupKey)).to.deep.equal(["ACCT|TX|REF3", "ACCT|TX|REF5"]);
    const last = splitFailedBatch(items, 0, { ...refused, details: { ...refused.details, index: "5" } });
    expect(last.bad.map((x) => x.dedupKey)).to.deep.equal(["ACCT|TX|REF5"]);
    expect(last.resend).to.have.length(5);
  });

  it("keeps the room left under the cap in the suspense reason when the ledger refuses a batch item for the cap", () => {
    const items = Array.from({ length: 2 }, (_, i) => item(i));
    const refused = {
      code: "BATCH_ITEM_INVALID",
      details: { index: "0", item: { code: "CONTRIBUTION_EXCEEDS_ANNUAL_CAP", message: "cap", details: { error: "ContributionExceedsAnnualCap", requested: "100", remaining: "50" } } },
    };
    const split = splitFailedBatch(items, 0, refused);
    expect(split.itemError!.details).to.deep.include({ requested: "100", remaining: "50" });
    const reason = ledgerRefusal(split.itemError!.code, split.itemError!.message, split.itemError!.details);
    expect(reason.code).to.equal("CONTRIBUTION_EXCEEDS_ANNUAL_CAP");
    expect(reason.en).to.contain("requested ¥1.00, remaining ¥0.50");
    expect(reason.zh).to.contain("本年尚可缴 ¥0.50");
  });

  it("refuses every remaining item when the batch failed for another reason or names an index outside it", () => {
    const items = Array.from({ length: 4 }, (_, i) => item(i));
    const paused = splitFailedBatch(items, 1, { code: "LEDGER_PAUSED" });
    expect(paused.bad).to.have.length(3);
    expect(paused.resend).to.have.length(0);
    expect(paused.itemError).to.equal(undefined);
    const outside = splitFailedBatch(items, 0, { code: "BATCH_ITEM_INVALID", details: { index: "4" } });
    expect(outside.bad).to.have.length(4);
    expect(outside.resend).to.have.length(0);
  });

  it("gives the CST calendar year: 1 January 00:00 in Beijing is 16:00 UTC the day before", () => {
    const newYear2026 = Date.UTC(2025, 11, 31, 16, 0, 0) / 1000;
    expect(cstYearOf(newYear2026)).to.equal(2026);
    expect(cstYearOf(newYear2026 - 1)).to.equal(2025);
  });

  it("keeps the previous CST year open for bookings until 16 January 00:00 CST, as the ledger does", () => {
    const grace2027 = Date.UTC(2027, 0, 15, 16, 0, 0) / 1000; // 2027-01-16 00:00 CST
    expect(bookingYearOpen(2026, grace2027 - 1)).to.equal(true);
    expect(bookingYearOpen(2026, grace2027)).to.equal(false);
    expect(bookingYearOpen(2027, grace2027)).to.equal(true);
    expect(bookingYearOpen(2025, grace2027 - 86_400 * 10)).to.equal(false);
  });
});
