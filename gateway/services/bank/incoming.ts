/**
 * Money in (issue 4): camt.054 credit notifications, employer payroll contribution files and the suspense list.
 *
 * A notification is classified by the adapter (docs/bank-adapter.md); its personal credits are cut into chunks
 * by gas and pre-checked (status, death, closed year, the annual cap against the chain's contributionsInYear);
 * then — in ONE SQLite transaction — every decision's effect is written together with the dedup key of its
 * booking: one contributeBatch outbox row per chunk (chain bankRef = camt054BatchReference of the chunk's keys, so
 * a resend that slipped past this table is refused on chain), a payroll release's outbox rows, a hold or a
 * suspense entry. A crash leaves either all of it or none. A batch the ledger refuses item by item is split by
 * settleFailedCredits: the bad credit to suspense, the others resent.
 */
import { randomUUID } from "node:crypto";
import { AbiCoder, concat, id as keccakUtf8, keccak256 } from "ethers";
import {
  BankMessageError, camt054ApiReferenceKeys, classifyCamt054Entries, joinsByPayerReference, displayAmount, fenToDecimal, parsePayrollFile, readCamt054, parseBankXml,
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
import { bankRefOf } from "../contributions.js";
import type { BankRepository, PayrollItem, ProcessedBooking, SuspenseRecord, SuspenseStatus } from "./repository.js";

/**
 * What became of one transaction, as far as is known when the report is written:
 * - `accepted`: queued for the ledger (an operation in state pending/submitted): NOT yet credited — it may still
 *   be refused and go to suspense (follow `operationId`, or send with ?wait=true);
 * - `credited`: the ledger operation succeeded (only known with ?wait=true, or once the operation is final);
 * - `duplicate`: the same booking was processed before (or the ledger already had its reference);
 * - `conflict`: the same bank reference as a booking processed before, with another amount or date: not credited,
 *   listed on the suspense list (not assignable) for an operator to settle with the bank;
 * - `held`: a payroll transfer whose amount differs from the file's total;
 * - `rejected`: not credited, with the reason (to suspense when `suspenseId` is set).
 */
export type EntryOutcome = "accepted" | "credited" | "duplicate" | "conflict" | "held" | "rejected";

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
  /** For a duplicate or a conflict: what the first delivery did (a conflict also names its amount). */
  firstDelivery?: { messageId: string; outcome: string; operationId?: string; state?: string; suspenseId?: string; amount?: string };
  /** For a debit reversal of a processed credit: that credit's delivery and operation. */
  reverses?: { messageId: string; outcome: string; operationId?: string; bankReference: string };
}

export interface Camt054Report {
  messageType: "camt.054";
  version: string;
  messageId: string;
  source: string;
  receivedAt: string;
  receivedAtCst: string;
  counts: Record<EntryOutcome, number> & { entries: number };
  /** Sum of the `credited` lines only (operations that succeeded on the ledger). */
  creditedTotal: string;
  creditedTotalFen: string;
  /** Sum of the `accepted` lines: queued for the ledger, not yet credited. */
  acceptedTotal: string;
  acceptedTotalFen: string;
  entries: Camt054ReportEntry[];
}

/** Gas of one enterprise-annuity credit, an upper bound (a first credit to the account, with its calldata and event). */
const ANNUITY_ITEM_GAS = 60_000;
/** Fixed gas of a contributeAnnuityBatch transaction (intrinsic, bank reference, parameters, batch event). */
const ANNUITY_BATCH_BASE_GAS = 120_000;
/** The ledger's MAX_BATCH for contributeAnnuityBatch and contributeBatch. */
const LEDGER_MAX_BATCH = 1000;
/**
 * Gas of one personal credit in contributeBatch, a bound of the usual path (calldata, the account word read and
 * written once, one event: about 10–13k measured). A credit that rolls the member's cap year forward also archives
 * a year (one more fresh storage slot): the sender's estimateGas still splits a batch that would not fit.
 */
const PERSONAL_ITEM_GAS = 20_000;
const PERSONAL_BATCH_BASE_GAS = 120_000;
/** How long a watcher waits for a camt.054 batch before checking whether the bank's sender still moves. */
const WATCH_WINDOW_MS = 30_000;

/**
 * The chain reference of a batch of camt.054 credits: keccak256(abi.encode(string[] keys)), the keys being the
 * dedup keys of the batch sorted by their UTF-8 bytes. The same bookings always give the same reference, so a resend
 * that slipped past the gateway's processed-key table is refused by the ledger (BankReferenceAlreadyUsed).
 */
export function camt054BatchReference(dedupKeys: readonly string[]): string {
  const sorted = [...dedupKeys].sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
  return keccak256(AbiCoder.defaultAbiCoder().encode(["string[]"], [sorted]));
}

/** A personal credit in a contributeBatch operation's request (the dedup key is not sent to the chain). */
export interface BankBatchItem {
  member: string;
  amount: string;
  bookedAt: number;
  dedupKey: string;
}

/** CST calendar year of unix seconds. */
export function cstYearOf(seconds: number): number {
  return new Date((seconds + 8 * 3600) * 1000).getUTCFullYear();
}

/**
 * The ledger's PREVIOUS_YEAR_GRACE: a booking of the previous CST year is accepted until 16 January 00:00 CST
 * (15 days after the year ended), then that year is closed.
 */
export const PREVIOUS_YEAR_GRACE_SECONDS = 15 * 86_400;

/** Whether the ledger still accepts a booking of `year` at unix time `now` (the current CST year, or the previous one in the grace window). */
export function bookingYearOpen(year: number, now: number): boolean {
  const current = cstYearOf(now);
  if (year === current) return true;
  return year === current - 1 && now < Date.UTC(current, 0, 1) / 1000 - 8 * 3600 + PREVIOUS_YEAR_GRACE_SECONDS;
}

/**
 * What is left of a failed contributeBatch operation: items [0, cursor) are on chain (the sender split the batch
 * and an earlier part went through); on `BATCH_ITEM_INVALID` the item at cursor + index is the bad one and the
 * others are to be sent again; on any other refusal every item from the cursor on is refused.
 */
