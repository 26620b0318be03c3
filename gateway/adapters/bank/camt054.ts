/**
 * camt.054 (BankToCustomerDebitCreditNotification): money arriving on the bank's pension collection account.
 *
 * {@link parseCamt054} reads versions 001.02, 001.04, 001.08 and 001.12 (told apart by the root namespace) into
 * normalised entries; {@link classifyCamt054Entries} decides, per transaction, what the ledger does with it:
 * a personal-pension contribution, the release of an employer's payroll batch, a hold, a duplicate, or a
 * rejection with a reason in Chinese and English. The mapping rules and the dedup key are explained in
 * docs/bank-adapter.md. No I/O: the caller passes lookups and records what it has processed.
 */
import { formatFen } from "../../domain/money.js";
import { PERSONAL_PENSION_ANNUAL_CAP_FEN } from "../../domain/taxSaving.js";
import { isoToUnixSeconds, LEDGER_MAX_AMOUNT_FEN } from "./amount.js";
import { BankMessageError } from "./bankMessageError.js";
import { findPayrollReference, findPensionReference } from "./pensionReference.js";
import {
  accountKey,
  parseAccount,
  parseReportEntry,
  type AccountId,
  type ReportEntry,
  type ReportTransaction,
} from "./reportEntry.js";
import {
  ISO20022_MAX140,
  ISO20022_MAX35,
  parseBankXml,
  requireMaxLength,
  requireMessageType,
  xmlChild,
  xmlChildren,
  xmlPathText,
  type ParseXmlOptions,
  type ParsedXmlDocument,
} from "./xml.js";

/** The camt.054 versions this adapter reads (`camt.054.001.NN`). */
export const CAMT054_VARIANTS = [2, 4, 8, 12] as const;

export interface Camt054Notification {
  /** `Ntfctn/Id`. */
  id: string;
  createdAt?: string;
  /** `CpyDplctInd`: `CODU` (copy), `COPY`, `DUPL` (duplicate) when the bank marks a resend. */
  copyDuplicate?: string;
  account: AccountId;
  entries: ReportEntry[];
}

export interface Camt054Document {
  messageType: "camt.054";
  /** e.g. `001.08`. */
  version: string;
  namespace: string;
  /** `GrpHdr/MsgId`. */
  messageId: string;
  createdAt?: string;
  notifications: Camt054Notification[];
}

function invalid(zh: string, en: string, field: string): BankMessageError {
  return new BankMessageError("BANK_MESSAGE_INVALID", { zh, en }, { field });
}

/** The identifiers and remittance lines of an entry within their ISO 20022 lengths (Max35Text, Max140Text). */
function checkEntryLengths(entry: ReportEntry): ReportEntry {
  requireMaxLength(entry.ntryRef, "Ntry/NtryRef", ISO20022_MAX35);
  requireMaxLength(entry.acctSvcrRef, "Ntry/AcctSvcrRef", ISO20022_MAX35);
  for (const tx of entry.transactions) {
    requireMaxLength(tx.acctSvcrRef, "TxDtls/Refs/AcctSvcrRef", ISO20022_MAX35);
    requireMaxLength(tx.endToEndId, "TxDtls/Refs/EndToEndId", ISO20022_MAX35);
    requireMaxLength(tx.txId, "TxDtls/Refs/TxId", ISO20022_MAX35);
    requireMaxLength(tx.instrId, "TxDtls/Refs/InstrId", ISO20022_MAX35);
    for (const line of tx.remittance.unstructured) requireMaxLength(line, "TxDtls/RmtInf/Ustrd", ISO20022_MAX140);
    for (const ref of tx.remittance.creditorReferences) requireMaxLength(ref, "TxDtls/RmtInf/Strd/CdtrRefInf/Ref", ISO20022_MAX35);
  }
  return entry;
}

/** Reads an already parsed XML document as camt.054 (see {@link parseCamt054}). */
export function readCamt054(doc: ParsedXmlDocument): Camt054Document {
  const variant = requireMessageType(doc, "camt.054", CAMT054_VARIANTS);
  const body = xmlChild(doc.root, "BkToCstmrDbtCdtNtfctn");
  if (!body) {
    throw invalid("报文缺少 BkToCstmrDbtCdtNtfctn 元素。", "The message has no BkToCstmrDbtCdtNtfctn element.", "BkToCstmrDbtCdtNtfctn");
  }
  const messageId = xmlPathText(body, "GrpHdr", "MsgId");
  if (!messageId) throw invalid("报文缺少报文标识（GrpHdr/MsgId）。", "The message has no GrpHdr/MsgId.", "GrpHdr.MsgId");
  requireMaxLength(messageId, "GrpHdr/MsgId", ISO20022_MAX35);
  const ntfctns = xmlChildren(body, "Ntfctn");
  if (ntfctns.length === 0) {
    // The schema requires at least one notification (Ntfctn 1..n): an empty message is not "0 entries".
    throw invalid("报文缺少通知（BkToCstmrDbtCdtNtfctn/Ntfctn），至少需要一个。", "The message has no notification (BkToCstmrDbtCdtNtfctn/Ntfctn); at least one is required.", "Ntfctn");
  }
  const notifications = ntfctns.map((n, i): Camt054Notification => {
    const id = xmlPathText(n, "Id");
    if (!id) throw invalid(`第 ${i + 1} 个通知缺少标识（Ntfctn/Id）。`, `Notification ${i + 1} has no Ntfctn/Id.`, `Ntfctn.${i}.Id`);
    requireMaxLength(id, "Ntfctn/Id", ISO20022_MAX35);
    const createdAt = xmlPathText(n, "CreDtTm");
    const copyDuplicate = xmlPathText(n, "CpyDplctInd");
    return {
      id,
      ...(createdAt ? { createdAt } : {}),
      ...(copyDuplicate ? { copyDuplicate } : {}),
      account: parseAccount(xmlChild(n, "Acct")),
      entries: xmlChildren(n, "Ntry").map((e, index) => checkEntryLengths(parseReportEntry(e, index))),
    };
  });
  const createdAt = xmlPathText(body, "GrpHdr", "CreDtTm");
  return {
    messageType: "camt.054",
    version: `001.${String(variant).padStart(2, "0")}`,
    namespace: doc.namespace!,
    messageId,
    ...(createdAt ? { createdAt } : {}),
    notifications,
  };
}

