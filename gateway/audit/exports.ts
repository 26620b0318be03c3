/**
 * Exports of an account's history or of a period's journal entries, as CSV or JSON. The header states what the
 * export can be verified against later: chain id, the ledger's (proxy) and implementation addresses, the block
 * range, and the ledger's operation count and running hash at the last block, as recomputed and as the chain says.
 */
import { AppError } from "../errors.js";
import type { Caller } from "../services/context.js";
import type { Store } from "../store/index.js";
import type { AuditIndex } from "./auditIndex.js";
import type { AuditChain } from "./chain.js";
import { shanghaiIso, type EntryType } from "./entries.js";
import { periodBounds, type AuditHistoryService, type HistoryEntry } from "./history.js";

export type ExportFormat = "csv" | "json";

export interface ExportHeader {
  title: string;
  scope: { accountId?: string; from?: string; to?: string; types?: EntryType[] };
  chainId: number;
  ledgerAddress: string;
  implementationAddress: string | null;
  blockRange: { from: number; to: number };
  /** The ledger's state after the last operation at or below blockRange.to. */
  operationCount: number;
  runningHash: string;
  /** auditState() on the chain at blockRange.to: equal to the two above when the index is complete. */
  chainOperationCount: number;
  chainRunningHash: string;
  entryCount: number;
  generatedAt: string;
  timeZone: "Asia/Shanghai";
  amountsIn: "fen";
}

export interface HistoryExport {
  format: ExportFormat;
  filename: string;
  contentType: string;
  header: ExportHeader;
  /** JSON exports: the entries. */
  entries?: HistoryEntry[];
  /** CSV exports: the file's text (header lines start with `#`). */
  csv?: string;
}

/** Largest period export, in entries (an account's history has no limit). */
export const MAX_PERIOD_EXPORT = 200_000;
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

const CSV_COLUMNS = [
  "sequence", "type", "event", "accountId", "member", "txHash", "blockNumber", "logIndex", "blockTime", "runningHash",
  "amountFen", "employerAmountFen", "employeeAmountFen", "grossFen", "taxFen", "netFen", "amount", "paymentStatus", "details",
] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: ExportHeader, entries: HistoryEntry[]): string {
  const lines = [
    `# ${header.title}`,
    ...Object.entries(header)
      .filter(([k]) => k !== "title")
      .map(([k, v]) => `# ${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`),
    CSV_COLUMNS.join(","),
  ];
  for (const e of entries) {
    const a = e.amounts;
    const firstDisplay = Object.values(e.display)[0] ?? "";
    lines.push(
      [
        e.sequence, e.type, e.event, e.accountId, e.member, e.txHash, e.blockNumber, e.logIndex, e.blockTime, e.runningHash,
        a.amount ?? a.vested ?? a.total ?? a.capFen ?? "", a.employerAmount ?? "", a.employeeAmount ?? "", a.gross ?? "", a.tax ?? "", a.net ?? "",
        firstDisplay, e.paymentStatus ?? "", e.details,
      ].map(csvCell).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

export class HistoryExportService {
  constructor(
    private readonly store: Store,
    private readonly chain: AuditChain,
    private readonly index: AuditIndex,
    private readonly history: AuditHistoryService,
  ) {}

  async exportHistory(caller: Caller, request: { format: ExportFormat; accountId?: string; from?: string; to?: string; types?: EntryType[] }): Promise<HistoryExport> {
    if (!request.accountId && !request.from && !request.to) {
      throw new AppError("VALIDATION_FAILED", "accountId: give an account, or a period (from and/or to).", { field: "accountId" });
    }
    await this.index.sync();
    const toBlock = this.index.indexedBlock() ?? this.chain.deploymentBlock;
    const entries = request.accountId
      ? (await this.history.allAccountEntries(caller, request.accountId, { from: request.from, to: request.to, types: request.types })).entries
      : await this.periodEntries(caller, request);
    const db = this.store.database.db;
    const last = db.prepare("SELECT sequence, running_hash FROM idx_ledger_operations WHERE block_number <= ? ORDER BY sequence DESC LIMIT 1").get(toBlock) as
      | { sequence: number; running_hash: string }
      | undefined;
    const [chainState, implementation] = await Promise.all([this.chain.auditState(toBlock), this.implementationAddress(toBlock)]);
    const header: ExportHeader = {
      title: request.accountId ? "养老金账户历史 / Pension account history" : "养老金账本分录 / Pension ledger entries",
      scope: {
        ...(request.accountId ? { accountId: request.accountId.toLowerCase() } : {}),
        ...(request.from ? { from: request.from } : {}),
        ...(request.to ? { to: request.to } : {}),
        ...(request.types?.length ? { types: request.types } : {}),
      },
      chainId: this.chain.chainId,
      ledgerAddress: this.chain.ledgerAddress,
      implementationAddress: implementation,
      blockRange: { from: entries[0]?.blockNumber ?? this.chain.deploymentBlock, to: toBlock },
      operationCount: last?.sequence ?? 0,
      runningHash: last?.running_hash ?? "0x" + "00".repeat(32),
      chainOperationCount: chainState.operationCount,
      chainRunningHash: chainState.runningHash,
      entryCount: entries.length,
      generatedAt: shanghaiIso(Math.floor(Date.now() / 1000)),
      timeZone: "Asia/Shanghai",
      amountsIn: "fen",
    };
    const stem = request.accountId ? `account-${request.accountId.slice(2, 12)}` : `ledger-${request.from ?? "start"}-${request.to ?? "now"}`;
    if (request.format === "json") {
      return { format: "json", filename: `${stem}.json`, contentType: "application/json", header, entries };
    }
    return { format: "csv", filename: `${stem}.csv`, contentType: "text/csv; charset=utf-8", header, csv: toCsv(header, entries) };
  }

  private async periodEntries(caller: Caller, request: { from?: string; to?: string; types?: EntryType[] }): Promise<HistoryEntry[]> {
    periodBounds(request);
    const entries: HistoryEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.history.getJournal(caller, { from: request.from, to: request.to, types: request.types, cursor, limit: 1000 });
      for (const op of page.operations) {
        for (const e of op.entries) if (!request.types?.length || request.types.includes(e.type) || (request.types.includes("tax") && e.event === "PayoutSettled" && e.amounts.tax !== "0")) entries.push(e);
      }
      if (entries.length > MAX_PERIOD_EXPORT) {
        throw new AppError("VALIDATION_FAILED", `from: the period holds more than ${MAX_PERIOD_EXPORT} entries; export a shorter period.`, { field: "from" });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return entries;
  }

  private async implementationAddress(block: number): Promise<string | null> {
    try {
      const raw = await this.chain.storageAt(IMPLEMENTATION_SLOT, block);
      return "0x" + raw.slice(-40);
    } catch {
      return null;
    }
  }
}
