/**
 * Reconciliation of the ledger's expected movements on the pension settlement account against a camt.053
 * statement: what matched, what the statement lacks, what the ledger lacks, and amounts that differ.
 *
 * Matching is by reference: an expected movement's `ref` (a payout id for money out, the bank reference of a
 * contribution for money in) is looked up among each statement transaction's `EndToEndId`, `AcctSvcrRef`
 * (transaction, then entry), `TxId`, `InstrId` and `NtryRef`. Only booked (`BOOK`) entries are compared; others
 * are listed in `notBooked`. Expected movements with a `bookedAt` outside the statement's period are left out
 * (listed in `outsidePeriod`), so a statement for 1–30 November is not blamed for a December payout.
 *
 * Pure: no I/O.
 */
import { isoToUnixSeconds } from "./amount.js";
import type { Camt053Document, Camt053Statement } from "./camt053.js";
import type { ReportEntry, ReportTransaction } from "./reportEntry.js";

export type Direction = "credit" | "debit";

export interface ExpectedMovement {
  /** Payout id (EndToEndId of our pain.001) or the bank's reference of an incoming payment. */
  ref: string;
  amountFen: bigint;
  /** From the settlement account's point of view: payouts are `debit`, money in is `credit`. */
  direction: Direction;
  /** When the ledger expects it to be booked (unix seconds); omitted → always in the period. */
  bookedAt?: number;
}

/** One statement transaction (or an entry without details), as reconciliation sees it. */
export interface StatementMovement {
  statementId: string;
  entryIndex: number;
  transactionIndex: number | null;
  /** All references the bank gave, most specific first. */
  refs: string[];
  amountText: string;
  currency: string;
  /** Set for a CNY amount with at most 2 decimals. */
  amountFen?: bigint;
  direction: Direction | "unknown";
  status: string;
  bookingDate?: string;
}

export interface ReconciliationResult {
  matched: { expected: ExpectedMovement; statement: StatementMovement }[];
  /** Expected by the ledger, not in the statement. */
  missingInStatement: ExpectedMovement[];
  /** Booked by the bank, not expected by the ledger (including non-CNY entries). */
  missingInLedger: StatementMovement[];
  /** Same reference, different amount or direction. */
  amountDifferences: { expected: ExpectedMovement; statement: StatementMovement; differenceFen?: bigint }[];
  /** Statement entries not booked (PDNG, INFO…): not compared. */
  notBooked: StatementMovement[];
  /** Expected movements whose `bookedAt` lies outside the statement's period: not compared. */
  outsidePeriod: ExpectedMovement[];
  period?: { from: number; to: number };
  summary: {
    matched: number;
    missingInStatement: number;
    missingInLedger: number;
    amountDifferences: number;
    /** Σ expected (credit − debit) of the compared expected movements, in fen. */
    expectedNetFen: bigint;
    /** Σ booked CNY (credit − debit) in the statement, in fen. */
    statementNetFen: bigint;
  };
}

function direction(code: string | undefined): Direction | "unknown" {
  return code === "CRDT" ? "credit" : code === "DBIT" ? "debit" : "unknown";
}

function movements(statement: Camt053Statement): StatementMovement[] {
  const out: StatementMovement[] = [];
  const push = (entry: ReportEntry, tx: ReportTransaction | undefined) => {
    // A transaction without its own amount stands for the entry only when it is the entry's only one.
    const amount = tx?.amount ?? (entry.transactions.length <= 1 ? entry.amount : undefined);
    const refs = [tx?.endToEndId, tx?.acctSvcrRef, entry.acctSvcrRef, tx?.txId, tx?.instrId, entry.ntryRef].filter(
      (r): r is string => r !== undefined && r !== "" && r.toUpperCase() !== "NOTPROVIDED",
    );
    out.push({
      statementId: statement.id,
      entryIndex: entry.index,
      transactionIndex: tx?.index ?? null,
      refs: [...new Set(refs)],
      amountText: amount?.text ?? "",
      currency: amount?.currency ?? entry.amount.currency,
      ...(amount?.fen !== undefined ? { amountFen: amount.fen } : {}),
      direction: direction(tx?.creditDebit ?? entry.creditDebit),
      status: entry.status,
      ...(entry.bookingDate ? { bookingDate: entry.bookingDate } : {}),
    });
  };
  for (const entry of statement.entries) {
    if (entry.transactions.length === 0) push(entry, undefined);
    for (const tx of entry.transactions) push(entry, tx);
  }
  return out;
}

