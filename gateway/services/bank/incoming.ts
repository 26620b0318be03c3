/**
 * Money in (issue 4): camt.054 credit notifications, employer payroll contribution files and the suspense list.
 *
 * A notification is classified by the adapter (docs/bank-adapter.md), then — in ONE SQLite transaction — every
 * decision's effect is written together with the dedup key of its booking: a personal contribution's outbox row
 * (chain bankRef = keccak256 of the dedup key, so even a resend that slipped past this table credits once on
 * chain), a payroll release's outbox rows, a hold or a suspense entry. A crash leaves either all of it or none.
 */
import { randomUUID } from "node:crypto";
import { concat, id as keccakUtf8, keccak256 } from "ethers";
import {
  BankMessageError, classifyCamt054Entries, fenToDecimal, parsePayrollFile, readCamt054, parseBankXml,
  type BankReason, type Camt054Decision, type Camt054Document, type Camt054Source, type PayrollFileFormat, type PayrollFileMode,
} from "../../adapters/bank/index.js";
import { CALLS } from "../../chain/calls.js";
import { accountIdOf } from "../../chain/ledgerInterface.js";
import { formatFen } from "../../domain/money.js";
import { AppError, ERROR_CATALOG } from "../../errors.js";
import type { OperationRecord } from "../../store/operations.js";
import type { Caller, ServiceDeps } from "../context.js";
import { pseudonymFor, type MemberRef } from "../members.js";
import { viewOperation } from "../operations.js";
import { planIdOf } from "../plans.js";
import { shanghaiTime } from "../time.js";
import type { BankRepository, PayrollItem, SuspenseRecord, SuspenseStatus } from "./repository.js";

export type EntryOutcome = "credited" | "duplicate" | "held" | "rejected";

/** One line of a camt.054 report: per transaction of the notification. */
export interface Camt054ReportEntry {
  /** 1-based position in the report. */
  line: number;
  notificationId: string;
  entryIndex: number;
  transactionIndex: number | null;
  /** The bank's most specific reference for the booking (AcctSvcrRef, else EndToEndId…). */
  bankReference: string | null;
  /** `¥1,234.56`, or `100.00 USD` for another currency. */
  amount: string;
  amountFen?: string;
  currency: string;
  outcome: EntryOutcome;
  /** What the booking was recognised as. */
  decision: Camt054Decision["kind"] | "payrollAlreadyReleased";
  pensionReference?: string;
  payrollReference?: string;
  operationId?: string;
  /** A payroll release: one operation per chain batch. */
  operationIds?: string[];
  /** With ?wait=true: the operation's final state (or still pending after the wait). */
  state?: string;
  suspenseId?: string;
  reason?: BankReason;
  /** For a duplicate: what the first delivery did. */
  firstDelivery?: { messageId: string; outcome: string; operationId?: string; suspenseId?: string };
}

export interface Camt054Report {
  messageType: "camt.054";
  version: string;
  messageId: string;
  source: string;
  receivedAt: string;
  receivedAtCst: string;
  counts: Record<EntryOutcome, number> & { entries: number };
  creditedTotal: string;
  creditedTotalFen: string;
  entries: Camt054ReportEntry[];
}

/** Gas of one enterprise-annuity credit, an upper bound (a first credit to the account, with its calldata and event). */
const ANNUITY_ITEM_GAS = 60_000;
/** Fixed gas of a contributeAnnuityBatch transaction (intrinsic, bank reference, parameters, batch event). */
const ANNUITY_BATCH_BASE_GAS = 120_000;
/** The ledger's MAX_BATCH for contributeAnnuityBatch. */
const LEDGER_MAX_BATCH = 1000;

export interface IncomingOptions {
  /** Gas one batch transaction may use: the block gas limit × BATCH_GAS_SHARE_PERCENT (default 30M × 80 %). */
  batchGasBudget?: number;
  maxXmlBytes?: number;
}

