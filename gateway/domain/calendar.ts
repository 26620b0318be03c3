/**
 * Calendar arithmetic on plain `YYYY-MM-DD` dates and `YYYY-MM` months, in China Standard Time.
 * Dates are strings, not `Date` objects, so that no time zone or daylight saving can shift a day; Asia/Shanghai is
 * UTC+8 all year.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;
/** A calendar month, `YYYY-MM`. */
export type IsoMonth = string;

const CST_OFFSET_MS = 8 * 3600_000;

/** The calendar date in Asia/Shanghai at an instant (default now), `YYYY-MM-DD`. */
export function shanghaiDate(now: Date = new Date()): IsoDate {
  return new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** A `Date` is read as its Shanghai date; a string must already be a real `YYYY-MM-DD` date. */
export function toIsoDate(day: Date | IsoDate): IsoDate {
  if (day instanceof Date) return shanghaiDate(day);
  if (!isRealCalendarDate(day)) throw new RangeError("expected a real calendar date YYYY-MM-DD");
  return day;
}

/** Days in a month of the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True if the string is `YYYY-MM-DD` and names a real Gregorian calendar date. */
export function isRealCalendarDate(isoDate: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(isoDate);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** Splits a real `YYYY-MM-DD` date into numbers. */
export function dateParts(isoDate: IsoDate): { year: number; month: number; day: number } {
  if (!isRealCalendarDate(isoDate)) throw new RangeError("expected a real calendar date YYYY-MM-DD");
  return { year: Number(isoDate.slice(0, 4)), month: Number(isoDate.slice(5, 7)), day: Number(isoDate.slice(8, 10)) };
}

/** `YYYY-MM` of a month index counted from year 0 (index = year × 12 + month − 1). */
export function monthFromIndex(index: number): IsoMonth {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

/** The month index (year × 12 + month − 1) of a date or month. */
export function monthIndex(isoDateOrMonth: string): number {
  return Number(isoDateOrMonth.slice(0, 4)) * 12 + Number(isoDateOrMonth.slice(5, 7)) - 1;
}

/**
 * The date `months` calendar months after `isoDate`, on the same day of the month, or the month's last day when
 * that day does not exist (2024-01-31 + 1 month = 2024-02-29).
 */
export function addMonths(isoDate: IsoDate, months: number): IsoDate {
  const { day } = dateParts(isoDate);
  const target = monthFromIndex(monthIndex(isoDate) + months);
  const lastDay = daysInMonth(Number(target.slice(0, 4)), Number(target.slice(5, 7)));
  return `${target}-${String(Math.min(day, lastDay)).padStart(2, "0")}`;
}

/**
 * Whole years of age on a date: the number of birthdays passed, counting the birthday itself (a person born on
 * 29 February has the birthday on 28 February in common years, as {@link addMonths} does).
 */
export function ageInWholeYears(birthDate: IsoDate, onDate: IsoDate): number {
  const b = dateParts(birthDate);
  const o = dateParts(onDate);
  let years = o.year - b.year;
  if (addMonths(birthDate, years * 12) > onDate) years -= 1;
  return years;
}
