/**
 * pain.002 (CustomerPaymentStatusReport), versions 001.03 to 001.14: the bank's answer to our pain.001.
 *
 * {@link parsePain002} gives, per transaction the bank reports on, the original end-to-end id (our payout id),
 * the status code and its outcome (`accepted` / `rejected` / `pending`), with reasons. A transaction without
 * its own `TxSts` takes its payment block's `PmtInfSts`, else the group's `GrpSts`. A report that lists no
 * transactions but has a group or payment-block status says so in `wholeMessageStatus` / `paymentInformation`:
 * {@link applyPain002ToPayouts} then applies it to every payout of the original run, and lists ids the report
 * names that the run does not have.
 *
 * Pure: no I/O. Idempotency ("a payout is never paid twice") is the caller's: the outcome of a payout id is a
 * fact to record once; a later report about the same id is compared with what was recorded.
 */
import { BankMessageError } from "./bankMessageError.js";
import {
  ISO20022_MAX35,
  parseBankXml,
  requireMaxLength,
  requireMessageType,
  xmlChild,
  xmlChildren,
  xmlPathText,
  xmlText,
  type ParseXmlOptions,
  type ParsedXmlDocument,
  type XmlElement,
} from "./xml.js";

/** pain.002.001.03 to pain.002.001.14. */
export const PAIN002_VARIANTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] as const;

/**
 * - `settled`: final, the money reached the payee's side (ACSC, ACCC) → record paid;
 * - `accepted`: accepted so far, not settled (ACTC, ACCP, ACSP, ACWC, …) → interim: nothing is recorded, a later
 *   report can still reject it;
 * - `rejected`: final, not paid (RJCT, CANC) → record failed, money back on the balance;
 * - `pending`: anything else (PDNG, RCVD, BLCK, unknown codes) → nothing is recorded.
 */
export type PaymentOutcome = "settled" | "accepted" | "rejected" | "pending";

/**
 * Transaction, payment-block and group status codes (ISO 20022 ExternalPaymentTransactionStatus1Code). Only the
 * two "settlement completed" codes are final for a payment; every other "accepted…" code says a step passed and
 * the payment can still be rejected later.
 */
const STATUS_OUTCOME: Record<string, PaymentOutcome> = {
  ACSC: "settled", // AcceptedSettlementCompleted: settlement on the debtor's account completed
  ACCC: "settled", // AcceptedSettlementCompletedCreditorAccount: settlement on the creditor's account completed
  ACTC: "accepted", // AcceptedTechnicalValidation: only syntax and semantics checked
  ACCP: "accepted", // AcceptedCustomerProfile: customer profile checked
  ACSP: "accepted", // AcceptedSettlementInProcess: settlement not completed yet
  ACWC: "accepted", // AcceptedWithChange: accepted, changes made, not settled
  ACFC: "accepted", // AcceptedFundsChecked
  ACWP: "accepted", // AcceptedWithoutPosting
  ACIS: "accepted", // AcceptedandChequeIssued: the cheque is not cleared yet
  ACPD: "accepted", // AcceptedClearingProcessed
  PATC: "accepted", // PartiallyAcceptedTechnicalCorrect
  PART: "accepted", // PartiallyAccepted: only meaningful per transaction
  RJCT: "rejected",
  CANC: "rejected", // Cancelled
  BLCK: "pending", // Blocked: funds neither posted nor returned — nothing to record until the bank resolves it
  PDNG: "pending",
  RCVD: "pending",
};

/** Operator texts for the reason codes banks use most for rejected payouts. */
const REASON_TEXT: Record<string, { zh: string; en: string }> = {
  AC01: { zh: "收款账号错误", en: "incorrect account number" },
  AC04: { zh: "收款账户已销户", en: "account closed" },
  AC06: { zh: "收款账户已冻结", en: "account blocked" },
  AG01: { zh: "该账户不允许此类交易", en: "transaction forbidden on this account" },
  AM04: { zh: "付款账户余额不足", en: "insufficient funds" },
  AM05: { zh: "重复付款", en: "duplication" },
  BE01: { zh: "收款人户名与账户不符", en: "creditor name does not match the account" },
  DUPL: { zh: "重复付款", en: "duplicate payment" },
  MS02: { zh: "收款方原因（未说明）", en: "reason not specified by the creditor" },
  MS03: { zh: "银行原因（未说明）", en: "reason not specified by the agent" },
  NARR: { zh: "见附加说明", en: "see the additional information" },
  RC01: { zh: "银行标识错误", en: "bank identifier incorrect" },
  RR03: { zh: "缺少收款人名称或地址", en: "creditor name or address missing" },
};

export interface StatusReason {
  /** `Rsn/Cd` or `Rsn/Prtry`, if given. */
  code?: string;
  /** `AddtlInf` lines joined. */
  additionalInfo?: string;
  zh: string;
  en: string;
}

