/** Benefit claims, manual review and inheritance (bank applies, operator reviews). */
import { z } from "zod";
import type { Services } from "../../services/index.js";
import { defineRoute, type RouteDefinition } from "../route.js";
import { bankCard, ErrorBody, fen, personName, residentId } from "../schemas.js";

const plan = z.string().trim().min(1).max(64).openapi({ description: "`personal` for the personal pension, or the enterprise-annuity plan code.", example: "personal" });
const event = z
  .enum(["retirement", "lossOfWorkCapacity", "emigration", "death", "seriousIllness", "longUnemployment", "minimumLivingAllowance"])
  .openapi({ description: "The attested qualifying event the claim rests on." });

const SubmitClaimBody = z
  .object({
    residentId,
    plan,
    event,
    payoutMode: z.enum(["monthly", "fixedInstalment", "lumpSum"]).openapi({ description: "monthly: months from the official divisor table by age at the start; fixedInstalment: `amountPerMonth`; lumpSum." }),
    amountPerMonth: fen("fixedInstalment: gross amount per month.").optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.payoutMode === "fixedInstalment" && v.amountPerMonth === undefined) {
      ctx.addIssue({ code: "custom", path: ["amountPerMonth"], message: "required for fixedInstalment" });
    }
    if (v.payoutMode !== "fixedInstalment" && v.amountPerMonth !== undefined) {
      ctx.addIssue({ code: "custom", path: ["amountPerMonth"], message: "only for fixedInstalment" });
    }
  })
  .openapi("SubmitClaimRequest");

const DecideClaimBody = z
  .object({
    decision: z.enum(["approve", "reject"]),
    reasonCode: z.string().regex(/^[A-Z0-9_]{1,31}$/, "must be 1 to 31 of A-Z, 0-9, _").optional().openapi({ description: "Why (no personal data)." }),
  })
  .strict()
  .openapi("DecideClaimRequest");

const RegisterHeirsBody = z
  .object({
    residentId: residentId.openapi({ description: "The deceased member's resident ID number." }),
    plan,
    heirs: z
      .array(z.object({ residentId, name: personName, bankCard, shareBps: z.number().int().openapi({ description: "Share in basis points; all shares sum to 10,000." }) }).strict())
      .min(1)
      .max(32),
  })
  .strict()
  .openapi("RegisterHeirsRequest");

const ClaimParams = z.object({ claimId: z.uuid().openapi({ description: "The claim id submitClaim or the death notification returned." }) });

const ClaimBody = z.record(z.string(), z.unknown()).openapi("Claim", {
  description:
    "claimId, kind (benefit | inheritance), status (pending | review | approved | rejected | awaitingHeirs), accountId, plan, event, payoutMode, parameter, decision {by, rule, message, messageZh}, escalations, operation, heirs (masked), times (ISO and Asia/Shanghai), durations (seconds), firstPayment.",
});

export function claimRoutes(services: Services): RouteDefinition[] {
  return [
    defineRoute({
      operationId: "submitClaim", method: "post", path: "/v1/claims", tags: ["claims"], roles: ["bank"], idempotent: true,
      summary: "A member applies for benefits and chooses a payout mode (领取申请)",
      description:
        "Decided at once by the rules engine: approved (the payout plan is started on the ledger and paid at the next settlement), rejected naming the rule, or sent to manual review. While the attestation it rests on is still being written to the ledger the claim is `pending`; it is decided at the latest before the next settlement run.",
      body: SubmitClaimBody,
      responses: { 201: { description: "The claim and its decision.", schema: ClaimBody }, 404: { description: "MEMBER_NOT_FOUND", schema: ErrorBody } },
      handle: async ({ caller, body }) => ({
        status: 201,
        body: await services.claims.submitClaim(caller, {
          residentId: body.residentId, plan: body.plan, event: body.event, payoutMode: body.payoutMode, parameter: body.amountPerMonth,
        }),
      }),
    }),
    defineRoute({
      operationId: "getClaim", method: "get", path: "/v1/claims/:claimId", tags: ["claims"], roles: ["bank", "operator", "auditor"],
      summary: "A claim: status, decision with its rule, payout operation, times and durations (申请查询)",
      params: ClaimParams, responses: { 200: { description: "The claim.", schema: ClaimBody }, 404: { description: "CLAIM_NOT_FOUND", schema: ErrorBody } },
      handle: async ({ caller, params }) => ({ status: 200, body: await services.claims.getClaim(caller, params.claimId) }),
    }),
    defineRoute({
      operationId: "decideClaim", method: "post", path: "/v1/claims/:claimId/decision", tags: ["claims"], roles: ["operator"],
      summary: "Approve or reject a claim in manual review (人工审核)",
      description: "Approval overrides the review rules only; every rejecting rule is checked again (CLAIM_RULE_FAILED names it).",
      params: ClaimParams, body: DecideClaimBody,
      responses: {
        200: { description: "The decided claim.", schema: ClaimBody },
        404: { description: "CLAIM_NOT_FOUND", schema: ErrorBody },
        409: { description: "CLAIM_NOT_IN_REVIEW", schema: ErrorBody },
        422: { description: "CLAIM_RULE_FAILED", schema: ErrorBody },
      },
      handle: async ({ caller, params, body }) => ({ status: 200, body: await services.claims.decideClaim(caller, params.claimId, body) }),
    }),
    defineRoute({
      operationId: "registerHeirs", method: "post", path: "/v1/inheritances", tags: ["claims"], roles: ["bank"],
      summary: "Register the heirs of a deceased member; the balance is paid to them at the next settlement (登记继承人)",
      description:
        "After the bureau's death attestation. Heirs' ID numbers, names and cards are stored encrypted; the ledger gets a keyed reference per heir and the shares (basis points summing to 10,000).",
      body: RegisterHeirsBody,
      responses: {
        201: { description: "The inheritance claim, approved, with its registerHeirs operation.", schema: ClaimBody },
        409: { description: "INHERITANCE_NOT_ALLOWED (death not attested, or heirs already registered)", schema: ErrorBody },
        422: { description: "HEIR_SHARES_INVALID naming the field, or CLAIM_RULE_FAILED", schema: ErrorBody },
      },
      handle: async ({ caller, body }) => ({ status: 201, body: await services.claims.registerHeirs(caller, body) }),
    }),
  ];
}
