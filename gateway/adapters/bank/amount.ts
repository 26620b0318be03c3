/**
 * ISO 20022 amounts and dates, without floating point.
 *
 * An ISO 20022 amount is a decimal string (`ActiveOrHistoricCurrencyAndAmount`: digits, optional `.` and up to 5
 * fraction digits). CNY has 2 minor digits (fen): a CNY amount is turned into integer fen by string arithmetic and
 * refused if it has more than 2 decimals. Other currencies are not converted: their decimal text is kept as is,
 * because this ledger books only CNY and their minor-unit count varies (JPY 0, KWD 3).
 *
 * Pure functions, no I/O.
 */

/** An amount as the bank sent it, with fen when it is a valid CNY amount. */
export interface BankAmount {
  /** The decimal text exactly as in the message, e.g. `"1234.50"`. */
  text: string;
  /** ISO 4217 code from the `Ccy` attribute, e.g. `"CNY"`; `""` when the attribute is missing. */
  currency: string;
  /** Integer fen, only for a valid CNY amount. */
  fen?: bigint;
  /** Why a CNY amount could not be converted (or why any amount is not a decimal). */
  problem?: "format" | "decimals";
}

/**
 * The largest amount the ledger accepts in one item: the contract's amounts (contribution, wage base, employer and
 * employee parts) are `uint64` fen. Anything above cannot even be encoded for the chain.
 */
export const LEDGER_MAX_AMOUNT_FEN = 2n ** 64n - 1n;

/** Decimal text of an amount: digits with an optional fraction; no sign, no exponent, no grouping. */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Reads an amount's decimal text and currency. For CNY, converts to fen: `"1234.5"` → 123450n, `"0.01"` → 1n;
 * `"1.234"` → problem `decimals`; `"1e3"`, `"-5"`, `"1,000"` → problem `format`.
 */
export function parseBankAmount(text: string, currency: string): BankAmount {
  const m = DECIMAL.exec(text);
  if (!m) return { text, currency, problem: "format" };
  if (currency !== "CNY") return { text, currency };
  const fraction = m[2] ?? "";
  if (fraction.length > 2) return { text, currency, problem: "decimals" };
  return { text, currency, fen: BigInt(m[1]!) * 100n + BigInt(fraction.padEnd(2, "0")) };
}

/**
 * Formats fen as the decimal text pain.001 expects: `123450n` → `"1234.50"`, `1n` → `"0.01"`.
 * @throws RangeError for a negative amount (payment instructions are never negative)
 */
export function fenToDecimal(fen: bigint): string {
  if (fen < 0n) throw new RangeError("An amount in a payment instruction cannot be negative.");
  return `${fen / 100n}.${(fen % 100n).toString().padStart(2, "0")}`;
}

/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const CST_OFFSET_SECONDS = 8 * 3600;

/**
 * Converts an ISO 20022 date or date-time to unix seconds.
 * - `2026-11-03` (ISODate) → 00:00 China Standard Time that day;
 * - `2026-11-03T10:15:00+08:00`, `…Z`, `…T10:15:00.123+01:00` (ISODateTime with offset) → that instant;
 * - `2026-11-03T10:15:00` (no offset) → read as China Standard Time.
 * Returns undefined for anything else, including impossible dates such as `2026-02-30`.
 */
export function isoToUnixSeconds(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const utcMillis = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utcMillis);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  const zone = m[7];
  let offsetSeconds = CST_OFFSET_SECONDS;
  if (zone === "Z") offsetSeconds = 0;
  else if (zone) offsetSeconds = (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  return utcMillis / 1000 - offsetSeconds;
}

/** Formats unix seconds as an ISO date-time in China Standard Time, e.g. `2026-11-03T10:15:00+08:00`. */
export function unixSecondsToCst(seconds: number): string {
  const d = new Date((seconds + CST_OFFSET_SECONDS) * 1000);
  return d.toISOString().replace(/\.\d{3}Z$/, "+08:00");
}