/**
 * Parses a camt.054 notification safely (no DTD, size limit, well-formedness with line and column).
 * @throws BankMessageError `XML_*`, `MESSAGE_TYPE_UNSUPPORTED` (naming the namespace found), `BANK_MESSAGE_INVALID`
 */
export function parseCamt054(xml: string | Uint8Array, options: ParseXmlOptions = {}): Camt054Document {
  return readCamt054(parseBankXml(xml, options));
}

// ---------------------------------------------------------------------------------------------------------------
// Classification

/** What the ledger knows about a pension account reference. */
export interface PensionAccountInfo {
  /** A closed account (e.g. after a death settlement) takes no more contributions. */
  open: boolean;
  /** The ledger's status when not open (`Frozen`, `PayingOut`, `Closed`), for the reason. */
  status?: string;
  /**
   * The member's bound bank account (card number or IBAN). When given, a contribution must come from it
   * (`RltdPties/DbtrAcct`); when omitted, the debtor account is not checked.
   */
  boundAccount?: string;
}

/**
 * Synchronous lookups the caller provides (the gateway's store is SQLite, read synchronously).
 * Each returns `undefined` for an unknown reference.
 */
export interface Camt054Lookup {
  pensionAccount(reference: string, serial: bigint): PensionAccountInfo | undefined;
  /** A payroll contribution file submitted earlier under this batch reference, with its declared total. */
  payrollBatch(reference: string): { totalFen: bigint } | undefined;
  /**
   * True when a transaction with this dedup key was already processed by an earlier delivery. The caller records
   * the key of every decision it acts on — contribution, payroll release or hold, and suspense rejections — so a
   * resend neither credits twice nor puts the same money on the suspense list twice.
   */
  alreadyProcessed?(dedupKey: string): boolean;
  /**
   * What an earlier delivery stored under this dedup key (its amount and booking time, when known), so a second
   * delivery of the same reference with other content is told apart from a plain resend (a conflict, not a
   * duplicate). When given, it is used instead of `alreadyProcessed`.
   */
  processedBooking?(dedupKey: string): ProcessedBookingInfo | undefined;
}

/** What the caller stored for a processed booking. */
export interface ProcessedBookingInfo {
  amountFen: bigint | null;
  bookedAt: number | null;
  /** The key the booking was stored under (its dedup key), when known: tells a booking keyed by EndToEndId alone. */
  dedupKey?: string;
}

export interface Camt054ClassifyOptions {
  /**
   * The pension collection account(s) the notifications must be for (`Ntfctn/Acct`, compared by
   * {@link isCollectionAccount}). A notification for any other account — or without one — is refused entry by
   * entry (`NOT_COLLECTION_ACCOUNT`), nothing is credited. Omitted: not checked.
   */
  collectionAccounts?: readonly string[];
}

/** An account identifier in one written form: upper case, without spaces or hyphens. */
export function normaliseAccountId(id: string): string {
  return id.replace(/[\s-]/g, "").toUpperCase();
}

/**
 * True when the notification's account is one of `collection`: its `Othr/Id`, or its IBAN, or the IBAN's BBAN (the
 * IBAN without its 2-letter country code and 2 check digits), equals one of them once spaces, hyphens and case are
 * ignored.
 */
export function isCollectionAccount(account: AccountId, collection: readonly string[]): boolean {
  const wanted = new Set(collection.map(normaliseAccountId));
  const written: string[] = [];
  if (account.other) written.push(normaliseAccountId(account.other));
  if (account.iban) {
    const iban = normaliseAccountId(account.iban);
    written.push(iban);
    if (/^[A-Z]{2}\d{2}/.test(iban)) written.push(iban.slice(4));
  }
  return written.some((w) => wanted.has(w));
}

export type Camt054RejectionCode =
  | "NOT_A_CREDIT"
  | "REVERSAL"
  | "NOT_BOOKED"
  | "CURRENCY_NOT_CNY"
  | "AMOUNT_INVALID"
  | "AMOUNT_MISSING"
  | "AMOUNT_NOT_POSITIVE"
  | "AMOUNT_TOO_LARGE"
  | "CONTRIBUTION_EXCEEDS_ANNUAL_CAP"
  | "ENTRY_TOTAL_MISMATCH"
  | "NO_BANK_REFERENCE"
  | "BOOKING_DATE_MISSING"
  | "REFERENCE_MISSING"
  | "REFERENCE_CHECK_DIGITS"
  | "REFERENCE_FORMAT"
  | "REFERENCE_AMBIGUOUS"
  | "PENSION_ACCOUNT_UNKNOWN"
  | "PENSION_ACCOUNT_CLOSED"
  | "DEBTOR_NOT_BOUND_ACCOUNT"
  | "PAYROLL_BATCH_UNKNOWN"
  | "NOT_COLLECTION_ACCOUNT";

/** A reason for bank operators: stable code, Chinese first, English available. */
export interface BankReason<C extends string = string> {
  code: C;
  zh: string;
  en: string;
}

/** Where a decision comes from in the message, for the report (no personal data). */
export interface Camt054Source {
  notificationId: string;
  /** Account the notification is for (`Acct/Id`). */
  account: string;
  entryIndex: number;
  /** Index among the entry's `TxDtls`; `null` when the entry has no transaction details. */
  transactionIndex: number | null;
  entryAcctSvcrRef?: string;
  acctSvcrRef?: string;
  ntryRef?: string;
  endToEndId?: string;
  txId?: string;
  /** Amount text and currency as in the message. */
  amountText: string;
  currency: string;
  creditDebit: string;
  status: string;
}