function describeAmount(source: Camt054Source, fen?: bigint): string {
  if (fen !== undefined) return formatFen(fen);
  return `${source.amountText} ${source.currency}`.trim();
}

function bankReferenceOf(source: Camt054Source): string | null {
  return source.acctSvcrRef ?? source.entryAcctSvcrRef ?? source.endToEndId ?? source.txId ?? source.ntryRef ?? null;
}

/**
 * Deals payroll items into `chunks` chain batches so that each batch keeps the file's average employer part:
 * sorted by employer part and dealt in a snake (0…k−1, k−1…0, …). The ledger checks "employer ≤ 5 × the batch
 * average" per transaction, while the rule is per payroll period; the file was validated as a whole, and dealing
 * keeps every batch's average within one item of the file's.
 */
export function dealPayrollChunks(items: readonly PayrollItem[], perChunk: number): PayrollItem[][] {
  const k = Math.max(1, Math.ceil(items.length / perChunk));
  const sorted = [...items].sort((a, b) => (BigInt(b.employerAmount) > BigInt(a.employerAmount) ? 1 : BigInt(b.employerAmount) < BigInt(a.employerAmount) ? -1 : 0));
  const chunks: PayrollItem[][] = Array.from({ length: k }, () => []);
  sorted.forEach((item, i) => {
    const round = Math.floor(i / k);
    const position = i % k;
    chunks[round % 2 === 0 ? position : k - 1 - position]!.push(item);
  });
  return chunks.filter((c) => c.length > 0);
}

const PERSONAL_PLAN = "0x" + "00".repeat(32);

/** accountIdOf (keccak256(abi.encode(member, plan))) for two bytes32: the encoding is their concatenation. */
function fastAccountIdOf(member: string, plan: string): string {
  return keccak256(concat([member, plan]));
}

