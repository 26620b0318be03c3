/**
 * The ledger's running audit hash, recomputed off chain (IPensionLedger):
 * runningHash_n = keccak256(abi.encode(runningHash_{n-1}, n, msg.sig, keccak256(msg.data))), runningHash_0 = 0.
 * abi.encode of (bytes32, uint256, bytes4, bytes32) is four 32-byte words; bytes4 is left-aligned.
 */
import { keccak256 } from "ethers";

export const ZERO_HASH = "0x" + "00".repeat(32);

const bytesOf = (hex: string) => Buffer.from(hex.startsWith("0x") ? hex.slice(2) : hex, "hex");

export function nextRunningHash(previous: string, sequence: number, selector: string, dataHash: string): string {
  const word = new Uint8Array(128);
  word.set(bytesOf(previous), 0);
  let n = BigInt(sequence);
  for (let i = 63; i >= 32 && n > 0n; i--) {
    word[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  word.set(bytesOf(selector), 64);
  word.set(bytesOf(dataHash), 96);
  return keccak256(word);
}

/** keccak256 of calldata given as hex (decoded natively: ethers' hex parser is slow on long batches). */
export function dataHashOf(calldata: string): string {
  return keccak256(bytesOf(calldata));
}

/**
 * The ledger call's msg.data inside a transaction's input. A direct call to the ledger: the input itself. The
 * first operation (`initialize`) runs inside the proxy's constructor, whose input is creation code followed by
 * abi.encode(implementation, initData): there the call is found as a length-prefixed byte string starting with the
 * operation's selector whose keccak256 is the recorded data hash. Returns null if no such call is in the input
 * (e.g. a call made by another contract), and the verification then rests on the data hash alone.
 */
export function extractCalldata(input: string, to: string | null, ledgerAddress: string, selector: string, dataHash: string): string | null {
  const lowered = input.toLowerCase();
  if (to !== null && to.toLowerCase() === ledgerAddress.toLowerCase() && dataHashOf(lowered) === dataHash.toLowerCase()) return lowered;
  const sel = selector.toLowerCase().replace(/^0x/, "");
  const body = lowered.replace(/^0x/, "");
  for (let at = body.indexOf(sel); at >= 0; at = body.indexOf(sel, at + 1)) {
    // A byte string's data starts on a 32-byte word boundary after its length word.
    if (at % 2 !== 0 || at < 64) continue;
    const length = Number.parseInt(body.slice(at - 64, at), 16);
    if (!Number.isSafeInteger(length) || length < 4 || at + length * 2 > body.length) continue;
    const candidate = "0x" + body.slice(at, at + length * 2);
    if (dataHashOf(candidate) === dataHash.toLowerCase()) return candidate;
  }
  return null;
}

