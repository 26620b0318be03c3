/**
 * Pension planning calculator: the balance at retirement and the monthly payout for a savings plan.
 *
 * Arithmetic (integer fen, no floating point):
 * - one step per month from now until retirement: months = (retirementAge − age) × 12;
 * - each month the balance first earns `balance × annualReturnBps / 120,000` (the annual rate in basis points
 *   divided by 12 months × 10,000), rounded to the fen half up (towards +∞), then the month's contribution is added
 *   at the month's end (it earns from the next month);
 * - the monthly contribution is capped at the annual cap / 12 (1,200,000 / 12 = 100,000 fen) so that no year goes
 *   over the cap; the result says when that happened;
 * - monthly payout = balance at retirement / months divisor for the retirement age (国发〔2005〕38号), rounded down —
 *   the ledger's first Monthly instalment; personal-pension payouts then have 3 % withheld, half up to the fen.
 */
import { AppError } from "../errors.js";
import { divFloor, divRoundHalfUp } from "./money.js";
import { MONTHS_DIVISOR_MAX_AGE, MONTHS_DIVISOR_MIN_AGE, monthsDivisor } from "./monthsDivisor.js";
import { PERSONAL_PENSION_ANNUAL_CAP_FEN, WITHDRAWAL_TAX_RATE_BPS } from "./taxSaving.js";

/** The youngest age the calculator accepts: the legal working age. */
export const PLAN_MIN_AGE = 16;
/** Largest annual return (or loss) accepted, in bps: ±100 %. */
export const PLAN_MAX_RETURN_BPS = 10_000;

export interface PensionPlanInput {
  /** Whole years of age now, 16..70. */
  age: number;
  /** Whole years of age at which payment starts, 40..70 (the months-divisor table) and ≥ age. */
  retirementAge: number;
  /** Balance today, fen, ≥ 0. */
  currentBalanceFen: bigint;
  /** Planned contribution each month, fen, ≥ 0. */
  monthlyContributionFen: bigint;
  /** Assumed annual return in basis points (500 = 5 %), an integer from −10,000 to 10,000. */
  annualReturnBps: number;
  /** The annual cap, default 1,200,000 fen. */
  annualCapFen?: bigint;
}

export interface PensionPlan {
  monthsToRetirement: number;
  /** The monthly contribution used: the planned one, at most annual cap / 12. */
  monthlyContributionFen: bigint;
  /** True if the planned monthly contribution was above annual cap / 12 and was reduced. */
  contributionCapped: boolean;
  /** Sum of the contributions until retirement. */
  totalContributionsFen: bigint;
  /** Sum of the monthly returns (negative for a loss). */
  totalReturnsFen: bigint;
  /** current balance + contributions + returns. */
  projectedBalanceFen: bigint;
  /** Months divisor for the retirement age. */
  monthsDivisor: number;
  /** Gross first monthly payout: projected balance / months divisor, rounded down. */
  monthlyPayoutFen: bigint;
  /** Personal-pension tax withheld on it: 3 %, half up to the fen. */
  monthlyPayoutTaxFen: bigint;
  /** What reaches the card each month. */
  monthlyPayoutNetFen: bigint;
}

/**
 * Projects a personal-pension balance to retirement and the monthly payout (see the module comment for the
 * arithmetic).
 * @throws AppError `VALIDATION_FAILED` naming the field for any input outside its range
 * @example calculatePensionPlan({ age: 59, retirementAge: 60, currentBalanceFen: 1_000_000n,
 *   monthlyContributionFen: 10_000n, annualReturnBps: 1_200 }).projectedBalanceFen === 1_253_649n
 */
export function calculatePensionPlan(input: PensionPlanInput): PensionPlan {
  const { age, retirementAge, currentBalanceFen, monthlyContributionFen: planned, annualReturnBps } = input;
  const annualCapFen = input.annualCapFen ?? PERSONAL_PENSION_ANNUAL_CAP_FEN;
  requireInteger(age, "age", PLAN_MIN_AGE, MONTHS_DIVISOR_MAX_AGE);
  requireInteger(retirementAge, "retirementAge", Math.max(MONTHS_DIVISOR_MIN_AGE, age), MONTHS_DIVISOR_MAX_AGE);
  requireInteger(annualReturnBps, "annualReturnBps", -PLAN_MAX_RETURN_BPS, PLAN_MAX_RETURN_BPS);
  requireFen(currentBalanceFen, "currentBalanceFen");
  requireFen(planned, "monthlyContributionFen");
  requireFen(annualCapFen, "annualCapFen");

  const monthlyCap = annualCapFen / 12n;
  const monthlyContributionFen = planned > monthlyCap ? monthlyCap : planned;
  const monthsToRetirement = (retirementAge - age) * 12;
  const bps = BigInt(annualReturnBps);

  let balance = currentBalanceFen;
  let totalReturnsFen = 0n;
  for (let month = 0; month < monthsToRetirement; month++) {
    const monthReturn = divRoundHalfUp(balance * bps, 120_000n);
    totalReturnsFen += monthReturn;
    balance += monthReturn + monthlyContributionFen;
  }

  const divisor = monthsDivisor(retirementAge, "retirementAge");
  const monthlyPayoutFen = divFloor(balance, BigInt(divisor));
  const monthlyPayoutTaxFen = divRoundHalfUp(monthlyPayoutFen * WITHDRAWAL_TAX_RATE_BPS, 10_000n);
  return {
    monthsToRetirement,
    monthlyContributionFen,
    contributionCapped: planned > monthlyCap,
    totalContributionsFen: monthlyContributionFen * BigInt(monthsToRetirement),
    totalReturnsFen,
    projectedBalanceFen: balance,
    monthsDivisor: divisor,
    monthlyPayoutFen,
    monthlyPayoutTaxFen,
    monthlyPayoutNetFen: monthlyPayoutFen - monthlyPayoutTaxFen,
  };
}

function requireInteger(value: number, field: string, min: number, max: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new AppError("VALIDATION_FAILED", `${field} must be a whole number from ${min} to ${max}.`, {
      field,
      details: { reason: "out of range or not an integer", min, max },
    });
  }
}

function requireFen(value: bigint, field: string): void {
  if (typeof value !== "bigint" || value < 0n) {
    throw new AppError("VALIDATION_FAILED", `${field} must be a non-negative integer amount in fen.`, {
      field,
      details: { reason: "negative or not an integer" },
    });
  }
}
