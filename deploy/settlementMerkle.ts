/**
 * The Merkle commitment of a settlement run, exactly as PensionLedger builds it (see ILedgerTypes.Payout). This
 * is the project's ONE TypeScript implementation: the contract tests, the gateway's payouts service (through
 * gateway/services/settlementProofs.ts) and the bank's pain.002 → reportPayoutResults all import it. It lives
 * next to the contract deployment it mirrors; it is pure (ethers only), so the gateway may import it.
 *
 * leaf = keccak256(bytes.concat(keccak256(abi.encode(payoutId, accountId, payee, gross, tax, net)))) (the
 * uint64 fields are encoded as 32-byte words, the same bytes as uint256), pairs hashed with OpenZeppelin's
 * commutativeKeccak256 (the smaller word first), the tree built bottom-up over the run's payouts in payoutId
 * order, an odd last node carried up unchanged. A proof is the siblings from the leaf up; a level where the node
 * was carried up contributes nothing.
 */
import { AbiCoder, concat, keccak256 } from "ethers";

export interface SettledPayout {
  payoutId: bigint;
  accountId: string;
  payee: string;
  gross: bigint;
  tax: bigint;
  net: bigint;
}

/** The root of a run without payouts. */
export const EMPTY_SETTLEMENT_ROOT = `0x${"0".repeat(64)}`;

const coder = AbiCoder.defaultAbiCoder();

export function payoutLeaf(p: SettledPayout): string {
  const encoded = coder.encode(
    ["uint256", "bytes32", "bytes32", "uint256", "uint256", "uint256"],
    [p.payoutId, p.accountId, p.payee, p.gross, p.tax, p.net],
  );
  return keccak256(keccak256(encoded));
}

/** OpenZeppelin Hashes.commutativeKeccak256. */
function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** Every level of the tree over these leaves (in the order given), leaves first; the last level holds the root. */
export function merkleLevels(leaves: readonly string[]): string[][] {
  const levels: string[][] = [leaves.slice()];
  while (levels[levels.length - 1]!.length > 1) {
    const level = levels[levels.length - 1]!;
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashPair(level[i]!, level[i + 1]!) : level[i]!);
    levels.push(next);
  }
  return levels;
}

/** The root over these leaves (in the order given); {@link EMPTY_SETTLEMENT_ROOT} for none. */
export function merkleRoot(leaves: readonly string[]): string {
  return leaves.length === 0 ? EMPTY_SETTLEMENT_ROOT : merkleLevels(leaves).at(-1)![0]!;
}

/** The proof of every leaf, in the leaves' order. */
export function merkleProofs(leaves: readonly string[]): string[][] {
  const levels = merkleLevels(leaves);
  return leaves.map((_, leafIndex) => {
    const proof: string[] = [];
    let index = leafIndex;
    for (const level of levels.slice(0, -1)) {
      const sibling = index ^ 1;
      if (sibling < level.length) proof.push(level[sibling]!);
      index >>= 1;
    }
    return proof;
  });
}

/** OpenZeppelin MerkleProof.verify with commutative hashing (for tests and a check before sending). */
export function verifyMerkleProof(proof: readonly string[], root: string, leaf: string): boolean {
  return proof.reduce((node, sibling) => hashPair(node, sibling), leaf).toLowerCase() === root.toLowerCase();
}

function byPayoutId(payouts: readonly SettledPayout[]): SettledPayout[] {
  return [...payouts].sort((x, y) => (x.payoutId < y.payoutId ? -1 : x.payoutId > y.payoutId ? 1 : 0));
}

/** The run's root and each payout's proof (by payoutId), in any input order. `payouts` must be the whole run. */
export function settlementTree(payouts: readonly SettledPayout[]): { root: string; proofs: Map<bigint, string[]> } {
  const ordered = byPayoutId(payouts);
  const leaves = ordered.map(payoutLeaf);
  const proofs = merkleProofs(leaves);
  return { root: merkleRoot(leaves), proofs: new Map(ordered.map((p, i) => [p.payoutId, proofs[i]!])) };
}

/** The run's root; the zero hash for a run without payouts. */
export function settlementRoot(payouts: readonly SettledPayout[]): string {
  return settlementTree(payouts).root;
}

/** The proof for one payout of the run. */
export function settlementProof(payouts: readonly SettledPayout[], payoutId: bigint): string[] {
  const proof = settlementTree(payouts).proofs.get(payoutId);
  if (!proof) throw new Error(`payout ${payoutId} is not in the run`);
  return proof;
}
