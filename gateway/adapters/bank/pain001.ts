/**
 * pain.001.001.03 or .12 (CustomerCreditTransferInitiation): the payment instructions of one settlement run.
 *
 * One `PmtInf` per run, debiting the bank's pension settlement account, with one `CdtTrfTxInf` per payout:
 * `EndToEndId` = payout id (so the bank's pain.002 and camt.053 quote it back), `InstdAmt Ccy="CNY"` = net amount
 * formatted exactly from integer fen, creditor = the member's (or heir's) name and bound card/account, category
 * purpose `PENS`. Group header and payment information carry the number of transactions and the control sum.
 * The output validates against the official pain.001.001.03 and .12 XSDs (a test runs xmllint). The two versions
 * differ here only in `BIC` → `BICFI` and `ReqdExctnDt` → `ReqdExctnDt/Dt`.
 *
 * Pure: builds a string, writes nothing. The caller stores it in the outbox folder or returns it over HTTP.
 */
import { fenToDecimal, unixSecondsToCst } from "./amount.js";
import { BankMessageError } from "./bankMessageError.js";
import { escapeXml } from "./xml.js";

/** The two versions produced; .03 is the default (the one most Chinese banks' host-to-host channels take). */
export type Pain001Version = "001.001.03" | "001.001.12";

export function pain001Namespace(version: Pain001Version): string {
  return `urn:iso:std:iso:20022:tech:xsd:pain.${version}`;
}

/**
 * The end-to-end id for a ledger payout (the chain's `uint64 payoutId`): `PO` + decimal id, e.g. `PO42`. The
 * prefix keeps our payouts apart from other payments on the settlement account in pain.002 and camt.053.
 */
export function payoutEndToEndId(payoutId: bigint): string {
  if (payoutId < 0n || payoutId >= 2n ** 64n) throw new RangeError("A payout id is a uint64.");
  return `PO${payoutId}`;
}

/** The ledger payout id in an end-to-end id written by {@link payoutEndToEndId}; undefined for anything else. */
export function parsePayoutEndToEndId(endToEndId: string): bigint | undefined {
  const m = /^PO(0|[1-9]\d{0,19})$/.exec(endToEndId.trim());
  if (!m) return undefined;
  const id = BigInt(m[1]!);
  return id < 2n ** 64n ? id : undefined;
}

/** A bank (financial institution) as it appears as debtor or creditor agent. All fields optional. */
export interface BankAgent {
  /** BIC, 8 or 11 characters, e.g. `ICBKCNBJ`. */
  bic?: string;
  /** CNAPS bank code (中国现代化支付系统行号), sent as clearing system member id with system code `CNAPS`. */
  cnapsCode?: string;
  name?: string;
}

export interface PaymentInstructionPayout {
  /** Ledger payout id; becomes `EndToEndId` (1–35 characters, unique in the run). */
  payoutId: string;
  /** Net amount paid to the creditor, in fen (after tax withheld). Must be > 0. */
  amountFen: bigint;
  creditor: {
    /** Member's or heir's name as on the card (1–140 characters; Chinese characters allowed). */
    name: string;
    /** Bound bank card number or account number (1–34 characters). */
    account: string;
    agent?: BankAgent;
  };
  /** Free text shown to the creditor (1–140 characters), e.g. `个人养老金领取 2026-11`. */
  remittance?: string;
}

export interface PaymentRunInput {
  /** Message id, unique per file sent to the bank (1–35 characters), e.g. the settlement run id. */
  messageId: string;
  /** Creation time (unix seconds); written as China Standard Time. */
  createdAt: number;
  /** Requested execution date, `YYYY-MM-DD`. */
  executionDate: string;
  /** Defaults to `messageId`. */
  paymentInformationId?: string;
  /** Initiating party: the pension operator (name 1–140 characters; optional organisation id). */
  initiatingParty: { name: string; organisationId?: string };
  /** The bank's pension settlement account the money is paid from. */
  debtor: { name: string; account: string; agent?: BankAgent };
  payouts: PaymentInstructionPayout[];
  /** Message version, default `001.001.03`. */
  version?: Pain001Version;
}

export interface Pain001Result {
  xml: string;
  messageId: string;
  numberOfTransactions: number;
  controlSumFen: bigint;
}

