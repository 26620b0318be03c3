/**
 * The member calculators over the domain's pure functions, shaped for the API: every amount as an integer-fen
 * digit string (safe for any size) plus the same figure formatted for people (¥1,234.56), rates in bps.
 */
import { formatFen } from "../../domain/money.js";
import { calculatePensionPlan, type PensionPlanInput } from "../../domain/pensionPlan.js";
import { calculateTaxSaving, type TaxSavingInput } from "../../domain/taxSaving.js";

/** Digit strings for bigints, and a `display` object with every fen amount formatted. */
function present(result: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const display: Record<string, string> = {};
  for (const [key, value] of Object.entries(result)) {
    if (typeof value === "bigint") {
      out[key] = value.toString();
      if (key.endsWith("Fen")) display[key.slice(0, -3)] = formatFen(value);
    } else {
      out[key] = value;
    }
  }
  return { ...out, display };
}

export class CalculatorService {
  /** calculateTaxSaving: tax saved now, 3 % due at withdrawal, net benefit. */
  taxSaving(input: TaxSavingInput): Record<string, unknown> {
    return present(calculateTaxSaving(input));
  }

  /** calculatePensionPlan: projected balance at retirement and the monthly payout by the months divisor. */
  pensionPlan(input: PensionPlanInput): Record<string, unknown> {
    return present(calculatePensionPlan(input));
  }
}