export class IncomingMoney {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly repo: BankRepository,
    private readonly options: IncomingOptions = {},
  ) {}

  private now(): string {
    return this.deps.clock().toISOString();
  }

  /** Lines per payroll chain batch, from the gas budget (and the ledger's MAX_BATCH). */
  payrollLinesPerBatch(): number {
    const budget = this.options.batchGasBudget ?? 24_000_000;
    return Math.max(1, Math.min(LEDGER_MAX_BATCH, Math.floor((budget - ANNUITY_BATCH_BASE_GAS) / ANNUITY_ITEM_GAS)));
  }

  // ───────────────────────── camt.054 ─────────────────────────

  /** Parses and ingests a camt.054 document (XML text). */
  async ingestCamt054Xml(caller: Caller, xml: string | Uint8Array, options: { source: string; wait?: boolean }): Promise<Camt054Report> {
    const document = readCamt054(parseBankXml(xml, { maxBytes: this.options.maxXmlBytes }));
    return this.ingestCamt054(caller, document, options);
  }

  async ingestCamt054(caller: Caller, document: Camt054Document, options: { source: string; wait?: boolean }): Promise<Camt054Report> {
    this.moveFailedCreditsToSuspense();
    const { store } = this.deps;
    const members = new Map<bigint, string>();
    const classification = classifyCamt054Entries(document, {
      pensionAccount: (_reference, serial) => {
        const member = store.members.byPensionSerial(serial);
        if (!member) return undefined;
        const status = this.repo.indexedAccountStatus(fastAccountIdOf(member.pseudonym, PERSONAL_PLAN));
        if (!status) return undefined;
        members.set(serial, member.pseudonym);
        return { open: status === "Active", ...(member.bankCard ? { boundAccount: member.bankCard } : {}) };
      },
      payrollBatch: (reference) => {
        const file = this.repo.payrollFile(reference);
        return file ? { totalFen: file.totalFen } : undefined;
      },
      alreadyProcessed: (key) => this.repo.isProcessed(key),
    });

    const receivedAt = this.now();
    const messageId = document.messageId;
    const operations: { line: number; ids: string[] }[] = [];
    const entries = store.transaction(() =>
      classification.decisions.map((decision, i) => {
        const entry = this.applyDecision(caller, decision, messageId, receivedAt, i + 1);
        const ids = entry.operationIds ?? (entry.operationId ? [entry.operationId] : []);
        if (ids.length > 0 && entry.outcome === "credited") operations.push({ line: entry.line, ids });
        return entry;
      }),
    );
    if (operations.length > 0) this.deps.pipeline.notify(CALLS.contribute!.signer);

    if (options.wait && operations.length > 0) {
      const finals = new Map<string, OperationRecord>();
      await Promise.all(operations.flatMap((o) => o.ids).map(async (id) => finals.set(id, await this.deps.pipeline.waitForFinal(id, this.deps.waitTimeoutMs))));
      const moved = this.moveFailedCreditsToSuspense();
      for (const o of operations) {
        const entry = entries[o.line - 1]!;
        const states = o.ids.map((id) => finals.get(id)!);
        const failed = states.find((s) => s.state === "failed");
        entry.state = failed ? "failed" : states.every((s) => s.state === "succeeded") ? "succeeded" : states[0]!.state;
        const error = failed ? viewOperation(failed).error : undefined;
        if (failed && error?.code === "BANK_REFERENCE_ALREADY_USED") {
          entry.outcome = "duplicate";
          entry.reason = ledgerRefusal(error.code, error.message);
        } else if (failed && entry.operationId) {
          entry.outcome = "rejected";
          entry.reason = ledgerRefusal(error?.code ?? "TRANSACTION_REVERTED", error?.message ?? "");
          const suspense = moved.get(entry.operationId);
          if (suspense) entry.suspenseId = suspense;
        }
      }
    }
    return this.report(document, options.source, receivedAt, entries);
  }

  private report(document: Camt054Document, source: string, receivedAt: string, entries: Camt054ReportEntry[]): Camt054Report {
    const counts = { entries: entries.length, credited: 0, duplicate: 0, held: 0, rejected: 0 };
    let credited = 0n;
    for (const e of entries) {
      counts[e.outcome]++;
      if (e.outcome === "credited" && e.amountFen) credited += BigInt(e.amountFen);
    }
    return {
      messageType: "camt.054", version: document.version, messageId: document.messageId, source, receivedAt,
      receivedAtCst: shanghaiTime(new Date(receivedAt)), counts, creditedTotal: formatFen(credited), creditedTotalFen: credited.toString(), entries,
    };
  }

  /** Writes one decision's effect (inside the caller's transaction) and returns its report line. */
  private applyDecision(caller: Caller, decision: Camt054Decision, messageId: string, now: string, line: number): Camt054ReportEntry {
    const s = decision.source;
    const base = {
      line, notificationId: s.notificationId, entryIndex: s.entryIndex, transactionIndex: s.transactionIndex, bankReference: bankReferenceOf(s),
      currency: s.currency,
    };
    switch (decision.kind) {
      case "personalContribution": {
        const member = this.deps.store.members.byPensionSerial(decision.serial)!;
        const chainBankRef = keccakUtf8(decision.dedupKey);
        const op = this.deps.store.operations.insert({
          kind: "contribute", signer: CALLS.contribute!.signer, institution: caller.institution,
          request: { bankRef: chainBankRef, member: member.pseudonym, amount: decision.amountFen.toString(), bookedAt: decision.bookedAt },
          result: { accountId: accountIdOf(member.pseudonym) },
        });
        this.repo.recordProcessed({
          dedupKey: decision.dedupKey, messageId, outcome: "credited", bankReference: base.bankReference ?? decision.dedupKey, amountFen: decision.amountFen,
          bookedAt: decision.bookedAt, chainBankRef, operationId: op.id, payrollReference: null, suspenseId: null,
        }, now);
        return {
          ...base, amount: formatFen(decision.amountFen), amountFen: decision.amountFen.toString(), outcome: "credited", decision: decision.kind,
          pensionReference: decision.reference, operationId: op.id, state: op.state,
        };
      }
      case "payrollRelease": {
        const file = this.repo.payrollFile(decision.payrollReference)!;
        if (file.status === "released") {
          const reason: BankReason = {
            code: "PAYROLL_BATCH_ALREADY_RELEASED",
            zh: `批次 ${decision.payrollReference} 已于此前的来账入账，本笔 ${formatFen(decision.amountFen)} 不再入账，转入待处理款项。`,
            en: `Payroll batch ${decision.payrollReference} was already released by an earlier booking; this ${formatFen(decision.amountFen)} is not credited again and goes to suspense.`,
          };
          const suspenseId = this.toSuspense(decision.dedupKey, messageId, s, decision.amountFen, decision.bookedAt, reason, now);
          return { ...base, amount: formatFen(decision.amountFen), amountFen: decision.amountFen.toString(), outcome: "rejected", decision: "payrollAlreadyReleased", payrollReference: decision.payrollReference, suspenseId, reason };
        }
        const ids = dealPayrollChunks(file.items, this.payrollLinesPerBatch()).map((items, i) =>
          this.deps.store.operations.insert({
            kind: "contributeAnnuityBatch", signer: CALLS.contributeAnnuityBatch!.signer, institution: caller.institution,
            // Derived from the payroll reference, not the booking: a file is released on chain at most once.
            request: { bankRef: keccakUtf8(`payroll:${file.payrollReference}:${i}`), plan: planIdOf(file.planCode), period: file.period, items },
            result: { payrollReference: file.payrollReference, batch: i, lines: items.length },
          }).id,
        );
        this.repo.markPayrollReleased(file.payrollReference, ids, now);
        this.repo.recordProcessed({
          dedupKey: decision.dedupKey, messageId, outcome: "released", bankReference: base.bankReference ?? decision.dedupKey, amountFen: decision.amountFen,
          bookedAt: decision.bookedAt, chainBankRef: null, operationId: ids[0]!, payrollReference: file.payrollReference, suspenseId: null,
        }, now);
        return {
          ...base, amount: formatFen(decision.amountFen), amountFen: decision.amountFen.toString(), outcome: "credited", decision: decision.kind,
          payrollReference: file.payrollReference, operationIds: ids, state: "pending",
        };
      }
      case "payrollHeld": {
        const suspenseId = this.toSuspense(decision.dedupKey, messageId, s, decision.amountFen, decision.bookedAt, decision.reason, now, "held");
        this.repo.addPayrollHold(decision.payrollReference, { dedupKey: decision.dedupKey, amountFen: decision.amountFen.toString(), bookedAt: decision.bookedAt, suspenseId });
        return {
          ...base, amount: formatFen(decision.amountFen), amountFen: decision.amountFen.toString(), outcome: "held", decision: decision.kind,
          payrollReference: decision.payrollReference, suspenseId, reason: decision.reason,
        };
      }
      case "duplicate": {
        const first = this.repo.processed(decision.dedupKey);
        return {
          ...base, amount: describeAmount(s), outcome: "duplicate", decision: decision.kind, reason: decision.reason,
          ...(first
            ? { firstDelivery: { messageId: first.messageId, outcome: first.outcome, ...(first.operationId ? { operationId: first.operationId } : {}), ...(first.suspenseId ? { suspenseId: first.suspenseId } : {}) } }
            : {}),
        };
      }
      case "rejected": {
        const entry: Camt054ReportEntry = {
          ...base, amount: describeAmount(s, decision.amountFen), ...(decision.amountFen !== undefined ? { amountFen: decision.amountFen.toString() } : {}),
          outcome: "rejected", decision: decision.kind, reason: decision.reason,
        };
        if (decision.suspense) {
          entry.suspenseId = this.toSuspense(decision.dedupKey, messageId, s, decision.amountFen, undefined, decision.reason, now);
        }
        return entry;
      }
    }
  }

  /** A suspense entry (and, with a dedup key, the booking marked processed). Returns the suspense id. */
  private toSuspense(
    dedupKey: string | undefined, messageId: string, s: Camt054Source, amountFen: bigint | undefined, bookedAt: number | undefined,
    reason: BankReason, now: string, outcome: "suspense" | "held" = "suspense",
  ): string {
    const id = `SUS-${randomUUID()}`;
    this.repo.insertSuspense({
      id, dedupKey: dedupKey ?? null, messageId, account: s.account, bankReference: bankReferenceOf(s), amountFen: amountFen ?? null, amountText: s.amountText,
      currency: s.currency, bookedAt: bookedAt ?? null, reason, createdAt: now,
    });
    if (dedupKey) {
      this.repo.recordProcessed({
        dedupKey, messageId, outcome, bankReference: bankReferenceOf(s) ?? dedupKey, amountFen: amountFen ?? null, bookedAt: bookedAt ?? null,
        chainBankRef: null, operationId: null, payrollReference: null, suspenseId: id,
      }, now);
    }
    return id;
  }

  /**
   * Credits the ledger refused (e.g. the annual cap) go to the suspense list: the money is booked at the bank but
   * belongs to no member yet. Returns operation id → suspense id of those moved now.
   */
  moveFailedCreditsToSuspense(): Map<string, string> {
    const moved = new Map<string, string>();
    const failed = this.repo.failedCredits();
    if (failed.length === 0) return moved;
    const now = this.now();
    this.deps.store.transaction(() => {
      for (const booking of failed) {
        const id = `SUS-${randomUUID()}`;
        const amountFen = booking.amountFen ?? 0n;
        this.repo.insertSuspense({
          id, dedupKey: null, messageId: booking.messageId, account: booking.dedupKey.split("|")[0] ?? "", bankReference: booking.bankReference,
          amountFen, amountText: fenToDecimal(amountFen), currency: "CNY", bookedAt: booking.bookedAt,
          reason: ledgerRefusal(booking.error?.code ?? "TRANSACTION_REVERTED", booking.error?.message ?? ""), createdAt: now,
        });
        this.repo.markCreditFailed(booking.dedupKey, id);
        moved.set(booking.operationId!, id);
      }
    });
    return moved;
  }

  // ───────────────────────── payroll files ─────────────────────────

  submitPayrollFile(caller: Caller, input: { content: string; format: PayrollFileFormat; mode: PayrollFileMode }): PayrollSubmission {
    void caller;
    const { store } = this.deps;
    const today = this.deps.clock();
    const pseudonyms = new Map<string, string>();
    const plans = new Map<string, string>();
    const result = parsePayrollFile(input.content, {
      format: input.format, mode: input.mode, today,
      isEnrolled: (residentId, planCode) => {
        const member = store.members.pseudonymOf(residentId);
        pseudonyms.set(residentId, member);
        let plan = plans.get(planCode);
        if (!plan) plans.set(planCode, (plan = planIdOf(planCode)));
        return this.repo.indexedAccountStatus(fastAccountIdOf(member, plan)) === "Active";
      },
    });
    const errors = result.errors.map((e) => ({ line: e.line, field: e.field, code: e.code, zh: e.zh, en: e.en }));
    const totals = {
      lines: result.totals.lines, acceptedLines: result.totals.acceptedLines, rejectedLines: result.totals.rejectedLines,
      computedTotalFen: result.totals.computedTotalFen.toString(), acceptedTotalFen: result.totals.acceptedTotalFen.toString(),
    };
    if (result.status === "rejected" || !result.header) {
      throw new BankMessageError(
        "PAYROLL_FILE_INVALID",
        {
          zh: `缴费文件被拒绝：共 ${errors.length} 处错误（见 details.errors）。`,
          en: `The payroll contribution file was rejected: ${errors.length} problem(s) (see details.errors).`,
        },
        { details: { mode: input.mode, totals, errors } },
      );
    }
    const header = result.header;
    const existing = this.repo.payrollFile(header.payrollReference);
    if (existing?.status === "released") {
      throw new AppError("PAYROLL_BATCH_ALREADY_RELEASED", ERROR_CATALOG.PAYROLL_BATCH_ALREADY_RELEASED.en, {
        field: "payrollReference", details: { payrollReference: header.payrollReference, releasedAt: existing.releasedAt },
      });
    }
    const items: PayrollItem[] = result.acceptedLines.map((l) => ({
      member: pseudonyms.get(l.residentId) ?? store.members.pseudonymOf(l.residentId),
      wageBase: l.wageBaseFen.toString(), employerAmount: l.employerFen.toString(), employeeAmount: l.employeeFen.toString(),
    }));
    const submittedAt = this.now();
    const total = result.totals.acceptedTotalFen;
    store.transaction(() =>
      this.repo.savePayrollFile({
        payrollReference: header.payrollReference, planCode: header.planId, period: Number(header.period.replace("-", "")), employer: header.employer,
        totalFen: total, lineCount: items.length, items, submittedAt,
      }),
    );
    return {
      payrollReference: header.payrollReference, planCode: header.planId, period: header.period, status: result.status, replacedEarlierFile: existing !== undefined,
      awaitingFunds: {
        amountFen: total.toString(), amount: formatFen(total),
        zh: `等待单位划款 ${formatFen(total)}，附言须含批次号 ${header.payrollReference}；金额一致时入账。`,
        en: `Awaiting the employer's transfer of ${formatFen(total)} quoting ${header.payrollReference}; credited when the amount matches.`,
      },
      chainBatches: Math.ceil(items.length / this.payrollLinesPerBatch()),
      totals, errors, submittedAt,
    };
  }

  // ───────────────────────── suspense ─────────────────────────

  listSuspense(caller: Caller, query: { status?: SuspenseStatus; limit?: number; offset?: number }): { total: number; items: SuspenseView[] } {
    void caller;
    this.moveFailedCreditsToSuspense();
    const { items, total } = this.repo.listSuspense(query.status, Math.min(query.limit ?? 100, 1000), query.offset ?? 0);
    return { total, items: items.map(viewSuspense) };
  }

  /** The operator assigns a suspense booking to a member: a contribution under the booking's own chain reference. */
  assignSuspense(caller: Caller, suspenseId: string, input: { member: MemberRef; note?: string }): SuspenseView {
    const suspense = this.openSuspense(suspenseId);
    // An employer's payroll transfer belongs to many employees: it is released with its file or returned, never given to one.
    if (suspense.currency !== "CNY" || suspense.amountFen === null || suspense.amountFen <= 0n || suspense.reason.code.startsWith("PAYROLL_")) {
      throw new AppError("SUSPENSE_NOT_ASSIGNABLE", ERROR_CATALOG.SUSPENSE_NOT_ASSIGNABLE.en, {
        field: "suspenseId", details: { currency: suspense.currency, reason: suspense.reason.code },
      });
    }
    const now = this.deps.clock();
    const member = pseudonymFor(this.deps.store, input.member, "residentId", now);
    const bookedAt = Math.min(suspense.bookedAt ?? Math.floor(now.getTime() / 1000), Math.floor(now.getTime() / 1000));
    const op = this.deps.store.transaction(() => {
      const inserted = this.deps.store.operations.insert({
        kind: "contribute", signer: CALLS.contribute!.signer, institution: caller.institution,
        request: { bankRef: keccakUtf8(suspense.dedupKey ?? `suspense:${suspense.id}`), member, amount: suspense.amountFen!.toString(), bookedAt },
        result: { accountId: accountIdOf(member), suspenseId: suspense.id },
      });
      if (!this.repo.resolveSuspense(suspense.id, "assigned", caller.institution, input.note ?? null, inserted.id, now.toISOString())) {
        throw new AppError("SUSPENSE_NOT_OPEN", ERROR_CATALOG.SUSPENSE_NOT_OPEN.en, { field: "suspenseId" });
      }
      return inserted;
    });
    this.deps.pipeline.notify(op.signer);
    return viewSuspense(this.repo.suspense(suspense.id)!);
  }

  /** The operator marks a suspense booking for return to the payer (the bank sends it back). */
  returnSuspense(caller: Caller, suspenseId: string, input: { note?: string }): SuspenseView {
    const suspense = this.openSuspense(suspenseId);
    this.deps.store.transaction(() => {
      if (!this.repo.resolveSuspense(suspense.id, "returnRequested", caller.institution, input.note ?? null, null, this.now())) {
        throw new AppError("SUSPENSE_NOT_OPEN", ERROR_CATALOG.SUSPENSE_NOT_OPEN.en, { field: "suspenseId" });
      }
    });
    return viewSuspense(this.repo.suspense(suspense.id)!);
  }

  private openSuspense(id: string): SuspenseRecord {
    const suspense = this.repo.suspense(id);
    if (!suspense) throw new AppError("SUSPENSE_NOT_FOUND", ERROR_CATALOG.SUSPENSE_NOT_FOUND.en, { field: "suspenseId" });
    if (suspense.status !== "open") {
      throw new AppError("SUSPENSE_NOT_OPEN", ERROR_CATALOG.SUSPENSE_NOT_OPEN.en, { field: "suspenseId", details: { status: suspense.status } });
    }
    return suspense;
  }
}