function signed(fen: bigint, d: Direction | "unknown"): bigint {
  return d === "credit" ? fen : d === "debit" ? -fen : 0n;
}

/**
 * Compares what the ledger expected to move with what the bank booked.
 * @param expected the ledger's movements on the settlement account (payouts, incoming money)
 * @param statement one statement, or a whole camt.053 document (all its statements together)
 */
export function reconcile(expected: readonly ExpectedMovement[], statement: Camt053Statement | Camt053Document): ReconciliationResult {
  const statements = "statements" in statement ? statement.statements : [statement];
  const all = statements.flatMap(movements);
  const periods = statements.map((s) => s.period).filter((p): p is { from: number; to: number } => p !== undefined);
  const period = periods.length > 0 ? { from: Math.min(...periods.map((p) => p.from)), to: Math.max(...periods.map((p) => p.to)) } : undefined;

  const booked = all.filter((m) => m.status === "BOOK");
  const notBooked = all.filter((m) => m.status !== "BOOK");
  const byRef = new Map<string, number[]>();
  booked.forEach((m, i) => {
    for (const r of m.refs) byRef.set(r, [...(byRef.get(r) ?? []), i]);
  });
  const used = new Set<number>();

  const inPeriod = (e: ExpectedMovement) => e.bookedAt === undefined || period === undefined || (e.bookedAt >= period.from && e.bookedAt <= period.to);
  const compared = expected.filter(inPeriod);
  const outsidePeriod = expected.filter((e) => !inPeriod(e));

  const matched: ReconciliationResult["matched"] = [];
  const missingInStatement: ExpectedMovement[] = [];
  const amountDifferences: ReconciliationResult["amountDifferences"] = [];
  for (const e of compared) {
    const candidates = (byRef.get(e.ref) ?? []).filter((i) => !used.has(i));
    const exact = candidates.find((i) => booked[i]!.amountFen === e.amountFen && booked[i]!.direction === e.direction);
    const chosen = exact ?? candidates[0];
    if (chosen === undefined) {
      missingInStatement.push(e);
      continue;
    }
    used.add(chosen);
    const s = booked[chosen]!;
    if (exact !== undefined) matched.push({ expected: e, statement: s });
    else {
      amountDifferences.push({
        expected: e,
        statement: s,
        ...(s.amountFen !== undefined && s.direction !== "unknown" ? { differenceFen: signed(s.amountFen, s.direction) - signed(e.amountFen, e.direction) } : {}),
      });
    }
  }
  const missingInLedger = booked.filter((_, i) => !used.has(i));
  const expectedNetFen = compared.reduce((sum, e) => sum + signed(e.amountFen, e.direction), 0n);
  const statementNetFen = booked.reduce((sum, m) => sum + (m.currency === "CNY" && m.amountFen !== undefined ? signed(m.amountFen, m.direction) : 0n), 0n);
  return {
    matched,
    missingInStatement,
    missingInLedger,
    amountDifferences,
    notBooked,
    outsidePeriod,
    ...(period ? { period } : {}),
    summary: {
      matched: matched.length,
      missingInStatement: missingInStatement.length,
      missingInLedger: missingInLedger.length,
      amountDifferences: amountDifferences.length,
      expectedNetFen,
      statementNetFen,
    },
  };
}

/** Unix seconds of a statement movement's booking date (date-only → 00:00 China Standard Time). */
export function movementBookedAt(m: StatementMovement): number | undefined {
  return m.bookingDate ? isoToUnixSeconds(m.bookingDate) : undefined;
}