export type Camt054Decision =
  | {
      kind: "personalContribution";
      serial: bigint;
      reference: string;
      amountFen: bigint;
      /** Unix seconds; a date-only booking date is 00:00 China Standard Time. */
      bookedAt: number;
      dedupKey: string;
      /** The booking's other keys (camt054CandidateKeys), stored with the dedup key. */
      aliasKeys?: string[];
      source: Camt054Source;
    }
  | {
      kind: "payrollRelease";
      payrollReference: string;
      amountFen: bigint;
      bookedAt: number;
      dedupKey: string;
      /** The booking's other keys (camt054CandidateKeys), stored with the dedup key. */
      aliasKeys?: string[];
      source: Camt054Source;
    }
  | {
      /** The booked amount differs from the payroll file's declared total: the batch is held, nothing credited. */
      kind: "payrollHeld";
      payrollReference: string;
      amountFen: bigint;
      expectedFen: bigint;
      bookedAt: number;
      dedupKey: string;
      reason: BankReason<"PAYROLL_AMOUNT_MISMATCH">;
      aliasKeys?: string[];
      source: Camt054Source;
    }
  | {
      /**
       * The same bank reference as an earlier delivery (or an earlier transaction of this document) but another
       * amount or booking date: not credited, not a duplicate; the caller lists it for an operator.
       * `conflictKey` identifies this version, so its own resend is a duplicate.
       */
      kind: "conflict";
      dedupKey: string;
      /** The key the earlier booking was found under, when not `dedupKey`. */
      matchedKey?: string;
      conflictKey: string;
      amountFen?: bigint;
      bookedAt?: number;
      first: ProcessedBookingInfo;
      reason: BankReason<"RESEND_CONFLICT">;
      source: Camt054Source;
    }
  | {
      /** Same dedup key as an earlier transaction (in this document or, via `alreadyProcessed`, before). */
      kind: "duplicate";
      dedupKey: string;
      /** The key the earlier booking was found under, when not `dedupKey` (another of its references, `API|<ref>`…). */
      matchedKey?: string;
      /** The amount of this delivery, CNY in fen, when it is one. */
      amountFen?: bigint;
      reason: BankReason<"DUPLICATE">;
      source: Camt054Source;
    }
  | {
      kind: "rejected";
      reason: BankReason<Camt054RejectionCode>;
      /**
       * True when money was booked to the pension account in CNY but cannot be assigned (missing, invalid or
       * unknown reference…): it goes to the suspense list for an operator to assign to a member or return.
       */
      suspense: boolean;
      /** Present when the transaction carries enough bank references to be recognised again. */
      dedupKey?: string;
      /** The booking's other keys (camt054CandidateKeys), stored with the dedup key. */
      aliasKeys?: string[];
      amountFen?: bigint;
      bookedAt?: number;
      /** A debit reversal (`RvslInd`): the dedup key of the credit it reverses (looked up by the caller). */
      reverses?: string;
      source: Camt054Source;
    };

export interface Camt054Classification {
  messageId: string;
  version: string;
  decisions: Camt054Decision[];
  /** Count per decision kind (`personalContribution`, `payrollRelease`, `payrollHeld`, `duplicate`, `conflict`, `rejected`). */
  summary: Record<Camt054Decision["kind"], number>;
}

/** `NOTPROVIDED` is the ISO 20022 placeholder for an end-to-end id the payer did not give. */
function meaningfulRef(ref: string | undefined): string | undefined {
  return ref === undefined || ref.toUpperCase() === "NOTPROVIDED" ? undefined : ref;
}

/**
 * The dedup key of one transaction: the bank's own references for the booking, most specific first (see
 * docs/bank-adapter.md). Nothing else goes in: not the account as written (the only account accepted is the
 * pension collection account, and the same booking may name it by `Othr/Id` or IBAN), not the amount or the date
 * (a resend with a corrected amount is the same booking: a conflict, not a new credit), not the message or
 * notification id (a resend carries new ones).
 * 1. `TxDtls/Refs/AcctSvcrRef` → `TX|<ref>`;
 * 2. entry `AcctSvcrRef` + position of the transaction in the entry → `NTRY|<ref>|<index>`;
 * 3. `EndToEndId`, else `TxId`, else `NtryRef` → `E2E|<ref>`;
 * undefined when the bank gave none of these.
 */
export function camt054DedupKey(entry: ReportEntry, tx: ReportTransaction | undefined): string | undefined {
  if (tx?.acctSvcrRef) return `TX|${tx.acctSvcrRef}`;
  if (entry.acctSvcrRef) return `NTRY|${entry.acctSvcrRef}|${tx?.index ?? 0}`;
  const ref = meaningfulRef(tx?.endToEndId) ?? tx?.txId ?? entry.ntryRef;
  return ref ? `E2E|${ref}` : undefined;
}

/**
 * Every key the same booking may have been stored under, the dedup key first: a resend may add or drop a reference
 * (the first delivery gave only the entry's AcctSvcrRef, the resend also the transaction's), so a booking is
 * recognised by ANY of its bank references — `TX|<tx AcctSvcrRef>`, `NTRY|<entry AcctSvcrRef>|<index>`,
 * `E2E|<EndToEndId>`, `E2E|<TxId>` (NtryRef, often a sequence number within the notification, is the dedup key
 * only when there is nothing else, never another key). The caller stores all of them for a booking it acts on.
 */
export function camt054CandidateKeys(entry: ReportEntry, tx: ReportTransaction | undefined): string[] {
  const keys = new Set<string>();
  const primary = camt054DedupKey(entry, tx);
  if (primary === undefined) return [];
  keys.add(primary);
  if (tx?.acctSvcrRef) keys.add(`TX|${tx.acctSvcrRef}`);
  if (entry.acctSvcrRef) keys.add(`NTRY|${entry.acctSvcrRef}|${tx?.index ?? 0}`);
  const payerRefs = (t: ReportTransaction | undefined) => new Set([meaningfulRef(t?.endToEndId), t?.txId].filter((r): r is string => Boolean(r)));
  // In an entry of several transactions, a payer reference two of them share names neither.
  const shared = new Set<string>();
  if (entry.transactions.length > 1) {
    const seen = new Set<string>();
    for (const other of entry.transactions) for (const r of payerRefs(other)) (seen.has(r) ? shared : seen).add(r);
  }
  for (const r of payerRefs(tx)) if (!shared.has(r)) keys.add(`E2E|${r}`);
  return [...keys];
}

