/**
 * The social-security bureau's eligibility notifications: the record format, its parsers (JSON and CSV) and the
 * evidence hash that goes on chain. The format is specified in docs/social-security-notifications.md; keep the
 * two in step.
 *
 * Pure: no I/O. Each record is validated on its own, so a bad record never stops the batch, and every error names
 * the line and the field but never contains the record's personal data (ID number, name) or its values.
 */
import { createHash } from "node:crypto";
import { parse as parseCsv } from "csv-parse/sync";
import { AppError } from "../../errors.js";
import { isRealCalendarDate, shanghaiDate, type IsoDate } from "../../domain/calendar.js";
import { QUALIFYING_EVENTS, type QualifyingEventName } from "../../domain/ledgerTypes.js";
import { parseResidentId, type Gender } from "../../domain/residentId.js";

/** One certified event, as the bureau sends it (after validation and normalisation). */
export interface SocialSecurityNotification {
  /** The member's resident ID number, normalised (uppercase X). Personal data: never logged, never on chain. */
  residentId: string;
  eventType: QualifyingEventName;
  /** The day the event took effect, `YYYY-MM-DD`, not after the day of receipt (Asia/Shanghai). */
  effectiveDate: IsoDate;
  /** The bureau's certificate number, unique per certificate. */
  certificateNumber: string;
  /** The issuing social-security office (code or name). */
  issuingOffice: string;
  /** Required for retirement; must match the ID number. */
  gender?: Gender;
  /** Required for the retirement of a woman: her original statutory age, 50 or 55. */
  originalRetirementAge?: 50 | 55;
  /** Set when this record corrects an earlier one: the earlier attestation is revoked, this one recorded. */
  correctsCertificateNumber?: string;
  /** The member's name as the bureau has it. Personal data: optional, not part of the evidence hash. */
  memberName?: string;
}

/** The record fields, in the order they are validated (and the CSV's recommended column order). */
export const NOTIFICATION_FIELDS = [
  "residentId",
  "eventType",
  "effectiveDate",
  "certificateNumber",
  "issuingOffice",
  "gender",
  "originalRetirementAge",
  "correctsCertificateNumber",
  "memberName",
] as const;
export type NotificationField = (typeof NOTIFICATION_FIELDS)[number];

/** Fields every record must have (the CSV header must name them). */
export const REQUIRED_NOTIFICATION_FIELDS: readonly NotificationField[] = [
  "residentId",
  "eventType",
  "effectiveDate",
  "certificateNumber",
  "issuingOffice",
];

/** The most records one file or request may hold. */
export const MAX_NOTIFICATIONS_PER_BATCH = 100_000;

const MAX_REFERENCE_LENGTH = 64;
const MAX_TEXT_LENGTH = 100;

/**
 * The outcome for one record. `line` is the record's line in a CSV file (the header is line 1) or its 1-based
 * position in a JSON array (1 for a single object).
 */
export type NotificationParseResult =
  | { ok: true; line: number; record: SocialSecurityNotification }
  | { ok: false; line: number; field: NotificationField | "record"; reason: string };

export interface NotificationParseOptions {
  /** The moment of receipt; effective dates may not be after its Asia/Shanghai date. Default now. */
  today?: Date;
}

type Failure = { field: NotificationField | "record"; reason: string };
type RawRecord = Record<string, unknown>;

/**
 * Validates one raw record (an object of field → value; CSV cells are strings, an empty cell counts as absent).
 * The first failing field is reported.
 */
export function validateNotification(
  raw: unknown,
  options: NotificationParseOptions = {},
): { ok: true; record: SocialSecurityNotification } | ({ ok: false } & Failure) {
  const result = validate(raw, shanghaiDate(options.today ?? new Date()));
  return "field" in result ? { ok: false, ...result } : { ok: true, record: result };
}

