/**
 * The months divisor (计发月数) of an individual pension account: the number of months a balance is spread over
 * when monthly payment starts at a given whole year of age.
 *
 * Source: 国务院关于完善企业职工基本养老保险制度的决定 (国发〔2005〕38号), annex 个人账户养老金计发月数表.
 * The table covers ages 40 to 70; there is no official value outside it.
 */
import { AppError } from "../errors.js";

/** The lowest and highest age in the official table. */
export const MONTHS_DIVISOR_MIN_AGE = 40;
export const MONTHS_DIVISOR_MAX_AGE = 70;

/** 国发〔2005〕38号 annex: age at the start of payment → months. Index 0 is age 40. */
const TABLE: readonly number[] = [
  233, 230, 226, 223, 220, 216, 212, 207, 204, 199, // 40–49
  195, 190, 185, 180, 175, 170, 164, 158, 152, 145, // 50–59
  139, 132, 125, 117, 109, 101, 93, 84, 75, 65, // 60–69
  56, // 70
];

/** True if the official table has a value for this age (a whole number 40..70). */
export function hasMonthsDivisor(ageYears: number): boolean {
  return Number.isInteger(ageYears) && ageYears >= MONTHS_DIVISOR_MIN_AGE && ageYears <= MONTHS_DIVISOR_MAX_AGE;
}

/**
 * The months divisor for a whole year of age at the start of payment.
 * @param ageYears whole years, 40..70
 * @param field the request field to name in the error (default `age`)
 * @throws AppError `VALIDATION_FAILED` (400) for a non-integer age or one outside 40..70, with the range in `details`
 * @example monthsDivisor(60) === 139
 */
export function monthsDivisor(ageYears: number, field = "age"): number {
  if (!hasMonthsDivisor(ageYears)) {
    throw new AppError(
      "VALIDATION_FAILED",
      `${field} must be a whole number of years from ${MONTHS_DIVISOR_MIN_AGE} to ${MONTHS_DIVISOR_MAX_AGE}: ` +
        "the official months-divisor table (国发〔2005〕38号) has no value outside it.",
      { field, details: { reason: "outside the months-divisor table", min: MONTHS_DIVISOR_MIN_AGE, max: MONTHS_DIVISOR_MAX_AGE } },
    );
  }
  return TABLE[ageYears - MONTHS_DIVISOR_MIN_AGE];
}

/** The whole table, age → months, for documentation and the API. */
export function monthsDivisorTable(): ReadonlyArray<{ ageYears: number; months: number }> {
  return TABLE.map((months, i) => ({ ageYears: MONTHS_DIVISOR_MIN_AGE + i, months }));
}