export interface PayrollSubmission {
  payrollReference: string;
  planCode: string;
  period: string;
  status: "accepted" | "partiallyAccepted";
  replacedEarlierFile: boolean;
  awaitingFunds: { amountFen: string; amount: string; zh: string; en: string };
  chainBatches: number;
  totals: { lines: number; acceptedLines: number; rejectedLines: number; computedTotalFen: string; acceptedTotalFen: string };
  errors: { line: number; field: string; code: string; zh: string; en: string }[];
  submittedAt: string;
}

export interface SuspenseView {
  suspenseId: string;
  status: SuspenseStatus;
  messageId: string;
  account: string;
  bankReference: string | null;
  amount: string;
  amountFen: string | null;
  currency: string;
  bookedAt: string | null;
  reason: { code: string; zh: string; en: string };
  operationId: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  note: string | null;
  createdAt: string;
}

function viewSuspense(s: SuspenseRecord): SuspenseView {
  return {
    suspenseId: s.id, status: s.status, messageId: s.messageId, account: s.account, bankReference: s.bankReference,
    amount: s.amountFen !== null && s.currency === "CNY" ? formatFen(s.amountFen) : `${s.amountText} ${s.currency}`.trim(),
    amountFen: s.amountFen?.toString() ?? null, currency: s.currency,
    bookedAt: s.bookedAt === null ? null : shanghaiTime(new Date(s.bookedAt * 1000)), reason: s.reason, operationId: s.operationId,
    resolvedBy: s.resolvedBy, resolvedAt: s.resolvedAt, note: s.resolutionNote, createdAt: s.createdAt,
  };
}

/** The ledger refused a credit: the catalog code, in Chinese and English. */
function ledgerRefusal(code: string, message: string): BankReason {
  const en = (ERROR_CATALOG as Record<string, { en: string }>)[code]?.en ?? message;
  const zh: Record<string, string> = {
    CONTRIBUTION_EXCEEDS_ANNUAL_CAP: "超过个人养老金年度缴费上限，账本整笔拒绝入账，转入待处理款项。",
    ACCOUNT_STATUS_INVALID: "账户状态不允许缴费（冻结、领取中或已销户），转入待处理款项。",
    MEMBER_DECEASED: "参加人已认证身故，账户不再接受缴费，转入待处理款项。",
    BANK_REFERENCE_ALREADY_USED: "该笔来账的银行参考号已入账，不重复入账。",
  };
  const suffix = code === "BANK_REFERENCE_ALREADY_USED" ? " Not credited again." : " The booking goes to suspense.";
  return { code, zh: zh[code] ?? `账本拒绝入账（${code}），转入待处理款项。`, en: `${en}${suffix}` };
}