/** {@link camt054CandidateKeys} in the forms earlier versions stored ({@link legacyCamt054DedupKey}). */
export function legacyCamt054CandidateKeys(account: string, entry: ReportEntry, tx: ReportTransaction | undefined): string[] {
  const amount = tx?.amount ?? entry.amount;
  const tail = `|${amount.text}${amount.currency}|${entry.bookingDate ?? entry.valueDate ?? ""}`;
  return camt054CandidateKeys(entry, tx).map((k) => `${account}|${k}${k.startsWith("E2E|") ? tail : ""}`);
}

/** A key from a payer's reference (EndToEndId, TxId, NtryRef): `E2E|…`, or `<account>|E2E|…` of earlier versions. */
export function isPayerReferenceKey(key: string): boolean {
  return key.startsWith("E2E|") || /^[^|]*\|E2E\|/.test(key);
}

/**
 * Whether a booking found under `matchedKey` is the same as the transaction keyed `dedupKey`. A payer's reference
 * may repeat: it joins the two only when one of them carries no AcctSvcrRef (is keyed by a payer reference); two
 * bookings that both carry the bank's own references are the same only by one of those. Unknown stored key: joined.
 */
export function joinsByPayerReference(dedupKey: string, matchedKey: string, stored: ProcessedBookingInfo): boolean {
  if (matchedKey === dedupKey || !isPayerReferenceKey(matchedKey) || isPayerReferenceKey(dedupKey)) return true;
  return stored.dedupKey === undefined || isPayerReferenceKey(stored.dedupKey);
}

/**
 * The bank references of a transaction another channel (the JSON API's `bankReference`) may have used for the same
 * money: the transaction's and the entry's AcctSvcrRef and the EndToEndId. The caller looks each up as `API|<ref>`.
 */
export function camt054ApiReferenceKeys(source: Pick<Camt054Source, "acctSvcrRef" | "entryAcctSvcrRef" | "endToEndId">): string[] {
  const refs = [source.acctSvcrRef, source.entryAcctSvcrRef, meaningfulRef(source.endToEndId)].filter((r): r is string => Boolean(r));
  return [...new Set(refs)].map((r) => `API|${r}`);
}

/**
 * The key earlier versions stored (`<account>|TX|<ref>`…, amount and date in the E2E form): still looked up, so a
 * booking processed before the key changed is not credited again.
 */
export function legacyCamt054DedupKey(account: string, entry: ReportEntry, tx: ReportTransaction | undefined): string | undefined {
  if (tx?.acctSvcrRef) return `${account}|TX|${tx.acctSvcrRef}`;
  if (entry.acctSvcrRef) return `${account}|NTRY|${entry.acctSvcrRef}|${tx?.index ?? 0}`;
  const ref = meaningfulRef(tx?.endToEndId) ?? tx?.txId ?? entry.ntryRef;
  if (ref) {
    const amount = tx?.amount ?? entry.amount;
    return `${account}|E2E|${ref}|${amount.text}${amount.currency}|${entry.bookingDate ?? entry.valueDate ?? ""}`;
  }
  return undefined;
}

/** An amount for a reason: `¥1,234.56` for CNY in fen, otherwise `1,234.56 SEK` (the text grouped by thousands). */
export function displayAmount(amountText: string, currency: string, fen?: bigint): string {
  if (fen !== undefined && currency === "CNY") return formatFen(fen);
  const m = /^(\d+)(\.\d+)?$/.exec(amountText);
  const text = m ? `${m[1]!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${m[2] ?? ""}` : amountText;
  return `${text} ${currency || "(无币种/no currency)"}`.trim();
}

function money(amountText: string, currency: string, fen?: bigint): string {
  return displayAmount(amountText, currency, fen);
}

function reject(
  code: Camt054RejectionCode,
  zh: string,
  en: string,
  source: Camt054Source,
  extra: { suspense?: boolean; dedupKey?: string; amountFen?: bigint; bookedAt?: number; reverses?: string } = {},
): Camt054Decision {
  return {
    kind: "rejected",
    reason: { code, zh, en },
    suspense: extra.suspense ?? false,
    ...(extra.dedupKey !== undefined ? { dedupKey: extra.dedupKey } : {}),
    ...(extra.amountFen !== undefined ? { amountFen: extra.amountFen } : {}),
    ...(extra.bookedAt !== undefined ? { bookedAt: extra.bookedAt } : {}),
    ...(extra.reverses !== undefined ? { reverses: extra.reverses } : {}),
    source,
  };
}

function duplicate(dedupKey: string, shown: string, shownZh: string, source: Camt054Source, amountFen?: bigint): Camt054Decision & { kind: "duplicate" } {
  return {
    kind: "duplicate",
    dedupKey,
    ...(amountFen !== undefined ? { amountFen } : {}),
    reason: {
      code: "DUPLICATE",
      zh: `重复通知：银行参考号相同的 ${shownZh} 已处理过，不再入账。`,
      en: `Duplicate: ${shown} with the same bank reference was already processed; not credited again.`,
    },
    source,
  };
}

/** An account that is not open, by its ledger status (PENSION_ACCOUNT_CLOSED names which). */
const ACCOUNT_STATE_TEXT: Record<string, { zh: string; en: string }> = {
  Closed: { zh: "已销户", en: "is closed" },
  Frozen: { zh: "已冻结，不接受缴费", en: "is frozen and takes no contributions" },
  PayingOut: { zh: "正在领取中，不再接受缴费", en: "is paying out and takes no more contributions" },
};

const STATUS_TEXT: Record<string, { zh: string; en: string }> = {
  PDNG: { zh: "待记账（PDNG），记账后银行会再次通知", en: "pending (PDNG); the bank notifies again once it is booked" },
  INFO: { zh: "仅供参考（INFO），不是记账", en: "information only (INFO), not a booking" },
  FUTR: { zh: "未来日期（FUTR），尚未记账", en: "future-dated (FUTR), not yet booked" },
};

