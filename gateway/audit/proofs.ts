/**
 * An entry's proof: the transaction receipt, the log and the block header as the chain node returns them
 * (untouched JSON-RPC answers), so an auditor can check the entry with any Ethereum client — and whether the
 * gateway's index says the same.
 */
import { ledgerInterface } from "../chain/ledgerInterface.js";
import { AppError, ERROR_CATALOG } from "../errors.js";
import type { Caller } from "../services/context.js";
import type { Store } from "../store/index.js";
import { toJson } from "../store/json.js";
import type { AuditChain } from "./chain.js";
import { shanghaiIso } from "./entries.js";

export interface EntryProof {
  chainId: number;
  ledgerAddress: string;
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  blockTime: string;
  /** The block header's receipts root: the receipt below is committed in it. */
  receiptsRoot: string | null;
  /** The log decoded with the ledger's ABI. */
  event: { name: string; args: Record<string, unknown> } | null;
  /** The ledger operation the log belongs to, from the OperationRecorded event in the same receipt. */
  operation: { sequence: number; selector: string; dataHash: string; runningHash: string; logIndex: number } | null;
  /** The index holds the same event (same name and arguments) at this position. */
  matchesIndex: boolean;
  /** Raw JSON-RPC answers from the chain node. */
  raw: {
    log: Record<string, unknown>;
    receipt: Record<string, unknown>;
    transaction: Record<string, unknown> | null;
    block: Record<string, unknown> | null;
  };
  /** How to check it yourself. */
  check: string[];
}

type RawReceiptLog = { address: string; logIndex: string; topics: string[]; data: string };

function decode(log: RawReceiptLog): { name: string; args: Record<string, unknown> } | null {
  try {
    const parsed = ledgerInterface.parseLog({ topics: log.topics, data: log.data });
    if (!parsed) return null;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => {
      args[input.name] = parsed.args[i];
    });
    return { name: parsed.name, args: JSON.parse(toJson(args)) as Record<string, unknown> };
  } catch {
    return null;
  }
}

export class EntryProofService {
  constructor(private readonly store: Store, private readonly chain: AuditChain) {}

  async getEntryProof(caller: Caller, txHash: string, logIndex: number): Promise<EntryProof> {
    void caller;
    const hash = txHash.toLowerCase();
    const receipt = await this.chain.rawReceipt(hash);
    const logs = (receipt?.logs ?? []) as RawReceiptLog[];
    const log = logs.find((l) => Number(l.logIndex) === logIndex && l.address.toLowerCase() === this.chain.ledgerAddress);
    if (!receipt || !log) {
      throw new AppError("AUDIT_ENTRY_NOT_FOUND", ERROR_CATALOG.AUDIT_ENTRY_NOT_FOUND.en, { field: "txHash", details: { txHash: hash, logIndex } });
    }
    const blockNumber = Number(receipt.blockNumber);
    const [block, transaction] = await Promise.all([this.chain.rawBlock(blockNumber), this.chain.rawTransaction(hash)]);
    const event = decode(log);
    const closing = logs
      .filter((l) => l.address.toLowerCase() === this.chain.ledgerAddress && Number(l.logIndex) >= logIndex)
      .map((l) => ({ l, d: decode(l) }))
      .find((x) => x.d?.name === "OperationRecorded");
    const indexed = this.store.database.db.prepare("SELECT name, args_json FROM idx_events WHERE tx_hash = ? AND log_index = ?").get(hash, logIndex) as
      | { name: string; args_json: string }
      | undefined;
    const matchesIndex = !!(indexed && event && indexed.name === event.name && toJson(JSON.parse(indexed.args_json)) === toJson(event.args));
    return {
      chainId: this.chain.chainId,
      ledgerAddress: this.chain.ledgerAddress,
      txHash: hash,
      logIndex,
      blockNumber,
      blockHash: String(receipt.blockHash),
      blockTime: block ? shanghaiIso(Number(block.timestamp)) : "",
      receiptsRoot: block ? String(block.receiptsRoot) : null,
      event,
      operation: closing?.d
        ? {
            sequence: Number(closing.d.args.sequence),
            selector: String(closing.d.args.selector),
            dataHash: String(closing.d.args.dataHash),
            runningHash: String(closing.d.args.runningHash),
            logIndex: Number(closing.l.logIndex),
          }
        : null,
      matchesIndex,
      raw: { log: log as unknown as Record<string, unknown>, receipt, transaction, block },
      check: [
        `eth_getTransactionReceipt("${hash}") on any node of chain ${this.chain.chainId} returns raw.receipt; its log ${logIndex} is raw.log.`,
        "keccak256(transaction.input) equals operation.dataHash for a direct call to the ledger.",
        "operation.runningHash = keccak256(abi.encode(runningHash of operation sequence-1, sequence, selector, dataHash)); the last one equals auditState() on the ledger.",
      ],
    };
  }
}