export interface Pain002Transaction {
  /** Our payout id, from `OrgnlEndToEndId`. */
  originalEndToEndId: string;
  originalInstructionId?: string;
  originalPaymentInformationId?: string;
  /** The effective status code (own, else the payment block's, else the group's). */
  status: string;
  /** Where the status came from. */
  statusLevel: "transaction" | "paymentInformation" | "group";
  outcome: PaymentOutcome;
  reasons: StatusReason[];
}

export interface Pain002PaymentInformation {
  originalPaymentInformationId: string;
  status?: string;
  reasons: StatusReason[];
  /** Number of transactions listed in this block. */
  transactionCount: number;
}

export interface Pain002Report {
  messageType: "pain.002";
  version: string;
  messageId: string;
  createdAt?: string;
  /** Our pain.001 message id this report answers. */
  originalMessageId?: string;
  groupStatus?: string;
  groupReasons: StatusReason[];
  paymentInformation: Pain002PaymentInformation[];
  transactions: Pain002Transaction[];
  /**
   * Set when no transaction is listed at all and the group (or the only payment block) has a status: it then
   * applies to every payment of the original message.
   */
  wholeMessageStatus?: { status: string; outcome: PaymentOutcome; reasons: StatusReason[] };
}

/** Outcome of a status code; unknown codes are `pending` (nothing is recorded on an unknown code). */
export function paymentOutcome(status: string): PaymentOutcome {
  return STATUS_OUTCOME[status] ?? "pending";
}

function readReasons(el: XmlElement | undefined): StatusReason[] {
  return xmlChildren(el, "StsRsnInf").map((r) => {
    const code = xmlPathText(r, "Rsn", "Cd") || xmlPathText(r, "Rsn", "Prtry") || undefined;
    const additional = xmlChildren(r, "AddtlInf").map((a) => (xmlText(a) ?? "").trim()).filter((a) => a !== "");
    const additionalInfo = additional.length > 0 ? additional.join(" ") : undefined;
    const known = code ? REASON_TEXT[code] : undefined;
    const prefix = code ? `${code}` : "无代码";
    const prefixEn = code ? `${code}` : "no code";
    return {
      ...(code ? { code } : {}),
      ...(additionalInfo ? { additionalInfo } : {}),
      zh: `${prefix}${known ? `：${known.zh}` : ""}${additionalInfo ? `（${additionalInfo}）` : ""}`,
      en: `${prefixEn}${known ? `: ${known.en}` : ""}${additionalInfo ? ` (${additionalInfo})` : ""}`,
    };
  });
}

/**
 * Parses a pain.002 status report safely.
 * @throws BankMessageError `XML_*`, `MESSAGE_TYPE_UNSUPPORTED` (e.g. pain.002.001.02 or a camt file),
 *   `BANK_MESSAGE_INVALID` (no message id, a transaction without OrgnlEndToEndId)
 */
export function parsePain002(xml: string | Uint8Array, options: ParseXmlOptions = {}): Pain002Report {
  return readPain002(parseBankXml(xml, options));
}

