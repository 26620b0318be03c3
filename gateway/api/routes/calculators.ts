/** The member calculators (any authenticated credential): pure functions of the domain layer over the API. */
import { z } from "zod";
import type { Services } from "../../services/index.js";
import { INSTITUTIONS } from "../../store/credentials.js";
import { defineRoute, type RouteDefinition } from "../route.js";
import { fen } from "../schemas.js";

const nonNegativeFen = (description: string) => fen(description).refine((v) => v >= 0n, { message: "must not be negative" });

const TaxSavingBody = z
  .object({
    taxableIncome: nonNegativeFen("Annual taxable comprehensive income before the personal-pension deduction (应纳税所得额)."),
    contribution: nonNegativeFen("Planned personal-pension contribution for the year."),
  })
  .strict()
  .openapi("TaxSavingRequest");
const PensionPlanBody = z
  .object({
    age: z.number().int().openapi({ description: "Whole years of age now (16..70).", example: 45 }),
    retirementAge: z.number().int().openapi({ description: "Whole years of age when payment starts (40..70, ≥ age).", example: 63 }),
    currentBalance: nonNegativeFen("Balance today."),
    monthlyContribution: nonNegativeFen("Planned contribution per month (at most the annual cap / 12 is used)."),
    annualReturnBps: z.number().int().openapi({ description: "Assumed annual return in basis points (−10,000..10,000); 300 = 3 %.", example: 300 }),
  })
  .strict()
  .openapi("PensionPlanRequest");

const Result = z.record(z.string(), z.unknown()).openapi("CalculatorResult", {
  description: "Every amount (…Fen) as an integer-fen digit string, rates in bps, and `display` with the amounts formatted (¥1,234.56).",
});

export function calculatorRoutes(services: Services): RouteDefinition[] {
  return [
    defineRoute({
      operationId: "calculateTaxSaving", method: "post", path: "/v1/calculators/tax-saving", tags: ["calculators"], roles: INSTITUTIONS,
      summary: "Tax saved by a personal-pension contribution, against the 3 % at withdrawal (个人养老金节税计算)",
      body: TaxSavingBody, responses: { 200: { description: "The calculation.", schema: Result } },
      handle: ({ body }) => ({ status: 200, body: services.calculators.taxSaving({ taxableIncomeFen: body.taxableIncome, contributionFen: body.contribution }) }),
    }),
    defineRoute({
      operationId: "calculatePensionPlan", method: "post", path: "/v1/calculators/pension-plan", tags: ["calculators"], roles: INSTITUTIONS,
      summary: "Projected balance at retirement and monthly payout by the months divisor (养老金测算)",
      body: PensionPlanBody, responses: { 200: { description: "The projection.", schema: Result } },
      handle: ({ body }) => ({
        status: 200,
        body: services.calculators.pensionPlan({
          age: body.age, retirementAge: body.retirementAge, currentBalanceFen: body.currentBalance,
          monthlyContributionFen: body.monthlyContribution, annualReturnBps: body.annualReturnBps,
        }),
      }),
    }),
  ];
}