const XML_CHAR_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Max-length text as ISO 20022 counts it: characters (code points), not bytes. */
function checkText(problems: string[], field: string, value: unknown, max: number): void {
  if (typeof value !== "string" || value.trim() === "") {
    problems.push(`${field}: required, 1–${max} characters`);
    return;
  }
  if ([...value].length > max) problems.push(`${field}: longer than ${max} characters`);
  if (XML_CHAR_FORBIDDEN.test(value)) problems.push(`${field}: contains a control character`);
}

function checkAgent(problems: string[], field: string, agent: BankAgent | undefined): void {
  if (!agent) return;
  if (agent.bic !== undefined && !/^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/.test(agent.bic)) problems.push(`${field}.bic: not a BIC`);
  if (agent.cnapsCode !== undefined && !/^\d{12}$/.test(agent.cnapsCode)) problems.push(`${field}.cnapsCode: 12 digits expected`);
  if (agent.name !== undefined) checkText(problems, `${field}.name`, agent.name, 140);
}

function validate(run: PaymentRunInput): void {
  const problems: string[] = [];
  checkText(problems, "messageId", run.messageId, 35);
  if (run.paymentInformationId !== undefined) checkText(problems, "paymentInformationId", run.paymentInformationId, 35);
  if (!Number.isSafeInteger(run.createdAt) || run.createdAt < 0) problems.push("createdAt: unix seconds expected");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(run.executionDate ?? "") || Number.isNaN(Date.parse(`${run.executionDate}T00:00:00Z`))) {
    problems.push("executionDate: YYYY-MM-DD expected");
  }
  checkText(problems, "initiatingParty.name", run.initiatingParty?.name, 140);
  if (run.initiatingParty?.organisationId !== undefined) checkText(problems, "initiatingParty.organisationId", run.initiatingParty.organisationId, 35);
  checkText(problems, "debtor.name", run.debtor?.name, 140);
  checkText(problems, "debtor.account", run.debtor?.account, 34);
  checkAgent(problems, "debtor.agent", run.debtor?.agent);
  if (!Array.isArray(run.payouts) || run.payouts.length === 0) problems.push("payouts: at least one payout is required");
  const ids = new Set<string>();
  (run.payouts ?? []).forEach((p, i) => {
    checkText(problems, `payouts.${i}.payoutId`, p.payoutId, 35);
    if (ids.has(p.payoutId)) problems.push(`payouts.${i}.payoutId: appears twice in the run`);
    ids.add(p.payoutId);
    if (typeof p.amountFen !== "bigint" || p.amountFen <= 0n) problems.push(`payouts.${i}.amountFen: a positive bigint of fen is required`);
    checkText(problems, `payouts.${i}.creditor.name`, p.creditor?.name, 140);
    checkText(problems, `payouts.${i}.creditor.account`, p.creditor?.account, 34);
    checkAgent(problems, `payouts.${i}.creditor.agent`, p.creditor?.agent);
    if (p.remittance !== undefined) checkText(problems, `payouts.${i}.remittance`, p.remittance, 140);
  });
  if (problems.length > 0) {
    // Field paths and rules only: never the names or card numbers themselves.
    throw new BankMessageError(
      "PAYMENT_INSTRUCTION_INVALID",
      {
        zh: `付款指令输入有 ${problems.length} 处错误：${problems.join("；")}`,
        en: `The payment instruction input has ${problems.length} problem(s): ${problems.join("; ")}`,
      },
      { details: { problems } },
    );
  }
}

function agentXml(agent: BankAgent | undefined, indent: string, version: Pain001Version): string {
  const lines: string[] = [];
  const bicTag = version === "001.001.03" ? "BIC" : "BICFI";
  if (agent?.bic) lines.push(`<${bicTag}>${agent.bic}</${bicTag}>`);
  if (agent?.cnapsCode) {
    lines.push(`<ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId><MmbId>${agent.cnapsCode}</MmbId></ClrSysMmbId>`);
  }
  if (agent?.name) lines.push(`<Nm>${escapeXml(agent.name)}</Nm>`);
  // FinInstnId needs at least one element; NOTPROVIDED is the ISO 20022 convention for an unknown agent.
  if (lines.length === 0) lines.push("<Othr><Id>NOTPROVIDED</Id></Othr>");
  return `${indent}<FinInstnId>${lines.join("")}</FinInstnId>`;
}

