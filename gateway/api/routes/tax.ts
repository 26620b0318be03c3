/** The tax bureau: annual certificates, their verification against the chain, and the withholding report. */
import { z } from "zod";
import type { Services } from "../../services/index.js";
import type { TaxCertificate } from "../../services/claims/tax.js";
import { INSTITUTIONS } from "../../store/credentials.js";
import { defineRoute, type RouteDefinition } from "../route.js";
import { ErrorBody, residentId } from "../schemas.js";

const year = z.number().int().openapi({ description: "Tax year (CST calendar year), 2022 to this year.", example: 2026 });
const digits = z.string().max(40).regex(/^[0-9]+$/, "must be a digit string of fen");
const UINT256_MAX = 2n ** 256n - 1n;
const operationCount = z
  .string()
  .regex(/^[0-9]{1,78}$/, "must be a digit string (the ledger's operation count)")
  .refine((v) => BigInt(v) <= UINT256_MAX, "is larger than the ledger's operation counter can hold (uint256)");
const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hexadecimal characters");

const CertificateRequest = z.object({ residentId, year }).strict().openapi("TaxCertificateRequest");

export const TaxCertificateBody = z
  .object({
    version: z.literal("pension-ledger/tax-certificate/v1"),
    certificateId: z.string().max(64),
    taxYear: z.number().int().min(2022).max(65_535),
    taxpayer: z.object({ residentId }).strict(),
    issuedAt: z.string().max(40),
    issuedAtCst: z.string().max(40),
    contributions: z
      .object({
        items: z.array(z.object({ txHash: hash32, logIndex: z.number().int().min(0), blockNumber: z.number().int().min(0), amount: digits }).strict()).max(10_000),
        total: digits,
        annualCap: digits,
        deductible: digits,
        display: z.object({ total: z.string(), deductible: z.string() }).strict(),
      })
      .strict(),
    payouts: z
      .object({
        items: z
          .array(z.object({ payoutId: z.number().int().min(1), txHash: hash32, blockNumber: z.number().int().min(0), accountId: hash32, gross: digits, tax: digits, net: digits }).strict())
          .max(10_000),
        gross: digits,
        taxWithheld: digits,
        net: digits,
        display: z.object({ gross: z.string(), taxWithheld: z.string(), net: z.string() }).strict(),
      })
      .strict(),
    ledger: z.object({ operationCount, runningHash: hash32, blockNumber: z.number().int().min(0) }).strict(),
    certificateHash: hash32,
    seal: hash32,
  })
  .strict()
  .openapi("TaxCertificate", {
    description:
      "Personal-pension contributions of the taxpayer in the year (each with its transaction), the deductible part (at most the annual cap, 1,200,000 fen), payouts gross / tax withheld / net (each with its transaction), the ledger's audit state at issue, certificateHash = SHA-256 of the canonical JSON of the rest, and the gateway's seal.",
  });

const Verification = z
  .object({ valid: z.boolean(), checks: z.array(z.object({ check: z.string(), ok: z.boolean(), detail: z.string().optional() })) })
  .openapi("TaxCertificateVerification");

export function taxRoutes(services: Services): RouteDefinition[] {
  return [
    defineRoute({
      operationId: "getTaxCertificate", method: "post", path: "/v1/tax/certificates", tags: ["tax"], roles: ["taxBureau"],
      summary: "Annual certificate of a taxpayer: deductible contributions, payouts and tax withheld, with proofs (个人养老金年度涉税凭证)",
      description: "The taxpayer's resident ID number travels in the body, never in the URL.",
      body: CertificateRequest,
      responses: { 200: { description: "The certificate.", schema: TaxCertificateBody }, 400: { description: "TAX_YEAR_INVALID, RESIDENT_ID_INVALID, VALIDATION_FAILED", schema: ErrorBody }, 404: { description: "MEMBER_NOT_FOUND: the ID number is neither a member nor a registered heir", schema: ErrorBody }, 503: { description: "CHAIN_UNAVAILABLE: the event index did not reach the chain head in time", schema: ErrorBody } },
      handle: async ({ caller, body }) => ({ status: 200, body: await services.tax.getTaxCertificate(caller, body) }),
    }),
    defineRoute({
      operationId: "verifyTaxCertificate", method: "post", path: "/v1/tax/certificates/verification", tags: ["tax"], roles: INSTITUTIONS,
      summary: "Check a tax certificate against the chain (凭证核验)",
      description: "Re-reads each listed transaction's receipt from the chain and compares the ledger's events with the certificate, recomputes the totals, the hash and the seal, checks the running audit hash, and re-reads the year's contributions and payouts of the taxpayer's accounts up to the certificate's block to find omissions. `valid` is false and the failing checks are named when anything differs (a taxpayer ID number that is not valid is one such check); a certificate that does not have the certificate's shape is 400 VALIDATION_FAILED naming the field.",
      body: TaxCertificateBody,
      responses: { 200: { description: "The verification result.", schema: Verification } },
      handle: async ({ caller, body }) => ({ status: 200, body: await services.tax.verifyTaxCertificate(caller, body as TaxCertificate) }),
    }),
    defineRoute({
      operationId: "getWithholdingReport", method: "get", path: "/v1/tax/withholding-reports/:year", tags: ["tax"], roles: ["taxBureau"],
      summary: "Annual withholding report, CSV per taxpayer: gross paid and tax withheld (年度代扣代缴报告)",
      description:
        "text/csv, UTF-8, CRLF: taxYear,taxpayerId,payouts,grossFen,taxWithheldFen,netFen,gross,taxWithheld — the taxpayer identified by the resident ID number (the individual's tax identification number); personal-pension payouts settled in the year (CST), failed payments left out.",
      params: z.object({ year: z.coerce.number().int().openapi({ example: 2026 }) }),
      responses: { 200: { description: "The CSV report." }, 400: { description: "TAX_YEAR_INVALID", schema: ErrorBody } },
      handle: async ({ caller, params }) => {
        const report = await services.tax.getWithholdingReport(caller, { year: params.year });
        return { status: 200, body: report.csv, contentType: "text/csv; charset=utf-8" };
      },
    }),
  ];
}
