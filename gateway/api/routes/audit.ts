/**
 * The auditor's API (/v1/audit): an account's history, the journal, verification against the chain, entry proofs,
 * exports, and the console's system summary and account search. Reads only: the auditor writes nothing to the
 * ledger (a verification's result is kept by the gateway for the console).
 */
import { z } from "zod";
import type { AuditServices } from "../../audit/index.js";
import { ENTRY_TYPES, type EntryType } from "../../audit/entries.js";
import { AUDIT_READERS, consoleSessionOf, MAX_PAGE_SIZE } from "../../audit/history.js";
import { INSTITUTIONS } from "../../store/credentials.js";
import { defineRoute, type RouteDefinition } from "../route.js";
import { accountId, bytes32, ErrorBody, isoDate, residentId } from "../schemas.js";

const READERS = AUDIT_READERS;

const typesList = z
  .string()
  .max(400)
  .transform((value, ctx) => {
    const types = value.split(",").map((t) => t.trim()).filter(Boolean);
    for (const t of types) {
      if (!(ENTRY_TYPES as readonly string[]).includes(t)) {
        ctx.addIssue({ code: "custom", message: `unknown entry type ${t}; one of ${ENTRY_TYPES.join(", ")}` });
        return z.NEVER;
      }
    }
    return types as EntryType[];
  })
  .openapi({ type: "string", description: `Comma-separated entry types: ${ENTRY_TYPES.join(", ")} (tax = payouts with tax withheld).`, example: "contribution,payout" });

const PeriodQuery = {
  from: isoDate.optional().openapi({ description: "First day (CST, inclusive), by block time.", example: "2026-12-01" }),
  to: isoDate.optional().openapi({ description: "Last day (CST, inclusive), by block time.", example: "2026-12-31" }),
  types: typesList.optional(),
};
const PageQuery = {
  cursor: z.string().max(100).optional().openapi({ description: "nextCursor of the previous page." }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().openapi({ description: `Entries per page (default 100, at most ${MAX_PAGE_SIZE}).` }),
};
export const HistoryQuery = z.object({ ...PeriodQuery, ...PageQuery }).strict();
export const ExportQuery = z
  .object({ format: z.enum(["csv", "json"]).default("json"), accountId: accountId.optional(), ...PeriodQuery })
  .strict()
  .superRefine((q, ctx) => {
    if (!q.accountId && !q.from && !q.to) ctx.addIssue({ code: "custom", path: ["accountId"], message: "give an account, or a period (from and/or to)" });
  });
export const ProofParams = z.object({
  txHash: bytes32.openapi({ description: "The entry's transaction hash." }),
  logIndex: z.coerce.number().int().min(0).max(1_000_000).openapi({ description: "The entry's log index in its block." }),
});
export const AccountSearchBody = z
  .object({
    pseudonym: bytes32.optional().openapi({ description: "The member's pseudonym on chain." }),
    accountId: accountId.optional(),
    residentId: residentId.optional().openapi({ description: "Resident ID number (bank, socialSecurity, operator, auditor only)." }),
  })
  .strict()
  .superRefine((b, ctx) => {
    const given = [b.pseudonym, b.accountId, b.residentId].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: "custom", path: ["pseudonym"], message: "give exactly one of pseudonym, accountId and residentId" });
  })
  .openapi("AccountSearchRequest");

const Entry = z
  .object({
    sequence: z.number(), type: z.enum(ENTRY_TYPES), event: z.string(), accountId: z.string().nullable(), member: z.string().nullable(),
    txHash: z.string(), blockNumber: z.number(), logIndex: z.number(),
    blockTime: z.string().openapi({ description: "Block time, Asia/Shanghai, ISO 8601 with +08:00.", example: "2026-12-03T18:40:59+08:00" }),
    runningHash: z.string().openapi({ description: "The ledger's running hash after this entry's operation." }),
    amounts: z.record(z.string(), z.string()).openapi({ description: "Integer fen as digit strings." }),
    display: z.record(z.string(), z.string()).openapi({ description: "The amounts as ¥1,234.56." }),
    details: z.record(z.string(), z.unknown()),
    paymentStatus: z.string().optional(),
  })
  .openapi("HistoryEntry");