/**
 * Decides, for every transaction of every entry, what the ledger does with it. Pure: reads `lookup`, changes
 * nothing; the caller applies the decisions and stores the dedup keys of what it processed.
 *
 * An entry without `TxDtls` is treated as one transaction carrying the entry's amount, references and
 * `AddtlNtryInf`. Rules, in order (first match wins): a notification for another account than the collection
 * account (`options.collectionAccounts`) → NOT_COLLECTION_ACCOUNT; currency (entry's or transaction's) other than
 * CNY → CURRENCY_NOT_CNY; a debit reversal of a processed booking → REVERSAL (to suspense, naming it);
 * debit → NOT_A_CREDIT; reversal → REVERSAL; status other than BOOK → NOT_BOOKED; no bank reference →
 * NO_BANK_REFERENCE; a dedup key already seen → duplicate (same amount and date) or conflict (other content);
 * transactions not adding up to the entry (also a single one) → ENTRY_TOTAL_MISMATCH; amount missing, malformed or
 * with more than 2 decimals → AMOUNT_*; zero → AMOUNT_NOT_POSITIVE; no booking date → BOOKING_DATE_MISSING; then the remittance reference decides
 * (pension `PA…` → contribution, payroll `PR…` → release or hold), and anything unassignable is rejected to
 * suspense. The table in docs/bank-adapter.md lists every code.
 */
export function classifyCamt054Entries(parsed: Camt054Document, lookup: Camt054Lookup, options: Camt054ClassifyOptions = {}): Camt054Classification {
  const decisions: Camt054Decision[] = [];
  const seenInDocument = new Map<string, ProcessedBookingInfo>();
  for (const notification of parsed.notifications) {
    const account = accountKey(notification.account);
    const foreignAccount = options.collectionAccounts !== undefined && !isCollectionAccount(notification.account, options.collectionAccounts);
    for (const entry of notification.entries) {
      const txs: (ReportTransaction | undefined)[] = entry.transactions.length > 0 ? entry.transactions : [undefined];
      const totalMismatch = entryTotalMismatch(entry);
      for (const tx of txs) {
        const context: EntryContext = { notification, account, entry, totalMismatch, foreignAccount };
        const decision = classifyTransaction(context, tx, lookup, seenInDocument, options);
        const keys = camt054CandidateKeys(entry, tx);
        if (keys.length > 1 && decision.kind !== "duplicate" && decision.kind !== "conflict" && decision.dedupKey === keys[0]) {
          decision.aliasKeys = keys.slice(1);
        }
        decisions.push(decision);
      }
    }
  }
  const summary = { personalContribution: 0, payrollRelease: 0, payrollHeld: 0, duplicate: 0, conflict: 0, rejected: 0 };
  for (const d of decisions) summary[d.kind]++;
  return { messageId: parsed.messageId, version: parsed.version, decisions, summary };
}

interface EntryContext {
  notification: Camt054Notification;
  account: string;
  entry: ReportEntry;
  totalMismatch: boolean;
  foreignAccount: boolean;
}

/**
 * True when the transactions' own amounts do not add up to the entry's (CNY in fen), for one transaction as for
 * several: a transaction without an amount stands for the rest only when it is the entry's only one.
 */
function entryTotalMismatch(entry: ReportEntry): boolean {
  if (entry.transactions.length === 0 || entry.amount.fen === undefined) return false;
  if (entry.transactions.length === 1 && entry.transactions[0]!.amount === undefined) return false;
  // A transaction in another currency than its CNY entry cannot be part of it: the entry does not add up.
  if (entry.transactions.some((tx) => tx.amount !== undefined && tx.amount.currency !== entry.amount.currency)) return true;
  let sum = 0n;
  for (const tx of entry.transactions) {
    if (tx.amount?.fen === undefined) return false;
    sum += tx.amount.fen;
  }
  return sum !== entry.amount.fen;
}

