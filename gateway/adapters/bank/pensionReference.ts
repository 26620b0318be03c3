/**
 * References the bank quotes in remittance information so incoming money can be matched without personal data.
 *
 * - Pension account reference (个人养老金账户参考号): `PA` + 16-digit serial + 2 check digits, e.g. `PA000000000000123406`.
 * - Employer payroll batch reference (企业年金缴费批次号): `PR` + 16-digit serial + 2 check digits.
 *
 * Check digits are ISO 7064 MOD 97-10, computed exactly as for an IBAN: the letters are replaced by their
 * numbers (A = 10 … Z = 35), the whole reference is read as one integer (in display order: prefix, serial,
 * check digits) and the check digits are chosen so that it is ≡ 1 (mod 97). This catches every single-character
 * substitution and every transposition of two adjacent characters, including those touching the check digits.
 * Because the prefix letters are part of the checked number, a payroll reference with its prefix swapped to `PA`
 * (or vice versa) fails its check digits too.
 *
 * Parsing and searching accept full-width characters typed with a Chinese input method (normalised with NFKC),
 * spaces, hyphens and lowercase. Pure functions, no I/O.
 */

/** Serials are 16 decimal digits: 0 … 10^16 − 1. */
export const REFERENCE_SERIAL_DIGITS = 16;
const SERIAL_LIMIT = 10n ** BigInt(REFERENCE_SERIAL_DIGITS);

export type ReferencePrefix = "PA" | "PR";

/** Result of parsing one reference. `reference` is the canonical form (uppercase, no spaces). */
export type ParsedReference =
  | { ok: true; serial: bigint; reference: string }
  | { ok: false; reason: "format" | "checkDigits" };

/**
 * Result of looking for a reference inside free remittance text.
 * - `found`: exactly one distinct valid reference;
 * - `invalid`: something that looks like a reference (prefix and ≥ 12 digits) but has the wrong number of
 *   digits (`format`) or wrong check digits (`checkDigits`), and no valid one is present;
 * - `ambiguous`: two or more different valid references;
 * - `absent`: nothing that looks like a reference.
 */
export type ReferenceSearch =
  | { status: "found"; serial: bigint; reference: string }
  | { status: "invalid"; reason: "format" | "checkDigits"; candidate: string }
  | { status: "ambiguous"; references: string[] }
  | { status: "absent" };

function lettersToDigits(prefix: string): string {
  let out = "";
  for (const ch of prefix) out += String(ch.charCodeAt(0) - 55); // "A" (65) → 10
  return out;
}

/** Remainder mod 97 of a long decimal string, digit by digit (no bigint allocation per step). */
function mod97(digits: string): number {
  let rem = 0;
  for (let i = 0; i < digits.length; i++) rem = (rem * 10 + (digits.charCodeAt(i) - 48)) % 97;
  return rem;
}

function checkDigitsFor(prefix: ReferencePrefix, serialDigits: string): string {
  const check = 98 - mod97(lettersToDigits(prefix) + serialDigits + "00");
  return check.toString().padStart(2, "0");
}

function formatReference(prefix: ReferencePrefix, serial: bigint): string {
  if (typeof serial !== "bigint" || serial < 0n || serial >= SERIAL_LIMIT) {
    throw new RangeError(`A ${prefix} reference serial must be an integer from 0 to 10^16 - 1.`);
  }
  const serialDigits = serial.toString().padStart(REFERENCE_SERIAL_DIGITS, "0");
  return prefix + serialDigits + checkDigitsFor(prefix, serialDigits);
}

/**
 * Full-width forms typed with a Chinese input method (`ＰＡ０１…`, ideographic space) become ASCII (NFKC);
 * spaces, hyphens and lowercase are tolerated; anything else is a format error.
 */
function normalise(text: string): string {
  return text.normalize("NFKC").replace(/[\s-]+/g, "").toUpperCase();
}

function parseReference(prefix: ReferencePrefix, text: string): ParsedReference {
  const compact = normalise(text);
  const match = new RegExp(`^${prefix}(\\d{16})(\\d{2})$`).exec(compact);
  if (!match) return { ok: false, reason: "format" };
  const serialDigits = match[1]!;
  if (mod97(lettersToDigits(prefix) + serialDigits + match[2]!) !== 1) return { ok: false, reason: "checkDigits" };
  return { ok: true, serial: BigInt(serialDigits), reference: compact };
}

function findReference(prefix: ReferencePrefix, remittanceText: string): ReferenceSearch {
  // Prefix (not glued to a preceding ASCII letter/digit), then digits with optional spaces/hyphens between them.
  const [p0, p1] = prefix;
  const pattern = new RegExp(`(?<![A-Za-z0-9])${p0}[\\s-]*${p1}[\\s-]*(\\d(?:[\\s-]*\\d)*)`, "gi");
  const valid = new Map<string, bigint>();
  let firstInvalid: { reason: "format" | "checkDigits"; candidate: string } | undefined;
  for (const m of remittanceText.normalize("NFKC").matchAll(pattern)) {
    // The reference ends where a digit group (separated by spaces/hyphens) brings the count to exactly 18, so
    // text that continues with more numbers ("… 32 2026年") does not spoil it.
    const groups = m[1]!.split(/[\s-]+/);
    let digits = "";
    for (const group of groups) {
      digits += group;
      if (digits.length >= REFERENCE_SERIAL_DIGITS + 2) break;
    }
    if (digits.length < 12) continue; // too short to be a mistyped reference: ordinary text such as "PA 12"
    const candidate = prefix + digits;
    if (digits.length !== REFERENCE_SERIAL_DIGITS + 2) {
      firstInvalid ??= { reason: "format", candidate };
      continue;
    }
    const parsed = parseReference(prefix, candidate);
    if (parsed.ok) valid.set(parsed.reference, parsed.serial);
    else firstInvalid ??= { reason: parsed.reason, candidate };
  }
  if (valid.size === 1) {
    const [[reference, serial]] = [...valid];
    return { status: "found", serial: serial!, reference: reference! };
  }
  if (valid.size > 1) return { status: "ambiguous", references: [...valid.keys()] };
  if (firstInvalid) return { status: "invalid", ...firstInvalid };
  return { status: "absent" };
}

/** `PA` + 16-digit zero-padded serial + 2 check digits. Throws RangeError for a serial outside 0 … 10^16 − 1. */
export function formatPensionReference(serial: bigint): string {
  return formatReference("PA", serial);
}

/** Parses a member's pension account reference; spaces, hyphens and lowercase are tolerated. */
export function parsePensionReference(text: string): ParsedReference {
  return parseReference("PA", text);
}

/** Finds a member's pension account reference inside free remittance text (e.g. camt.054 `Ustrd`). */
export function findPensionReference(remittanceText: string): ReferenceSearch {
  return findReference("PA", remittanceText);
}

/** `PR` + 16-digit zero-padded serial + 2 check digits. Throws RangeError for a serial outside 0 … 10^16 − 1. */
export function formatPayrollReference(serial: bigint): string {
  return formatReference("PR", serial);
}

/** Parses an employer's payroll batch reference; spaces, hyphens and lowercase are tolerated. */
export function parsePayrollReference(text: string): ParsedReference {
  return parseReference("PR", text);
}

/** Finds an employer's payroll batch reference inside free remittance text. */
export function findPayrollReference(remittanceText: string): ReferenceSearch {
  return findReference("PR", remittanceText);
}
