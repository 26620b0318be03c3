/**
 * The bank's ISO 20022 interface (issue 4): camt.054 and pain.002 in, pain.001 out, camt.053 reconciliation,
 * employer payroll files and the suspense list. XML bodies come as application/xml (or text/xml) and are read as
 * text by {@link bankBodyParsers} with their own size limit (413 above it); the adapter refuses DTDs and reports
 * malformed XML with line and column (400). Mapping rules: docs/bank-adapter.md.
 */
import express, { type Router } from "express";
import { z } from "zod";
import { DEFAULT_MAX_XML_BYTES, requireUtf8Charset } from "../../adapters/bank/index.js";
import type { Services } from "../../services/index.js";
import { defineRoute, type RouteDefinition } from "../route.js";
import { ErrorBody, residentId } from "../schemas.js";

export const BANK_XML_MEDIA_TYPES = ["application/xml", "text/xml"] as const;
/** Payroll files: a 10,000-line JSON file is about 1 MB, above the general JSON limit. */
export const PAYROLL_FILE_MAX_BYTES = 16 * 1024 * 1024;
const XML_PATHS = ["/v1/bank/camt054", "/v1/bank/pain002", "/v1/bank/camt053"];

/**
 * Mounted before the general JSON parser: XML bodies as raw bytes (size limit → 413), decoded by the adapter's one
 * strict decoding (parseBankXml: UTF-8, invalid bytes and other declared encodings refused) exactly as inbox files
 * are; a Content-Type charset other than UTF-8 is refused. Payroll files as text.
 */
export function bankBodyParsers(maxXmlBytes = DEFAULT_MAX_XML_BYTES): Router {
  const router = express.Router();
  router.use(XML_PATHS, (req, _res, next) => {
    if (req.is([...BANK_XML_MEDIA_TYPES])) requireUtf8Charset(/;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.headers["content-type"] ?? "")?.[1]);
    next();
  });
  router.use(XML_PATHS, express.raw({ type: [...BANK_XML_MEDIA_TYPES], limit: maxXmlBytes }));
  router.use("/v1/bank/payroll-files", express.text({ type: ["text/csv", "application/json"], limit: PAYROLL_FILE_MAX_BYTES }));
  return router;
}

const CAMT054_OUTCOMES =
  "accepted: queued for the ledger (operationId/operationIds, state pending or submitted), NOT yet credited — it may still be refused and go to suspense; credited: the ledger operation succeeded (known with wait=true); duplicate: the same bank booking was processed before; conflict: the same bank reference as a booking processed before but another amount or date — not credited, listed on the suspense list (kind conflict); held: a payroll transfer whose amount differs from the file's total; rejected: not credited, with reason (and suspenseId when it went to the suspense list).";

const XmlBody = z.string().min(1).openapi({ description: "The ISO 20022 XML document, sent with Content-Type application/xml (UTF-8)." });
/** The XML body as the routes receive it: the raw bytes (decoded by the adapter). */
const XmlBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.length > 0, { message: "must be a non-empty XML document sent as application/xml or text/xml" });
/** The XML endpoints' body as /openapi.json declares it. */
const XML_CONTENT = Object.fromEntries(BANK_XML_MEDIA_TYPES.map((t) => [t, XmlBody]));
const WaitQuery = z.object({ wait: z.enum(["true", "false"]).optional() }).openapi({ description: "wait=true: answer after the ledger operations are final (up to WAIT_TIMEOUT_MS)." });
const Reason = z.object({ code: z.string(), zh: z.string(), en: z.string() });

