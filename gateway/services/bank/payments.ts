/**
 * Money out (issue 4): the pain.001 payment instructions of a settlement run, the pain.002 payment status reports
 * back, and the camt.053 reconciliation of the settlement account against what the ledger expected to move.
 *
 * Never paid twice: a payout's result is written to bank_payout_reports in the same SQLite transaction as its
 * outbox row, so a repeated or reordered pain.002 is compared, not re-applied; and the ledger itself refuses a
 * second report (PayoutAlreadyReported), which the report calls a duplicate too.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  applyPain002ToPayouts, buildPain001, displayAmount, isCollectionAccount, type AccountId, parseBankXml, payoutEndToEndId, parsePayoutEndToEndId, readCamt053, readPain002,
  reconcile, type Camt053Document, type ExpectedMovement, type Pain001Version, type Pain002Report, type PayoutStatusUpdate, type StatusReason,
} from "../../adapters/bank/index.js";
import { CALLS } from "../../chain/calls.js";
import { formatFen } from "../../domain/money.js";
import { AppError, ERROR_CATALOG } from "../../errors.js";
import type { OperationRecord } from "../../store/operations.js";
import { HeirVault } from "../claims/heirVault.js";
import type { Caller, ServiceDeps } from "../context.js";
import { cstMidnightSeconds, cstParts, shanghaiTime } from "../time.js";
import { merkleProofs, merkleRoot, payoutLeaf } from "../../../deploy/settlementMerkle.js";
import { DEFAULT_COLLECTION_ACCOUNT } from "./incoming.js";
import type { BankRepository, IndexedPayout } from "./repository.js";

export interface PaymentOptions {
  /** DATA_DIR: pain.001 files are also written to DATA_DIR/outbox/bank/. */
  dataDir?: string;
  maxXmlBytes?: number;
  /** The bank's pension settlement account the payouts are paid from. */
  settlementAccount?: { name: string; account: string };
  initiatingPartyName?: string;
  /** The pension collection account camt.054 credits arrive on (default: DEFAULT_COLLECTION_ACCOUNT). */
  collectionAccount?: string;
}

/** The settlement account of the embedded stack: the debtor of our pain.001 files. */
export const DEFAULT_SETTLEMENT_ACCOUNT = { name: "个人养老金资金结算账户", account: "PENSIONSETTLEMENT0001" };

export interface PaymentInstructions {
  runId: number;
  messageId: string;
  fileName: string;
  version: Pain001Version;
  numberOfTransactions: number;
  controlSumFen: string;
  controlSum: string;
  executionDate: string;
  xml: string;
}

export type PayoutReportOutcome = "paid" | "failed" | "acceptedPending" | "duplicate" | "conflict" | "pending" | "unknown" | "error";

export interface Pain002ReportLine {
  endToEndId: string;
  payoutId: string | null;
  status: string;
  /**
   * paid: settled (ACSC/ACCC), recorded paid; failed: rejected (RJCT/CANC), recorded failed, the gross back on the
   * member's balance; acceptedPending: accepted so far (ACTC, ACCP, ACSP, ACWC…), not settled — nothing recorded,
   * it may still be rejected; pending: nothing recorded (PDNG, RCVD, BLCK, unknown codes); duplicate: the same
   * result was recorded before; conflict: another final result was recorded before (e.g. paid, now RJCT) — not
   * applied, `previous` says what was recorded, for an operator to settle with the bank.
   */
  outcome: PayoutReportOutcome;
  operationId?: string;
  state?: string;
  amount?: string;
  reasons?: StatusReason[];
  previous?: { outcome: string; statusCode: string; messageId: string };
  error?: { code: string; message: string };
}

export interface Pain002Result {
  messageType: "pain.002";
  version: string;
  messageId: string;
  originalMessageId: string | null;
  runId: number | null;
  receivedAt: string;
  receivedAtCst: string;
  counts: Record<PayoutReportOutcome, number>;
  payouts: Pain002ReportLine[];
  notMentioned: string[];
}