function validate(raw: unknown, today: IsoDate): SocialSecurityNotification | Failure {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { field: "record", reason: "a notification must be an object of named fields" };
  }
  const input = raw as RawRecord;
  for (const key of Object.keys(input)) {
    if (!(NOTIFICATION_FIELDS as readonly string[]).includes(key)) {
      const name = JSON.stringify(key.slice(0, 40));
      return { field: "record", reason: `unknown field ${name} (allowed: ${NOTIFICATION_FIELDS.join(", ")})` };
    }
  }
  const present = (field: NotificationField): boolean => {
    const value = input[field];
    return value !== undefined && value !== null && (typeof value !== "string" || value.trim() !== "");
  };
  for (const field of REQUIRED_NOTIFICATION_FIELDS) {
    if (!present(field)) return { field, reason: "required" };
  }
  for (const field of NOTIFICATION_FIELDS) {
    const value = input[field];
    const numeric = field === "originalRetirementAge" && typeof value === "number";
    if (present(field) && typeof value !== "string" && !numeric) return { field, reason: "must be a string" };
  }
  const text = (field: NotificationField): string | undefined => (present(field) ? String(input[field]).trim() : undefined);

  const id = parseResidentId(text("residentId") as string, new Date(`${today}T12:00:00+08:00`));
  if (!id.ok) return { field: "residentId", reason: `${id.message} (${id.check})` };

  const eventType = text("eventType") as string;
  if (!(QUALIFYING_EVENTS as readonly string[]).includes(eventType)) {
    return { field: "eventType", reason: `unknown event type (expected one of: ${QUALIFYING_EVENTS.join(", ")})` };
  }

  const effectiveDate = text("effectiveDate") as string;
  if (!isRealCalendarDate(effectiveDate)) return { field: "effectiveDate", reason: "must be a real date YYYY-MM-DD" };
  if (effectiveDate > today) return { field: "effectiveDate", reason: "is in the future (Asia/Shanghai)" };
  if (effectiveDate < id.value.birthDate) return { field: "effectiveDate", reason: "is before the member's birth date" };

  const certificateNumber = text("certificateNumber") as string;
  const badCertificate = referenceProblem(certificateNumber);
  if (badCertificate !== undefined) return { field: "certificateNumber", reason: badCertificate };

  const issuingOffice = text("issuingOffice") as string;
  const badOffice = textProblem(issuingOffice);
  if (badOffice !== undefined) return { field: "issuingOffice", reason: badOffice };

  const genderText = text("gender");
  let gender: Gender | undefined;
  if (genderText !== undefined) {
    if (genderText !== "male" && genderText !== "female") return { field: "gender", reason: "must be male or female" };
    if (genderText !== id.value.gender) return { field: "gender", reason: "does not match the resident ID number" };
    gender = genderText;
  } else if (eventType === "retirement") {
    return { field: "gender", reason: "required for retirement" };
  }

  const originalText = text("originalRetirementAge");
  let originalRetirementAge: 50 | 55 | undefined;
  if (originalText !== undefined) {
    if (originalText !== "50" && originalText !== "55") return { field: "originalRetirementAge", reason: "must be 50 or 55" };
    if (id.value.gender !== "female") return { field: "originalRetirementAge", reason: "applies to women only" };
    originalRetirementAge = originalText === "50" ? 50 : 55;
  } else if (eventType === "retirement" && id.value.gender === "female") {
    return { field: "originalRetirementAge", reason: "required for the retirement of a woman (50 or 55)" };
  }

  const corrects = text("correctsCertificateNumber");
  if (corrects !== undefined) {
    const bad = referenceProblem(corrects);
    if (bad !== undefined) return { field: "correctsCertificateNumber", reason: bad };
    if (corrects === certificateNumber) {
      return { field: "correctsCertificateNumber", reason: "must differ from the record's own certificate number" };
    }
  }

  const memberName = text("memberName");
  if (memberName !== undefined) {
    const bad = textProblem(memberName);
    if (bad !== undefined) return { field: "memberName", reason: bad };
  }

  return {
    residentId: id.value.id,
    eventType: eventType as QualifyingEventName,
    effectiveDate,
    certificateNumber,
    issuingOffice,
    ...(gender === undefined ? {} : { gender }),
    ...(originalRetirementAge === undefined ? {} : { originalRetirementAge }),
    ...(corrects === undefined ? {} : { correctsCertificateNumber: corrects }),
    ...(memberName === undefined ? {} : { memberName }),
  };
}

