/**
 * The settlement run's Merkle tree, as the ledger builds it (ILedgerTypes.Payout NatSpec): leaf =
 * keccak256(bytes.concat(keccak256(abi.encode(payoutId, accountId, payee, gross, tax, net)))), pairs hashed with
 * OpenZeppelin's commutativeKeccak256 (the smaller hash first), bottom-up over the run's payouts in payoutId
 * order, an odd last node carried up unchanged. The proof of a leaf is its siblings from the bottom up; a level
 * where the node was carried up contributes nothing.
 */
import { AbiCoder, concat, keccak256 } from "ethers";

export interface PayoutLeaf {
  payoutId: bigint;
  accountId: string;
  payee: string;
  gross: bigint;
  tax: bigint;
  net: bigint;
}

const coder = AbiCoder.defaultAbiCoder();

export function payoutLeaf(p: PayoutLeaf): string {
  const inner = keccak256(coder.encode(["uint256", "bytes32", "bytes32", "uint256", "uint256", "uint256"], [p.payoutId, p.accountId, p.payee, p.gross, p.tax, p.net]));
  return keccak256(inner);
}

function commutativeKeccak(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** The levels of the tree, leaves first (the leaves in the order given: sort by payoutId before). */
function levels(leaves: readonly string[]): string[][] {
  if (leaves.length === 0) throw new Error("a settlement run has at least one payout");
  const result = [leaves.slice()];
  while (result.at(-1)!.length > 1) {
    const level = result.at(-1)!;
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? commutativeKeccak(level[i]!, level[i + 1]!) : level[i]!);
    result.push(next);
  }
  return result;
}

export function merkleRoot(leaves: readonly string[]): string {
  return levels(leaves).at(-1)![0]!;
}

/** Proofs for every leaf, in the leaves' order. */
export function merkleProofs(leaves: readonly string[]): string[][] {
  const tree = levels(leaves);
  return leaves.map((_, leafIndex) => {
    const proof: string[] = [];
    let index = leafIndex;
    for (const level of tree.slice(0, -1)) {
      const sibling = index ^ 1;
      if (sibling < level.length) proof.push(level[sibling]!);
      index >>= 1;
    }
    return proof;
  });
}

/** OpenZeppelin MerkleProof.verify with commutative hashing (for tests and a check before sending). */
export function verifyMerkleProof(proof: readonly string[], root: string, leaf: string): boolean {
  return proof.reduce((node, sibling) => commutativeKeccak(node, sibling), leaf).toLowerCase() === root.toLowerCase();
}
