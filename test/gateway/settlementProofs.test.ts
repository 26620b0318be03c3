import { expect } from "chai";
import { concat, keccak256 } from "ethers";
import * as shared from "../../deploy/settlementMerkle.js";
import { payoutLeaf, settlementTree, type SettledPayout } from "../../gateway/services/settlementProofs.js";

const hashPair = (a: string, b: string) => (BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a])));
/** OpenZeppelin MerkleProof.processProof: fold the proof into the leaf with the commutative hash. */
const fold = (leaf: string, proof: string[]) => proof.reduce(hashPair, leaf);

function payouts(n: number): SettledPayout[] {
  return Array.from({ length: n }, (_, i) => ({
    payoutId: BigInt(10 + i), accountId: "0x" + (i + 1).toString(16).padStart(64, "0"), payee: "0x" + "ab".repeat(32),
    gross: BigInt(1000 * (i + 1)), tax: BigInt(30 * (i + 1)), net: BigInt(970 * (i + 1)),
  }));
}

describe("settlement run Merkle proofs", () => {
  it("uses the single leaf as the root of a one-payout run, with an empty proof", () => {
    const [p] = payouts(1);
    const tree = settlementTree([p!]);
    expect(tree.root).to.equal(payoutLeaf(p!));
    expect(tree.proofs.get(p!.payoutId)).to.deep.equal([]);
  });

  it("carries an odd last node up unchanged (three payouts)", () => {
    const ps = payouts(3);
    const [a, b, c] = ps.map(payoutLeaf);
    expect(settlementTree(ps).root).to.equal(hashPair(hashPair(a!, b!), c!));
  });

  for (const n of [2, 5, 7, 8, 9]) {
    it(`gives every payout of a ${n}-payout run a proof that folds to the root, whatever the input order`, () => {
      const ps = payouts(n);
      const tree = settlementTree([...ps].reverse());
      for (const p of ps) expect(fold(payoutLeaf(p), tree.proofs.get(p.payoutId)!)).to.equal(tree.root);
    });
  }

  it("is the one implementation of deploy/settlementMerkle.ts that the contract tests check against the ledger", () => {
    expect(settlementTree).to.equal(shared.settlementTree);
    expect(payoutLeaf).to.equal(shared.payoutLeaf);
    const ps = payouts(5);
    const tree = settlementTree(ps);
    expect(shared.settlementRoot(ps)).to.equal(tree.root);
    for (const p of ps) expect(shared.settlementProof(ps, p.payoutId)).to.deep.equal(tree.proofs.get(p.payoutId));
    expect(shared.settlementRoot([])).to.equal("0x" + "0".repeat(64));
  });
});