function classifyTransaction(
  context: EntryContext,
  tx: ReportTransaction | undefined,
  lookup: Camt054Lookup,
  seenInDocument: Map<string, ProcessedBookingInfo>,
  options: Camt054ClassifyOptions,
): Camt054Decision {
  const { notification, account, entry, totalMismatch } = context;
  // Without transaction details, or with exactly one, the entry amount stands for the transaction.
  const amount = tx?.amount ?? (entry.transactions.length <= 1 ? entry.amount : undefined);
  const creditDebit = entry.creditDebit === "DBIT" || tx?.creditDebit === "DBIT" ? "DBIT" : entry.creditDebit;
  const source: Camt054Source = {
    notificationId: notification.id,
    account,
    entryIndex: entry.index,
    transactionIndex: tx?.index ?? null,
    ...(entry.acctSvcrRef ? { entryAcctSvcrRef: entry.acctSvcrRef } : {}),
    ...(tx?.acctSvcrRef ? { acctSvcrRef: tx.acctSvcrRef } : {}),
    ...(entry.ntryRef ? { ntryRef: entry.ntryRef } : {}),
    ...(tx?.endToEndId ? { endToEndId: tx.endToEndId } : {}),
    ...(tx?.txId ? { txId: tx.txId } : {}),
    amountText: amount?.text ?? "",
    currency: amount?.currency ?? entry.amount.currency,
    creditDebit,
    status: entry.status,
  };
  const entryShown = money(entry.amount.text, entry.amount.currency, entry.amount.fen);
  const shown = amount ? money(source.amountText, source.currency, amount.fen) : `amount not given (entry: ${entryShown})`;
  const shownZh = amount ? shown : `金额未列明（所属条目 ${entryShown}）`;

  // Only money on the pension collection account is ours: another customer's account (or none named) credits nothing.
  if (context.foreignAccount) {
    const named = account || "（未给出 / none given）";
    const expected = (options.collectionAccounts ?? []).join(", ");
    return reject(
      "NOT_COLLECTION_ACCOUNT",
      `通知所属账户 ${named} 不是养老金归集账户（${expected}），${shownZh} 不入账。`,
      `The notification is for account ${named}, not the pension collection account (${expected}); ${shown} not credited.`,
      source,
    );
  }
  // Currency first: the ledger knows only CNY, so a foreign-currency entry is outside it whatever its direction.
  // The entry's currency counts as much as the transaction's: a USD booking is not credited as CNY.
  if (source.currency !== "CNY" || (entry.amount.currency !== "" && entry.amount.currency !== "CNY")) {
    const currency = source.currency !== "CNY" ? source.currency : entry.amount.currency;
    const direction = creditDebit === "DBIT" ? { zh: "借记", en: "debit" } : creditDebit === "CRDT" ? { zh: "贷记", en: "credit" } : { zh: "", en: "entry" };
    const entryNote = source.currency === "CNY" ? { zh: `，记账条目为 ${entryShown}`, en: `; the entry is ${entryShown}` } : { zh: "", en: "" };
    return reject(
      "CURRENCY_NOT_CNY",
      `币种为 ${currency || "缺失"}（${direction.zh}${shownZh}${entryNote.zh}），养老金账户只接受人民币（CNY），此笔不入账。`,
      `Currency is ${currency || "missing"} (${direction.en} of ${shown}${entryNote.en}); pension accounts accept only CNY; not credited.`,
      source,
    );
  }
  const dedupKey = camt054DedupKey(entry, tx);
  const stored = (key: string | undefined): ProcessedBookingInfo | undefined => {
    if (key === undefined) return undefined;
    if (lookup.processedBooking) return lookup.processedBooking(key);
    return lookup.alreadyProcessed?.(key) ? { amountFen: null, bookedAt: null } : undefined;
  };
  // A booking is recognised by ANY of its bank references (a resend may add the transaction's AcctSvcrRef), in
  // the keys of earlier versions too, and by a reference the JSON API used for the same money (`API|<ref>`).
  const candidates = camt054CandidateKeys(entry, tx);
  const legacyCandidates = [...new Set([legacyCamt054DedupKey(account, entry, tx), ...legacyCamt054CandidateKeys(account, entry, tx)])]
    .filter((k): k is string => k !== undefined);
  // A payer's reference (EndToEndId, TxId) is no bank reference and may repeat: it joins this transaction to an
  // earlier booking only when one of the two carries no AcctSvcrRef (was keyed `E2E|…`); two bookings that both
  // carry the bank's AcctSvcrRef are the same only by an AcctSvcrRef key.
  const storedMatch = (withApi: boolean): { key: string; info: ProcessedBookingInfo } | undefined => {
    for (const key of [...candidates, ...legacyCandidates, ...(withApi ? camt054ApiReferenceKeys(source) : [])]) {
      const info = (withApi && candidates.includes(key) ? seenInDocument.get(key) : undefined) ?? stored(key);
      if (!info) continue;
      if (dedupKey !== undefined && !joinsByPayerReference(dedupKey, key, info)) continue;
      return { key, info };
    }
    return undefined;
  };
  if (creditDebit !== "CRDT") {
    if (creditDebit === "DBIT" && entry.reversal && dedupKey !== undefined) {
      // A debit reversal of a booking: the bank takes back money it credited. Never debited from the member
      // automatically: the caller lists it for an operator, naming the credit it reverses.
      const reversalKey = `RVSL|${dedupKey}`;
      // A resend of the reversal is recognised by any of its references too.
      const seenReversal = candidates.map((k) => `RVSL|${k}`).find((k) => seenInDocument.has(k) || stored(k));
      if (seenReversal) return { ...duplicate(reversalKey, shown, shownZh, source), ...(seenReversal !== reversalKey ? { matchedKey: seenReversal } : {}) };
      seenInDocument.set(reversalKey, { amountFen: null, bookedAt: null });
      const match = storedMatch(false);
      const original = match?.info;
      const reverses = match?.key;
      return reject(
        "REVERSAL",
        original
          ? `冲正（RvslInd，借记）${shownZh}：撤销此前已处理的同一银行参考号的来账，不自动扣减成员余额，已列入待处理款项由运营人员处理。`
          : `冲正（RvslInd，借记）${shownZh}：未找到被冲正的来账，此笔不入账。`,
        original
          ? `Reversal (RvslInd, debit) of ${shown}: it reverses the earlier booking with the same bank reference; the member is not debited automatically, it is listed for an operator.`
          : `Reversal (RvslInd, debit) of ${shown}: no booking with its bank reference was processed; nothing to do.`,
        source,
        original ? { suspense: true, dedupKey: reversalKey, ...(amount?.fen !== undefined ? { amountFen: amount.fen } : {}), reverses: reverses! } : {},
      );
    }
    return creditDebit === "DBIT"
      ? reject("NOT_A_CREDIT", `借记（DBIT）${shownZh}：养老金只记入贷记入账，此笔不入账。`, `Debit (DBIT) of ${shown}: only credits are booked to pensions; not credited.`, source)
      : reject("NOT_A_CREDIT", `借贷标识“${creditDebit}”无效，此笔不入账。`, `Credit/debit indicator "${creditDebit}" is not valid; not credited.`, source);
  }
  if (entry.reversal) {
    return reject("REVERSAL", `冲正记录（RvslInd）${shownZh}：需人工处理，此笔不入账。`, `Reversal entry (RvslInd) of ${shown}: needs an operator; not credited.`, source);
  }
  if (entry.status !== "BOOK") {
    const text = STATUS_TEXT[entry.status] ?? {
      zh: `状态“${entry.status || "缺失"}”不是已记账（BOOK）`,
      en: `status "${entry.status || "missing"}" is not booked (BOOK)`,
    };
    return reject("NOT_BOOKED", `${shownZh}：${text.zh}，此笔暂不入账。`, `${shown}: ${text.en}; not credited.`, source);
  }
  // The dedup key and the duplicate check come before the amount checks, so that a resend of a transaction that
  // went to suspense is recognised too and not put on the suspense list twice.
  if (dedupKey === undefined) {
    return reject(
      "NO_BANK_REFERENCE",
      `${shownZh} 没有任何银行参考号（AcctSvcrRef、EndToEndId、TxId、NtryRef），无法保证只入账一次，转入待处理。`,
      `${shown} carries no bank reference (AcctSvcrRef, EndToEndId, TxId, NtryRef), so it could not be recognised if sent again; sent to suspense.`,
      source,
      { suspense: true, ...(amount?.fen !== undefined ? { amountFen: amount.fen } : {}) },
    );
  }
  // What this delivery books under the key: the amount (for a batch that does not add up, the entry's amount on
  // its first transaction only) and the booking time. A second delivery of the key is compared with it.
  const bookedAtOfEntry = isoToUnixSeconds(entry.bookingDate ?? entry.valueDate ?? "");
  const bookedFen = totalMismatch ? ((tx?.index ?? 0) === 0 ? entry.amount.fen : undefined) : amount?.fen;
  const mine: ProcessedBookingInfo = { amountFen: bookedFen ?? null, bookedAt: bookedAtOfEntry ?? null, dedupKey };
  const match = storedMatch(true);
  if (match) {
    const first = match.info;
    const matched = match.key !== dedupKey ? { matchedKey: match.key } : {};
    const amountDiffers = first.amountFen !== null && mine.amountFen !== null && first.amountFen !== mine.amountFen;
    const dateDiffers = first.bookedAt !== null && mine.bookedAt !== null && first.bookedAt !== mine.bookedAt;
    if (!amountDiffers && !dateDiffers) return { ...duplicate(dedupKey, shown, shownZh, source, amount?.fen), ...matched };
    const conflictKey = `CONFLICT|${dedupKey}|${mine.amountFen ?? amount?.text ?? ""}|${mine.bookedAt ?? ""}`;
    if (seenInDocument.has(conflictKey) || stored(conflictKey)) return duplicate(conflictKey, shown, shownZh, source, amount?.fen);
    seenInDocument.set(conflictKey, mine);
    const before = first.amountFen !== null ? formatFen(first.amountFen) : "（金额未知 / amount unknown）";
    const now = mine.amountFen !== null ? formatFen(mine.amountFen) : shown;
    const dates = dateDiffers ? { zh: `，记账日期不同`, en: `, and another booking date` } : { zh: "", en: "" };
    return {
      kind: "conflict",
      dedupKey,
      ...matched,
      conflictKey,
      ...(mine.amountFen !== null ? { amountFen: mine.amountFen } : {}),
      ...(mine.bookedAt !== null ? { bookedAt: mine.bookedAt } : {}),
      first,
      reason: {
        code: "RESEND_CONFLICT",
        zh: `银行参考号相同的来账此前已处理（${before}），本次为 ${now}${dates.zh}：内容不一致，不入账，已列入待处理款项由运营人员与银行核对。`,
        en: `The booking with this bank reference was processed before as ${before}; this delivery says ${now}${dates.en}: conflicting content, not credited; listed for an operator to check with the bank.`,
      },
      source,
    };
  }
  for (const key of candidates) seenInDocument.set(key, mine);
  const when = bookedAtOfEntry !== undefined ? { bookedAt: bookedAtOfEntry } : {};
  if (totalMismatch) {
    // One suspense entry for what the bank booked (the entry amount), on the entry's first transaction; the
    // others are named in the report only, so the suspense list never holds more money than was booked.
    const sum = entry.transactions.reduce((t, x) => t + (x.amount?.fen ?? 0n), 0n);
    const entryFen = entry.amount.fen!;
    const head = { zh: `记账条目金额 ${formatFen(entryFen)} 与其交易金额之和 ${formatFen(sum)} 不符，整条不入账`, en: `The entry amount ${formatFen(entryFen)} differs from the sum of its transactions, ${formatFen(sum)}; none credited` };
    return (tx?.index ?? 0) === 0
      ? reject("ENTRY_TOTAL_MISMATCH", `${head.zh}，按条目金额转入待处理款项，请联系银行核对。`, `${head.en}; the entry amount goes to suspense once; check with the bank.`, source, { suspense: true, dedupKey, amountFen: entryFen, ...when })
      : reject("ENTRY_TOTAL_MISMATCH", `${head.zh}，条目金额已随第 1 笔交易转入待处理款项。`, `${head.en}; the entry amount went to suspense with its first transaction.`, source, { dedupKey });
  }
  if (!amount) {
    return reject("AMOUNT_MISSING", "该笔交易明细没有金额，且记账条目含多笔交易，无法确定入账金额。", "The transaction has no amount and the entry has several transactions, so the amount to credit is unknown.", source, { suspense: true, dedupKey });
  }
  if (amount.fen === undefined) {
    return amount.problem === "decimals"
      ? reject("AMOUNT_INVALID", `金额“${amount.text}”超过两位小数，人民币金额最小单位为分。`, `Amount "${amount.text}" has more than 2 decimals; CNY amounts are in whole fen.`, source, { suspense: true, dedupKey })
      : /^-\d+(\.\d+)?$/.test(amount.text.trim())
        // A credit of a negative amount books no money to us: refused, not a suspense credit to assign.
        ? reject("AMOUNT_INVALID", `金额“${amount.text}”为负数：ISO 20022 金额不带符号，方向由借贷标识（CdtDbtInd）表示，此笔不入账。`, `Amount "${amount.text}" is negative: ISO 20022 amounts carry no sign (the direction is CdtDbtInd); not credited.`, source)
        : reject("AMOUNT_INVALID", `金额“${amount.text}”不是有效的十进制金额。`, `Amount "${amount.text}" is not a valid decimal amount.`, source, { suspense: true, dedupKey });
  }
  const amountFen = amount.fen;
  if (amountFen <= 0n) {
    return reject("AMOUNT_NOT_POSITIVE", `金额为 ${shownZh}，不入账。`, `The amount is ${shown}; nothing to credit.`, source);
  }
  if (amountFen > LEDGER_MAX_AMOUNT_FEN) {
    // Not a real booking (above 184 trillion yuan): refused here, before anything is queued; the amount is not kept
    // as fen, so the suspense entry can only be returned, never assigned.
    return reject(
      "AMOUNT_TOO_LARGE",
      `金额 ${amount.text} 元超过账本可记录的单笔上限 ${formatFen(LEDGER_MAX_AMOUNT_FEN)}，不入账，转入待处理，请与银行核对。`,
      `The amount ${amount.text} CNY is above the largest single amount the ledger can record (${formatFen(LEDGER_MAX_AMOUNT_FEN)}); not credited, sent to suspense; check with the bank.`,
      source,
      { suspense: true, dedupKey },
    );
  }
  const bookedAt = isoToUnixSeconds(entry.bookingDate ?? entry.valueDate ?? "");
  if (bookedAt === undefined) {
    return reject("BOOKING_DATE_MISSING", `${shownZh} 没有有效的记账日期（BookgDt）。`, `${shown} has no valid booking date (BookgDt).`, source, { suspense: true, dedupKey, amountFen });
  }

  const texts = [
    ...(tx?.remittance.creditorReferences ?? []),
    ...(tx?.remittance.unstructured ?? []),
    ...(tx?.remittance.additional ?? []),
    ...(entry.additionalInfo ? [entry.additionalInfo] : []),
  ].join(" | ");
  const pension = findPensionReference(texts);
  const payroll = findPayrollReference(texts);
  const suspense = { suspense: true, dedupKey, amountFen, bookedAt };

  if (pension.status === "ambiguous" || payroll.status === "ambiguous" || (pension.status === "found" && payroll.status === "found")) {
    return reject("REFERENCE_AMBIGUOUS", `${shownZh} 的附言含有多个不同的养老金参考号，无法确定入账对象，转入待处理。`, `The remittance information of ${shown} carries more than one reference; cannot tell whom to credit; sent to suspense.`, source, suspense);
  }
  if (pension.status === "found") {
    const info = lookup.pensionAccount(pension.reference, pension.serial);
    if (!info) {
      return reject("PENSION_ACCOUNT_UNKNOWN", `养老金账户参考号 ${pension.reference} 校验正确但不存在对应账户，${shownZh} 转入待处理。`, `Pension account reference ${pension.reference} is well-formed but no account has it; ${shown} sent to suspense.`, source, suspense);
    }
    if (!info.open) {
      const state = ACCOUNT_STATE_TEXT[info.status ?? "Closed"] ?? { zh: `状态为 ${info.status}，不接受缴费`, en: `has status ${info.status} and takes no contributions` };
      return reject("PENSION_ACCOUNT_CLOSED", `养老金账户 ${pension.reference} ${state.zh}，${shownZh} 转入待处理（退回）。`, `Pension account ${pension.reference} ${state.en}; ${shown} sent to suspense (to be returned).`, source, suspense);
    }
    if (info.boundAccount !== undefined && tx?.debtorAccount !== info.boundAccount) {
      return reject(
        "DEBTOR_NOT_BOUND_ACCOUNT",
        `${shownZh} 不是从该成员绑定的银行账户转入${tx?.debtorAccount ? "" : "（报文未提供付款账户）"}，个人养老金只能由本人绑定账户缴存，转入待处理（退回）。`,
        `${shown} did not come from the member's bound bank account${tx?.debtorAccount ? "" : " (the message gives no debtor account)"}; personal pension money may come only from it; sent to suspense (to be returned).`,
        source,
        suspense,
      );
    }
    if (amountFen > PERSONAL_PENSION_ANNUAL_CAP_FEN) {
      // One credit above the whole annual cap can never be credited, whatever was paid in before.
      return reject(
        "CONTRIBUTION_EXCEEDS_ANNUAL_CAP",
        `本笔 ${shownZh} 超过个人养老金每人每年缴费上限 ${formatFen(PERSONAL_PENSION_ANNUAL_CAP_FEN)}，整笔不入账，转入待处理款项（退回）。`,
        `This ${shown} is above the personal-pension annual cap of ${formatFen(PERSONAL_PENSION_ANNUAL_CAP_FEN)} per member; not credited, sent to suspense (to be returned).`,
        source,
        suspense,
      );
    }
    return { kind: "personalContribution", serial: pension.serial, reference: pension.reference, amountFen, bookedAt, dedupKey, source };
  }
  if (payroll.status === "found") {
    const batch = lookup.payrollBatch(payroll.reference);
    if (!batch) {
      return reject("PAYROLL_BATCH_UNKNOWN", `缴费批次号 ${payroll.reference} 校验正确但未收到对应的企业缴费文件，${shownZh} 转入待处理。`, `Payroll batch reference ${payroll.reference} is well-formed but no payroll file was submitted under it; ${shown} sent to suspense.`, source, suspense);
    }
    if (batch.totalFen !== amountFen) {
      return {
        kind: "payrollHeld",
        payrollReference: payroll.reference,
        amountFen,
        expectedFen: batch.totalFen,
        bookedAt,
        dedupKey,
        reason: {
          code: "PAYROLL_AMOUNT_MISMATCH",
          zh: `缴费批次 ${payroll.reference} 到账 ${shownZh}，与缴费文件合计 ${formatFen(batch.totalFen)} 不符，批次暂挂，未入账。`,
          en: `Payroll batch ${payroll.reference} received ${shown}, which differs from the file's total ${formatFen(batch.totalFen)}; the batch is held, nothing credited.`,
        },
        source,
      };
    }
    return { kind: "payrollRelease", payrollReference: payroll.reference, amountFen, bookedAt, dedupKey, source };
  }
  const invalidRef = pension.status === "invalid" ? pension : payroll.status === "invalid" ? payroll : undefined;
  if (invalidRef?.status === "invalid") {
    return invalidRef.reason === "checkDigits"
      ? reject("REFERENCE_CHECK_DIGITS", `附言中的参考号 ${invalidRef.candidate} 校验位错误（可能输错），${shownZh} 转入待处理。`, `The reference ${invalidRef.candidate} in the remittance information has wrong check digits (probably mistyped); ${shown} sent to suspense.`, source, suspense)
      : reject("REFERENCE_FORMAT", `附言中的参考号 ${invalidRef.candidate} 位数不对（应为 PA 或 PR 加 18 位数字），${shownZh} 转入待处理。`, `The reference ${invalidRef.candidate} in the remittance information has the wrong number of digits (PA or PR and 18 digits expected); ${shown} sent to suspense.`, source, suspense);
  }
  return reject("REFERENCE_MISSING", `${shownZh} 的附言中没有养老金账户参考号（PA…）或缴费批次号（PR…），转入待处理。`, `The remittance information of ${shown} carries no pension account reference (PA…) or payroll batch reference (PR…); sent to suspense.`, source, suspense);
}