/** Reads an already parsed XML document as pain.002 (see {@link parsePain002}). */
export function readPain002(doc: ParsedXmlDocument): Pain002Report {
  const variant = requireMessageType(doc, "pain.002", PAIN002_VARIANTS);
  const body = xmlChild(doc.root, "CstmrPmtStsRpt");
  const messageId = xmlPathText(body, "GrpHdr", "MsgId");
  if (!body || !messageId) {
    throw new BankMessageError("BANK_MESSAGE_INVALID", { zh: "状态报告缺少 CstmrPmtStsRpt/GrpHdr/MsgId。", en: "The status report has no CstmrPmtStsRpt/GrpHdr/MsgId." }, { field: "GrpHdr.MsgId" });
  }
  requireMaxLength(messageId, "GrpHdr/MsgId", ISO20022_MAX35);
  // pain.002.001.10+ allow several OrgnlGrpInfAndSts; we send one pain.001 per run, so the first one is ours.
  const group = xmlChild(body, "OrgnlGrpInfAndSts");
  const groupStatus = xmlPathText(group, "GrpSts") || undefined;
  const groupReasons = readReasons(group);
  const paymentInformation: Pain002PaymentInformation[] = [];
  const transactions: Pain002Transaction[] = [];
  xmlChildren(body, "OrgnlPmtInfAndSts").forEach((pmt, p) => {
    const pmtId = (xmlPathText(pmt, "OrgnlPmtInfId") ?? "").trim();
    const pmtStatus = xmlPathText(pmt, "PmtInfSts") || undefined;
    const pmtReasons = readReasons(pmt);
    const txs = xmlChildren(pmt, "TxInfAndSts");
    paymentInformation.push({ originalPaymentInformationId: pmtId, ...(pmtStatus ? { status: pmtStatus } : {}), reasons: pmtReasons, transactionCount: txs.length });
    txs.forEach((tx, t) => {
      const e2e = requireMaxLength((xmlPathText(tx, "OrgnlEndToEndId") ?? "").trim(), "TxInfAndSts/OrgnlEndToEndId", ISO20022_MAX35);
      if (!e2e) {
        throw new BankMessageError(
          "BANK_MESSAGE_INVALID",
          { zh: `第 ${p + 1} 个付款块的第 ${t + 1} 笔交易缺少原端到端标识（OrgnlEndToEndId）。`, en: `Transaction ${t + 1} of payment block ${p + 1} has no OrgnlEndToEndId.` },
          { field: `OrgnlPmtInfAndSts.${p}.TxInfAndSts.${t}.OrgnlEndToEndId` },
        );
      }
      const ownElement = xmlChild(tx, "TxSts");
      const own = xmlPathText(tx, "TxSts")?.trim() || undefined;
      const status = own ?? pmtStatus ?? groupStatus ?? "";
      if (status === "") {
        // An empty TxSts (or none at any level) says nothing: refused, never taken as "pending".
        const field = `OrgnlPmtInfAndSts.${p}.TxInfAndSts.${t}.TxSts`;
        throw new BankMessageError(
          "BANK_MESSAGE_INVALID",
          ownElement !== undefined
            ? { zh: `第 ${p + 1} 个付款块的第 ${t + 1} 笔交易的状态（TxSts）为空。`, en: `Transaction ${t + 1} of payment block ${p + 1} has an empty TxSts.` }
            : { zh: `第 ${p + 1} 个付款块的第 ${t + 1} 笔交易没有状态（TxSts、PmtInfSts、GrpSts 均未给出）。`, en: `Transaction ${t + 1} of payment block ${p + 1} has no status (no TxSts, PmtInfSts or GrpSts).` },
          { field },
        );
      }
      const statusLevel = own ? "transaction" : pmtStatus ? "paymentInformation" : "group";
      const ownReasons = readReasons(tx);
      const instr = xmlPathText(tx, "OrgnlInstrId")?.trim();
      transactions.push({
        originalEndToEndId: e2e,
        ...(instr ? { originalInstructionId: instr } : {}),
        ...(pmtId ? { originalPaymentInformationId: pmtId } : {}),
        status,
        statusLevel,
        outcome: paymentOutcome(status),
        reasons: ownReasons.length > 0 ? ownReasons : statusLevel === "paymentInformation" ? pmtReasons : statusLevel === "group" ? groupReasons : [],
      });
    });
  });
  let wholeMessageStatus: Pain002Report["wholeMessageStatus"];
  if (transactions.length === 0) {
    const onlyBlock = paymentInformation.length === 1 ? paymentInformation[0] : undefined;
    const status = groupStatus ?? onlyBlock?.status;
    if (status) {
      const reasons = groupStatus ? groupReasons : (onlyBlock?.reasons ?? []);
      wholeMessageStatus = { status, outcome: paymentOutcome(status), reasons };
    }
  }
  const createdAt = xmlPathText(body, "GrpHdr", "CreDtTm");
  const originalMessageId = xmlPathText(group, "OrgnlMsgId")?.trim();
  return {
    messageType: "pain.002",
    version: `001.${String(variant).padStart(2, "0")}`,
    messageId,
    ...(createdAt ? { createdAt } : {}),
    ...(originalMessageId ? { originalMessageId } : {}),
    ...(groupStatus ? { groupStatus } : {}),
    groupReasons,
    paymentInformation,
    transactions,
    ...(wholeMessageStatus ? { wholeMessageStatus } : {}),
  };
}

export interface PayoutStatusUpdate {
  payoutId: string;
  status: string;
  outcome: PaymentOutcome;
  reasons: StatusReason[];
}

/**
 * Maps a report onto the payouts of the run it answers.
 * @param payoutIds the payout ids of the original pain.001 (its EndToEndIds)
 * @returns `updates`: one per payout the report decides (the last listing wins if a report names an id twice);
 *   `unknownIds`: ids the report names that are not in the run; `notMentioned`: payouts it says nothing about
 */
export function applyPain002ToPayouts(
  report: Pain002Report,
  payoutIds: readonly string[],
): { updates: PayoutStatusUpdate[]; unknownIds: string[]; notMentioned: string[] } {
  const known = new Set(payoutIds);
  const byId = new Map<string, PayoutStatusUpdate>();
  const unknown = new Set<string>();
  for (const tx of report.transactions) {
    if (!known.has(tx.originalEndToEndId)) {
      unknown.add(tx.originalEndToEndId);
      continue;
    }
    byId.set(tx.originalEndToEndId, { payoutId: tx.originalEndToEndId, status: tx.status, outcome: tx.outcome, reasons: tx.reasons });
  }
  if (report.wholeMessageStatus) {
    const w = report.wholeMessageStatus;
    for (const id of payoutIds) byId.set(id, { payoutId: id, status: w.status, outcome: w.outcome, reasons: w.reasons });
  }
  return {
    updates: payoutIds.filter((id) => byId.has(id)).map((id) => byId.get(id)!),
    unknownIds: [...unknown],
    notMentioned: payoutIds.filter((id) => !byId.has(id)),
  };
}