export function splitFailedBatch(
  items: readonly BankBatchItem[], cursor: number, error: { code: string; details?: Record<string, unknown> } | null,
): { onChain: BankBatchItem[]; bad: BankBatchItem[]; resend: BankBatchItem[]; itemError?: { code: string; message: string; details?: Record<string, unknown> } } {
  const onChain = items.slice(0, cursor);
  const rest = items.slice(cursor);
  const index = error?.code === "BATCH_ITEM_INVALID" ? Number(error.details?.index) : NaN;
  if (Number.isInteger(index) && index >= 0 && index < rest.length) {
    const item = error!.details?.item as { code?: string; message?: string; details?: Record<string, unknown> } | undefined;
    return {
      onChain, bad: [rest[index]!], resend: rest.filter((_, i) => i !== index),
      itemError: { code: item?.code ?? "TRANSACTION_REVERTED", message: item?.message ?? "", ...(item?.details ? { details: item.details } : {}) },
    };
  }
  return { onChain, bad: rest, resend: [] };
}

export interface IncomingOptions {
  /** Gas one batch transaction may use: the block gas limit × BATCH_GAS_SHARE_PERCENT (default 30M × 80 %). */
  batchGasBudget?: number;
  maxXmlBytes?: number;
  /**
   * The pension collection account the camt.054 notifications must be for (`Othr/Id`, or an IBAN whose BBAN is
   * it). Default: {@link DEFAULT_COLLECTION_ACCOUNT}, the account of our samples.
   */
  collectionAccount?: string;
  /** How long the camt.054 pre-check waits for the chain's answers (default {@link CHAIN_READ_TIMEOUT_MS}). */
  chainReadTimeoutMs?: number;
}

/** How long the camt.054 pre-check waits for the chain node before answering CHAIN_UNAVAILABLE. */
export const CHAIN_READ_TIMEOUT_MS = 5_000;

/** The pension collection account of the embedded stack and of our samples (test/fixtures/iso20022). */
export const DEFAULT_COLLECTION_ACCOUNT = "110012345000526001";

function describeAmount(source: Camt054Source, fen?: bigint): string {
  return displayAmount(source.amountText, source.currency, fen);
}

/** A first delivery whose operation failed: refused by the ledger as already credited (`duplicate`), else `creditFailed`. */
function failedDeliveryOutcome(code: string | undefined): string {
  return code === "BANK_REFERENCE_ALREADY_USED" ? "duplicate" : "creditFailed";
}

function bankReferenceOf(source: Camt054Source): string | null {
  return source.acctSvcrRef ?? source.entryAcctSvcrRef ?? source.endToEndId ?? source.txId ?? source.ntryRef ?? null;
}