const HistoryPage = z
  .object({ accountId: z.string(), member: z.string(), kind: z.string(), status: z.string(), entries: z.array(Entry), nextCursor: z.string().nullable(), indexedBlock: z.number().nullable() })
  .openapi("AccountHistory");
const JournalPage = z
  .object({
    operations: z.array(z.object({
      sequence: z.number(), function: z.string(), selector: z.string(), arguments: z.record(z.string(), z.unknown()).nullable(), sender: z.string(),
      txHash: z.string(), blockNumber: z.number(), logIndex: z.number(), blockTime: z.string(), dataHash: z.string(), runningHash: z.string(), entries: z.array(Entry),
    })),
    nextCursor: z.string().nullable(),
    indexedBlock: z.number().nullable(),
  })
  .openapi("Journal");
const Divergence = z.object({
  sequence: z.number().nullable(), how: z.enum(["missing", "altered", "extra"]), table: z.string(), key: z.string(),
  field: z.string().optional(), indexValue: z.string().nullable().optional(), chainValue: z.string().nullable().optional(),
});
const Verification = z
  .object({
    ok: z.boolean(), verifiedAt: z.string(), blockNumber: z.number(), operationCount: z.number(), chainRunningHash: z.string(), indexRunningHash: z.string(),
    indexOperationCount: z.number(), checked: z.object({ operations: z.number(), rows: z.number(), logs: z.number() }),
    firstDivergence: Divergence.nullable(), divergences: z.array(Divergence), divergenceCount: z.number(), durationMs: z.number(),
    phasesMs: z.object({ sync: z.number(), chainState: z.number(), chainLogs: z.number(), rebuild: z.number(), operations: z.number(), tables: z.number() }),
  })
  .openapi("LedgerVerification");
const Proof = z.record(z.string(), z.unknown()).openapi("EntryProof", { description: "The receipt, log, transaction and block header as the chain node returned them, the decoded event and its operation." });
const ExportBody = z
  .object({
    format: z.enum(["csv", "json"]), filename: z.string(), contentType: z.string(), header: z.record(z.string(), z.unknown()),
    entries: z.array(Entry).optional(), csv: z.string().optional().openapi({ description: "The CSV file's text; its header lines start with #." }),
  })
  .openapi("HistoryExport");
const Summary = z.record(z.string(), z.unknown()).openapi("AuditSummary");
const AccountMatches = z
  .object({ accounts: z.array(z.object({ accountId: z.string(), member: z.string(), plan: z.string(), kind: z.string(), status: z.string() })) })
  .openapi("AccountSearchResult");

const Session = z
  .object({
    institution: z.string(), role: z.string(), canSearch: z.boolean(), canResolveResidentId: z.boolean(), canReadAccount: z.boolean(),
    canReadHistory: z.boolean(), canSeeSystem: z.boolean(), canVerify: z.boolean(), canExport: z.boolean(),
  })
  .openapi("ConsoleSession");

