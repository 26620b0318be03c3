/**
 * An account's complete history and the system-wide journal, read from the index: every entry with its
 * transaction, block, log index, block time (Asia/Shanghai) and the ledger's running hash after its operation.
 * Filters: period (CST dates, by block time) and entry type; cursor pagination in operation order.
 */
import { Interface } from "ethers";
import { ledgerInterface } from "../chain/ledgerInterface.js";
import { requireResidentId } from "../domain/residentId.js";
import { AppError, ERROR_CATALOG } from "../errors.js";
import type { Caller } from "../services/context.js";
import type { Store } from "../store/index.js";
import { toJson } from "../store/json.js";
import type { AuditIndex } from "./auditIndex.js";
import { amountsOf, cstDateToUnix, detailsOf, shanghaiIso, type EntryType } from "./entries.js";

export interface HistoryEntry {
  /** The ledger operation this entry belongs to (1-based, the chain's sequence). */
  sequence: number;
  type: EntryType;
  event: string;
  accountId: string | null;
  member: string | null;
  txHash: string;
  blockNumber: number;
  logIndex: number;
  /** Block time in Asia/Shanghai, ISO 8601 with +08:00. */
  blockTime: string;
  /** The ledger's running hash after this entry's operation. */
  runningHash: string;
  /** Integer fen as digit strings. */
  amounts: Record<string, string>;
  /** The same amounts as ¥1,234.56. */
  display: Record<string, string>;
  /** The event's arguments (enums by name). */
  details: Record<string, unknown>;
  /** Payouts: Settled, Paid or Failed as the bank reported. */
  paymentStatus?: string;
}

export interface HistoryFilter {
  /** First day, YYYY-MM-DD in CST (inclusive). */
  from?: string;
  /** Last day, YYYY-MM-DD in CST (inclusive). */
  to?: string;
  types?: EntryType[];
  cursor?: string;
  limit?: number;
}