/**
 * Deals payroll items into chain batches of at most `perChunk` lines: sorted by employer part and dealt in a snake
 * (0…k−1, k−1…0, …), so every batch's amounts look like the file's. The ledger's per-period rules do not depend on
 * the dealing: every batch carries the file's declared totals (accepted lines, their employer sum), the 5× rule
 * compares each line with that period average, and the period's batches together never credit more.
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

interface PersonalCandidate {
  /** 1-based line of the report. */
  line: number;
  decision: Extract<Camt054Decision, { kind: "personalContribution" }>;
  member: string;
}

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

  collectionAccount(): string {
    return this.options.collectionAccount ?? DEFAULT_COLLECTION_ACCOUNT;
  }

  /** Personal credits per contributeBatch operation, from the gas budget (and the ledger's MAX_BATCH). */
  personalCreditsPerBatch(): number {
    const budget = this.options.batchGasBudget ?? 24_000_000;
    return Math.max(1, Math.min(LEDGER_MAX_BATCH, Math.floor((budget - PERSONAL_BATCH_BASE_GAS) / PERSONAL_ITEM_GAS)));
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
    this.settleFailedCredits();
    const { store } = this.deps;
    const members = new Map<bigint, string>();
    const classification = classifyCamt054Entries(document, {
      pensionAccount: (_reference, serial) => {
        const member = store.members.byPensionSerial(serial);
        if (!member) return undefined;
        const status = this.repo.indexedAccountStatus(fastAccountIdOf(member.pseudonym, PERSONAL_PLAN));
        if (!status) return undefined;
        members.set(serial, member.pseudonym);
        return { open: status === "Active", ...(status !== "Active" ? { status } : {}), ...(member.bankCard ? { boundAccount: member.bankCard } : {}) };
      },
      payrollBatch: (reference) => {
        const file = this.repo.payrollFile(reference);
        return file ? { totalFen: file.totalFen } : undefined;
      },
      processedBooking: (key) => this.processedBooking(key),
    }, { collectionAccounts: [this.collectionAccount()] });

    // Personal credits, in file order: chunked by gas first (each chunk's chain reference comes from all its
    // bookings' keys, so a resend builds the same chunks whatever the chain says now), then pre-checked.
    const personal: PersonalCandidate[] = [];
    classification.decisions.forEach((decision, i) => {
      if (decision.kind === "personalContribution") personal.push({ line: i + 1, decision, member: members.get(decision.serial)! });
    });
    const refusals = await this.precheckPersonal(personal);
    // From here on all is synchronous up to the commit. A booking another delivery stored while the pre-check was
    // reading the chain is a duplicate now.
    const decisions = classification.decisions.map((d) => this.stillNew(d));
    const batched = personal.filter((p) => decisions[p.line - 1]!.kind === "personalContribution");
    const perBatch = this.personalCreditsPerBatch();
    const chunks: PersonalCandidate[][] = [];
    for (let i = 0; i < batched.length; i += perBatch) chunks.push(batched.slice(i, i + perBatch));

    const receivedAt = this.now();
    const messageId = document.messageId;
    const batchOps: string[] = [];
    const personalEntries = new Map<number, { entry: Camt054ReportEntry; dedupKey: string }>();
    const payrollOps: { line: number; ids: string[]; dedupKey: string }[] = [];
    const entries = store.transaction(() => {
      const lines = new Map<number, Camt054ReportEntry>();
      chunks.forEach((chunk, c) => {
        const chainBankRef = camt054BatchReference(chunk.map((p) => p.decision.dedupKey));
        const accepted: PersonalCandidate[] = [];
        for (const p of chunk) {
          const refusal = refusals.get(p.line);
          const d = p.decision;
          const base = this.entryBase(d.source, p.line);
          if (refusal) {
            const suspenseId = this.toSuspense(d.dedupKey, messageId, d.source, d.amountFen, d.bookedAt, refusal, receivedAt, "suspense", d.aliasKeys);
            lines.set(p.line, {
              ...base, amount: formatFen(d.amountFen), amountFen: d.amountFen.toString(), outcome: "rejected", decision: d.kind,
              pensionReference: d.reference, suspenseId, reason: refusal,
            });
          } else {
            accepted.push(p);
          }
        }
        if (accepted.length === 0) return;
        const items: BankBatchItem[] = accepted.map((p) => ({
          member: p.member, amount: p.decision.amountFen.toString(), bookedAt: p.decision.bookedAt, dedupKey: p.decision.dedupKey,
        }));
        const op = store.operations.insert({
          kind: "contributeBatch", signer: CALLS.contributeBatch!.signer, institution: caller.institution,
          request: { bankRef: chainBankRef, items },
          result: { camt054: { messageId, chunk: c, credits: items.length } },
        });
        batchOps.push(op.id);
        for (const p of accepted) {
          const d = p.decision;
          const base = this.entryBase(d.source, p.line);
          this.repo.recordProcessed({
            dedupKey: d.dedupKey, messageId, outcome: "credited", bankReference: base.bankReference ?? d.dedupKey, amountFen: d.amountFen,
            bookedAt: d.bookedAt, chainBankRef, operationId: op.id, payrollReference: null, suspenseId: null,
          }, receivedAt);
          this.repo.recordAliases(d.dedupKey, d.aliasKeys ?? [], receivedAt);
          const entry: Camt054ReportEntry = {
            ...base, amount: formatFen(d.amountFen), amountFen: d.amountFen.toString(), outcome: "accepted", decision: d.kind,
            pensionReference: d.reference, operationId: op.id, state: op.state,
          };
          lines.set(p.line, entry);
          personalEntries.set(p.line, { entry, dedupKey: d.dedupKey });
        }
      });
      return decisions.map((decision, i) => {
        const done = lines.get(i + 1);
        if (done) return done;
        const entry = this.applyDecision(caller, decision, messageId, receivedAt, i + 1);
        if (entry.operationIds && entry.outcome === "accepted" && decision.kind === "payrollRelease") {
          payrollOps.push({ line: entry.line, ids: entry.operationIds, dedupKey: decision.dedupKey });
        }
        return entry;
      });
    });
    if (batchOps.length > 0 || payrollOps.length > 0) this.deps.pipeline.notify(CALLS.contributeBatch!.signer);
    for (const id of batchOps) this.watch(id);
    for (const o of payrollOps) for (const id of o.ids) this.watch(id);

    if (options.wait && (batchOps.length > 0 || payrollOps.length > 0)) {
      await this.waitForCredits(personalEntries, payrollOps, entries);
    }
    return this.report(document, options.source, receivedAt, entries);
  }

  /**
   * What was stored under a key: a camt.054 booking (by any of its references), or — for `API|<ref>` — a
   * contribution the JSON API queued under that bank reference (always a duplicate: the same reference credits once).
   */
  private processedBooking(key: string): { amountFen: bigint | null; bookedAt: number | null } | undefined {
    if (key.startsWith("API|")) return this.repo.apiContributionOf(bankRefOf(key.slice(4))) ? { amountFen: null, bookedAt: null } : undefined;
    return this.repo.processed(key);
  }

  /**
   * The decision, or a duplicate if its booking was stored meanwhile under any of its keys (a concurrent delivery
   * of the same file, or the JSON API under one of its references).
   */
  private stillNew(d: Camt054Decision): Camt054Decision {
    const keys = d.kind === "duplicate" ? [] : d.kind === "conflict" ? [d.conflictKey]
      : d.dedupKey === undefined ? [] : [d.dedupKey, ...(d.aliasKeys ?? []), ...camt054ApiReferenceKeys(d.source)];
    const key = keys.find((k) => {
      const found = this.processedBooking(k);
      return found !== undefined && (d.kind === "conflict" || joinsByPayerReference(d.dedupKey!, k, found));
    });
    if (!key) return d;
    const primary = d.kind === "conflict" ? d.conflictKey : d.dedupKey!;
    return {
      kind: "duplicate", dedupKey: primary, ...(key !== primary ? { matchedKey: key } : {}), source: d.source,
      reason: {
        code: "DUPLICATE",
        zh: "重复通知：银行参考号相同的来账已由同时到达的另一份通知处理，不再入账。",
        en: "Duplicate: a booking with the same bank reference was processed by another delivery arriving at the same time; not credited again.",
      },
    };
  }

  private entryBase(s: Camt054Source, line: number) {
    return {
      line, notificationId: s.notificationId, entryIndex: s.entryIndex, transactionIndex: s.transactionIndex, bankReference: bankReferenceOf(s),
      currency: s.currency,
    };
  }

  /**
   * Refusals the ledger would give, known before sending (so they go to suspense with their reason instead of
   * failing a whole batch): a booking in the future or in a closed year, a member whose death is attested, and the
   * annual cap — the chain's contributionsInYear (room left) less the earlier credits of this file for the same
   * member and year. The account's status was checked by the classifier (event index). Credits of earlier files
   * still in the outbox are not counted: if they take the member over the cap, the batch fails on chain and the
   * fallback moves that one credit to suspense.
   */
  private async precheckPersonal(personal: readonly PersonalCandidate[]): Promise<Map<number, BankReason>> {
    const refusals = new Map<number, BankReason>();
    if (personal.length === 0) return refusals;
    const now = Math.floor(this.deps.clock().getTime() / 1000);
    const currentYear = cstYearOf(now);
    const deceased = this.repo.deceasedMembers();
    const queries = new Map<string, { member: string; year: number }>();
    for (const p of personal) {
      const year = cstYearOf(p.decision.bookedAt);
      if (p.decision.bookedAt > now) {
        refusals.set(p.line, ledgerRefusal("BOOKING_DATE_IN_FUTURE", ERROR_CATALOG.BOOKING_DATE_IN_FUTURE.en));
      } else if (year < currentYear && !bookingYearOpen(year, now)) {
        refusals.set(p.line, ledgerRefusal("BOOKING_YEAR_CLOSED", `${ERROR_CATALOG.BOOKING_YEAR_CLOSED.en} (${year})`));
      } else if (deceased.has(p.member.toLowerCase())) {
        refusals.set(p.line, ledgerRefusal("MEMBER_DECEASED", ERROR_CATALOG.MEMBER_DECEASED.en));
      } else {
        queries.set(`${p.member}|${year}`, { member: p.member, year });
      }
    }
    const list = [...queries.values()];
    const answers = await this.withChainTimeout(this.deps.ledger.contributionsInYearMany
      ? this.deps.ledger.contributionsInYearMany(list)
      : Promise.all(list.map((q) => this.deps.ledger.contributionsInYear(q.member, q.year))));
    const room = new Map<string, bigint>();
    list.forEach((q, i) => room.set(`${q.member}|${q.year}`, answers[i]!.remaining));
    for (const p of personal) {
      if (refusals.has(p.line)) continue;
      const year = cstYearOf(p.decision.bookedAt);
      const key = `${p.member}|${year}`;
      const left = room.get(key)!;
      const amount = p.decision.amountFen;
      if (amount > left) {
        refusals.set(p.line, {
          code: "CONTRIBUTION_EXCEEDS_ANNUAL_CAP",
          zh: `本笔 ${formatFen(amount)} 超过参加人 ${year} 年度个人养老金缴费上限（本年尚可缴 ${formatFen(left)}，已计入本文件中在前的来账），整笔不入账，转入待处理款项。`,
          en: `This ${formatFen(amount)} would take the member over the ${year} personal-pension annual cap (room left ${formatFen(left)}, counting the earlier credits of this file); not credited, it goes to suspense.`,
        });
      } else {
        room.set(key, left - amount);
      }
    }
    return refusals;
  }

  /**
   * A chain read of the pre-check, bounded: a node that does not answer within `chainReadTimeoutMs` (default
   * {@link CHAIN_READ_TIMEOUT_MS}) is CHAIN_UNAVAILABLE (503), and nothing of the notification is stored.
   */
  private async withChainTimeout<T>(read: Promise<T>): Promise<T> {
    const ms = this.options.chainReadTimeoutMs ?? CHAIN_READ_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError("CHAIN_UNAVAILABLE", `${ERROR_CATALOG.CHAIN_UNAVAILABLE.en} (the annual-cap pre-check of the camt.054 credits got no answer within ${ms} ms; nothing was stored, send the notification again)`, {
        details: { timeoutMs: ms },
      })), ms);
    });
    read.catch(() => undefined);
    try {
      return await Promise.race([read, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * With ?wait=true: waits for the file's operations (and the resubmissions of any batch the ledger refused),
   * then gives every credit its final outcome: credited with the operation that credited it, rejected to suspense
   * with the ledger's reason, or duplicate when the ledger already had the batch's reference.
   */
  private async waitForCredits(
    personal: Map<number, { entry: Camt054ReportEntry; dedupKey: string }>, payrollOps: { line: number; ids: string[]; dedupKey: string }[],
    entries: Camt054ReportEntry[],
  ): Promise<void> {
    const deadline = Date.now() + this.deps.waitTimeoutMs;
    const isFinal = (id: string) => ["succeeded", "failed"].includes(this.deps.store.operations.get(id)?.state ?? "failed");
    for (;;) {
      const moved = this.settleFailedCredits();
      const ids = new Set<string>(payrollOps.flatMap((o) => o.ids));
      for (const { dedupKey } of personal.values()) {
        const row = this.repo.processed(dedupKey);
        if (row?.outcome === "credited" && row.operationId) ids.add(row.operationId);
      }
      const open = [...ids].filter((id) => !isFinal(id));
      if (open.length === 0 && moved === 0) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      await Promise.all(open.map((id) => this.deps.pipeline.waitForFinal(id, left)));
    }
    for (const { entry, dedupKey } of personal.values()) {
      const row = this.repo.processed(dedupKey)!;
      if (row.outcome === "creditFailed") {
        const suspense = row.suspenseId ? this.repo.suspense(row.suspenseId) : undefined;
        entry.outcome = "rejected";
        entry.state = "failed";
        if (suspense) {
          entry.suspenseId = suspense.id;
          entry.reason = suspense.reason;
        }
        delete entry.operationId;
        continue;
      }
      const op = row.operationId ? this.deps.store.operations.get(row.operationId) : undefined;
      if (row.operationId) entry.operationId = row.operationId;
      entry.state = op?.state ?? entry.state;
      const error = op?.state === "failed" ? viewOperation(op).error : undefined;
      if (error?.code === "BANK_REFERENCE_ALREADY_USED") {
        entry.outcome = "duplicate";
        entry.reason = ledgerRefusal(error.code, error.message);
      } else if (op?.state === "succeeded") {
        entry.outcome = "credited";
      } else if (error) {
        entry.outcome = "rejected";
        entry.reason = ledgerRefusal(error.code, error.message);
      }
      // Otherwise still queued after the wait: stays `accepted` with the operation's current state.
    }
    for (const o of payrollOps) {
      const entry = entries[o.line - 1]!;
      const states = o.ids.map((id) => this.deps.store.operations.get(id)!);
      const failed = states.find((s) => s.state === "failed");
      entry.state = failed ? "failed" : states.every((s) => s.state === "succeeded") ? "succeeded" : states[0]!.state;
      if (entry.state === "succeeded") entry.outcome = "credited";
      else if (failed) {
        const error = viewOperation(failed).error;
        entry.outcome = "rejected";
        entry.reason = ledgerRefusal(error?.code ?? "TRANSACTION_REVERTED", error?.message ?? "");
        // The refused release's money is in suspense (settleFailedPayrolls): name the entry and its reason.
        const row = this.repo.processed(o.dedupKey);
        const suspense = row?.outcome === "creditFailed" && row.suspenseId ? this.repo.suspense(row.suspenseId) : undefined;
        if (suspense) {
          entry.suspenseId = suspense.id;
          entry.reason = suspense.reason;
        }
      }
    }
  }

  /**
   * Watches a camt.054 batch until it is final; if the ledger refused it, the fallback runs at once (the
   * remaining credits must not wait for the next file). Stops when the bank's sender no longer moves (the gateway
   * stopped); the next ingest or suspense listing then catches up.
   */
  private watch(operationId: string): void {
    const signer = CALLS.contributeBatch!.signer;
    void (async () => {
      let activity = this.repo.lastOperationActivity(signer);
      for (;;) {
        const op = await this.deps.pipeline.waitForFinal(operationId, WATCH_WINDOW_MS);
        if (op.state === "failed") {
          this.settleFailedCredits();
          return;
        }
        if (op.state === "succeeded") return;
        const now = this.repo.lastOperationActivity(signer);
        if (now === activity) return;
        activity = now;
      }
    })().catch(() => undefined);
  }

  private report(document: Camt054Document, source: string, receivedAt: string, entries: Camt054ReportEntry[]): Camt054Report {
    const counts = { entries: entries.length, accepted: 0, credited: 0, duplicate: 0, conflict: 0, held: 0, rejected: 0 };
    let credited = 0n;
    let accepted = 0n;
    for (const e of entries) {
      counts[e.outcome]++;
      if (e.outcome === "credited" && e.amountFen) credited += BigInt(e.amountFen);
      if (e.outcome === "accepted" && e.amountFen) accepted += BigInt(e.amountFen);
    }
    return {
      messageType: "camt.054", version: document.version, messageId: document.messageId, source, receivedAt,
      receivedAtCst: shanghaiTime(new Date(receivedAt)), counts, creditedTotal: formatFen(credited), creditedTotalFen: credited.toString(),
      acceptedTotal: formatFen(accepted), acceptedTotalFen: accepted.toString(), entries,
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
      case "personalContribution":
        // Credited in contributeBatch operations by ingestCamt054 (chunked, pre-checked), never here.
        throw new AppError("INTERNAL", "personal contributions are batched by ingestCamt054");
      case "payrollRelease": {
        const file = this.repo.payrollFile(decision.payrollReference)!;
        if (file.status === "released") {
          const reason: BankReason = {
            code: "PAYROLL_BATCH_ALREADY_RELEASED",
            zh: `批次 ${decision.payrollReference} 已于此前的来账入账，本笔 ${formatFen(decision.amountFen)} 不再入账，转入待处理款项。`,
            en: `Payroll batch ${decision.payrollReference} was already released by an earlier booking; this ${formatFen(decision.amountFen)} is not credited again and goes to suspense.`,
          };
          const suspenseId = this.toSuspense(decision.dedupKey, messageId, s, decision.amountFen, decision.bookedAt, reason, now, "suspense", decision.aliasKeys);
          return { ...base, amount: formatFen(decision.amountFen), amountFen: decision.amountFen.toString(), outcome: "rejected", decision: "payrollAlreadyReleased", payrollReference: decision.payrollReference, suspenseId, reason };
        }
        // The payroll period's totals the ledger checks every batch against: the file's accepted lines.
        const periodEmployees = file.items.length;
        const periodEmployerTotal = file.items.reduce((sum, item) => sum + BigInt(item.employerAmount), 0n).toString();
        const ids = dealPayrollChunks(file.items, this.payrollLinesPerBatch()).map((items, i) =>
          this.deps.store.operations.insert({
            kind: "contributeAnnuityBatch", signer: CALLS.contributeAnnuityBatch!.signer, institution: caller.institution,
            // Derived from the payroll reference, not the booking: a file is released on chain at most once.
            request: {
              bankRef: keccakUtf8(`payroll:${file.payrollReference}:${i}`), plan: planIdOf(file.planCode), period: file.period,
              periodEmployees, periodEmployerTotal, items,
            },
            result: { payrollReference: file.payrollReference, batch: i, lines: items.length },
          }).id,
        );
        this.repo.markPayrollReleased(file.payrollReference, ids, now);
        this.repo.recordProcessed({
          dedupKey: decision.dedupKey, messageId, outcome: "released", bankReference: base.bankReference ?? decision.dedupKey, amountFen: decision.amountFen,
          bookedAt: decision.bookedAt, chainBankRef: null, operationId: ids[0]!, payrollReference: file.payrollReference, suspenseId: null,
        }, now);
        this.repo.recordAliases(decision.dedupKey, decision.aliasKeys ?? [], now);
        return {
          ...base, amount: formatFen(decision.amountFen), amountFen: decision.amountFen.toString(), outcome: "accepted", decision: decision.kind,
          payrollReference: file.payrollReference, operationIds: ids, state: "pending",
        };
      }
      case "payrollHeld": {
        const suspenseId = this.toSuspense(decision.dedupKey, messageId, s, decision.amountFen, decision.bookedAt, decision.reason, now, "held", decision.aliasKeys);
        this.repo.addPayrollHold(decision.payrollReference, { dedupKey: decision.dedupKey, amountFen: decision.amountFen.toString(), bookedAt: decision.bookedAt, suspenseId });
        return {
          ...base, amount: formatFen(decision.amountFen), amountFen: decision.amountFen.toString(), outcome: "held", decision: decision.kind,
          payrollReference: decision.payrollReference, suspenseId, reason: decision.reason,
        };
      }
      case "duplicate": {
        const firstDelivery = this.firstDelivery(decision.matchedKey ?? decision.dedupKey);
        return {
          ...base, amount: describeAmount(s, decision.amountFen), ...(decision.amountFen !== undefined ? { amountFen: decision.amountFen.toString() } : {}),
          outcome: "duplicate", decision: decision.kind, reason: decision.reason, ...(firstDelivery ? { firstDelivery } : {}),
        };
      }
      case "conflict": {
        const first = this.repo.processed(decision.matchedKey ?? decision.dedupKey) ?? undefined;
        const suspenseId = this.toSuspense(decision.conflictKey, messageId, s, decision.amountFen, decision.bookedAt, decision.reason, now);
        return {
          ...base, amount: describeAmount(s, decision.amountFen), ...(decision.amountFen !== undefined ? { amountFen: decision.amountFen.toString() } : {}),
          outcome: "conflict", decision: decision.kind, reason: decision.reason, suspenseId,
          ...(first
            ? { firstDelivery: {
                messageId: first.messageId, outcome: this.deliveryOutcome(first), ...(first.operationId ? { operationId: first.operationId } : {}),
                ...(first.suspenseId ? { suspenseId: first.suspenseId } : {}), ...(first.amountFen !== null ? { amount: formatFen(first.amountFen) } : {}),
              } }
            : {}),
        };
      }
      case "rejected": {
        let reason = decision.reason;
        let reverses: Camt054ReportEntry["reverses"];
        if (decision.reverses) {
          // A debit reversal of a credit we processed: named with the credit's operation, listed for an operator.
          const original = this.repo.processed(decision.reverses);
          if (original) {
            reverses = { messageId: original.messageId, outcome: original.outcome, bankReference: original.bankReference, ...(original.operationId ? { operationId: original.operationId } : {}) };
            const op = original.operationId ? `（入账操作 ${original.operationId}）` : "";
            const opEn = original.operationId ? ` (operation ${original.operationId})` : "";
            reason = {
              ...reason,
              zh: `${reason.zh.replace(/。$/, "")}；被冲正的来账：报文 ${original.messageId}${op}。`,
              en: `${reason.en.replace(/\.$/, "")}; the credit it reverses: message ${original.messageId}${opEn}.`,
            };
          }
        }
        const entry: Camt054ReportEntry = {
          ...base, amount: describeAmount(s, decision.amountFen), ...(decision.amountFen !== undefined ? { amountFen: decision.amountFen.toString() } : {}),
          outcome: "rejected", decision: decision.kind, reason, ...(reverses ? { reverses } : {}),
        };
        if (decision.suspense) {
          entry.suspenseId = this.toSuspense(decision.dedupKey, messageId, s, decision.amountFen, decision.bookedAt, reason, now, "suspense", decision.aliasKeys);
        }
        return entry;
      }
    }
  }

  /**
   * What the first delivery of a booking did, as far as is known now: a credit or release whose operation is still
   * queued is `accepted` (with the operation's state), `credited` once the ledger has it; a reference the JSON API
   * used names that operation (messageId `POST /v1/contributions`).
   */
  private firstDelivery(key: string): Camt054ReportEntry["firstDelivery"] | undefined {
    if (key.startsWith("API|")) {
      const op = this.repo.apiContributionOf(bankRefOf(key.slice(4)));
      return op ? { messageId: op.kind === "contributeBatch" ? "POST /v1/contribution-batches" : "POST /v1/contributions", outcome: op.state === "succeeded" ? "credited" : "accepted", operationId: op.id, state: op.state } : undefined;
    }
    const first = this.repo.processed(key);
    if (!first) return undefined;
    const state = first.operationId ? this.deps.store.operations.get(first.operationId)?.state : undefined;
    return {
      messageId: first.messageId, outcome: this.deliveryOutcome(first), ...(first.operationId ? { operationId: first.operationId } : {}),
      ...(state ? { state } : {}), ...(first.suspenseId ? { suspenseId: first.suspenseId } : {}),
    };
  }

  /** A stored booking's outcome for a report: `credited`/`released` only once its operation succeeded, else `accepted`. */
  private deliveryOutcome(first: ProcessedBooking): string {
    if (first.outcome !== "credited" && first.outcome !== "released") return first.outcome;
    const ids = first.outcome === "released" && first.payrollReference ? this.repo.payrollFile(first.payrollReference)?.operationIds ?? [] : [];
    const ops = (ids.length > 0 ? ids : first.operationId ? [first.operationId] : []).map((id) => this.deps.store.operations.get(id));
    if (ops.length === 0 || ops.some((op) => !op)) return first.outcome;
    if (ops.every((op) => op!.state === "succeeded")) return first.outcome;
    if (ops.some((op) => op!.state === "failed")) return failedDeliveryOutcome(ops.find((op) => op!.state === "failed")!.error?.code);
    return "accepted";
  }

  /** A suspense entry (and, with a dedup key, the booking marked processed). Returns the suspense id. */
  private toSuspense(
    dedupKey: string | undefined, messageId: string, s: Camt054Source, amountFen: bigint | undefined, bookedAt: number | undefined,
    reason: BankReason, now: string, outcome: "suspense" | "held" = "suspense", aliasKeys: readonly string[] = [],
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
      this.repo.recordAliases(dedupKey, aliasKeys, now);
    }
    return id;
  }

  /**
   * The fallback for credits the ledger refused. A contributeBatch operation refused with
   * BatchItemInvalid(index, reason): that one credit goes to suspense with the decoded reason, and the others are
   * sent again in a new operation whose chain reference is derived from their keys (camt054BatchReference), so one
   * bad item never blocks the rest and nothing is credited twice (the refused transaction credited nothing; credits
   * an earlier part of a split batch put on chain stay credited). Any other refusal (the ledger paused, a role
   * missing…) sends every credit of the operation to suspense with that reason, as does a refused single
   * `contribute` of earlier versions. All in one SQLite transaction; returns how many credits moved.
   */
  settleFailedCredits(): number {
    const payrollMoved = this.settleFailedPayrolls();
    const failed = this.repo.failedCreditOperations();
    if (failed.length === 0) return payrollMoved;
    const now = this.now();
    const created: string[] = [];
    let moved = payrollMoved;
    this.deps.store.transaction(() => {
      for (const operationId of failed) {
        const op = this.deps.store.operations.get(operationId)!;
        const credits = new Map(this.repo.creditsOfOperation(operationId).map((b) => [b.dedupKey, b]));
        if (credits.size === 0) continue;
        const error = op.error ?? { code: "TRANSACTION_REVERTED", message: "" };
        const toSuspense = (dedupKey: string, reason: BankReason) => {
          const booking = credits.get(dedupKey);
          if (!booking) return;
          const id = `SUS-${randomUUID()}`;
          const amountFen = booking.amountFen ?? 0n;
          this.repo.insertSuspense({
            id, dedupKey: null, messageId: booking.messageId, account: this.collectionAccount(), bankReference: booking.bankReference,
            amountFen, amountText: fenToDecimal(amountFen), currency: "CNY", bookedAt: booking.bookedAt, reason, createdAt: now,
          });
          this.repo.markCreditFailed(booking.dedupKey, id);
          moved++;
        };
        if (op.kind !== "contributeBatch") {
          for (const key of credits.keys()) toSuspense(key, ledgerRefusal(error.code, error.message, error.details));
          continue;
        }
        const items = (op.request.items as BankBatchItem[]).filter((item) => item.dedupKey !== undefined);
        const split = splitFailedBatch(items, op.progress.cursor, error);
        if (split.itemError) {
          for (const item of split.bad) toSuspense(item.dedupKey, ledgerRefusal(split.itemError.code, split.itemError.message, split.itemError.details));
        } else {
          for (const item of split.bad) toSuspense(item.dedupKey, ledgerRefusal(error.code, error.message, error.details));
        }
        const resend = split.resend.filter((item) => credits.has(item.dedupKey));
        if (resend.length === 0) continue;
        const chainBankRef = camt054BatchReference(resend.map((item) => item.dedupKey));
        const next = this.deps.store.operations.insert({
          kind: "contributeBatch", signer: op.signer, institution: op.institution, request: { bankRef: chainBankRef, items: resend },
          result: { ...(op.result ?? {}), resubmissionOf: op.id, credits: resend.length },
        });
        for (const item of resend) this.repo.moveCredit(item.dedupKey, next.id, chainBankRef);
        created.push(next.id);
        moved += resend.length;
      }
    });
    if (created.length > 0) {
      this.deps.pipeline.notify(CALLS.contributeBatch!.signer);
      for (const id of created) this.watch(id);
    }
    return moved;
  }

  // ───────────────────────── payroll files ─────────────────────────

  /**
   * The fallback for a payroll release the ledger refused (checked with the failed credits): once every chain
   * batch of the file is final and one was refused, the money of the refused batches goes to suspense with the
   * ledger's reason and the booking is marked `creditFailed`, so nothing booked vanishes. If no batch reached the
   * chain, the file is open again (`awaitingFunds`): a corrected file can be submitted under the same reference
   * and released by the next transfer, while the operator returns the suspended transfer to the employer. Batches
   * that were credited stay credited. Returns how many bookings moved.
   */
  settleFailedPayrolls(): number {
    const candidates = this.repo.failedPayrollReleases();
    if (candidates.length === 0) return 0;
    const now = this.now();
    let moved = 0;
    this.deps.store.transaction(() => {
      for (const { dedupKey, payrollReference } of candidates) {
        const booking = this.repo.processed(dedupKey);
        const file = this.repo.payrollFile(payrollReference);
        if (!booking || booking.outcome !== "released" || !file || file.status !== "released") continue;
        const ops = file.operationIds.map((id) => this.deps.store.operations.get(id));
        // Wait until every batch is final: only then is it known what the ledger credited.
        if (ops.some((op) => !op || (op.state !== "succeeded" && op.state !== "failed"))) continue;
        const refused = ops.filter((op) => op!.state === "failed" && op!.error?.code !== "BANK_REFERENCE_ALREADY_USED");
        if (refused.length === 0) continue;
        const whole = refused.length === ops.length;
        const refusedFen = refused.reduce(
          (sum, op) => sum + (op!.request.items as PayrollItem[]).reduce((s, i) => s + BigInt(i.employerAmount) + BigInt(i.employeeAmount), 0n),
          0n,
        );
        const amountFen = whole && booking.amountFen !== null ? booking.amountFen : refusedFen;
        const error = refused[0]!.error ?? { code: "TRANSACTION_REVERTED", message: "" };
        const ledger = ledgerRefusal(error.code, error.message);
        const reason: BankReason = {
          code: "PAYROLL_RELEASE_REFUSED",
          zh: `账本拒绝了缴费批次 ${payrollReference} 的入账（${error.code}），${formatFen(amountFen)} 转入待处理款项` +
            (whole ? "；缴费文件重新开放，可更正后重新提交。" : "；已入账的部分保持不变。"),
          en: `The ledger refused payroll batch ${payrollReference} (${error.code}: ${ledger.en.replace(/ The booking goes to suspense\.$/, "")}); ` +
            `${formatFen(amountFen)} goes to suspense` + (whole ? " and the payroll file is open again for a corrected file." : "; the batches already credited stay credited."),
        };
        const id = `SUS-${randomUUID()}`;
        this.repo.insertSuspense({
          id, dedupKey: null, messageId: booking.messageId, account: booking.dedupKey.split("|")[0] ?? "", bankReference: booking.bankReference,
          amountFen, amountText: fenToDecimal(amountFen), currency: "CNY", bookedAt: booking.bookedAt, reason, createdAt: now,
        });
        this.repo.markCreditFailed(dedupKey, id);
        if (whole) this.repo.reopenPayrollFile(payrollReference);
        moved++;
      }
    });
    return moved;
  }

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
    if (result.header && !this.repo.planExists(planIdOf(result.header.planId))) {
      throw new AppError("PLAN_NOT_FOUND", `${ERROR_CATALOG.PLAN_NOT_FOUND.en} (planId ${result.header.planId} in the payroll file's header)`, {
        field: "planId", details: { planId: result.header.planId },
      });
    }
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
    this.settleFailedCredits();
    this.settleFailedAssignments();
    const { items, total } = this.repo.listSuspense(query.status, Math.min(query.limit ?? 100, 1000), query.offset ?? 0);
    return { total, items: items.map(viewSuspense) };
  }

  /**
   * The operator assigns a suspense booking to a member: a contribution under the booking's own chain reference.
   * What the ledger would refuse is checked first and refused with its catalog code, changing nothing: no such
   * account (ACCOUNT_NOT_FOUND), an account that is not Active (ACCOUNT_STATUS_INVALID with its status), a member
   * whose death is attested, a booking year the ledger has closed, and the annual cap against the chain's
   * contributionsInYear (CONTRIBUTION_EXCEEDS_ANNUAL_CAP with requested and remaining). Should the ledger still
   * refuse the contribution (a credit of another file got there first), the entry goes back to open with the
   * ledger's reason ({@link settleFailedAssignments}).
   */
  async assignSuspense(caller: Caller, suspenseId: string, input: { member: MemberRef; note?: string }): Promise<SuspenseView> {
    this.settleFailedAssignments();
    const suspense = this.openSuspense(suspenseId);
    // An employer's payroll transfer belongs to many employees: it is released with its file or returned, never given to one.
    // A reversal or a conflicting resend is for an operator to settle with the bank, never a credit to give.
    if (suspense.currency !== "CNY" || suspense.amountFen === null || suspense.amountFen <= 0n || suspense.reason.code.startsWith("PAYROLL_") || suspenseKind(suspense) !== "credit") {
      throw new AppError("SUSPENSE_NOT_ASSIGNABLE", ERROR_CATALOG.SUSPENSE_NOT_ASSIGNABLE.en, {
        field: "suspenseId", details: { currency: suspense.currency, reason: suspense.reason.code, kind: suspenseKind(suspense) },
      });
    }
    const now = this.deps.clock();
    const field = "residentId" in input.member ? "residentId" : "pensionReference";
    const member = pseudonymFor(this.deps.store, input.member, "residentId", now);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const bookedAt = Math.min(suspense.bookedAt ?? nowSeconds, nowSeconds);
    const amount = suspense.amountFen!;
    const status = this.repo.indexedAccountStatus(fastAccountIdOf(member, PERSONAL_PLAN));
    if (!status) throw new AppError("ACCOUNT_NOT_FOUND", ERROR_CATALOG.ACCOUNT_NOT_FOUND.en, { field });
    if (status !== "Active") {
      throw new AppError("ACCOUNT_STATUS_INVALID", `${ERROR_CATALOG.ACCOUNT_STATUS_INVALID.en} (status ${status}; only an Active account takes contributions)`, {
        field, details: { status },
      });
    }
    if (this.repo.deceasedMembers().has(member.toLowerCase())) {
      throw new AppError("MEMBER_DECEASED", ERROR_CATALOG.MEMBER_DECEASED.en, { field });
    }
    const year = cstYearOf(bookedAt);
    if (year < cstYearOf(nowSeconds) && !bookingYearOpen(year, nowSeconds)) {
      throw new AppError("BOOKING_YEAR_CLOSED", `${ERROR_CATALOG.BOOKING_YEAR_CLOSED.en} (${year})`, { field: "suspenseId", details: { year } });
    }
    const { remaining } = await this.deps.ledger.contributionsInYear(member, year);
    if (amount > remaining) {
      throw new AppError("CONTRIBUTION_EXCEEDS_ANNUAL_CAP", `${ERROR_CATALOG.CONTRIBUTION_EXCEEDS_ANNUAL_CAP.en} (requested ${formatFen(amount)}, remaining ${formatFen(remaining)} in ${year})`, {
        field, details: { requested: amount.toString(), remaining: remaining.toString(), year },
      });
    }
    const op = this.deps.store.transaction(() => {
      const inserted = this.deps.store.operations.insert({
        kind: "contribute", signer: CALLS.contribute!.signer, institution: caller.institution,
        request: { bankRef: keccakUtf8(suspense.dedupKey ?? `suspense:${suspense.id}`), member, amount: amount.toString(), bookedAt },
        result: { accountId: accountIdOf(member), suspenseId: suspense.id },
      });
      if (!this.repo.resolveSuspense(suspense.id, "assigned", caller.institution, input.note ?? null, inserted.id, now.toISOString())) {
        throw new AppError("SUSPENSE_NOT_OPEN", ERROR_CATALOG.SUSPENSE_NOT_OPEN.en, { field: "suspenseId" });
      }
      return inserted;
    });
    this.deps.pipeline.notify(op.signer);
    void this.deps.pipeline.waitForFinal(op.id, WATCH_WINDOW_MS).then((final) => {
      if (final.state === "failed") this.settleFailedAssignments();
    }).catch(() => undefined);
    return viewSuspense(this.repo.suspense(suspense.id)!);
  }

  /**
   * Assignments the ledger refused: the entry goes back to open with the ledger's reason (the refused
   * transaction credited nothing), so it can be assigned to someone else or returned. Returns how many.
   */
  settleFailedAssignments(): number {
    const failed = this.repo.failedAssignments();
    if (failed.length === 0) return 0;
    const now = this.now();
    this.deps.store.transaction(() => {
      for (const { suspenseId, operationId } of failed) {
        const op = this.deps.store.operations.get(operationId);
        const error = op?.error ?? { code: "TRANSACTION_REVERTED", message: "" };
        const reason = ledgerRefusal(error.code, error.message, error.details, "assignment");
        this.repo.reopenSuspense(suspenseId, operationId, reason, `assignment ${operationId} refused by the ledger: ${error.code}`, now);
      }
    });
    return failed.length;
  }

  /** The operator marks a suspense booking for return to the payer (the bank sends it back). */
  returnSuspense(caller: Caller, suspenseId: string, input: { note?: string }): SuspenseView {
    this.settleFailedAssignments();
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
  /** credit: booked money to assign or return; reversal: the bank took back a credit; conflict: a resend with other content. */
  kind: SuspenseKind;
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

export type SuspenseKind = "credit" | "reversal" | "conflict";

function suspenseKind(s: SuspenseRecord): SuspenseKind {
  return s.reason.code === "REVERSAL" ? "reversal" : s.reason.code === "RESEND_CONFLICT" ? "conflict" : "credit";
}

function viewSuspense(s: SuspenseRecord): SuspenseView {
  return {
    suspenseId: s.id, kind: suspenseKind(s), status: s.status, messageId: s.messageId, account: s.account, bankReference: s.bankReference,
    amount: displayAmount(s.amountText, s.currency, s.amountFen ?? undefined),
    amountFen: s.amountFen?.toString() ?? null, currency: s.currency,
    bookedAt: s.bookedAt === null ? null : shanghaiTime(new Date(s.bookedAt * 1000)), reason: s.reason, operationId: s.operationId,
    resolvedBy: s.resolvedBy, resolvedAt: s.resolvedAt, note: s.resolutionNote, createdAt: s.createdAt,
  };
}

/**
 * The ledger refused a credit: the catalog code, in Chinese and English, with the amounts the custom error carried
 * (the cap's requested and remaining room). `context` "assignment": the entry is open again, not newly suspended.
 */
export function ledgerRefusal(code: string, message: string, details?: Record<string, unknown>, context: "credit" | "assignment" = "credit"): BankReason {
  const en = (ERROR_CATALOG as Record<string, { en: string }>)[code]?.en ?? message;
  const zh: Record<string, string> = {
    CONTRIBUTION_EXCEEDS_ANNUAL_CAP: "超过个人养老金年度缴费上限，账本整笔拒绝入账",
    ACCOUNT_STATUS_INVALID: "账户状态不允许缴费（冻结、领取中或已销户）",
    MEMBER_DECEASED: "参加人已认证身故，账户不再接受缴费",
    BANK_REFERENCE_ALREADY_USED: "该笔来账的银行参考号已入账，不重复入账",
    BOOKING_DATE_IN_FUTURE: "记账时间晚于当前时间，账本不予入账",
    BOOKING_YEAR_CLOSED: "记账年度已关闭（仅接受本年度的缴费，上一年度的缴费仅在 1 月 15 日前接受）",
    ACCOUNT_NOT_FOUND: "账本中没有该个人养老金账户",
  };
  const fen = (v: unknown) => (typeof v === "string" && /^\d+$/.test(v) ? formatFen(BigInt(v)) : undefined);
  const requested = fen(details?.requested);
  const remaining = fen(details?.remaining);
  const amounts = code === "CONTRIBUTION_EXCEEDS_ANNUAL_CAP" && remaining
    ? { zh: `（本笔 ${requested ?? "—"}，本年尚可缴 ${remaining}）`, en: ` (requested ${requested ?? "—"}, remaining ${remaining})` }
    : { zh: "", en: "" };
  const tail = code === "BANK_REFERENCE_ALREADY_USED"
    ? { zh: "。", en: " Not credited again." }
    : context === "assignment"
      ? { zh: "，认领未入账，款项恢复为待处理。", en: " The assignment was not credited; the entry is open again." }
      : { zh: "，转入待处理款项。", en: " The booking goes to suspense." };
  return { code, zh: `${zh[code] ?? `账本拒绝入账（${code}）`}${amounts.zh}${tail.zh}`, en: `${en}${amounts.en}${tail.en}` };
}