const Camt054ReportBody = z
  .object({
    messageType: z.literal("camt.054"), version: z.string(), messageId: z.string(), source: z.string(), receivedAt: z.string(), receivedAtCst: z.string(),
    counts: z.object({ entries: z.number(), accepted: z.number(), credited: z.number(), duplicate: z.number(), conflict: z.number(), held: z.number(), rejected: z.number() }),
    creditedTotal: z.string().openapi({ description: "Sum of the credited lines only: ledger operations that succeeded." }), creditedTotalFen: z.string(),
    acceptedTotal: z.string().openapi({ description: "Sum of the accepted lines: queued for the ledger, not yet credited." }), acceptedTotalFen: z.string(),
    entries: z.array(z.object({
      line: z.number(), notificationId: z.string(), entryIndex: z.number(), transactionIndex: z.number().nullable(), bankReference: z.string().nullable(),
      amount: z.string(), amountFen: z.string().optional(), currency: z.string(), outcome: z.enum(["accepted", "credited", "duplicate", "conflict", "held", "rejected"]).openapi({ description: CAMT054_OUTCOMES }),
      decision: z.string(), pensionReference: z.string().optional(), payrollReference: z.string().optional(), operationId: z.string().optional(),
      operationIds: z.array(z.string()).optional(), state: z.string().optional(), suspenseId: z.string().optional(), reason: Reason.optional(),
      firstDelivery: z.object({ messageId: z.string(), outcome: z.string(), operationId: z.string().optional(), state: z.string().optional(), suspenseId: z.string().optional(), amount: z.string().optional() }).optional(),
      reverses: z.object({ messageId: z.string(), outcome: z.string(), operationId: z.string().optional(), bankReference: z.string() }).optional(),
    })),
  })
  .openapi("Camt054Report");

const PayrollQuery = z.object({
  mode: z.enum(["rejectWhole", "acceptGoodLines"]).default("rejectWhole").openapi({ description: "rejectWhole (default): any bad line rejects the file; acceptGoodLines: bad lines are dropped and listed." }),
});
const PayrollFileBody = z.string().min(1).openapi({
  description: "The payroll contribution file, as sent by the employer: CSV (Content-Type text/csv) or JSON (application/json). Layout: docs/bank-adapter.md.",
});
const PayrollLineJson = z.object({
  residentId: z.string(), wageBaseFen: z.union([z.number().int(), z.string()]), employerFen: z.union([z.number().int(), z.string()]),
  employeeFen: z.union([z.number().int(), z.string()]),
});
/** The request body as /openapi.json declares it: the CSV text, or the JSON document (not a JSON string). */
const PAYROLL_CONTENT = {
  "text/csv": z.string().openapi({ description: "key,value header rows, then residentId,wageBaseFen,employerFen,employeeFen rows (docs/bank-adapter.md)." }),
  "application/json": z
    .object({
      payrollReference: z.string(), planId: z.string(), period: z.string(), declaredTotalFen: z.union([z.number().int(), z.string()]), employer: z.string().optional(),
      lines: z.array(PayrollLineJson),
    })
    .openapi("PayrollFileJson", { description: "Amounts in integer fen (numbers or digit strings), at most 2^64 − 1 each." }),
};
const PayrollError = z.object({ line: z.number(), field: z.string(), code: z.string(), zh: z.string(), en: z.string() });
const PayrollSubmissionBody = z
  .object({
    payrollReference: z.string(), planCode: z.string(), period: z.string(), status: z.enum(["accepted", "partiallyAccepted"]), replacedEarlierFile: z.boolean(),
    awaitingFunds: z.object({ amountFen: z.string(), amount: z.string(), zh: z.string(), en: z.string() }), chainBatches: z.number(),
    totals: z.object({ lines: z.number(), acceptedLines: z.number(), rejectedLines: z.number(), computedTotalFen: z.string(), acceptedTotalFen: z.string() }),
    errors: z.array(PayrollError), submittedAt: z.string(),
  })
  .openapi("PayrollSubmission");

const SuspenseStatus = z.enum(["open", "assigned", "returnRequested"]);
const SuspenseBody = z
  .object({
    suspenseId: z.string(), kind: z.enum(["credit", "reversal", "conflict"]).openapi({ description: "credit: booked money to assign or return; reversal: a debit reversal of a credit (the member is not debited automatically); conflict: a resend with other content. Only credit entries can be assigned." }), status: SuspenseStatus, messageId: z.string(), account: z.string(), bankReference: z.string().nullable(), amount: z.string(),
    amountFen: z.string().nullable(), currency: z.string(), bookedAt: z.string().nullable(), reason: Reason, operationId: z.string().nullable(),
    resolvedBy: z.string().nullable(), resolvedAt: z.string().nullable(), note: z.string().nullable(), createdAt: z.string(),
  })
  .openapi("SuspenseEntry");
