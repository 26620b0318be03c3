/**
 * Resident identity numbers (居民身份证号码), GB 11643-1999.
 *
 * 18 characters: a 6-digit address code, the birth date YYYYMMDD (characters 7–14), a 3-digit sequence code whose
 * last digit is odd for men and even for women (character 17), and a check character (character 18) computed
 * from the first 17 digits with ISO 7064 MOD 11-2.
 *
 * Pure functions: no I/O. Messages name the check that failed and never echo any part of the number.
 */
import { AppError } from "../errors.js";
import { isRealCalendarDate, shanghaiDate } from "./calendar.js";

export { isRealCalendarDate, shanghaiDate } from "./calendar.js";

/** The checks, in the order they are applied; the first one that fails is reported. */
export type ResidentIdCheck = "length" | "characters" | "checkCharacter" | "birthDate";

export type Gender = "male" | "female";

export interface ResidentId {
  /** The normalised number: surrounding whitespace removed, a lowercase `x` made uppercase. */
  id: string;
  /** The birth date from characters 7–14, `YYYY-MM-DD`. */
  birthDate: string;
  /** From the 17th character: odd = male, even = female. */
  gender: Gender;
}

export type ResidentIdResult =
  | { ok: true; value: ResidentId }
  | { ok: false; check: ResidentIdCheck; message: string; messageZh: string };

/** Weights of the 17 digits (2^(18−i) mod 11), GB 11643-1999. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for (weighted sum mod 11) = index. */
const CHECK_CHARACTERS = "10X98765432";

const MESSAGES: Record<ResidentIdCheck, { en: string; zh: string }> = {
  length: {
    en: "The resident ID number must be exactly 18 characters long (length check failed).",
    zh: "居民身份证号码必须为18位（长度校验未通过）。",
  },
  characters: {
    en: "The resident ID number must be 17 digits followed by a digit or X (character check failed).",
    zh: "居民身份证号码前17位必须为数字，最后一位为数字或X（字符校验未通过）。",
  },
  checkCharacter: {
    en: "The resident ID number's check character does not match its first 17 digits (check character failed).",
    zh: "居民身份证号码校验码与前17位不符（校验码校验未通过）。",
  },
  birthDate: {
    en: "The resident ID number's birth date is not a real date between 1900-01-01 and today (birth date check failed).",
    zh: "居民身份证号码中的出生日期不是1900年1月1日至今天之间的有效日期（出生日期校验未通过）。",
  },
};

/**
 * The check character for the first 17 digits of a resident ID number.
 * @param first17 exactly 17 ASCII digits
 * @returns one of `0`–`9` or `X`
 * @throws RangeError if `first17` is not 17 digits
 */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) {
    throw new RangeError("residentIdCheckCharacter needs exactly 17 digits");
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARACTERS[sum % 11];
}

function fail(check: ResidentIdCheck): ResidentIdResult {
  return { ok: false, check, message: MESSAGES[check].en, messageZh: MESSAGES[check].zh };
}

/**
 * Validates and decodes a resident ID number.
 *
 * Checks, in order: length (18 after trimming), characters (17 digits + digit or X/x), check character,
 * birth date (a real date, not before 1900-01-01, not after `today` in Asia/Shanghai).
 *
 * @param id the number as entered
 * @param today the current instant (defaults to now); the birth date may not be after its Shanghai date
 * @example
 * const r = parseResidentId(input);
 * if (!r.ok) throw new AppError("RESIDENT_ID_INVALID", r.message, { field: "residentId", details: { check: r.check } });
 */
export function parseResidentId(id: string, today: Date = new Date()): ResidentIdResult {
  if (typeof id !== "string") return fail("characters");
  const normalised = id.trim().toUpperCase();
  if (normalised.length !== 18) return fail("length");
  if (!/^[0-9]{17}[0-9X]$/.test(normalised)) return fail("characters");
  if (residentIdCheckCharacter(normalised.slice(0, 17)) !== normalised[17]) return fail("checkCharacter");
  const birthDate = `${normalised.slice(6, 10)}-${normalised.slice(10, 12)}-${normalised.slice(12, 14)}`;
  if (!isRealCalendarDate(birthDate) || birthDate < "1900-01-01" || birthDate > shanghaiDate(today)) {
    return fail("birthDate");
  }
  const gender: Gender = Number(normalised[16]) % 2 === 1 ? "male" : "female";
  return { ok: true, value: { id: normalised, birthDate, gender } };
}

/**
 * Like {@link parseResidentId} but throws the catalog error `RESIDENT_ID_INVALID` (400), naming the request
 * field and, in `details.check`, the failed check. For routes and services that want an exception.
 * @param field the request field the number came from, as a dotted path (default `residentId`)
 */
export function requireResidentId(id: unknown, options: { field?: string; today?: Date } = {}): ResidentId {
  const field = options.field ?? "residentId";
  const result = typeof id === "string" ? parseResidentId(id, options.today) : fail("characters");
  if (!result.ok) {
    throw new AppError("RESIDENT_ID_INVALID", `${result.messageZh} / ${result.message}`, {
      field,
      details: { check: result.check, messageZh: result.messageZh },
    });
  }
  return result.value;
}
