/**
 * Tax-saving calculator for personal-pension contributions.
 *
 * Brackets: 个人所得税税率表一（综合所得适用）, 中华人民共和国个人所得税法 (2018) with the quick deductions published
 * by the State Taxation Administration. Tax = taxable income × rate − quick deduction, rounded to the fen half up.
 * Personal-pension contributions are deductible up to the annual cap (12,000 yuan) and taxed at 3 % when paid out
 * (财政部 税务总局公告2022年第34号).
 *
 * All amounts are integer fen (`bigint`).
 */
import { AppError } from "../errors.js";
import { divRoundHalfUp } from "./money.js";

/** Personal-pension annual cap, 12,000 yuan. */
export const PERSONAL_PENSION_ANNUAL_CAP_FEN = 1_200_000n;
/** Tax withheld on personal-pension payouts, 3 %. */
export const WITHDRAWAL_TAX_RATE_BPS = 300n;

export interface TaxBracket {
  /** Upper bound of taxable income for this rate, inclusive, in fen; `null` for the top bracket. */
  upToFen: bigint | null;
  rateBps: bigint;
  quickDeductionFen: bigint;
}

/** The annual comprehensive-income brackets, in fen and basis points. */
export const COMPREHENSIVE_INCOME_BRACKETS: readonly TaxBracket[] = [
  { upToFen: 3_600_000n, rateBps: 300n, quickDeductionFen: 0n }, // ≤ 36,000 yuan: 3 %
  { upToFen: 14_400_000n, rateBps: 1_000n, quickDeductionFen: 252_000n }, // ≤ 144,000: 10 %, 2,520
  { upToFen: 30_000_000n, rateBps: 2_000n, quickDeductionFen: 1_692_000n }, // ≤ 300,000: 20 %, 16,920
  { upToFen: 42_000_000n, rateBps: 2_500n, quickDeductionFen: 3_192_000n }, // ≤ 420,000: 25 %, 31,920
  { upToFen: 66_000_000n, rateBps: 3_000n, quickDeductionFen: 5_292_000n }, // ≤ 660,000: 30 %, 52,920
  { upToFen: 96_000_000n, rateBps: 3_500n, quickDeductionFen: 8_592_000n }, // ≤ 960,000: 35 %, 85,920
  { upToFen: null, rateBps: 4_500n, quickDeductionFen: 18_192_000n }, // above: 45 %, 181,920
];

/** The bracket that applies to an annual taxable income (fen, ≥ 0). */
export function bracketFor(taxableIncomeFen: bigint): TaxBracket {
  for (const b of COMPREHENSIVE_INCOME_BRACKETS) if (b.upToFen === null || taxableIncomeFen <= b.upToFen) return b;
  throw new Error("unreachable: the top bracket has no upper bound");
}

/**
 * Annual comprehensive-income tax on a taxable income, in fen: income × rate − quick deduction, rounded to the fen
 * half up. Zero for zero or negative income.
 */
export function comprehensiveIncomeTax(taxableIncomeFen: bigint): bigint {
  if (taxableIncomeFen <= 0n) return 0n;
  const b = bracketFor(taxableIncomeFen);
  return divRoundHalfUp(taxableIncomeFen * b.rateBps, 10_000n) - b.quickDeductionFen;
}

export interface TaxSavingInput {
  /** Annual taxable comprehensive income before the personal-pension deduction (应纳税所得额), fen, ≥ 0. */
  taxableIncomeFen: bigint;
  /** Planned personal-pension contribution for the year, fen, ≥ 0. */
  contributionFen: bigint;
  /** The year's cap, default 1,200,000 fen (the ledger can set another from a year on). */
  annualCapFen?: bigint;
  /** The withdrawal tax rate, default 300 bps (3 %). */
  withdrawalTaxRateBps?: bigint;
}

export interface TaxSaving {
  taxableIncomeFen: bigint;
  /** The planned contribution as given. */
  plannedContributionFen: bigint;
  /** What can actually be contributed: the plan, at most the annual cap (the ledger rejects more). */
  contributionFen: bigint;
  /** True if the plan was above the annual cap and {@link contributionFen} was reduced to it. */
  cappedAtAnnualLimit: boolean;
  /** min(contribution, cap, taxable income). */
  deductibleFen: bigint;
  taxBeforeFen: bigint;
  taxAfterFen: bigint;
  /** taxBefore − taxAfter. */
  taxSavedNowFen: bigint;
  /** Tax withheld when the contribution is paid out: contribution × 3 %, half up to the fen. */
  withdrawalTaxFen: bigint;
  /** taxSavedNow − withdrawalTax; negative when contributing costs more tax than it saves. */
  netBenefitFen: bigint;
  /** The marginal rate before and after the deduction, bps. */
  marginalRateBeforeBps: bigint;
  marginalRateAfterBps: bigint;
}

/**
 * What a personal-pension contribution saves in income tax this year, against the tax withheld when it is paid
 * out. Investment returns are left out: they are taxed at 3 % too, but are not deductible.
 *
 * @throws AppError `VALIDATION_FAILED` naming the field for a negative income or contribution
 * @example calculateTaxSaving({ taxableIncomeFen: 10_000_000n, contributionFen: 1_200_000n })
 *   // taxBefore 748,000; taxAfter 628,000; saved 120,000; withdrawal tax 36,000; net 84,000 (fen)
 */
export function calculateTaxSaving(input: TaxSavingInput): TaxSaving {
  const { taxableIncomeFen, contributionFen: plannedContributionFen } = input;
  const annualCapFen = input.annualCapFen ?? PERSONAL_PENSION_ANNUAL_CAP_FEN;
  const rateBps = input.withdrawalTaxRateBps ?? WITHDRAWAL_TAX_RATE_BPS;
  requireNonNegative(taxableIncomeFen, "taxableIncomeFen");
  requireNonNegative(plannedContributionFen, "contributionFen");
  requireNonNegative(annualCapFen, "annualCapFen");
  requireNonNegative(rateBps, "withdrawalTaxRateBps");

  const contributionFen = plannedContributionFen < annualCapFen ? plannedContributionFen : annualCapFen;
  const deductibleFen = contributionFen < taxableIncomeFen ? contributionFen : taxableIncomeFen;
  const taxBeforeFen = comprehensiveIncomeTax(taxableIncomeFen);
  const taxAfterFen = comprehensiveIncomeTax(taxableIncomeFen - deductibleFen);
  const taxSavedNowFen = taxBeforeFen - taxAfterFen;
  const withdrawalTaxFen = divRoundHalfUp(contributionFen * rateBps, 10_000n);
  return {
    taxableIncomeFen,
    plannedContributionFen,
    contributionFen,
    cappedAtAnnualLimit: plannedContributionFen > annualCapFen,
    deductibleFen,
    taxBeforeFen,
    taxAfterFen,
    taxSavedNowFen,
    withdrawalTaxFen,
    netBenefitFen: taxSavedNowFen - withdrawalTaxFen,
    marginalRateBeforeBps: taxableIncomeFen > 0n ? bracketFor(taxableIncomeFen).rateBps : 0n,
    marginalRateAfterBps: taxableIncomeFen - deductibleFen > 0n ? bracketFor(taxableIncomeFen - deductibleFen).rateBps : 0n,
  };
}

function requireNonNegative(value: bigint, field: string): void {
  if (typeof value !== "bigint" || value < 0n) {
    throw new AppError("VALIDATION_FAILED", `${field} must be a non-negative integer amount in fen.`, {
      field,
      details: { reason: "negative or not an integer" },
    });
  }
}