const SuspenseParams = z.object({ suspenseId: z.string().regex(/^SUS-[0-9a-f-]{36}$/, "must be a suspense id (SUS-…)") });
const SuspenseListQuery = z.object({
  status: SuspenseStatus.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
const AssignBody = z
  .union([
    z.object({ residentId, note: z.string().max(200).optional() }).strict(),
    z.object({ pensionReference: z.string().min(1).max(40), note: z.string().max(200).optional() }).strict(),
  ])
  .openapi("SuspenseAssignment", { description: "The member to credit: residentId or pensionReference (PA…)." });
const ReturnBody = z.object({ note: z.string().max(200).optional() });

const RunParams = z.object({ runId: z.coerce.number().int().min(1).max(2 ** 53 - 1) });
const InstructionsQuery = z.object({ version: z.enum(["001.001.03", "001.001.12"]).optional() });

const Pain002ResultBody = z
  .object({
    messageType: z.literal("pain.002"), version: z.string(), messageId: z.string(), originalMessageId: z.string().nullable(), runId: z.number().nullable(),
    receivedAt: z.string(), receivedAtCst: z.string(),
    counts: z.object({ paid: z.number(), failed: z.number(), acceptedPending: z.number(), duplicate: z.number(), conflict: z.number(), pending: z.number(), unknown: z.number(), error: z.number() }),
    payouts: z.array(z.object({
      endToEndId: z.string(), payoutId: z.string().nullable(), status: z.string(), outcome: z.enum(["paid", "failed", "acceptedPending", "duplicate", "conflict", "pending", "unknown", "error"]).openapi({ description: "paid: settled (ACSC, ACCC); failed: RJCT/CANC, the gross back on the balance; acceptedPending: accepted, not settled (ACTC, ACCP, ACSP, ACWC…), nothing recorded; pending: PDNG, RCVD, BLCK, unknown codes; duplicate: the same result recorded before; conflict: another final result recorded before (e.g. paid, now RJCT), not applied." }),
      operationId: z.string().optional(), state: z.string().optional(), amount: z.string().optional(),
      reasons: z.array(z.object({ code: z.string().optional(), additionalInfo: z.string().optional(), zh: z.string(), en: z.string() })).optional(),
      previous: z.object({ outcome: z.string(), statusCode: z.string(), messageId: z.string() }).optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    })),
    notMentioned: z.array(z.string()),
  })
  .openapi("Pain002Result");

const ReconciliationBody = z
  .object({ messageType: z.literal("camt.053"), version: z.string(), messageId: z.string(), expectedMovements: z.number(), statements: z.array(z.unknown()) })
  .openapi("StatementReconciliation");

const xmlErrors = {
  400: { description: "XML_DTD_FORBIDDEN (DOCTYPE/ENTITY: XXE, billion laughs), XML_MALFORMED (details.line, details.column), MESSAGE_TYPE_UNSUPPORTED (names the namespace found), BANK_MESSAGE_INVALID.", schema: ErrorBody },
  413: { description: "PAYLOAD_TOO_LARGE / XML_TOO_LARGE: above the XML size limit.", schema: ErrorBody },
  415: { description: "UNSUPPORTED_MEDIA_TYPE: send application/xml.", schema: ErrorBody },
};

export function bankRoutes(services: Services): RouteDefinition[] {
  const bank = services.bank;
  return [
    defineRoute({
      operationId: "ingestCamt054", method: "post", path: "/v1/bank/camt054", tags: ["bank"], roles: ["bank"], textMediaTypes: BANK_XML_MEDIA_TYPES, bodyContent: XML_CONTENT,
      summary: "Receive a camt.054 credit notification (来账通知): contributions, payroll releases, suspense",
      description:
        "camt.054.001.02/.04/.08/.12. One line per transaction, with its outcome. " + CAMT054_OUTCOMES + " Without wait=true a contribution (or the release of the employer's payroll file when the amount equals its total) is reported accepted, never credited: follow its operation. Also reported: duplicate (same bank booking delivered before: exactly once across resends and overlapping files), held (payroll amount mismatch) or rejected with a reason in Chinese and English (foreign currency, debit, pending, bad reference…; unassignable CNY credits go to the suspense list). Files can also be dropped in DATA_DIR/inbox/bank.",
      query: WaitQuery, body: XmlBytes,
      responses: {
        200: { description: "The report: one line per transaction.", schema: Camt054ReportBody }, ...xmlErrors,
        503: { description: "CHAIN_UNAVAILABLE: the chain node did not answer the annual-cap pre-check in time; nothing was stored, send the notification again.", schema: ErrorBody },
      },
      handle: async ({ caller, query, body }) => ({ status: 200, body: await bank.incoming.ingestCamt054Xml(caller, body, { source: "http", wait: query?.wait === "true" }) }),
    }),
    defineRoute({
      operationId: "submitPayrollFile", method: "post", path: "/v1/bank/payroll-files", tags: ["bank", "enterprise annuity"], roles: ["bank"],
      textMediaTypes: ["text/csv"], bodyContent: PAYROLL_CONTENT,
      summary: "Submit an employer's payroll contribution file (企业年金缴费文件), held until the employer's money arrives",
      description:
        "Every line is validated (resident ID, 8 % / 12 % limits, five times the average, enrolment in the plan). rejectWhole: any bad line rejects the file (422 PAYROLL_FILE_INVALID with details.errors listing every bad line); acceptGoodLines: bad lines are dropped and listed. The accepted file waits for a camt.054 credit quoting its PR… reference for exactly its total. Up to 100,000 lines.",
      query: PayrollQuery, body: PayrollFileBody,
      responses: {
        201: { description: "Stored, awaiting the employer's transfer.", schema: PayrollSubmissionBody },
        404: { description: "PLAN_NOT_FOUND: the header's planId names no plan (details.planId)", schema: ErrorBody },
        409: { description: "PAYROLL_BATCH_ALREADY_RELEASED", schema: ErrorBody },
        413: { description: "PAYLOAD_TOO_LARGE", schema: ErrorBody },
        422: { description: "PAYROLL_FILE_INVALID: details.errors lists every problem { line, field, code, zh, en }.", schema: ErrorBody },
      },
      handle: ({ caller, query, body }) => {
        const format = /^\s*[{[]/.test(body) ? "json" : "csv";
        return { status: 201, body: bank.incoming.submitPayrollFile(caller, { content: body, format, mode: query.mode }) };
      },
    }),
    defineRoute({
      operationId: "listSuspense", method: "get", path: "/v1/bank/suspense", tags: ["bank"], roles: ["bank", "operator", "auditor"],
      summary: "The suspense list (待处理款项): booked CNY credits that could not be assigned to a member",
      query: SuspenseListQuery,
      responses: { 200: { description: "Entries, oldest first.", schema: z.object({ total: z.number(), items: z.array(SuspenseBody) }) } },
      handle: ({ caller, query }) => ({ status: 200, body: bank.incoming.listSuspense(caller, query ?? {}) }),
    }),
    defineRoute({
      operationId: "assignSuspense", method: "post", path: "/v1/bank/suspense/:suspenseId/assignment", tags: ["bank"], roles: ["operator"],
      summary: "Assign a suspense entry to a member: credited as a contribution under the booking's own reference (挂账款项认领)",
      params: SuspenseParams, body: AssignBody,
      responses: {
        200: { description: "Assigned; operationId follows the contribution.", schema: SuspenseBody },
        404: { description: "SUSPENSE_NOT_FOUND / MEMBER_NOT_FOUND / ACCOUNT_NOT_FOUND", schema: ErrorBody },
        409: { description: "SUSPENSE_NOT_OPEN; ACCOUNT_STATUS_INVALID (details.status), MEMBER_DECEASED: the ledger would refuse it, nothing changed", schema: ErrorBody },
        422: { description: "SUSPENSE_NOT_ASSIGNABLE; CONTRIBUTION_EXCEEDS_ANNUAL_CAP (details.requested, details.remaining), BOOKING_YEAR_CLOSED: the ledger would refuse it, nothing changed", schema: ErrorBody },
      },
      handle: async ({ caller, params, body }) => ({
        status: 200,
        body: await bank.incoming.assignSuspense(caller, params.suspenseId, {
          member: "residentId" in body ? { residentId: body.residentId } : { pensionReference: body.pensionReference }, note: body.note,
        }),
      }),
    }),
    defineRoute({
      operationId: "returnSuspense", method: "post", path: "/v1/bank/suspense/:suspenseId/return", tags: ["bank"], roles: ["operator"],
      summary: "Mark a suspense entry for return to the payer (挂账款项退回)",
      params: SuspenseParams, body: ReturnBody,
      responses: { 200: { description: "Marked for return.", schema: SuspenseBody }, 404: { description: "SUSPENSE_NOT_FOUND", schema: ErrorBody }, 409: { description: "SUSPENSE_NOT_OPEN", schema: ErrorBody } },
      handle: ({ caller, params, body }) => ({ status: 200, body: bank.incoming.returnSuspense(caller, params.suspenseId, body ?? {}) }),
    }),
    defineRoute({
      operationId: "getPaymentInstructions", method: "get", path: "/v1/settlement-runs/:runId/payment-instructions", tags: ["bank", "payouts"], roles: ["bank"],
      summary: "The settlement run's payment instructions as pain.001 (付款指令)",
      description:
        "One payment per payout: EndToEndId = PO<payoutId>, the net amount in CNY, the member's bound card and name (the heirs' for a death settlement). Answered as application/xml and written to DATA_DIR/outbox/bank/pain001-run-<runId>.xml; the first request fixes the message id (PLRUN<runId>), so later requests give the same file.",
      params: RunParams, query: InstructionsQuery,
      responses: {
        200: { description: "The pain.001 document (application/xml)." },
        404: { description: "SETTLEMENT_RUN_NOT_FOUND", schema: ErrorBody },
        409: { description: "PAYMENT_INSTRUCTIONS_VERSION_FIXED: the run's file was produced in the other version (details.version)", schema: ErrorBody },
        503: { description: "SETTLEMENT_RUN_NOT_INDEXED", schema: ErrorBody },
      },
      handle: ({ caller, params, query }) => ({
        status: 200, contentType: "application/xml; charset=utf-8",
        body: bank.payments.getPaymentInstructions(caller, params.runId, { version: query?.version }).xml,
      }),
    }),
    defineRoute({
      operationId: "ingestPain002", method: "post", path: "/v1/bank/pain002", tags: ["bank", "payouts"], roles: ["bank"], textMediaTypes: BANK_XML_MEDIA_TYPES, bodyContent: XML_CONTENT,
      summary: "Receive a pain.002 payment status report (付款状态报告): paid, or failed with the money back on the balance",
      description:
        "pain.002.001.03 and later. Settled (ACSC, ACCC) → recorded paid; accepted but not settled (ACTC, ACCP, ACSP, ACWC…) → acceptedPending, nothing recorded; rejected (RJCT, CANC) → recorded failed on the ledger (with the payout's Merkle proof) and the gross returns to the member's balance; pending → nothing yet; unknown ids are listed. A payout is never paid twice: a repeated or reordered report is answered as duplicate. Waits for the ledger unless wait=false.",
      query: WaitQuery, body: XmlBytes,
      responses: { 200: { description: "One line per payout.", schema: Pain002ResultBody }, ...xmlErrors },
      handle: async ({ caller, query, body }) => ({ status: 200, body: await bank.payments.ingestPain002Xml(caller, body, { source: "http", wait: query?.wait !== "false" }) }),
    }),
    defineRoute({
      operationId: "reconcileStatement", method: "post", path: "/v1/bank/camt053", tags: ["bank"], roles: ["bank"], textMediaTypes: BANK_XML_MEDIA_TYPES, bodyContent: XML_CONTENT,
      summary: "Reconcile a camt.053 statement of the pension settlement account (对账)",
      description: "For the statement's period: what the ledger expected to move (credits it made from camt.054, payouts instructed by pain.001 and not failed) against what the bank booked — matched, missing on either side, amount differences.",
      body: XmlBytes,
      responses: { 200: { description: "Per statement.", schema: ReconciliationBody }, ...xmlErrors },
      handle: ({ caller, body }) => ({ status: 200, body: bank.payments.reconcileStatementXml(caller, body) }),
    }),
  ];
}
