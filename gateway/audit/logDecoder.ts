/**
 * A fast decoder for the ledger's logs, for verification over hundreds of thousands of them. Events whose
 * arguments are all one-word static types (bytesN, uintN, intN, bool, address: nearly all of the ledger's) are
 * read word by word from the topics and data; the others (arrays, structs) go through ethers. The values are
 * the ones ethers gives (bytes32 as lowercase hex, integers as bigint, addresses checksummed), so the event
 * handlers and the JSON of the index see no difference.
 */
import { getAddress, type EventFragment, type Result } from "ethers";
import { ledgerInterface } from "../chain/ledgerInterface.js";

export interface DecodedLedgerLog {
  name: string;
  /** Arguments by name (the index's args_json is this object as JSON). */
  args: Record<string, unknown>;
  /** Arguments in order, also by name: what the event handlers are given. */
  result: Result;
}

const ONE_WORD = /^(bytes([1-9]|[12][0-9]|3[0-2])|uint\d*|int\d*|bool|address)$/;
const byTopic = new Map<string, { fragment: EventFragment; simple: boolean }>();
ledgerInterface.forEachEvent((fragment) => {
  byTopic.set(fragment.topicHash.toLowerCase(), { fragment, simple: fragment.inputs.every((i) => ONE_WORD.test(i.type)) });
});

const TWO_256 = 1n << 256n;
const TWO_255 = 1n << 255n;

function word(type: string, hex: string): unknown {
  if (type === "bytes32") return "0x" + hex.toLowerCase();
  // bytesN is left-aligned in its word (e.g. OperationRecorded's bytes4 selector).
  if (type.startsWith("bytes")) return "0x" + hex.slice(0, Number(type.slice(5)) * 2).toLowerCase();
  if (type === "bool") return BigInt("0x" + hex) !== 0n;
  if (type === "address") return getAddress("0x" + hex.slice(24));
  const value = BigInt("0x" + hex);
  if (type.startsWith("uint")) return value;
  return value >= TWO_255 ? value - TWO_256 : value;
}

export function decodeLedgerLog(topics: readonly string[], data: string): DecodedLedgerLog | null {
  const known = topics[0] ? byTopic.get(topics[0].toLowerCase()) : undefined;
  if (!known) return null;
  const { fragment, simple } = known;
  let values: unknown[];
  if (simple) {
    const body = data.startsWith("0x") ? data.slice(2) : data;
    let topic = 1;
    let offset = 0;
    values = fragment.inputs.map((input) => {
      if (input.indexed) return word(input.type, topics[topic++]!.slice(2));
      const hex = body.slice(offset, offset + 64);
      offset += 64;
      return word(input.type, hex);
    });
  } else {
    try {
      values = [...ledgerInterface.decodeEventLog(fragment, data, topics)];
    } catch {
      return null;
    }
  }
  const args: Record<string, unknown> = {};
  fragment.inputs.forEach((input, i) => {
    args[input.name] = values[i];
  });
  const result = Object.assign([...values], args) as unknown as Result;
  return { name: fragment.name, args, result };
}
