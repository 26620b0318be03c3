/**
 * Money: CNY in integer fen (1 yuan = 100 fen), always `bigint` inside the gateway. No floating point here:
 * amounts arrive as JSON integers or digit strings and are formatted by string arithmetic.
 */
import { AppError } from "../errors.js";

export type MoneyLocale = "zh-CN" | "en";

/** 100 fen = 1 yuan. */
export const FEN_PER_YUAN = 100n;

/**
 * Formats fen for people: `¥1,234.56`, negative `-¥1,234.56`, always two decimals, commas every three digits.
 * Bank staff in both locales read amounts this way, so `zh-CN` and `en` currently give the same text; the
 * parameter is there so callers pass the reader's locale and a locale-specific form can be added in one place.
 * @example formatFen(123456n) === "¥1,234.56"; formatFen(-5n) === "-¥0.05"
 */
export function formatFen(fen: bigint, locale: MoneyLocale = "zh-CN"): string {
  void locale;
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const yuan = (abs / FEN_PER_YUAN).toString();
  const cents = (abs % FEN_PER_YUAN).toString().padStart(2, "0");
  const grouped = yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}¥${grouped}.${cents}`;
}

/**
 * Parses an amount in fen from untrusted input (a JSON body, a CSV cell).
 *
 * Accepted: a `bigint`; a JSON number that is a safe integer (`Number.isSafeInteger`); a string of ASCII digits
 * with an optional leading `-` (leading zeros allowed, any length). Rejected with `VALIDATION_FAILED` naming
 * `field`: floats (`12.5`), decimal or exponent strings (`"12.50"`, `"1e3"`), unsafe integers, NaN, Infinity,
 * empty strings, whitespace, `+`, and every other type. A decimal is never rounded: fen are already the smallest
 * unit, so a fraction means the caller sent yuan or a float by mistake.
 *
 * @param input the value to parse
 * @param field the request field, as a dotted path, for the error (default `amount`)
 * @throws AppError `VALIDATION_FAILED` with `field` and `details.reason`
 */
export function parseFen(input: unknown, field = "amount"): bigint {
  if (typeof input === "bigint") return input;
  if (typeof input === "number") {
    if (Number.isSafeInteger(input)) return BigInt(input);
    const reason = Number.isNaN(input)
      ? "not a number"
      : !Number.isFinite(input)
        ? "infinite"
        : Number.isInteger(input)
          ? "integer beyond the safe range; send it as a digit string"
          : "not a whole number of fen";
    throw invalid(field, reason);
  }
  if (typeof input === "string") {
    if (/^-?[0-9]+$/.test(input)) return BigInt(input);
    throw invalid(field, /^-?[0-9]*\.[0-9]*$/.test(input) ? "not a whole number of fen" : "not a digit string");
  }
  throw invalid(field, "must be an integer number of fen or a digit string");
}

/**
 * Like {@link parseFen} but the amount must also lie in `[min, max]` (inclusive; either bound optional).
 * @throws AppError `VALIDATION_FAILED` with `field`, `details.reason`, and the bound that was crossed
 */
export function parseFenInRange(input: unknown, field: string, bounds: { min?: bigint; max?: bigint }): bigint {
  const fen = parseFen(input, field);
  if (bounds.min !== undefined && fen < bounds.min) {
    throw new AppError("VALIDATION_FAILED", `${field} must be at least ${bounds.min} fen.`, {
      field,
      details: { reason: "below minimum", min: bounds.min.toString() },
    });
  }
  if (bounds.max !== undefined && fen > bounds.max) {
    throw new AppError("VALIDATION_FAILED", `${field} must be at most ${bounds.max} fen.`, {
      field,
      details: { reason: "above maximum", max: bounds.max.toString() },
    });
  }
  return fen;
}

function invalid(field: string, reason: string): AppError {
  return new AppError(
    "VALIDATION_FAILED",
    `${field} must be an integer amount in fen (a JSON integer or a digit string): ${reason}.`,
    { field, details: { reason } },
  );
}

/** `num / den` rounded down (towards −∞); `den` must be positive. Bigint `/` alone truncates towards zero. */
export function divFloor(num: bigint, den: bigint): bigint {
  if (den <= 0n) throw new RangeError("divFloor needs a positive divisor");
  const q = num / den;
  return num % den < 0n ? q - 1n : q;
}

/**
 * `num / den` rounded to the nearest integer, halves up (towards +∞): 2.5 → 3, −2.5 → −2. `den` must be positive.
 * The same rule as the ledger's `(x × rateBps + 5,000) / 10,000` for non-negative amounts.
 */
export function divRoundHalfUp(num: bigint, den: bigint): bigint {
  return divFloor(2n * num + den, 2n * den);
}
