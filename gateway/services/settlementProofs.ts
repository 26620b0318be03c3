/**
 * Merkle proofs of settled payouts, computed from the event index exactly as the ledger builds a run's root
 * (ILedgerTypes.Payout): leaf = keccak256(bytes.concat(keccak256(abi.encode(payoutId, accountId, payee, gross,
 * tax, net)))), pairs hashed commutatively (sorted), bottom-up in payoutId order, an odd last node carried up.
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
  const inner = keccak256(
    coder.encode(["uint64", "bytes32", "bytes32", "uint64", "uint64", "uint64"], [p.payoutId, p.accountId, p.payee, p.gross, p.tax, p.net]),
  );
  return keccak256(inner);
}

function commutative(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** The run's root and each payout's proof (by payoutId). Payouts must be the whole run. */
export function settlementTree(payouts: SettledPayout[]): { root: string; proofs: Map<bigint, string[]> } {
  const ordered = [...payouts].sort((a, b) => (a.payoutId < b.payoutId ? -1 : a.payoutId > b.payoutId ? 1 : 0));
  let level = ordered.map(payoutLeaf);
  // positions[i] = index of payout i's node in the current level
  let positions = ordered.map((_, i) => i);
  const proofs = new Map<bigint, string[]>(ordered.map((p) => [p.payoutId, []]));
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? commutative(level[i]!, level[i + 1]!) : level[i]!);
    positions = positions.map((pos, i) => {
      const sibling = pos % 2 === 0 ? pos + 1 : pos - 1;
      if (sibling < level.length) proofs.get(ordered[i]!.payoutId)!.push(level[sibling]!);
      return Math.floor(pos / 2);
    });
    level = next;
  }
  return { root: level[0] ?? "0x" + "00".repeat(32), proofs };
}
