/**
 * The chain reads the audit needs, as plain values: raw JSON-RPC answers (so an auditor sees exactly what the node
 * said), blocks with their transactions' input, the ledger's logs and its `auditState()` at a given block.
 * Implemented over ethers here; the audit services see only {@link AuditChain}.
 */
import type { JsonRpcProvider } from "ethers";
import { ledgerInterface } from "../chain/ledgerInterface.js";

/** One log as the node returns it (`eth_getLogs`), numbers decoded. */
export interface RawLog {
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  logIndex: number;
  address: string;
  topics: string[];
  data: string;
}

export interface BlockWithInputs {
  number: number;
  hash: string;
  /** Unix seconds. */
  timestamp: number;
  transactions: { hash: string; from: string; to: string | null; input: string }[];
}

export interface AuditChain {
  readonly chainId: number;
  readonly ledgerAddress: string;
  readonly deploymentBlock: number;
  headBlock(): Promise<number>;
  blockWithInputs(blockNumber: number): Promise<BlockWithInputs | null>;
  /** Several blocks with their transactions' input in one JSON-RPC batch request, in the order asked (null: no such block). */
  blocksWithInputs(blockNumbers: readonly number[]): Promise<(BlockWithInputs | null)[]>;
  /** The ledger's logs in [fromBlock, toBlock], in chain order. */
  ledgerLogs(fromBlock: number, toBlock: number): Promise<RawLog[]>;
  /** `auditState()` as of a block (default: latest). */
  auditState(blockNumber?: number): Promise<{ operationCount: number; runningHash: string }>;
  /** `eth_getTransactionReceipt`, untouched. */
  rawReceipt(txHash: string): Promise<Record<string, unknown> | null>;
  /** `eth_getBlockByNumber(n, false)`, untouched. */
  rawBlock(blockNumber: number): Promise<Record<string, unknown> | null>;
  /** `eth_getTransactionByHash`, untouched. */
  rawTransaction(txHash: string): Promise<Record<string, unknown> | null>;
  /** One storage slot of the ledger (e.g. the ERC-1967 implementation slot) at a block. */
  storageAt(slot: string, blockNumber: number): Promise<string>;
}

const hex = (n: number) => "0x" + n.toString(16);

type RpcBlock = { number: string; hash: string; timestamp: string; transactions: { hash: string; from: string; to: string | null; input: string }[] };

function toBlockWithInputs(block: RpcBlock | null): BlockWithInputs | null {
  if (!block) return null;
  return {
    number: Number(block.number),
    hash: block.hash.toLowerCase(),
    timestamp: Number(block.timestamp),
    transactions: block.transactions.map((t) => ({ hash: t.hash.toLowerCase(), from: t.from.toLowerCase(), to: t.to ? t.to.toLowerCase() : null, input: t.input })),
  };
}

export function createAuditChain(provider: JsonRpcProvider, o: { chainId: number; ledgerAddress: string; deploymentBlock: number }): AuditChain {
  const auditStateData = ledgerInterface.encodeFunctionData("auditState", []);
  // Large answers (a range's logs, full blocks) are fetched and parsed natively: ethers decodes response bodies
  // with a JavaScript UTF-8 decoder, which dominates verification time over tens of thousands of logs.
  const connection = provider._getConnection();
  let requestId = 0;
  const bulk = async <T>(method: string, params: unknown[]): Promise<T> => {
    const res = await fetch(connection.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...connection.headers },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++requestId, method, params }),
    });
    const answer = (await res.json()) as { result?: T; error?: { code: number; message: string } };
    if (answer.error) throw Object.assign(new Error(`${method}: ${answer.error.message}`), { code: "SERVER_ERROR" });
    if (!res.ok) throw Object.assign(new Error(`${method}: HTTP ${res.status}`), { code: "SERVER_ERROR" });
    return answer.result as T;
  };
  return {
    chainId: o.chainId,
    ledgerAddress: o.ledgerAddress.toLowerCase(),
    deploymentBlock: o.deploymentBlock,
    headBlock: () => provider.getBlockNumber(),
    async blockWithInputs(blockNumber) {
      return toBlockWithInputs(await bulk<RpcBlock | null>("eth_getBlockByNumber", [hex(blockNumber), true]));
    },
    async blocksWithInputs(blockNumbers) {
      if (blockNumbers.length === 0) return [];
      const first = requestId + 1;
      requestId += blockNumbers.length;
      const res = await fetch(connection.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...connection.headers },
        body: JSON.stringify(blockNumbers.map((n, i) => ({ jsonrpc: "2.0", id: first + i, method: "eth_getBlockByNumber", params: [hex(n), true] }))),
      });
      if (!res.ok) throw Object.assign(new Error(`eth_getBlockByNumber (batch): HTTP ${res.status}`), { code: "SERVER_ERROR" });
      const answers = (await res.json()) as { id: number; result?: RpcBlock | null; error?: { code: number; message: string } }[];
      const byId = new Map<number, RpcBlock | null>();
      for (const answer of Array.isArray(answers) ? answers : [answers]) {
        if (answer.error) throw Object.assign(new Error(`eth_getBlockByNumber: ${answer.error.message}`), { code: "SERVER_ERROR" });
        byId.set(answer.id, answer.result ?? null);
      }
      return blockNumbers.map((_, i) => toBlockWithInputs(byId.get(first + i) ?? null));
    },
    async ledgerLogs(fromBlock, toBlock) {
      const logs = (await bulk("eth_getLogs", [{ address: o.ledgerAddress, fromBlock: hex(fromBlock), toBlock: hex(toBlock) }])) as {
        blockNumber: string; blockHash: string; transactionHash: string; logIndex: string; address: string; topics: string[]; data: string; removed?: boolean;
      }[];
      return logs
        .filter((l) => !l.removed)
        .map((l) => ({
          blockNumber: Number(l.blockNumber), blockHash: l.blockHash, transactionHash: l.transactionHash.toLowerCase(), logIndex: Number(l.logIndex),
          address: l.address.toLowerCase(), topics: l.topics, data: l.data,
        }))
        .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    },
    async auditState(blockNumber) {
      const raw = (await provider.send("eth_call", [{ to: o.ledgerAddress, data: auditStateData }, blockNumber === undefined ? "latest" : hex(blockNumber)])) as string;
      const [count, hash] = ledgerInterface.decodeFunctionResult("auditState", raw);
      return { operationCount: Number(count), runningHash: String(hash).toLowerCase() };
    },
    rawReceipt: (txHash) => provider.send("eth_getTransactionReceipt", [txHash]),
    rawBlock: (blockNumber) => provider.send("eth_getBlockByNumber", [hex(blockNumber), false]),
    rawTransaction: (txHash) => provider.send("eth_getTransactionByHash", [txHash]),
    storageAt: (slot, blockNumber) => provider.send("eth_getStorageAt", [o.ledgerAddress, slot, hex(blockNumber)]),
  };
}