export interface AccountHistoryPage {
  accountId: string;
  member: string;
  kind: string;
  status: string;
  entries: HistoryEntry[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** The index is complete up to this block. */
  indexedBlock: number | null;
}

export interface JournalOperation {
  sequence: number;
  /** The ledger function called (from the selector), e.g. `contribute`. */
  function: string;
  selector: string;
  /** The call's arguments decoded from the stored calldata (pseudonyms and hashes only; no personal data is on chain). */
  arguments: Record<string, unknown> | null;
  sender: string;
  txHash: string;
  blockNumber: number;
  /** Log index of the operation's OperationRecorded event. */
  logIndex: number;
  blockTime: string;
  dataHash: string;
  runningHash: string;
  entries: HistoryEntry[];
}

export interface JournalPage {
  operations: JournalOperation[];
  nextCursor: string | null;
  indexedBlock: number | null;
}

export interface AccountMatch {
  accountId: string;
  member: string;
  plan: string;
  kind: string;
  status: string;
}

/** Institutions that may resolve a resident ID number to a member (personal data). */
export const ID_RESOLVING_INSTITUTIONS = new Set(["bank", "socialSecurity", "operator", "auditor"]);
/** Institutions that read the audit trail (history, journal, verification, proofs, exports, system figures). */
export const AUDIT_READERS = ["auditor", "operator"] as const;
/** Institutions that may read an account's status and balances (getAccount) in the console. */
export const ACCOUNT_READERS = new Set(["bank", "operator", "auditor", "socialSecurity", "taxBureau"]);

/** What the console shows a credential: it follows the credential's role. */
export interface ConsoleSession {
  institution: string;
  role: string;
  canSearch: boolean;
  canResolveResidentId: boolean;
  canReadAccount: boolean;
  canReadHistory: boolean;
  canSeeSystem: boolean;
  canVerify: boolean;
  canExport: boolean;
}

export function consoleSessionOf(caller: Caller): ConsoleSession {
  const audit = (AUDIT_READERS as readonly string[]).includes(caller.institution);
  return {
    institution: caller.institution,
    role: caller.role,
    canSearch: ACCOUNT_READERS.has(caller.institution),
    canResolveResidentId: ID_RESOLVING_INSTITUTIONS.has(caller.institution),
    canReadAccount: ACCOUNT_READERS.has(caller.institution),
    canReadHistory: audit,
    canSeeSystem: audit,
    canVerify: audit,
    canExport: audit,
  };
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Ledger operations outside IPensionLedger: the initializer (run by the proxy's constructor), role grants, upgrades. */
const OTHER_OPERATIONS = new Interface([
  "function initialize(address operator, address bank, address socialSecurity, address taxBureau, address investmentManager, address keeper)",
  "function grantRole(bytes32 role, address account)",
  "function revokeRole(bytes32 role, address account)",
  "function renounceRole(bytes32 role, address callerConfirmation)",
  "function upgradeToAndCall(address newImplementation, bytes data)",
]);

interface EntryRow {
  tx_hash: string;
  log_index: number;
  sequence: number;
  block_number: number;
  block_time: number;
  type: EntryType;
  event: string;
  account_id: string | null;
  member: string | null;
  args_json: string | null;
  running_hash: string | null;
}

function encodeCursor(sequence: number, logIndex: number): string {
  return Buffer.from(`${sequence}:${logIndex}`).toString("base64url");
}

function decodeCursor(cursor: string | undefined): [number, number] {
  if (cursor === undefined) return [0, -1];
  const m = /^([0-9]{1,15}):(-?[0-9]{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new AppError("VALIDATION_FAILED", "cursor: not a cursor this API returned.", { field: "cursor" });
  return [Number(m[1]), Number(m[2])];
}

export function periodBounds(filter: { from?: string; to?: string }): { fromTime: number; toTime: number } {
  const fromTime = filter.from ? cstDateToUnix(filter.from) : 0;
  const toTime = filter.to ? cstDateToUnix(filter.to, true) : Number.MAX_SAFE_INTEGER;
  if (filter.from && filter.to && fromTime >= toTime) {
    throw new AppError("VALIDATION_FAILED", "from: the period's first day is after its last day.", { field: "from" });
  }
  return { fromTime, toTime };
}

function typeClause(types: EntryType[] | undefined, alias = "e"): { sql: string; params: string[] } {
  if (!types || types.length === 0) return { sql: "", params: [] };
  const plain = types.filter((t) => t !== "tax");
  const parts: string[] = [];
  if (plain.length) parts.push(`${alias}.type IN (${plain.map(() => "?").join(", ")})`);
  if (types.includes("tax")) parts.push(`${alias}.has_tax = 1`);
  return { sql: ` AND (${parts.join(" OR ")})`, params: plain };
}

const ENTRY_COLUMNS = `e.tx_hash, e.log_index, e.sequence, e.block_number, e.block_time, e.type, e.event, e.account_id, e.member,
  ev.args_json, o.running_hash`;
const ENTRY_JOINS = `LEFT JOIN idx_events ev ON ev.tx_hash = e.tx_hash AND ev.log_index = e.log_index
  LEFT JOIN idx_ledger_operations o ON o.sequence = e.sequence`;

export class AuditHistoryService {
  constructor(private readonly store: Store, private readonly index: AuditIndex, private readonly clock: () => Date) {}

  private get db() {
    return this.store.database.db;
  }

  private toEntry(row: EntryRow): HistoryEntry {
    const args = row.args_json ? (JSON.parse(row.args_json) as Record<string, unknown>) : {};
    const { fen, display } = amountsOf(row.event, args);
    const entry: HistoryEntry = {
      sequence: row.sequence,
      type: row.type,
      event: row.event,
      accountId: row.account_id,
      member: row.member,
      txHash: row.tx_hash,
      blockNumber: row.block_number,
      logIndex: row.log_index,
      blockTime: shanghaiIso(row.block_time),
      runningHash: row.running_hash ?? "",
      amounts: fen,
      display,
      details: detailsOf(args),
    };
    if (row.event === "PayoutSettled") {
      const payout = this.db.prepare("SELECT status FROM idx_payouts WHERE payout_id = ?").get(Number(args.payoutId)) as { status: string } | undefined;
      if (payout) entry.paymentStatus = payout.status;
    }
    return entry;
  }

  /** An account's complete history: its own entries and its member's eligibility, in operation order. */
  async getAccountHistory(caller: Caller, accountId: string, filter: HistoryFilter = {}): Promise<AccountHistoryPage> {
    void caller;
    await this.index.sync();
    const account = this.store.eventIndex.account(accountId);
    if (!account) throw new AppError("ACCOUNT_UNKNOWN", ERROR_CATALOG.ACCOUNT_UNKNOWN.en, { field: "accountId" });
    const limit = Math.min(filter.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const [afterSequence, afterLog] = decodeCursor(filter.cursor);
    const { fromTime, toTime } = periodBounds(filter);
    const types = typeClause(filter.types);
    const common = `AND (e.sequence, e.log_index) > (?, ?) AND e.block_time >= ? AND e.block_time < ?${types.sql}`;
    const rows = this.db
      .prepare(
        `SELECT * FROM (
           SELECT ${ENTRY_COLUMNS} FROM audit_entries e ${ENTRY_JOINS} WHERE e.account_id = ? ${common}
           UNION ALL
           SELECT ${ENTRY_COLUMNS} FROM audit_entries e ${ENTRY_JOINS} WHERE e.member = ? AND e.account_id IS NULL ${common}
         ) ORDER BY sequence, log_index LIMIT ?`,
      )
      .all(
        account.accountId, afterSequence, afterLog, fromTime, toTime, ...types.params,
        account.member, afterSequence, afterLog, fromTime, toTime, ...types.params,
        limit + 1,
      ) as unknown as EntryRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      accountId: account.accountId,
      member: account.member,
      kind: account.kind,
      status: account.status,
      entries: page.map((r) => this.toEntry(r)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.sequence, last.log_index) : null,
      indexedBlock: this.index.indexedBlock(),
    };
  }

  /** Every page of an account's history (for exports). */
  async allAccountEntries(caller: Caller, accountId: string, filter: Omit<HistoryFilter, "cursor" | "limit"> = {}): Promise<AccountHistoryPage> {
    let page = await this.getAccountHistory(caller, accountId, { ...filter, limit: MAX_PAGE_SIZE });
    const entries = [...page.entries];
    while (page.nextCursor) {
      page = await this.getAccountHistory(caller, accountId, { ...filter, cursor: page.nextCursor, limit: MAX_PAGE_SIZE });
      entries.push(...page.entries);
    }
    return { ...page, entries, nextCursor: null };
  }

  /** The system-wide journal: ledger operations in order, each with its entries. */
  async getJournal(caller: Caller, filter: HistoryFilter = {}): Promise<JournalPage> {
    void caller;
    await this.index.sync();
    const limit = Math.min(filter.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const [afterSequence] = decodeCursor(filter.cursor);
    const { fromTime, toTime } = periodBounds(filter);
    const types = typeClause(filter.types);
    const ops = this.db
      .prepare(
        `SELECT a.sequence, a.tx_hash, a.log_index, a.block_number, a.block_time, a.sender, a.calldata, o.selector, o.data_hash, o.running_hash
         FROM audit_operations a LEFT JOIN idx_ledger_operations o ON o.sequence = a.sequence
         WHERE a.sequence > ? AND a.block_time >= ? AND a.block_time < ?
         ${types.sql ? `AND EXISTS (SELECT 1 FROM audit_entries e WHERE e.sequence = a.sequence${types.sql})` : ""}
         ORDER BY a.sequence LIMIT ?`,
      )
      .all(afterSequence, fromTime, toTime, ...types.params, limit + 1) as unknown as {
        sequence: number; tx_hash: string; log_index: number; block_number: number; block_time: number; sender: string; calldata: string | null;
        selector: string | null; data_hash: string | null; running_hash: string | null;
      }[];
    const page = ops.slice(0, limit);
    const entriesBySequence = new Map<number, HistoryEntry[]>();
    if (page.length) {
      const rows = this.db
        .prepare(`SELECT ${ENTRY_COLUMNS} FROM audit_entries e ${ENTRY_JOINS} WHERE e.sequence BETWEEN ? AND ? ORDER BY e.sequence, e.log_index`)
        .all(page[0]!.sequence, page.at(-1)!.sequence) as unknown as EntryRow[];
      for (const row of rows) {
        const list = entriesBySequence.get(row.sequence) ?? [];
        list.push(this.toEntry(row));
        entriesBySequence.set(row.sequence, list);
      }
    }
    return {
      operations: page.map((op) => {
        const call = decodeCall(op.calldata, op.selector ?? "");
        return {
          sequence: op.sequence,
          function: call.name,
          selector: op.selector ?? "",
          arguments: call.args,
          sender: op.sender,
          txHash: op.tx_hash,
          blockNumber: op.block_number,
          logIndex: op.log_index,
          blockTime: shanghaiIso(op.block_time),
          dataHash: op.data_hash ?? "",
          runningHash: op.running_hash ?? "",
          entries: entriesBySequence.get(op.sequence) ?? [],
        };
      }),
      nextCursor: ops.length > limit ? encodeCursor(page.at(-1)!.sequence, 0) : null,
      indexedBlock: this.index.indexedBlock(),
    };
  }

  /**
   * Finds accounts by pseudonym, account id, or resident ID number. Resolving an ID number is reading personal data:
   * only the institutions in {@link ID_RESOLVING_INSTITUTIONS} may (the tax bureau works with pseudonyms).
   */
  async searchAccounts(caller: Caller, query: { pseudonym?: string; accountId?: string; residentId?: string }): Promise<AccountMatch[]> {
    await this.index.sync();
    let member: string | undefined;
    if (query.residentId !== undefined) {
      if (!ID_RESOLVING_INSTITUTIONS.has(caller.institution)) {
        throw new AppError("FORBIDDEN_FOR_ROLE", `${ERROR_CATALOG.FORBIDDEN_FOR_ROLE.en} (resolving a resident ID number needs bank, socialSecurity, operator or auditor).`, {
          field: "residentId",
          details: { role: caller.role },
        });
      }
      const id = requireResidentId(query.residentId, { today: this.clock() });
      member = this.store.members.pseudonymOf(id.id);
    } else if (query.pseudonym !== undefined) {
      member = query.pseudonym.toLowerCase();
    }
    const rows = (member !== undefined
      ? this.db.prepare("SELECT account_id, member, plan, kind, status FROM idx_accounts WHERE member = ? ORDER BY opened_block").all(member)
      : this.db.prepare("SELECT account_id, member, plan, kind, status FROM idx_accounts WHERE account_id = ?").all((query.accountId ?? "").toLowerCase())) as {
      account_id: string; member: string; plan: string; kind: string; status: string;
    }[];
    return rows.map((r) => ({ accountId: r.account_id, member: r.member, plan: r.plan, kind: r.kind, status: r.status }));
  }
}

/** The ledger call's function name and arguments, from its calldata (or the selector alone). */
export function decodeCall(calldata: string | null, selector: string): { name: string; args: Record<string, unknown> | null } {
  for (const iface of [ledgerInterface, OTHER_OPERATIONS]) {
    if (calldata) {
      try {
        const parsed = iface.parseTransaction({ data: calldata });
        if (parsed) {
          const args: Record<string, unknown> = {};
          parsed.fragment.inputs.forEach((input, i) => {
            args[input.name || String(i)] = parsed.args[i];
          });
          return { name: parsed.name, args: JSON.parse(toJson(args)) as Record<string, unknown> };
        }
      } catch {
        // not this interface's call
      }
    }
    const fragment = selector ? iface.getFunction(selector) : null;
    if (fragment) return { name: fragment.name, args: null };
  }
  return { name: selector, args: null };
}

