/**
 * The versioned API (/v1). Each route: schema in, one service call, result out.
 */
import type { Services } from "../../services/index.js";
import { failureOf, type WriteOutcome } from "../../services/operations.js";
import type { QualifyingEventName } from "../../services/eligibility.js";
import type { PayoutModeName } from "../../services/payouts.js";
import { PAYOUT_MODES as LEDGER_PAYOUT_MODES, QUALIFYING_EVENTS as LEDGER_QUALIFYING_EVENTS } from "../../chain/ledgerInterface.js";
import { PAYOUT_MODES, qualifyingEventName } from "../../domain/ledgerTypes.js";
import { defineRoute, type HandlerResult, type RouteDefinition } from "../route.js";
import * as s from "../schemas.js";
import { calculatorRoutes } from "./calculators.js";
import { bankRoutes } from "./bank.js";
import { claimRoutes } from "./claims.js";
import { socialSecurityRoutes } from "./socialSecurity.js";
import { taxRoutes } from "./tax.js";

/** 202 with the operation, or — once final (`?wait=true`, or a replayed key) — 200, or the failure's error. */
function written(outcome: WriteOutcome, wait: boolean): HandlerResult {
  if (outcome.final) {
    const failure = wait ? failureOf(outcome.operation) : undefined;
    if (failure) throw failure;
    return { status: 200, body: outcome.operation };
  }
  return { status: 202, body: outcome.operation };
}

const writeResponses = {
  200: { description: "Final result (with ?wait=true).", schema: s.OperationBody },
  202: { description: "Accepted: written to the durable outbox; follow it with getOperation.", schema: s.OperationBody },
  409: { description: "IDEMPOTENCY_KEY_REUSED, or (with ?wait=true) a ledger conflict such as BANK_REFERENCE_ALREADY_USED.", schema: s.ErrorBody },
  422: { description: "(with ?wait=true) the ledger's rule, e.g. CONTRIBUTION_EXCEEDS_ANNUAL_CAP with details.remaining.", schema: s.ErrorBody },
};

const wait = (q: { wait?: string } | undefined) => q?.wait === "true";
const memberRef = <T extends { residentId?: string; pensionReference?: string }>(x: T) =>
  x.residentId !== undefined ? { residentId: x.residentId } : { pensionReference: x.pensionReference! };