/** Certificate numbers: 1–64 letters, digits and `-_/.()`, or CJK characters (offices prefix them, 京社退字). */
function referenceProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > MAX_REFERENCE_LENGTH) return `must be 1 to ${MAX_REFERENCE_LENGTH} characters`;
  if (!/^[\p{Script=Han}A-Za-z0-9\-_/.()（）〔〕]+$/u.test(value)) {
    return "may contain only letters, digits, Chinese characters and - _ / . ( )";
  }
  return undefined;
}

function textProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > MAX_TEXT_LENGTH) return `must be 1 to ${MAX_TEXT_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return "must not contain control characters";
  return undefined;
}

function fileError(reason: string): AppError {
  return new AppError("VALIDATION_FAILED", `The notification file is invalid: ${reason}.`, {
    field: "file",
    details: { reason },
  });
}

/**
 * Decodes a notification file's bytes as UTF-8, strictly: a file in another encoding (GBK, Latin-1…) is refused
 * whole rather than read as replacement characters whose hash would go on chain. A byte-order mark is dropped.
 * @throws AppError `VALIDATION_FAILED` (field `file`) for bytes that are not UTF-8
 */
export function decodeNotificationFile(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw fileError("not UTF-8 (GBK and other encodings are not accepted: convert the file to UTF-8 first)");
  }
}

/**
 * Parses notifications that arrived as JSON: one object (a single notification over HTTP) or an array of objects
 * (a batch). `line` is the position in the array, from 1.
 * @param value the parsed JSON body
 * @throws AppError `VALIDATION_FAILED` (field `file`) if it is neither an object nor an array, an empty array, or
 *   longer than {@link MAX_NOTIFICATIONS_PER_BATCH}
 */
export function parseNotificationsJson(value: unknown, options: NotificationParseOptions = {}): NotificationParseResult[] {
  const items = Array.isArray(value) ? value : typeof value === "object" && value !== null ? [value] : undefined;
  if (items === undefined) throw fileError("expected a notification object or an array of them");
  if (items.length === 0) throw fileError("the array holds no notifications");
  if (items.length > MAX_NOTIFICATIONS_PER_BATCH) throw fileError(`more than ${MAX_NOTIFICATIONS_PER_BATCH} notifications`);
  const today = options.today ?? new Date();
  return items.map((item, i) => withLine(i + 1, validateNotification(item, { today })));
}

/**
 * Parses a JSON batch file's text (UTF-8, an optional byte-order mark is ignored); see {@link parseNotificationsJson}.
 * @throws AppError `VALIDATION_FAILED` (field `file`) if the text is not JSON
 */
export function parseNotificationsJsonFile(text: string, options: NotificationParseOptions = {}): NotificationParseResult[] {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw fileError("not valid JSON");
  }
  return parseNotificationsJson(value, options);
}

/**
 * Parses a CSV batch file (UTF-8, optional byte-order mark; comma-separated; RFC 4180 quoting; a header row naming
 * the columns, in any order, with every required field; one record per line — quoted cells may hold commas and
 * doubled quotes but not line breaks, so that a broken line never takes the next ones with it). Blank lines are
 * skipped. `line` is the line number in the file, the header being line 1.
 * @throws AppError `VALIDATION_FAILED` (field `file`) for an empty file, a bad header (unknown, duplicate or missing
 *   required column), no records, or more than {@link MAX_NOTIFICATIONS_PER_BATCH} records
 */
export function parseNotificationsCsv(text: string, options: NotificationParseOptions = {}): NotificationParseResult[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((l) => l.trim() !== "");
  if (headerIndex < 0) throw fileError("the file is empty");
  const header = parseCsvLine(lines[headerIndex]);
  if (header === undefined) throw fileError("the header row is not valid CSV");
  const columns = header.map((h) => h.trim());
  for (const column of columns) {
    if (!(NOTIFICATION_FIELDS as readonly string[]).includes(column)) {
      throw fileError(`unknown column in the header (allowed: ${NOTIFICATION_FIELDS.join(", ")})`);
    }
  }
  if (new Set(columns).size !== columns.length) throw fileError("a column appears twice in the header");
  for (const required of REQUIRED_NOTIFICATION_FIELDS) {
    if (!columns.includes(required)) throw fileError(`the header lacks the required column ${required}`);
  }

  const today = options.today ?? new Date();
  const results: NotificationParseResult[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    if (results.length === MAX_NOTIFICATIONS_PER_BATCH) throw fileError(`more than ${MAX_NOTIFICATIONS_PER_BATCH} notifications`);
    const line = i + 1;
    const cells = parseCsvLine(lines[i]);
    if (cells === undefined) {
      results.push({ ok: false, line, field: "record", reason: "not valid CSV (check the quotes)" });
    } else if (cells.length !== columns.length) {
      results.push({ ok: false, line, field: "record", reason: `has ${cells.length} cells, the header has ${columns.length}` });
    } else {
      const raw: RawRecord = {};
      columns.forEach((column, c) => {
        raw[column] = cells[c];
      });
      results.push(withLine(line, validateNotification(raw, { today })));
    }
  }
  if (results.length === 0) throw fileError("the file holds no notifications");
  return results;
}

function parseCsvLine(line: string): string[] | undefined {
  try {
    const rows = parseCsv(line, { relax_column_count: true }) as string[][];
    return rows.length === 1 ? rows[0] : undefined;
  } catch {
    return undefined;
  }
}

function withLine(
  line: number,
  r: { ok: true; record: SocialSecurityNotification } | ({ ok: false } & Failure),
): NotificationParseResult {
  return r.ok ? { ok: true, line, record: r.record } : { ok: false, line, field: r.field, reason: r.reason };
}

/**
 * The canonical JSON of a notification, the input of {@link evidenceHash}: the fields of the record except
 * `memberName`, with the resident ID number replaced by the member's pseudonym (`member`, the bytes32 the chain
 * already knows the member by: no hash of an ID number goes on chain, and without the gateway's pseudonym key nobody
 * can test guesses of one), absent optional fields left out, keys in ASCII order, no whitespace,
 * `originalRetirementAge` a number, every other value a string, UTF-8. Two deliveries of the same certificate give
 * the same text however they were formatted (JSON or CSV, key order, spacing, a lowercase x).
 */
export function canonicalNotificationJson(record: SocialSecurityNotification, member: string): string {
  if (!/^0x[0-9a-f]{64}$/.test(member)) throw new TypeError("member must be the pseudonym as lowercase 0x-prefixed bytes32 hex");
  const fields: Record<string, string | number> = {
    certificateNumber: record.certificateNumber,
    effectiveDate: record.effectiveDate,
    eventType: record.eventType,
    issuingOffice: record.issuingOffice,
    member,
  };
  if (record.gender !== undefined) fields.gender = record.gender;
  if (record.originalRetirementAge !== undefined) fields.originalRetirementAge = record.originalRetirementAge;
  if (record.correctsCertificateNumber !== undefined) fields.correctsCertificateNumber = record.correctsCertificateNumber;
  const keys = Object.keys(fields).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(fields[k])}`).join(",")}}`;
}

/**
 * The evidence hash recorded on chain with the attestation (`recordEligibility(…, evidenceHash)`):
 * SHA-256 of {@link canonicalNotificationJson}, as a 0x-prefixed 64-digit lowercase hex bytes32.
 * The same record delivered again gives the same hash, which is how a repeat is recognised.
 */
export function evidenceHash(record: SocialSecurityNotification, member: string): string {
  return `0x${createHash("sha256").update(canonicalNotificationJson(record, member), "utf8").digest("hex")}`;
}