export function auditRoutes(audit: AuditServices): RouteDefinition[] {
  return [
    defineRoute({
      operationId: "getConsoleSession", method: "get", path: "/v1/audit/session", tags: ["audit"], roles: INSTITUTIONS,
      summary: "Who the credential is and what the console may show it (控制台会话)",
      responses: { 200: { description: "The credential's institution, role and what it may see.", schema: Session } },
      handle: ({ caller }) => ({ status: 200, body: consoleSessionOf(caller) }),
    }),
    defineRoute({
      operationId: "getAccountHistory", method: "get", path: "/v1/audit/accounts/:accountId/history", tags: ["audit"], roles: READERS,
      summary: "An account's complete history (账户历史): every entry with transaction, block, log index, block time and running hash",
      description: "Account events, contributions, returns, vesting and forfeiture, the member's eligibility, payout plans, payouts with their payment status, and tax withheld — in ledger operation order. Filters: from/to (CST days, by block time), types. Cursor pagination.",
      params: z.object({ accountId }), query: HistoryQuery,
      responses: { 200: { description: "One page of the history.", schema: HistoryPage }, 404: { description: "ACCOUNT_UNKNOWN", schema: ErrorBody } },
      handle: async ({ caller, params, query }) => ({ status: 200, body: await audit.history.getAccountHistory(caller, params.accountId, query) }),
    }),
    defineRoute({
      operationId: "getJournal", method: "get", path: "/v1/audit/journal", tags: ["audit"], roles: READERS,
      summary: "The system-wide journal (总账日志): every ledger operation in order, with its call and entries",
      query: HistoryQuery, responses: { 200: { description: "One page of the journal.", schema: JournalPage } },
      handle: async ({ caller, query }) => ({ status: 200, body: await audit.history.getJournal(caller, query) }),
    }),
    defineRoute({
      operationId: "verifyLedger", method: "post", path: "/v1/audit/verifications", tags: ["audit"], roles: READERS,
      summary: "Verify the gateway's index against the chain (核验账本)",
      description: "Recomputes the running hash from the index (stored calldata → data hash → running hash) and compares it with the chain's auditState() at the index's checkpoint; rebuilds the index from the chain's logs and compares every row. OK with the operation count, or the first operation where they differ and how: missing, altered, extra.",
      responses: { 200: { description: "The result (ok or the divergences).", schema: Verification }, 503: { description: "AUDIT_INDEX_NOT_READY / CHAIN_UNAVAILABLE", schema: ErrorBody } },
      handle: async ({ caller }) => ({ status: 200, body: await audit.verifier.verifyLedger(caller) }),
    }),
    defineRoute({
      operationId: "getLastVerification", method: "get", path: "/v1/audit/verifications/latest", tags: ["audit"], roles: READERS,
      summary: "The last verification's result (最近一次核验)",
      responses: { 200: { description: "The last result, or null.", schema: z.object({ verification: Verification.nullable() }) } },
      handle: () => ({ status: 200, body: { verification: audit.verifier.lastVerification() } }),
    }),
    defineRoute({
      operationId: "getEntryProof", method: "get", path: "/v1/audit/entries/:txHash/:logIndex/proof", tags: ["audit"], roles: READERS,
      summary: "An entry's proof from the chain node (链上凭证): receipt, log, transaction and block header",
      params: ProofParams,
      responses: { 200: { description: "The proof.", schema: Proof }, 404: { description: "AUDIT_ENTRY_NOT_FOUND", schema: ErrorBody } },
      handle: async ({ caller, params }) => ({ status: 200, body: await audit.proofs.getEntryProof(caller, params.txHash, params.logIndex) }),
    }),
    defineRoute({
      operationId: "exportHistory", method: "get", path: "/v1/audit/exports", tags: ["audit"], roles: READERS,
      summary: "Export an account's history or a period's entries as CSV or JSON (导出)",
      description: "The header states chain id, ledger and implementation addresses, block range, operation count and running hash (as indexed and as the chain says), so the export can be verified later. The CSV text is in `csv` (header lines start with #).",
      query: ExportQuery, responses: { 200: { description: "The export.", schema: ExportBody }, 404: { description: "ACCOUNT_UNKNOWN", schema: ErrorBody } },
      handle: async ({ caller, query }) => ({ status: 200, body: await audit.exports.exportHistory(caller, query) }),
    }),
    defineRoute({
      operationId: "getAuditSummary", method: "get", path: "/v1/audit/summary", tags: ["audit"], roles: READERS,
      summary: "System figures for the console (系统概况): accounts, this month's contributions and payouts, claims by state, outbox depth, index lag, last verification",
      responses: { 200: { description: "The figures.", schema: Summary } },
      handle: async ({ caller }) => ({ status: 200, body: await audit.summary.getSystemSummary(caller) }),
    }),
    defineRoute({
      operationId: "searchAccounts", method: "post", path: "/v1/audit/account-search", tags: ["audit"], roles: ["bank", "socialSecurity", "taxBureau", "auditor", "operator"],
      summary: "Find accounts by pseudonym, account id, or resident ID number (in the body, never in the URL) (查找账户)",
      description: "Resolving a resident ID number reads personal data: bank, socialSecurity, operator and auditor only; the tax bureau gets FORBIDDEN_FOR_ROLE.",
      body: AccountSearchBody, responses: { 200: { description: "The member's accounts (possibly none).", schema: AccountMatches } },
      handle: async ({ caller, body }) => ({ status: 200, body: { accounts: await audit.history.searchAccounts(caller, body) } }),
    }),
  ];
}
