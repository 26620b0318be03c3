/**
 * The Merkle commitment of a settlement run, exactly as PensionLedger builds it (see ILedgerTypes.Payout):
 * leaf = keccak256(keccak256(abi.encode(payoutId, accountId, payee, gross, tax, net))), pairs hashed with
 * OpenZeppelin's commutative keccak256 (the smaller word first), tree built bottom-up over the run's payouts in
 * payoutId order, an odd last node carried up unchanged. The bank's payment results need a proof per payout.
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

const coder = AbiCoder.defaultAbiCoder();

export function payoutLeaf(p: SettledPayout): string {
  const encoded = coder.encode(
    ["uint256", "bytes32", "bytes32", "uint256", "uint256", "uint256"],
    [p.payoutId, p.accountId, p.payee, p.gross, p.tax, p.net],
  );
  return keccak256(keccak256(encoded));
}

function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** Every level of the tree, leaves first; the last level holds the root. */
export function settlementTree(payouts: SettledPayout[]): string[][] {
  const sorted = [...payouts].sort((x, y) => (x.payoutId < y.payoutId ? -1 : x.payoutId > y.payoutId ? 1 : 0));
  const levels: string[][] = [sorted.map(payoutLeaf)];
  while (levels[levels.length - 1].length > 1) {
    const level = levels[levels.length - 1];
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i]);
    levels.push(next);
  }
  return levels;
}

/** The run's root; the zero hash for a run without payouts. */
export function settlementRoot(payouts: SettledPayout[]): string {
  if (payouts.length === 0) return `0x${"0".repeat(64)}`;
  const levels = settlementTree(payouts);
  return levels[levels.length - 1][0];
}

/** The proof for one payout of the run (siblings from the leaf up; none where a node was carried up). */
export function settlementProof(payouts: SettledPayout[], payoutId: bigint): string[] {
  const levels = settlementTree(payouts);
  let index = levels[0].indexOf(payoutLeaf(payouts.find((p) => p.payoutId === payoutId) ?? missing(payoutId)));
  const proof: string[] = [];
  for (let k = 0; k < levels.length - 1; k++) {
    const sibling = index ^ 1;
    if (sibling < levels[k].length) proof.push(levels[k][sibling]);
    index >>= 1;
  }
  return proof;
}

function missing(payoutId: bigint): never {
  throw new Error(`payout ${payoutId} is not in the run`);
}