export class Payments {
  private readonly heirs: HeirVault;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly repo: BankRepository,
    private readonly options: PaymentOptions = {},
  ) {
    this.heirs = new HeirVault(deps.store.members);
  }

  private indexedRun(runId: number): { run: NonNullable<ReturnType<BankRepository["settlementRun"]>>; payouts: IndexedPayout[] } {
    const run = this.repo.settlementRun(runId);
    if (!run) throw new AppError("SETTLEMENT_RUN_NOT_FOUND", ERROR_CATALOG.SETTLEMENT_RUN_NOT_FOUND.en, { field: "runId", details: { runId } });
    const payouts = this.repo.payoutsOfRun(runId);
    if (payouts.length !== run.payouts) {
      throw new AppError("SETTLEMENT_RUN_NOT_INDEXED", ERROR_CATALOG.SETTLEMENT_RUN_NOT_INDEXED.en, {
        details: { runId, payouts: run.payouts, indexed: payouts.length },
      });
    }
    return { run, payouts };
  }

  // ───────────────────────── pain.001 ─────────────────────────

  /** The run's payment instructions; the first call fixes the message id, time and execution date (later calls give the same file). */
  getPaymentInstructions(caller: Caller, runId: number, options: { version?: Pain001Version } = {}): PaymentInstructions {
    void caller;
    const { payouts } = this.indexedRun(runId);
    const earlier = this.repo.paymentFile(runId);
    if (earlier && options.version && options.version !== earlier.version) {
      // The first request fixed the file (message id, time, version): another version would be another file.
      throw new AppError("PAYMENT_INSTRUCTIONS_VERSION_FIXED", `${ERROR_CATALOG.PAYMENT_INSTRUCTIONS_VERSION_FIXED.en} (run ${runId} was produced as pain.${earlier.version}, not pain.${options.version})`, {
        field: "version", details: { runId, version: earlier.version, requested: options.version },
      });
    }
    const version = (earlier?.version as Pain001Version | undefined) ?? options.version ?? "001.001.03";
    const now = this.deps.clock();
    const { year, month, day } = cstParts(now);
    const executionDate = earlier?.executionDate ?? `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    const createdAt = earlier?.createdAt ?? Math.floor(now.getTime() / 1000);
    const messageId = earlier?.messageId ?? `PLRUN${runId}`;
    const settlement = this.options.settlementAccount ?? DEFAULT_SETTLEMENT_ACCOUNT;
    const built = buildPain001({
      messageId, createdAt, executionDate, version,
      initiatingParty: { name: this.options.initiatingPartyName ?? "养老金业务运营中心" },
      debtor: settlement,
      payouts: payouts.map((p) => ({
        payoutId: payoutEndToEndId(BigInt(p.payoutId)),
        amountFen: p.net,
        creditor: this.creditorOf(p),
        remittance: `养老金待遇发放 结算批次${runId}`,
      })),
    });
    const fileName = `pain001-run-${runId}.xml`;
    if (this.options.dataDir) {
      const dir = path.join(this.options.dataDir, "outbox", "bank");
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = path.join(dir, `.${fileName}.tmp`);
      // The instructions hold the payees' names and full card numbers: readable by this user only.
      writeFileSync(tmp, built.xml, { mode: 0o600 });
      renameSync(tmp, path.join(dir, fileName));
    }
    if (!earlier) {
      this.deps.store.transaction(() =>
        this.repo.savePaymentFile({ runId, messageId, fileName, version, payouts: built.numberOfTransactions, controlSumFen: built.controlSumFen, executionDate, createdAt }),
      );
    }
    return {
      runId, messageId, fileName, version, numberOfTransactions: built.numberOfTransactions, controlSumFen: built.controlSumFen.toString(),
      controlSum: formatFen(built.controlSumFen), executionDate, xml: built.xml,
    };
  }

  /** The member's name and bound card from the vault, or an heir's from the heirs' vault. */
  private creditorOf(p: IndexedPayout): { name: string; account: string } {
    const member = this.repo.accountMember(p.accountId);
    if (member && member.toLowerCase() === p.payee.toLowerCase()) {
      const record = this.deps.store.members.byPseudonym(member);
      return { name: record?.name ?? "", account: record?.bankCard ?? "" };
    }
    const sealed = this.repo.heirSealed(p.payee);
    if (!sealed) return { name: "", account: "" };
    return { name: this.heirs.decrypt(sealed.nameEnc), account: this.heirs.decrypt(sealed.bankCardEnc) };
  }

  // ───────────────────────── pain.002 ─────────────────────────

  async ingestPain002Xml(caller: Caller, xml: string | Uint8Array, options: { source: string; wait?: boolean }): Promise<Pain002Result> {
    return this.ingestPain002(caller, readPain002(parseBankXml(xml, { maxBytes: this.options.maxXmlBytes })), options);
  }

  async ingestPain002(caller: Caller, report: Pain002Report, options: { source: string; wait?: boolean }): Promise<Pain002Result> {
    void options.source;
    const receivedAt = this.deps.clock().toISOString();
    const file = report.originalMessageId ? this.repo.paymentFileByMessageId(report.originalMessageId) : undefined;
    let updates: PayoutStatusUpdate[];
    let unknownIds: string[] = [];
    let notMentioned: string[] = [];
    if (file) {
      const ids = this.repo.payoutsOfRun(file.runId).map((p) => payoutEndToEndId(BigInt(p.payoutId)));
      ({ updates, unknownIds, notMentioned } = applyPain002ToPayouts(report, ids));
    } else {
      if (report.wholeMessageStatus) {
        // A status for a whole message this ledger never sent: nothing can be applied; reported, not guessed.
        const counts = { paid: 0, failed: 0, acceptedPending: 0, duplicate: 0, conflict: 0, pending: 0, unknown: 1, error: 0 };
        return {
          messageType: "pain.002", version: report.version, messageId: report.messageId, originalMessageId: report.originalMessageId ?? null, runId: null,
          receivedAt, receivedAtCst: shanghaiTime(new Date(receivedAt)), counts, notMentioned: [],
          payouts: [{
            endToEndId: report.originalMessageId ?? "", payoutId: null, status: report.wholeMessageStatus.status, outcome: "unknown",
            error: {
              code: "ORIGINAL_MESSAGE_UNKNOWN",
              message: `原报文 ${report.originalMessageId ?? "（未给出）"} 不是本账本发出的付款指令，整笔状态无法对应到付款 / the original message ${report.originalMessageId ?? "(not given)"} is not a payment instruction this ledger sent; its status applies to no payout`,
            },
          }],
        };
      }
      updates = [];
      for (const tx of report.transactions) {
        const id = parsePayoutEndToEndId(tx.originalEndToEndId);
        if (id === undefined || !this.repo.payout(Number(id))) unknownIds.push(tx.originalEndToEndId);
        else updates.push({ payoutId: tx.originalEndToEndId, status: tx.status, outcome: tx.outcome, reasons: tx.reasons });
      }
    }

    const lines: Pain002ReportLine[] = unknownIds.map((e2e) => ({
      endToEndId: e2e, payoutId: null, status: report.transactions.find((t) => t.originalEndToEndId === e2e)?.status ?? "", outcome: "unknown" as const,
      error: { code: "PAYOUT_UNKNOWN", message: "不是本账本发出的付款 / not a payment this ledger instructed" },
    }));
    const sent: { line: Pain002ReportLine; operationId: string; payoutId: number }[] = [];
    const proofsByRun = new Map<number, Map<number, string[]>>();
    this.deps.store.transaction(() => {
      for (const u of updates) {
        const payoutId = Number(parsePayoutEndToEndId(u.payoutId));
        const payout = this.repo.payout(payoutId)!;
        const line: Pain002ReportLine = { endToEndId: u.payoutId, payoutId: String(payoutId), status: u.status, outcome: "pending", amount: formatFen(payout.net), reasons: u.reasons };
        lines.push(line);
        const previous = this.repo.payoutReport(payoutId);
        const recorded = previous?.outcome ?? (payout.status === "Paid" ? "paid" : payout.status === "Failed" ? "failed" : undefined);
        if (u.outcome === "pending" || u.outcome === "accepted") {
          // Interim: nothing on chain. Once a final result is recorded, a late interim status changes nothing.
          if (u.outcome === "accepted") line.outcome = "acceptedPending";
          if (recorded) {
            line.outcome = "duplicate";
            line.previous = previous ? { outcome: previous.outcome, statusCode: previous.statusCode, messageId: previous.messageId } : { outcome: recorded, statusCode: "", messageId: "" };
          }
          continue;
        }
        if (recorded) {
          // Final either way: the same result again is a duplicate; another one (paid, now RJCT) is a conflict.
          const now = u.outcome === "settled" ? "paid" : "failed";
          line.outcome = now === recorded ? "duplicate" : "conflict";
          line.previous = previous
            ? { outcome: previous.outcome, statusCode: previous.statusCode, messageId: previous.messageId }
            : { outcome: recorded, statusCode: "", messageId: "" };
          if (line.outcome === "conflict") {
            line.error = {
              code: "PAYOUT_RESULT_CONFLICT",
              message: `付款此前已记录为${recorded === "paid" ? "已付" : "失败"}（${line.previous.statusCode || "账本"}），本报告为 ${u.status}：未重复处理，请与银行核对 / the payout was recorded ${recorded} (${line.previous.statusCode || "on the ledger"}); this report says ${u.status}: not applied, check with the bank`,
            };
          }
          continue;
        }
        let proofs = proofsByRun.get(payout.runId);
        if (!proofs) {
          const { run, payouts } = this.indexedRun(payout.runId);
          const leaves = payouts.map((p) => payoutLeaf({ payoutId: BigInt(p.payoutId), accountId: p.accountId, payee: p.payee, gross: p.gross, tax: p.tax, net: p.net }));
          if (merkleRoot(leaves).toLowerCase() !== run.merkleRoot.toLowerCase()) {
            throw new AppError("INTERNAL", `The indexed payouts of run ${payout.runId} do not give the run's Merkle root.`);
          }
          const list = merkleProofs(leaves);
          proofs = new Map(payouts.map((p, i) => [p.payoutId, list[i]!]));
          proofsByRun.set(payout.runId, proofs);
        }
        const paid = u.outcome === "settled";
        const op = this.deps.store.operations.insert({
          kind: "reportPayoutResults", signer: CALLS.reportPayoutResults!.signer, institution: caller.institution,
          request: {
            results: [{
              runId: String(payout.runId),
              payout: { payoutId: String(payoutId), accountId: payout.accountId, payee: payout.payee, gross: payout.gross.toString(), tax: payout.tax.toString(), net: payout.net.toString() },
              proof: proofs.get(payoutId)!,
              paid,
            }],
          },
          result: { payoutId: String(payoutId), paid },
        });
        this.repo.savePayoutReport({ payoutId, runId: payout.runId, outcome: paid ? "paid" : "failed", statusCode: u.status, messageId: report.messageId, operationId: op.id, reportedAt: receivedAt });
        line.outcome = paid ? "paid" : "failed";
        line.operationId = op.id;
        line.state = op.state;
        sent.push({ line, operationId: op.id, payoutId });
      }
    });
    if (sent.length > 0) this.deps.pipeline.notify(CALLS.reportPayoutResults!.signer);
    if (options.wait !== false && sent.length > 0) {
      const finals = await Promise.all(sent.map((s) => this.deps.pipeline.waitForFinal(s.operationId, this.deps.waitTimeoutMs)));
      finals.forEach((op: OperationRecord, i) => {
        const s = sent[i]!;
        s.line.state = op.state;
        if (op.state !== "failed") return;
        const itemCode = (op.error?.details?.item as { code?: string } | undefined)?.code ?? op.error?.code;
        if (itemCode === "PAYOUT_ALREADY_REPORTED") {
          s.line.outcome = "duplicate";
          return;
        }
        // Not recorded: forget this report, so the bank's next report for the payout is applied.
        this.deps.store.transaction(() => this.repo.deletePayoutReport(s.payoutId, s.operationId));
        s.line.outcome = "error";
        s.line.error = { code: itemCode ?? "TRANSACTION_REVERTED", message: op.error?.message ?? "" };
      });
    }
    const counts = { paid: 0, failed: 0, acceptedPending: 0, duplicate: 0, conflict: 0, pending: 0, unknown: 0, error: 0 };
    for (const l of lines) counts[l.outcome]++;
    return {
      messageType: "pain.002", version: report.version, messageId: report.messageId, originalMessageId: report.originalMessageId ?? null,
      runId: file?.runId ?? null, receivedAt, receivedAtCst: shanghaiTime(new Date(receivedAt)), counts, payouts: lines, notMentioned,
    };
  }

  // ───────────────────────── camt.053 ─────────────────────────

  reconcileStatementXml(caller: Caller, xml: string | Uint8Array): StatementReconciliation {
    return this.reconcileStatement(caller, readCamt053(parseBankXml(xml, { maxBytes: this.options.maxXmlBytes })));
  }

  /**
   * Expected movements: every booking the gateway credited from a camt.054 (its operations succeeded on chain) by
   * the bank's reference, and every payout of a run whose pain.001 was produced, not recorded as failed, by its
   * end-to-end id (debits, on the run's execution date).
   */
  reconcileStatement(caller: Caller, document: Camt053Document): StatementReconciliation {
    void caller;
    // Credits arrive on the collection account, payouts leave the settlement account: a statement is compared
    // with what the ledger expected on ITS account only (one account may be both).
    const credits: ExpectedMovement[] = [];
    for (const booking of this.repo.bookings(["credited", "released"])) {
      const opIds = booking.outcome === "released" && booking.payrollReference
        ? this.repo.payrollFile(booking.payrollReference)?.operationIds ?? []
        : booking.operationId ? [booking.operationId] : [];
      const allSucceeded = opIds.length > 0 && opIds.every((id) => this.deps.store.operations.get(id)?.state === "succeeded");
      if (!allSucceeded || booking.amountFen === null) continue;
      credits.push({ ref: booking.bankReference, amountFen: booking.amountFen, direction: "credit", ...(booking.bookedAt !== null ? { bookedAt: booking.bookedAt } : {}) });
    }
    const debits: ExpectedMovement[] = [];
    for (const file of this.repo.paymentFiles()) {
      for (const p of this.repo.payoutsOfRun(file.runId)) {
        if (p.status === "Failed") continue;
        debits.push({ ref: payoutEndToEndId(BigInt(p.payoutId)), amountFen: p.net, direction: "debit", bookedAt: cstMidnightSeconds(file.executionDate) });
      }
    }
    const collection = this.options.collectionAccount ?? DEFAULT_COLLECTION_ACCOUNT;
    const settlement = (this.options.settlementAccount ?? DEFAULT_SETTLEMENT_ACCOUNT).account;
    const expectedFor = (account: AccountId): { expected: ExpectedMovement[]; accountRole: StatementAccountRole } => {
      const isCollection = isCollectionAccount(account, [collection]);
      const isSettlement = isCollectionAccount(account, [settlement]);
      return {
        expected: [...(isCollection ? credits : []), ...(isSettlement ? debits : [])],
        accountRole: isCollection && isSettlement ? "collectionAndSettlement" : isCollection ? "collection" : isSettlement ? "settlement" : "unknown",
      };
    };
    let expectedCount = 0;
    const statements = document.statements.map((statement) => {
      const { expected, accountRole } = expectedFor(statement.account);
      expectedCount += expected.length;
      const result = reconcile(expected, statement);
      return {
        statementId: statement.id,
        account: statement.account,
        // collection: compared with the camt.054 credits; settlement: with the payouts; unknown: neither (every
        // booked line is missing in the ledger).
        accountRole,
        period: result.period ? { from: shanghaiTime(new Date(result.period.from * 1000)), to: shanghaiTime(new Date(result.period.to * 1000)) } : null,
        summary: {
          ...result.summary, expectedNetFen: result.summary.expectedNetFen.toString(), statementNetFen: result.summary.statementNetFen.toString(),
          expectedNet: formatFen(result.summary.expectedNetFen), statementNet: formatFen(result.summary.statementNetFen),
          notBooked: result.notBooked.length, outsidePeriod: result.outsidePeriod.length,
        },
        matched: result.matched.map((m) => ({ ref: m.expected.ref, direction: m.expected.direction, amount: formatFen(m.expected.amountFen), amountFen: m.expected.amountFen.toString(), statement: movementView(m.statement) })),
        missingInStatement: result.missingInStatement.map(expectedView),
        missingInLedger: result.missingInLedger.map(movementView),
        amountDifferences: result.amountDifferences.map((d) => ({
          ref: d.expected.ref, expected: expectedView(d.expected), statement: movementView(d.statement),
          ...(d.differenceFen !== undefined ? { differenceFen: d.differenceFen.toString(), difference: formatFen(d.differenceFen) } : {}),
        })),
        notBooked: result.notBooked.map(movementView),
      };
    });
    return { messageType: "camt.053", version: document.version, messageId: document.messageId, expectedMovements: expectedCount, statements };
  }
}

export type StatementAccountRole = "collection" | "settlement" | "collectionAndSettlement" | "unknown";

export interface StatementReconciliation {
  messageType: "camt.053";
  version: string;
  messageId: string;
  expectedMovements: number;
  statements: unknown[];
}

function expectedView(e: ExpectedMovement) {
  return {
    ref: e.ref, direction: e.direction, amount: formatFen(e.amountFen), amountFen: e.amountFen.toString(),
    ...(e.bookedAt !== undefined ? { expectedOn: shanghaiTime(new Date(e.bookedAt * 1000)) } : {}),
  };
}

function movementView(m: import("../../adapters/bank/index.js").StatementMovement) {
  return {
    statementId: m.statementId, entryIndex: m.entryIndex, transactionIndex: m.transactionIndex, refs: m.refs, direction: m.direction, status: m.status,
    amount: displayAmount(m.amountText, m.currency, m.amountFen),
    ...(m.amountFen !== undefined ? { amountFen: m.amountFen.toString() } : {}), currency: m.currency, ...(m.bookingDate ? { bookingDate: m.bookingDate } : {}),
  };
}
