/**
 * The chain reads the social-security, claims and tax services need beyond the core LedgerReader: an attestation
 * as it stands, the running audit hash (now and after a given ledger operation), and a transaction's decoded
 * ledger events with its block time — so a tax certificate can be checked against the chain itself, not against
 * the gateway's index. The port is plain values; the implementation (the only file here that knows ethers)
 * belongs with the chain layer and can move there unchanged.
 */
import { Contract, toBeHex, type JsonRpcProvider } from "ethers";
import { ledgerInterface } from "../../chain/ledgerInterface.js";

export interface AttestationOnChain {
  active: boolean;
  /** Unix seconds. */
  effectiveDate: number;
  evidenceHash: string;
}

export interface LedgerEventOnChain {
  name: string;
  logIndex: number;
  /** Arguments by name: bigints as decimal strings, hashes and addresses lowercase hex. */
  args: Record<string, string>;
}

export interface TransactionOnChain {
  txHash: string;
  blockNumber: number;
  /** Unix seconds of the block. */
  blockTime: number;
  succeeded: boolean;
  events: LedgerEventOnChain[];
}

export interface LedgerEvidencePort {
  eligibilityOf(member: string, qualifyingEventCode: number): Promise<AttestationOnChain>;
  /** The ledger's operation count and running hash at `blockNumber` (default: the current head), read at one block. */
  auditState(blockNumber?: number): Promise<{ operationCount: bigint; runningHash: string; blockNumber: number }>;
  /**
   * An account's PersonalContributionCredited, PayoutSettled and PayoutFailed events up to `toBlock`, read from the
   * chain by the account's indexed topic (eth_getLogs), oldest first.
   */
  accountEvents(accountId: string, toBlock: number): Promise<(LedgerEventOnChain & { blockNumber: number; blockTime: number; txHash: string })[]>;
  /** The running hash after ledger operation `sequence` (from its OperationRecorded event), if there is one. */
  runningHashAt(sequence: bigint): Promise<string | undefined>;
  /** A transaction's receipt with the ledger's events decoded; undefined if the chain does not know it. */
  transaction(txHash: string): Promise<TransactionOnChain | undefined>;
  /** Unix seconds of a block. */
  blockTime(blockNumber: number): Promise<number>;
}

function plain(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value.toLowerCase();
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

export function createLedgerEvidenceReader(provider: JsonRpcProvider, ledgerAddress: string, deploymentBlock: number): LedgerEvidencePort {
  const ledger = new Contract(ledgerAddress, ledgerInterface, provider);
  const blockTimes = new Map<number, number>();
  const blockTime = async (blockNumber: number): Promise<number> => {
    const cached = blockTimes.get(blockNumber);
    if (cached !== undefined) return cached;
    const block = await provider.getBlock(blockNumber);
    if (!block) throw new Error(`block ${blockNumber} not available`);
    blockTimes.set(blockNumber, block.timestamp);
    return block.timestamp;
  };
  return {
    async eligibilityOf(member, code) {
      const [active, effectiveDate, evidenceHash] = (await ledger.getFunction("eligibilityOf").staticCall(member, code)) as [boolean, bigint, string];
      return { active, effectiveDate: Number(effectiveDate), evidenceHash: evidenceHash.toLowerCase() };
    },
    async auditState(at) {
      const blockNumber = at ?? (await provider.getBlockNumber());
      const [operationCount, runningHash] = (await ledger.getFunction("auditState").staticCall({ blockTag: blockNumber })) as [bigint, string];
      return { operationCount, runningHash: runningHash.toLowerCase(), blockNumber };
    },
    async accountEvents(accountId, toBlock) {
      const topic = (name: string) => ledgerInterface.getEvent(name)!.topicHash;
      const account = accountId.toLowerCase();
      const [contributions, payouts] = await Promise.all([
        provider.getLogs({ address: ledgerAddress, fromBlock: deploymentBlock, toBlock, topics: [topic("PersonalContributionCredited"), account] }),
        provider.getLogs({ address: ledgerAddress, fromBlock: deploymentBlock, toBlock, topics: [[topic("PayoutSettled"), topic("PayoutFailed")], null, account] }),
      ]);
      const logs = [...contributions, ...payouts].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
      const events = [];
      for (const log of logs) {
        const parsed = ledgerInterface.parseLog(log);
        if (!parsed) continue;
        const args: Record<string, string> = {};
        parsed.fragment.inputs.forEach((input, i) => {
          args[input.name] = plain(parsed.args[i]);
        });
        events.push({ name: parsed.name, logIndex: log.index, args, blockNumber: log.blockNumber, blockTime: await blockTime(log.blockNumber), txHash: log.transactionHash.toLowerCase() });
      }
      return events;
    },
    async runningHashAt(sequence) {
      if (sequence === 0n) return "0x" + "00".repeat(32);
      const topic = ledgerInterface.getEvent("OperationRecorded")!.topicHash;
      const logs = await provider.getLogs({ address: ledgerAddress, fromBlock: deploymentBlock, toBlock: "latest", topics: [topic, toBeHex(sequence, 32)] });
      const log = logs[0];
      if (!log) return undefined;
      return String(ledgerInterface.parseLog(log)!.args.runningHash).toLowerCase();
    },
    async transaction(txHash) {
      const receipt = await provider.getTransactionReceipt(txHash);
      if (!receipt) return undefined;
      const events: LedgerEventOnChain[] = [];
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== ledgerAddress.toLowerCase()) continue;
        const parsed = ledgerInterface.parseLog(log);
        if (!parsed) continue;
        const args: Record<string, string> = {};
        parsed.fragment.inputs.forEach((input, i) => {
          const value = parsed.args[i];
          if (input.baseType !== "array" && input.baseType !== "tuple") args[input.name] = plain(value);
        });
        events.push({ name: parsed.name, logIndex: log.index, args });
      }
      return { txHash: receipt.hash.toLowerCase(), blockNumber: receipt.blockNumber, blockTime: await blockTime(receipt.blockNumber), succeeded: receipt.status === 1, events };
    },
    blockTime,
  };
}
