/**
 * camt.053 (BankToCustomerStatement), versions 001.02, 001.04 and 001.08: the bank's statement of the pension
 * settlement account, used for reconciliation ({@link reconcile} in reconcile.ts).
 *
 * Entries use the same `Ntry` block as camt.054 (see reportEntry.ts). Pure: no I/O.
 */
import { isoToUnixSeconds, parseBankAmount, type BankAmount } from "./amount.js";
import { BankMessageError } from "./bankMessageError.js";
import { parseAccount, parseReportEntry, type AccountId, type ReportEntry } from "./reportEntry.js";
import { ISO20022_MAX35, parseBankXml, requireMaxLength, requireMessageType, xmlAttr, xmlChild, xmlChildren, xmlPath, xmlPathText, type ParseXmlOptions, type ParsedXmlDocument } from "./xml.js";

export const CAMT053_VARIANTS = [2, 4, 8] as const;

export interface StatementBalance {
  /** `OPBD` (opening booked), `CLBD` (closing booked), `OPAV`, `CLAV`, … */
  type: string;
  amount: BankAmount;
  creditDebit: string;
  date?: string;
}

export interface Camt053Statement {
  id: string;
  createdAt?: string;
  account: AccountId;
  /**
   * The period the statement covers, unix seconds, inclusive: `FrToDt` when given (a date-only bound runs from
   * 00:00 to 23:59:59 China Standard Time), else the earliest and latest booking dates of its entries.
   */
  period?: { from: number; to: number };
  balances: StatementBalance[];
  entries: ReportEntry[];
}

export interface Camt053Document {
  messageType: "camt.053";
  version: string;
  messageId: string;
  createdAt?: string;
  statements: Camt053Statement[];
}

function periodOf(fromText: string | undefined, toText: string | undefined, entries: ReportEntry[]): Camt053Statement["period"] {
  const from = fromText ? isoToUnixSeconds(fromText) : undefined;
  let to = toText ? isoToUnixSeconds(toText) : undefined;
  if (to !== undefined && toText && !toText.includes("T")) to += 86_399; // a date-only end includes the whole day
  if (from !== undefined && to !== undefined) return { from, to };
  const times = entries.map((e) => isoToUnixSeconds(e.bookingDate ?? e.valueDate ?? "")).filter((t): t is number => t !== undefined);
  if (times.length === 0) return undefined;
  return { from: from ?? Math.min(...times), to: to ?? Math.max(...times) };
}

/**
 * Parses a camt.053 statement safely.
 * @throws BankMessageError `XML_*`, `MESSAGE_TYPE_UNSUPPORTED` (naming the namespace found), `BANK_MESSAGE_INVALID`
 */
export function parseCamt053(xml: string | Uint8Array, options: ParseXmlOptions = {}): Camt053Document {
  return readCamt053(parseBankXml(xml, options));
}

/** Reads an already parsed XML document as camt.053 (see {@link parseCamt053}). */
export function readCamt053(doc: ParsedXmlDocument): Camt053Document {
  const variant = requireMessageType(doc, "camt.053", CAMT053_VARIANTS);
  const body = xmlChild(doc.root, "BkToCstmrStmt");
  const messageId = xmlPathText(body, "GrpHdr", "MsgId");
  if (!body || !messageId) {
    throw new BankMessageError("BANK_MESSAGE_INVALID", { zh: "对账单缺少 BkToCstmrStmt/GrpHdr/MsgId。", en: "The statement has no BkToCstmrStmt/GrpHdr/MsgId." }, { field: "GrpHdr.MsgId" });
  }
  requireMaxLength(messageId, "GrpHdr/MsgId", ISO20022_MAX35);
  const statements = xmlChildren(body, "Stmt").map((s, i): Camt053Statement => {
    const id = xmlPathText(s, "Id");
    if (!id) throw new BankMessageError("BANK_MESSAGE_INVALID", { zh: `第 ${i + 1} 张对账单缺少标识（Stmt/Id）。`, en: `Statement ${i + 1} has no Stmt/Id.` }, { field: `Stmt.${i}.Id` });
    const entries = xmlChildren(s, "Ntry").map((e, index) => parseReportEntry(e, index));
    const balances = xmlChildren(s, "Bal").map((b): StatementBalance => {
      const amt = xmlChild(b, "Amt");
      const type = xmlPathText(b, "Tp", "CdOrPrtry", "Cd") || xmlPathText(b, "Tp", "CdOrPrtry", "Prtry") || "";
      const date = xmlPathText(b, "Dt", "Dt") || xmlPathText(b, "Dt", "DtTm") || undefined;
      return {
        type,
        amount: parseBankAmount(xmlPathText(amt) ?? "", xmlAttr(amt, "Ccy") ?? ""),
        creditDebit: xmlPathText(b, "CdtDbtInd") ?? "",
        ...(date ? { date } : {}),
      };
    });
    const frTo = xmlPath(s, "FrToDt");
    const period = periodOf(xmlPathText(frTo, "FrDtTm") ?? xmlPathText(frTo, "FrDt"), xmlPathText(frTo, "ToDtTm") ?? xmlPathText(frTo, "ToDt"), entries);
    const createdAt = xmlPathText(s, "CreDtTm");
    return { id, ...(createdAt ? { createdAt } : {}), account: parseAccount(xmlChild(s, "Acct")), ...(period ? { period } : {}), balances, entries };
  });
  const createdAt = xmlPathText(body, "GrpHdr", "CreDtTm");
  return { messageType: "camt.053", version: `001.${String(variant).padStart(2, "0")}`, messageId, ...(createdAt ? { createdAt } : {}), statements };
}
