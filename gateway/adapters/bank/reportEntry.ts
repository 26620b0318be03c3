/**
 * The `Ntry` (ReportEntry) block shared by camt.052, camt.053 and camt.054, normalised across versions
 * .02, .04, .08 and .12:
 * - status: `<Sts>BOOK</Sts>` (.02/.04) or `<Sts><Cd>BOOK</Cd></Sts>` (.08 and later);
 * - transaction amount: `TxDtls/Amt` (.04 and later) or `TxDtls/AmtDtls/TxAmt/Amt` (.02);
 * - booking date: `BookgDt/DtTm` or `BookgDt/Dt`.
 * Pure functions on the tree from {@link parseBankXml}; no I/O.
 */
import { parseBankAmount, type BankAmount } from "./amount.js";
import { xmlAttr, xmlChild, xmlChildren, xmlPath, xmlPathText, xmlText, type XmlElement } from "./xml.js";

/** Remittance information of one transaction (or of an entry without details). */
export interface Remittance {
  /** Every `RmtInf/Ustrd` line, in order. */
  unstructured: string[];
  /** Every `RmtInf/Strd/CdtrRefInf/Ref`, in order. */
  creditorReferences: string[];
  /** `RmtInf/Strd/AddtlRmtInf` lines and `AddtlTxInf`, in order. */
  additional: string[];
}

export interface ReportTransaction {
  /** 0-based position among the entry's `TxDtls`. */
  index: number;
  acctSvcrRef?: string;
  endToEndId?: string;
  txId?: string;
  instrId?: string;
  /** The transaction's own amount, if given. */
  amount?: BankAmount;
  /** `CRDT` / `DBIT` at transaction level, if given. */
  creditDebit?: string;
  /** Debtor's account (IBAN or other id), if given: where the money came from. */
  debtorAccount?: string;
  remittance: Remittance;
}

export interface ReportEntry {
  /** 0-based position among the notification's or statement's `Ntry`. */
  index: number;
  ntryRef?: string;
  acctSvcrRef?: string;
  amount: BankAmount;
  /** `CRDT` or `DBIT` as in the message (anything else is kept as is and rejected later). */
  creditDebit: string;
  /** `RvslInd` true: this entry reverses an earlier one. */
  reversal: boolean;
  /** `BOOK`, `PDNG`, `INFO`, `FUTR`, or a proprietary code; `""` when missing. */
  status: string;
  /** `BookgDt/DtTm` or `BookgDt/Dt` text as in the message. */
  bookingDate?: string;
  valueDate?: string;
  /** `AddtlNtryInf`. */
  additionalInfo?: string;
  /** `TxDtls` of every `NtryDtls` (empty when the bank gave none). */
  transactions: ReportTransaction[];
}

/** An account identification: IBAN if present, else `Othr/Id`. */
export interface AccountId {
  iban?: string;
  other?: string;
  currency?: string;
}

/** `IBAN` or `Othr/Id`, whichever is present, for keys and messages. */
export function accountKey(account: AccountId): string {
  return account.iban ?? account.other ?? "";
}

/** Reads an `Acct`-like element (`Id/IBAN`, `Id/Othr/Id`, `Ccy`). */
export function parseAccount(acct: XmlElement | undefined): AccountId {
  const iban = xmlPathText(acct, "Id", "IBAN");
  const other = xmlPathText(acct, "Id", "Othr", "Id");
  const currency = xmlPathText(acct, "Ccy");
  return {
    ...(iban ? { iban } : {}),
    ...(other ? { other } : {}),
    ...(currency ? { currency } : {}),
  };
}

function readAmount(el: XmlElement | undefined): BankAmount | undefined {
  if (!el) return undefined;
  return parseBankAmount(xmlText(el) ?? "", xmlAttr(el, "Ccy") ?? "");
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === "" ? undefined : text;
}

function readDate(el: XmlElement | undefined): string | undefined {
  return nonEmpty(xmlPathText(el, "DtTm") ?? xmlPathText(el, "Dt"));
}

function readRemittance(tx: XmlElement): Remittance {
  const unstructured: string[] = [];
  const creditorReferences: string[] = [];
  const additional: string[] = [];
  for (const rmt of xmlChildren(tx, "RmtInf")) {
    for (const u of xmlChildren(rmt, "Ustrd")) unstructured.push(xmlText(u) ?? "");
    for (const s of xmlChildren(rmt, "Strd")) {
      for (const c of xmlChildren(s, "CdtrRefInf")) {
        const ref = xmlPathText(c, "Ref");
        if (ref) creditorReferences.push(ref);
      }
      for (const a of xmlChildren(s, "AddtlRmtInf")) additional.push(xmlText(a) ?? "");
    }
  }
  const addtlTx = xmlPathText(tx, "AddtlTxInf");
  if (addtlTx) additional.push(addtlTx);
  return { unstructured, creditorReferences, additional };
}

function readDebtorAccount(tx: XmlElement): string | undefined {
  const acct = xmlPath(tx, "RltdPties", "DbtrAcct");
  const id = parseAccount(acct);
  return nonEmpty(id.iban ?? id.other);
}

function readTransaction(tx: XmlElement, index: number): ReportTransaction {
  const refs = xmlChild(tx, "Refs");
  const amount = readAmount(xmlChild(tx, "Amt")) ?? readAmount(xmlPath(tx, "AmtDtls", "TxAmt", "Amt"));
  const creditDebit = nonEmpty(xmlPathText(tx, "CdtDbtInd"));
  const optional = {
    acctSvcrRef: nonEmpty(xmlPathText(refs, "AcctSvcrRef")),
    endToEndId: nonEmpty(xmlPathText(refs, "EndToEndId")),
    txId: nonEmpty(xmlPathText(refs, "TxId")),
    instrId: nonEmpty(xmlPathText(refs, "InstrId")),
    amount,
    creditDebit,
    debtorAccount: readDebtorAccount(tx),
  };
  const out: ReportTransaction = { index, remittance: readRemittance(tx) };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

/** Normalises one `Ntry` element. */
export function parseReportEntry(ntry: XmlElement, index: number): ReportEntry {
  const sts = xmlChild(ntry, "Sts");
  const status = nonEmpty(xmlText(sts)) ?? nonEmpty(xmlPathText(sts, "Cd")) ?? nonEmpty(xmlPathText(sts, "Prtry")) ?? "";
  const transactions: ReportTransaction[] = [];
  for (const details of xmlChildren(ntry, "NtryDtls")) {
    for (const tx of xmlChildren(details, "TxDtls")) transactions.push(readTransaction(tx, transactions.length));
  }
  const entry: ReportEntry = {
    index,
    amount: readAmount(xmlChild(ntry, "Amt")) ?? { text: "", currency: "", problem: "format" },
    creditDebit: xmlPathText(ntry, "CdtDbtInd") ?? "",
    // xs:boolean: "true" or "1" (surrounding whitespace collapsed).
    reversal: ["true", "1"].includes((xmlPathText(ntry, "RvslInd") ?? "").trim()),
    status,
    transactions,
  };
  const optional = {
    ntryRef: nonEmpty(xmlPathText(ntry, "NtryRef")),
    acctSvcrRef: nonEmpty(xmlPathText(ntry, "AcctSvcrRef")),
    bookingDate: readDate(xmlChild(ntry, "BookgDt")),
    valueDate: readDate(xmlChild(ntry, "ValDt")),
    additionalInfo: nonEmpty(xmlPathText(ntry, "AddtlNtryInf")),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (entry as unknown as Record<string, unknown>)[k] = v;
  return entry;
}
