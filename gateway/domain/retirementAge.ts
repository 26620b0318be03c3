/**
 * Statutory retirement age in force since 2025-01-01.
 *
 * Source: 全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13) and its annex
 * 国务院关于渐进式延迟法定退休年龄的办法, with the published tables 附件1–3 (男职工 / 原法定退休年龄55周岁的女职工 /
 * 原法定退休年龄50周岁的女职工延迟法定退休年龄对照表).
 *
 * | group            | original | final | unaffected if born before | step                                   | fully raised from |
 * |------------------|----------|-------|---------------------------|----------------------------------------|-------------------|
 * | men              | 60       | 63    | 1965-01                   | +1 month per 4 months of birth month   | 1976-09           |
 * | women (orig. 55) | 55       | 58    | 1970-01                   | +1 month per 4 months of birth month   | 1981-09           |
 * | women (orig. 50) | 50       | 55    | 1975-01                   | +1 month per 2 months of birth month   | 1984-11           |
 *
 * So with m = months from the group's first affected birth month (0 for that month):
 * delay = min(floor(m / step) + 1, maximum), e.g. men born 1965-01…1965-04 retire at 60 years 1 month, 1965-05…08
 * at 60 years 2 months, and from 1976-09 at 63. The retirement month is the birth month plus the age (the table's
 * 改革后退休时间: men born 1965-01 retire in 2025-02).
 *
 * Voluntary early or late retirement (弹性退休) is not modelled: a retirement attestation before the statutory age
 * goes to manual review.
 */
import { addMonths, monthFromIndex, monthIndex, toIsoDate, type IsoDate, type IsoMonth } from "./calendar.js";
import type { Gender } from "./residentId.js";

/** The original statutory age of a woman: 50 (workers, 女工人) or 55 (cadres, 女干部). */
export type OriginalAgeForWomen = 50 | 55;

export interface StatutoryRetirement {
  /** Whole years of the statutory age. */
  ageYears: number;
  /** Months beyond {@link ageYears}, 0–11. */
  ageMonths: number;
  /** The month in which the member reaches the statutory age, `YYYY-MM`. */
  retirementMonth: IsoMonth;
  /** The day the member reaches the statutory age, `YYYY-MM-DD` (the birth day of the month, or the month's last day). */
  retirementDate: IsoDate;
  /** Months added to the original age by the 2025 reform, 0 if unaffected. */
  delayMonths: number;
  /** The original age that the reform started from: 60 for men, 50 or 55 for women. */
  originalAgeYears: 50 | 55 | 60;
}

interface Schedule {
  originalAgeYears: 50 | 55 | 60;
  firstAffectedMonth: IsoMonth;
  birthMonthsPerStep: number;
  maximumDelayMonths: number;
}

const SCHEDULES: Record<"male" | "female55" | "female50", Schedule> = {
  male: { originalAgeYears: 60, firstAffectedMonth: "1965-01", birthMonthsPerStep: 4, maximumDelayMonths: 36 },
  female55: { originalAgeYears: 55, firstAffectedMonth: "1970-01", birthMonthsPerStep: 4, maximumDelayMonths: 36 },
  female50: { originalAgeYears: 50, firstAffectedMonth: "1975-01", birthMonthsPerStep: 2, maximumDelayMonths: 60 },
};

function scheduleFor(gender: Gender, originalAgeForWomen: OriginalAgeForWomen | undefined): Schedule {
  if (gender === "male") return SCHEDULES.male;
  if (gender !== "female") throw new RangeError("gender must be male or female");
  if (originalAgeForWomen === undefined || originalAgeForWomen === 55) return SCHEDULES.female55;
  if (originalAgeForWomen === 50) return SCHEDULES.female50;
  throw new RangeError("originalAgeForWomen must be 50 or 55");
}

/**
 * The statutory retirement age of a member and when it is reached.
 *
 * @param birthDate `YYYY-MM-DD` (from {@link parseResidentId})
 * @param gender `male` or `female`
 * @param originalAgeForWomen 50 or 55; ignored for men. When a woman's original age is not known, 55 is assumed:
 *   the later of the two, so that nobody is treated as retired too early (callers that need to tell the cases
 *   apart, like the claim rules, check both).
 * @throws RangeError for a malformed date, gender or original age
 * @example statutoryRetirement("1965-05-10", "male") // { ageYears: 60, ageMonths: 2, retirementMonth: "2025-07", … }
 */
export function statutoryRetirement(
  birthDate: IsoDate,
  gender: Gender,
  originalAgeForWomen?: OriginalAgeForWomen,
): StatutoryRetirement {
  const birth = toIsoDate(birthDate);
  const schedule = scheduleFor(gender, originalAgeForWomen);
  const monthsFromFirst = monthIndex(birth) - monthIndex(schedule.firstAffectedMonth);
  const delayMonths =
    monthsFromFirst < 0
      ? 0
      : Math.min(Math.floor(monthsFromFirst / schedule.birthMonthsPerStep) + 1, schedule.maximumDelayMonths);
  const totalMonths = schedule.originalAgeYears * 12 + delayMonths;
  return {
    ageYears: Math.floor(totalMonths / 12),
    ageMonths: totalMonths % 12,
    retirementMonth: monthFromIndex(monthIndex(birth) + totalMonths),
    retirementDate: addMonths(birth, totalMonths),
    delayMonths,
    originalAgeYears: schedule.originalAgeYears,
  };
}

/**
 * Whether the member has reached the statutory retirement age on a day: on or after {@link
 * StatutoryRetirement.retirementDate}.
 * @param onDay a `YYYY-MM-DD` date, or an instant read as its Asia/Shanghai date (default now)
 */
export function hasReachedStatutoryAge(
  birthDate: IsoDate,
  gender: Gender,
  originalAgeForWomen: OriginalAgeForWomen | undefined,
  onDay: Date | IsoDate = new Date(),
): boolean {
  return toIsoDate(onDay) >= statutoryRetirement(birthDate, gender, originalAgeForWomen).retirementDate;
}