/**
 * Builds the pain.001 document (version `run.version`, default 001.001.03) for one settlement run (regular payouts or a death settlement's heirs).
 * @throws BankMessageError `PAYMENT_INSTRUCTION_INVALID` listing every bad field by path (no personal data)
 */
export function buildPain001(run: PaymentRunInput): Pain001Result {
  validate(run);
  const version = run.version ?? "001.001.03";
  if (version !== "001.001.03" && version !== "001.001.12") {
    throw new BankMessageError("PAYMENT_INSTRUCTION_INVALID", { zh: `不支持的 pain.001 版本 ${String(version)}。`, en: `Unsupported pain.001 version ${String(version)}.` }, { field: "version" });
  }
  const controlSumFen = run.payouts.reduce((sum, p) => sum + p.amountFen, 0n);
  const n = run.payouts.length;
  const controlSum = fenToDecimal(controlSumFen);
  const i3 = "      ";
  const txs = run.payouts
    .map((p) => {
      const parts = [
        `    <CdtTrfTxInf>`,
        `${i3}<PmtId>`,
        `${i3}  <InstrId>${escapeXml(p.payoutId)}</InstrId>`,
        `${i3}  <EndToEndId>${escapeXml(p.payoutId)}</EndToEndId>`,
        `${i3}</PmtId>`,
        `${i3}<Amt>`,
        `${i3}  <InstdAmt Ccy="CNY">${fenToDecimal(p.amountFen)}</InstdAmt>`,
        `${i3}</Amt>`,
      ];
      if (p.creditor.agent) parts.push(`${i3}<CdtrAgt>`, agentXml(p.creditor.agent, `${i3}  `, version), `${i3}</CdtrAgt>`);
      parts.push(
        `${i3}<Cdtr>`,
        `${i3}  <Nm>${escapeXml(p.creditor.name)}</Nm>`,
        `${i3}</Cdtr>`,
        `${i3}<CdtrAcct>`,
        `${i3}  <Id><Othr><Id>${escapeXml(p.creditor.account)}</Id></Othr></Id>`,
        `${i3}  <Ccy>CNY</Ccy>`,
        `${i3}</CdtrAcct>`,
        `${i3}<Purp><Cd>PENS</Cd></Purp>`,
      );
      if (p.remittance) parts.push(`${i3}<RmtInf><Ustrd>${escapeXml(p.remittance)}</Ustrd></RmtInf>`);
      parts.push(`    </CdtTrfTxInf>`);
      return parts.join("\n");
    })
    .join("\n");
  const orgId = run.initiatingParty.organisationId
    ? `<Id><OrgId><Othr><Id>${escapeXml(run.initiatingParty.organisationId)}</Id></Othr></OrgId></Id>`
    : "";
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="${pain001Namespace(version)}">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>${escapeXml(run.messageId)}</MsgId>
      <CreDtTm>${unixSecondsToCst(run.createdAt)}</CreDtTm>
      <NbOfTxs>${n}</NbOfTxs>
      <CtrlSum>${controlSum}</CtrlSum>
      <InitgPty>
        <Nm>${escapeXml(run.initiatingParty.name)}</Nm>${orgId}
      </InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>${escapeXml(run.paymentInformationId ?? run.messageId)}</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <BtchBookg>false</BtchBookg>
      <NbOfTxs>${n}</NbOfTxs>
      <CtrlSum>${controlSum}</CtrlSum>
      <PmtTpInf>
        <CtgyPurp><Cd>PENS</Cd></CtgyPurp>
      </PmtTpInf>
      <ReqdExctnDt>${version === "001.001.03" ? run.executionDate : `<Dt>${run.executionDate}</Dt>`}</ReqdExctnDt>
      <Dbtr>
        <Nm>${escapeXml(run.debtor.name)}</Nm>
      </Dbtr>
      <DbtrAcct>
        <Id><Othr><Id>${escapeXml(run.debtor.account)}</Id></Othr></Id>
        <Ccy>CNY</Ccy>
      </DbtrAcct>
      <DbtrAgt>
${agentXml(run.debtor.agent, "        ", version)}
      </DbtrAgt>
      <ChrgBr>DEBT</ChrgBr>
${txs.replace(/^/gm, "  ")}
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;
  return { xml, messageId: run.messageId, numberOfTransactions: n, controlSumFen };
}
