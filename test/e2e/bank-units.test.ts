/**
 * The two pure pieces of the bank service: the settlement run's Merkle tree (as the ledger builds it) and the
 * dealing of a payroll file into chain batches that keep the file's average employer part.
 */
import { expect } from "chai";
import { merkleProofs, merkleRoot, payoutLeaf, verifyMerkleProof } from "../../gateway/services/bank/merkle.js";
import { dealPayrollChunks } from "../../gateway/services/bank/incoming.js";

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