export function apiRoutes(services: Services): RouteDefinition[] {
  return [
    defineRoute({
      operationId: "openAccount", method: "post", path: "/v1/personal-accounts", tags: ["accounts"], roles: ["bank"], idempotent: true,
      summary: "Open a personal-pension account (开立个人养老金账户)",
      description: "Stores the member's ID number, name and bound card encrypted in the gateway and opens the account on the ledger under the member's pseudonym. The result carries the accountId and the pension reference the bank quotes in remittance information.",
      query: s.WaitQuery, body: s.OpenAccountBody, responses: writeResponses,
      handle: async ({ caller, query, body }) => written(await services.accounts.openAccount(caller, body, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "createPlan", method: "post", path: "/v1/plans", tags: ["enterprise annuity"], roles: ["operator"], idempotent: true,
      summary: "Create an enterprise-annuity plan with its vesting schedule (创建企业年金计划)",
      query: s.WaitQuery, body: s.CreatePlanBody, responses: writeResponses,
      handle: async ({ caller, query, body }) => written(await services.plans.createPlan(caller, body, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "enrolEnterprisePlan", method: "post", path: "/v1/plans/:planCode/members", tags: ["enterprise annuity"], roles: ["bank"], idempotent: true,
      summary: "Enrol a member in an enterprise-annuity plan (企业年金计划参加人登记)",
      params: s.PlanParams, query: s.WaitQuery, body: s.EnrolBody, responses: writeResponses,
      handle: async ({ caller, params, query, body }) =>
        written(await services.plans.enrolMember(caller, { ...body, planCode: params.planCode }, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "contribute", method: "post", path: "/v1/contributions", tags: ["contributions"], roles: ["bank"], idempotent: true,
      summary: "Credit one personal-pension contribution (个人养老金缴费)",
      description: "The whole contribution is rejected if it would exceed the annual cap (CONTRIBUTION_EXCEEDS_ANNUAL_CAP with details.remaining); never trimmed. The bank reference credits once.",
      query: s.WaitQuery, body: s.ContributeBody, responses: writeResponses,
      handle: async ({ caller, query, body }) =>
        written(await services.contributions.contribute(caller, {
          member: memberRef(body), amount: body.amount, bookedAt: new Date(body.bookedAt), bankReference: body.bankReference,
        }, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "contributeBatch", method: "post", path: "/v1/contribution-batches", tags: ["contributions"], roles: ["bank"], idempotent: true,
      summary: "Credit a batch of personal-pension contributions under one bank reference (批量缴费)",
      description: "Any invalid item rejects the batch (BATCH_ITEM_INVALID with the item's index and error). A batch too large for one block is split into transactions by gas.",
      query: s.WaitQuery, body: s.ContributeBatchBody, responses: writeResponses,
      handle: async ({ caller, query, body }) =>
        written(await services.contributions.contributeBatch(caller, {
          bankReference: body.bankReference,
          items: body.items.map((i) => ({ member: memberRef(i), amount: i.amount, bookedAt: new Date(i.bookedAt) })),
        }, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "createStandingContribution", method: "post", path: "/v1/standing-contributions", tags: ["contributions"], roles: ["bank"], idempotent: true,
      summary: "Set a standing monthly contribution (设置自动缴费)",
      description: "Executed by the gateway once per month (CST) from dayOfMonth on; a month that fails (e.g. over the cap) is reported as missed with its reason, not retried. The card debit itself is the bank's.",
      body: s.StandingBody, responses: { 201: { description: "Created.", schema: s.StandingInstructionBody }, 404: { description: "MEMBER_NOT_FOUND: no personal-pension account opened for this member.", schema: s.ErrorBody } },
      handle: async ({ caller, body }) => ({ status: 201, body: await services.standing.create(caller, body) }),
    }),
    defineRoute({
      operationId: "getStandingContribution", method: "get", path: "/v1/standing-contributions/:instructionId", tags: ["contributions"], roles: ["bank", "operator", "auditor"],
      summary: "A standing contribution and its monthly executions (executed / missed with reason)",
      params: s.InstructionParams, responses: { 200: { description: "The instruction.", schema: s.StandingInstructionBody } },
      handle: ({ caller, params }) => ({ status: 200, body: services.standing.get(caller, params.instructionId) }),
    }),
    defineRoute({
      operationId: "cancelStandingContribution", method: "delete", path: "/v1/standing-contributions/:instructionId", tags: ["contributions"], roles: ["bank"], idempotent: true,
      summary: "Cancel a standing contribution (取消自动缴费)",
      params: s.InstructionParams, responses: { 200: { description: "Cancelled.", schema: s.StandingInstructionBody }, 404: { description: "STANDING_INSTRUCTION_NOT_FOUND", schema: s.ErrorBody }, 409: { description: "STANDING_INSTRUCTION_CANCELLED", schema: s.ErrorBody } },
      handle: ({ caller, params }) => ({ status: 200, body: services.standing.cancel(caller, params.instructionId) }),
    }),
    defineRoute({
      operationId: "recordEligibility", method: "post", path: "/v1/eligibility", tags: ["eligibility"], roles: ["socialSecurity"], idempotent: true,
      summary: "Certify a member's qualifying event (领取条件认证)",
      query: s.WaitQuery, body: s.EligibilityBody, responses: writeResponses,
      handle: async ({ caller, query, body }) =>
        written(await services.eligibility.recordEligibility(caller, { ...body, qualifyingEvent: body.qualifyingEvent as QualifyingEventName }, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "revokeEligibility", method: "post", path: "/v1/eligibility/revocations", tags: ["eligibility"], roles: ["socialSecurity"], idempotent: true,
      summary: "Revoke an attestation made in error (撤销认证)",
      query: s.WaitQuery, body: s.RevokeEligibilityBody, responses: writeResponses,
      handle: async ({ caller, query, body }) =>
        written(await services.eligibility.revokeEligibility(caller, { ...body, qualifyingEvent: body.qualifyingEvent as QualifyingEventName }, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "choosePayoutMode", method: "post", path: "/v1/accounts/:accountId/payout-plan", tags: ["payouts"], roles: ["bank"], idempotent: true,
      summary: "Record the member's chosen payout mode and start payouts (选择领取方式)",
      description:
        "A benefit claim on the account, decided by the same rules engine as submitClaim: approved → the payout plan is started on the ledger (the operation is returned); sent to manual review → 422 CLAIM_NEEDS_REVIEW, rejected → 422 CLAIM_RULE_FAILED (details.rule, details.claimId), nothing sent to the ledger. Monthly: the months come from the official months-divisor table for the member's age (`months` may be left out, or must equal them). `months` only with Monthly, `amountPerMonth` (≥ 1 fen) only with FixedInstalment. Refused with 409 CLAIM_ALREADY_OPEN while another claim on the account is pending or in review.",
      params: s.AccountIdParams, query: s.WaitQuery, body: s.PayoutModeBody,
      responses: {
        ...writeResponses,
        404: { description: "ACCOUNT_UNKNOWN", schema: s.ErrorBody },
        409: { description: "CLAIM_ALREADY_OPEN, IDEMPOTENCY_KEY_REUSED, or (with ?wait=true) a ledger conflict.", schema: s.ErrorBody },
        422: { description: "CLAIM_RULE_FAILED or CLAIM_NEEDS_REVIEW naming the rule (details.rule) and the claim (details.claimId).", schema: s.ErrorBody },
      },
      handle: async ({ caller, params, query, body }) =>
        written(await services.claims.choosePayoutMode(caller, {
          accountId: params.accountId,
          event: qualifyingEventName(LEDGER_QUALIFYING_EVENTS.indexOf(body.qualifyingEvent as QualifyingEventName)),
          payoutMode: PAYOUT_MODES[LEDGER_PAYOUT_MODES.indexOf(body.mode as PayoutModeName) - 1]!,
          months: body.months, amountPerMonth: body.amountPerMonth,
        }, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "runSettlement", method: "post", path: "/v1/settlement-runs", tags: ["payouts"], roles: ["keeper"], idempotent: true,
      summary: "Settle the due payouts of every account paying out (发放结算)",
      description: "Split into transactions by gas. The result lists the settlement runs (runId, payouts, Merkle root).",
      query: s.WaitQuery, body: s.SettlementBody, responses: writeResponses,
      handle: async ({ caller, query, body }) => written(await services.payouts.runSettlement(caller, body, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "reportPayoutResults", method: "post", path: "/v1/payout-results", tags: ["payouts"], roles: ["bank"], idempotent: true,
      summary: "Report the bank's payment results for settled payouts (发放结果回报)",
      description: "A rejected payment returns the gross to the member's balance: neither lost nor paid twice. Proofs are computed by the gateway.",
      query: s.WaitQuery, body: s.PayoutResultsBody, responses: writeResponses,
      handle: async ({ caller, query, body }) => written(await services.payouts.reportPayoutResults(caller, body, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "creditReturns", method: "post", path: "/v1/return-batches", tags: ["returns"], roles: ["investmentManager"], idempotent: true,
      summary: "Credit investment returns or losses (投资收益入账)",
      query: s.WaitQuery, body: s.ReturnsBody, responses: writeResponses,
      handle: async ({ caller, query, body }) => written(await services.payouts.creditReturns(caller, body, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "freezeAccount", method: "post", path: "/v1/accounts/:accountId/freeze", tags: ["accounts"], roles: ["operator"], idempotent: true,
      summary: "Put a legal hold on an account (冻结账户)",
      params: s.AccountIdParams, query: s.WaitQuery, body: s.FreezeBody, responses: writeResponses,
      handle: async ({ caller, params, query, body }) =>
        written(await services.accounts.setFrozen(caller, { accountId: params.accountId, frozen: true, reasonCode: body.reasonCode }, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "unfreezeAccount", method: "post", path: "/v1/accounts/:accountId/unfreeze", tags: ["accounts"], roles: ["operator"], idempotent: true,
      summary: "Lift a legal hold (解冻账户)",
      params: s.AccountIdParams, query: s.WaitQuery, body: s.FreezeBody, responses: writeResponses,
      handle: async ({ caller, params, query, body }) =>
        written(await services.accounts.setFrozen(caller, { accountId: params.accountId, frozen: false, reasonCode: body.reasonCode }, { wait: wait(query) }), wait(query)),
    }),
    defineRoute({
      operationId: "getAccount", method: "get", path: "/v1/accounts/:accountId", tags: ["accounts"], roles: ["bank", "operator", "auditor", "socialSecurity", "taxBureau"],
      summary: "An account: status, balances by sub-ledger, this year's contributions and room under the cap (账户查询)",
      params: s.AccountIdParams, responses: { 200: { description: "The account, shaped by the caller's role (the bureaus see no balances and no holder data).", schema: s.AnyAccountBody }, 404: { description: "ACCOUNT_UNKNOWN", schema: s.ErrorBody } },
      handle: async ({ caller, params }) => ({ status: 200, body: await services.accounts.getAccount(caller, params.accountId) }),
    }),
    defineRoute({
      operationId: "findAccount", method: "post", path: "/v1/accounts/query", tags: ["accounts"], roles: ["bank", "operator", "auditor", "socialSecurity", "taxBureau"],
      summary: "Find a member's account by resident ID number (in the body, never in the URL)",
      body: s.FindAccountBody, responses: { 200: { description: "The account, shaped by the caller's role (as getAccount).", schema: s.AnyAccountBody }, 404: { description: "ACCOUNT_UNKNOWN / MEMBER_NOT_FOUND", schema: s.ErrorBody } },
      handle: async ({ caller, body }) => ({
        status: 200,
        body: await services.accounts.findAccount(caller, { member: memberRef(body), planCode: body.planCode }),
      }),
    }),
    defineRoute({
      operationId: "getOperation", method: "get", path: "/v1/operations/:operationId", tags: ["operations"], roles: ["bank", "socialSecurity", "taxBureau", "investmentManager", "auditor", "operator", "keeper"],
      summary: "An operation: pending / submitted / succeeded / failed, with transactions, block and decoded error",
      params: s.OperationParams, responses: { 200: { description: "The operation.", schema: s.OperationBody }, 404: { description: "OPERATION_NOT_FOUND", schema: s.ErrorBody } },
      handle: ({ caller, params }) => ({ status: 200, body: services.operations.get(caller, params.operationId) }),
    }),
    ...socialSecurityRoutes(services),
    ...claimRoutes(services),
    ...taxRoutes(services),
    ...calculatorRoutes(services),
    ...bankRoutes(services),
  ];
}
