/**
 * Employer payroll contribution files (企业年金缴费文件): one per employer, plan and month, CSV or JSON.
 *
 * CSV layout (UTF-8, optional BOM; `key,value` header rows, then a column row, then one row per employee):
 * ```
 * payrollReference,PR000020261100000174
 * planId,EA-PLAN-0001
 * period,2026-11
 * declaredTotalFen,139200
 * employer,91310000MA1FL0001X
 * residentId,wageBaseFen,employerFen,employeeFen
 * 11010519491231002X,1000000,80000,40000
 * ```
 * Chinese keys are accepted too (批次号, 计划编号, 所属期, 合计金额分, 单位; 身份证号, 缴费基数分, 单位缴费分,
 * 个人缴费分). Line numbers in errors are the file's physical lines (1-based).
 *
 * JSON layout: `{ payrollReference, planId, period, declaredTotalFen, employer, lines: [{ residentId, wageBaseFen,
 * employerFen, employeeFen }] }`; amounts as JSON integers or digit strings; the line number of `lines[i]` is i + 1.
 *
 * Rules (docs/domain.md): resident ID valid (GB 11643-1999); amounts integer fen, wage base > 0;
 * employer ≤ 8 % of the wage base (employer × 10000 ≤ wage × 800) and employer + employee ≤ 12 %
 * ((employer + employee) × 10000 ≤ wage × 1200); employer ≤ 5 × the file's average employer part
 * (employer × lines ≤ 5 × Σ employer: in `rejectWhole` mode over the lines whose amounts parse; in
 * `acceptGoodLines` mode over the lines that are accepted, re-checked after each drop until no line breaks it, so
 * the accepted lines meet the ledger's per-period check); each employee once per file;
 * enrolled in the plan when the caller gives `isEnrolled`; declared total = Σ (employer + employee) over all lines.
 * File-level problems (header, total, no lines) reject the file in both modes; line problems reject it whole in
 * `rejectWhole` mode, or drop just those lines in `acceptGoodLines` mode.
 *
 * Pure: no I/O. Errors and messages never contain resident ID numbers.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { parseResidentId } from "../../domain/residentId.js";
import { formatFen } from "../../domain/money.js";
import { LEDGER_MAX_AMOUNT_FEN } from "./amount.js";
import { parsePayrollReference } from "./pensionReference.js";

export type PayrollFileFormat = "csv" | "json";
export type PayrollFileMode = "rejectWhole" | "acceptGoodLines";

export interface PayrollFileHeader {
  /** Canonical `PR…` reference. */
  payrollReference: string;
  planId: string;
  /** `YYYY-MM`. */
  period: string;
  declaredTotalFen: bigint;
  /** Employer identifier (e.g. unified social credit code). */
  employer: string;
}

export interface PayrollLine {
  /** Physical line in a CSV file, or position (1-based) in the JSON `lines`. */
  line: number;
  /** Normalised resident ID (uppercase X). Personal data: do not log. */
  residentId: string;
  birthDate: string;
  wageBaseFen: bigint;
  employerFen: bigint;
  employeeFen: bigint;
}

export type PayrollErrorCode =
  | "HEADER_MISSING"
  | "HEADER_INVALID"
  | "COLUMNS_MISSING"
  | "NO_LINES"
  | "TOO_MANY_LINES"
  | "DECLARED_TOTAL_MISMATCH"
  | "FILE_UNREADABLE"
  | "RESIDENT_ID_INVALID"
  | "AMOUNT_INVALID"
  | "AMOUNT_TOO_LARGE"
  | "WAGE_BASE_NOT_POSITIVE"
  | "EMPLOYER_ABOVE_8_PERCENT"
  | "TOTAL_ABOVE_12_PERCENT"
  | "EMPLOYER_ABOVE_5X_AVERAGE"
  | "DUPLICATE_EMPLOYEE"
  | "NOT_ENROLLED";

export interface PayrollError {
  /** Line number (see {@link PayrollLine.line}); 0 for a problem with the file as a whole. */
  line: number;
  /** Field name (`residentId`, `employerFen`, `declaredTotalFen`, …). */
  field: string;
  code: PayrollErrorCode;
  zh: string;
  en: string;
}

export interface PayrollFileResult {
  /**
   * `accepted`: every line good; `partiallyAccepted`: bad lines dropped (acceptGoodLines mode);
   * `rejected`: nothing accepted.
   */
  status: "accepted" | "partiallyAccepted" | "rejected";
  /** Present when the header could be read. */
  header?: PayrollFileHeader;
  acceptedLines: PayrollLine[];
  /** Every problem found, file-level first, then by line. */
  errors: PayrollError[];
  totals: {
    lines: number;
    acceptedLines: number;
    rejectedLines: number;
    /** Σ (employer + employee) over all lines whose amounts parse. */
    computedTotalFen: bigint;
    /** Σ (employer + employee) over accepted lines: the amount the employer's bank transfer must match. */
    acceptedTotalFen: bigint;
    acceptedEmployerFen: bigint;
    acceptedEmployeeFen: bigint;
  };
}

export interface PayrollFileOptions {
  format: PayrollFileFormat;
  mode: PayrollFileMode;
  /** Whether this employee is enrolled in the file's plan; omitted → not checked here. */
  isEnrolled?: (residentId: string, planId: string) => boolean;
  /** "Today" for the resident ID birth-date check (default now). */
  today?: Date;
  /** Largest number of employee lines accepted (default 100,000). */
  maxLines?: number;
}

interface RawLine {
  line: number;
  cells: Record<"residentId" | "wageBaseFen" | "employerFen" | "employeeFen", unknown>;
}

interface RawFile {
  header: Record<string, { value: unknown; line: number }>;
  lines: RawLine[];
  errors: PayrollError[];
}

const HEADER_KEYS: Record<string, keyof PayrollFileHeader> = {
  payrollreference: "payrollReference",
  批次号: "payrollReference",
  planid: "planId",
  计划编号: "planId",
  period: "period",
  所属期: "period",
  declaredtotalfen: "declaredTotalFen",
  合计金额分: "declaredTotalFen",
  employer: "employer",
  单位: "employer",
};

const COLUMN_KEYS: Record<string, keyof RawLine["cells"]> = {
  residentid: "residentId",
  身份证号: "residentId",
  wagebasefen: "wageBaseFen",
  缴费基数分: "wageBaseFen",
  employerfen: "employerFen",
  单位缴费分: "employerFen",
  employeefen: "employeeFen",
  个人缴费分: "employeeFen",
};

const DEFAULT_MAX_LINES = 100_000;

function fileError(code: PayrollErrorCode, field: string, zh: string, en: string, line = 0): PayrollError {
  return { line, field, code, zh, en };
}

function readCsv(text: string): RawFile {
  const errors: PayrollError[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (cause) {
    const line = (cause as { lines?: number }).lines ?? 0;
    return {
      header: {},
      lines: [],
      errors: [fileError("FILE_UNREADABLE", "file", `CSV 文件第 ${line} 行无法解析（引号不匹配等）。`, `The CSV file cannot be read at line ${line} (unbalanced quotes or similar).`, line)],
    };
  }
  const header: RawFile["header"] = {};
  const lines: RawLine[] = [];
  let columns: (keyof RawLine["cells"] | undefined)[] | undefined;
  for (const { record, info } of records) {
    if (record.every((c) => c === "")) continue;
    if (!columns) {
      const mapped = record.map((c) => COLUMN_KEYS[c.toLowerCase()]);
      if (mapped.includes("residentId")) {
        columns = mapped;
        const missing = (["residentId", "wageBaseFen", "employerFen", "employeeFen"] as const).filter((k) => !mapped.includes(k));
        if (missing.length > 0) {
          errors.push(fileError("COLUMNS_MISSING", missing.join(","), `缺少列：${missing.join("、")}。`, `Missing columns: ${missing.join(", ")}.`, info.lines));
          return { header, lines, errors };
        }
        continue;
      }
      const key = HEADER_KEYS[(record[0] ?? "").toLowerCase()];
      if (key) header[key] = { value: record[1] ?? "", line: info.lines };
      else errors.push(fileError("HEADER_INVALID", record[0] ?? "", `第 ${info.lines} 行不是可识别的文件头字段，也不是列名行。`, `Line ${info.lines} is neither a known header field nor the column row.`, info.lines));
      continue;
    }
    const cells = { residentId: undefined, wageBaseFen: undefined, employerFen: undefined, employeeFen: undefined } as RawLine["cells"];
    columns.forEach((key, i) => {
      if (key) cells[key] = record[i];
    });
    lines.push({ line: info.lines, cells });
  }
  if (!columns) errors.push(fileError("COLUMNS_MISSING", "residentId", "未找到列名行（residentId,wageBaseFen,employerFen,employeeFen）。", "The column row (residentId,wageBaseFen,employerFen,employeeFen) was not found."));
  return { header, lines, errors };
}

/**
 * A JSON number written with a decimal point or an exponent (`100.0`, `1e2`): kept as its source text in this
 * wrapper, so it is refused like anything that is not integer fen — never read as 100 fen. The same rule as the
 * JSON API (gateway/api/jsonBody.ts), read the same way: the JSON.parse reviver's `context.source` (Node ≥ 22).
 */
class NonIntegerLiteral {
  constructor(readonly source: string) {}
}

function parseJsonKeepingNonIntegers(text: string): unknown {
  return JSON.parse(text, function (_key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === "number" && context?.source !== undefined && /[.eE]/.test(context.source)) return new NonIntegerLiteral(context.source);
    return value;
  } as (key: string, value: unknown) => unknown);
}

/** Why a value is not integer fen ≥ 0, for the line's reason. */
function amountProblem(field: string, value: unknown): { zh: string; en: string } {
  if (value instanceof NonIntegerLiteral) {
    return {
      zh: `${field} 应为以分为单位的非负整数，不接受带小数点或指数的写法 ${value.source}。`,
      en: `${field} must be a non-negative integer number of fen; ${value.source} (a decimal point or an exponent) is not allowed.`,
    };
  }
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (/^-\d+(\.\d+)?$/.test(text)) {
    return { zh: `${field} 为负数（${text}），应为以分为单位的非负整数。`, en: `${field} is negative (${text}); it must be a non-negative integer number of fen.` };
  }
  return { zh: `${field} 应为以分为单位的非负整数。`, en: `${field} must be a non-negative integer number of fen.` };
}

function readJson(text: string): RawFile {
  let doc: unknown;
  try {
    doc = parseJsonKeepingNonIntegers(text.replace(/^\uFEFF/, ""));
  } catch (cause) {
    return { header: {}, lines: [], errors: [fileError("FILE_UNREADABLE", "file", "JSON 文件无法解析。", `The JSON file cannot be read: ${(cause as Error).message}`)] };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return { header: {}, lines: [], errors: [fileError("FILE_UNREADABLE", "file", "JSON 文件顶层必须是对象。", "The JSON file must be an object at the top level.")] };
  }
  const obj = doc as Record<string, unknown>;
  const header: RawFile["header"] = {};
  for (const key of ["payrollReference", "planId", "period", "declaredTotalFen", "employer"] as const) {
    if (key in obj) header[key] = { value: obj[key], line: 0 };
  }
  const rawLines = Array.isArray(obj.lines) ? obj.lines : [];
  const errors: PayrollError[] = Array.isArray(obj.lines) ? [] : [fileError("COLUMNS_MISSING", "lines", "缺少 lines 数组。", "The `lines` array is missing.")];
  const lines = rawLines.map((l, i): RawLine => {
    const o = (typeof l === "object" && l !== null ? l : {}) as Record<string, unknown>;
    return { line: i + 1, cells: { residentId: o.residentId, wageBaseFen: o.wageBaseFen, employerFen: o.employerFen, employeeFen: o.employeeFen } };
  });
  return { header, lines, errors };
}

/** Integer fen ≥ 0 from a digit string or a safe JSON integer; undefined otherwise. */
function fen(value: unknown): bigint | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  // Read exactly up to 100 digits, so a too-large value is refused as AMOUNT_TOO_LARGE (above the ledger's uint64)
  // rather than as unreadable, and the declared total is still compared exactly.
  if (typeof value === "string" && /^\d{1,100}$/.test(value)) return BigInt(value);
  return undefined;
}

function readHeader(raw: RawFile["header"], errors: PayrollError[]): PayrollFileHeader | undefined {
  const problems: PayrollError[] = [];
  const text = (key: keyof PayrollFileHeader): string | undefined => {
    const v = raw[key]?.value;
    if (v === undefined) {
      problems.push(fileError("HEADER_MISSING", key, `文件头缺少 ${key}。`, `The header has no ${key}.`));
      return undefined;
    }
    return typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
  };
  const line = (key: keyof PayrollFileHeader) => raw[key]?.line ?? 0;
  const invalid = (key: keyof PayrollFileHeader, zh: string, en: string) => problems.push(fileError("HEADER_INVALID", key, zh, en, line(key)));

  const refText = text("payrollReference");
  const ref = refText === undefined ? undefined : parsePayrollReference(refText);
  if (ref && !ref.ok) {
    ref.reason === "checkDigits"
      ? invalid("payrollReference", "缴费批次号校验位错误。", "The payroll batch reference has wrong check digits.")
      : invalid("payrollReference", "缴费批次号格式错误（应为 PR 加 18 位数字）。", "The payroll batch reference is malformed (PR and 18 digits expected).");
  }
  const planId = text("planId");
  if (planId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(planId)) invalid("planId", "计划编号应为 1–64 位字母、数字、- 或 _。", "The plan id must be 1–64 letters, digits, - or _.");
  const period = text("period");
  if (period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) invalid("period", "所属期应为 YYYY-MM。", "The period must be YYYY-MM.");
  const totalRaw = raw.declaredTotalFen?.value;
  const total = totalRaw === undefined ? (text("declaredTotalFen"), undefined) : fen(typeof totalRaw === "string" ? totalRaw.trim() : totalRaw);
  if (totalRaw !== undefined && total === undefined) {
    const why = amountProblem("declaredTotalFen", totalRaw);
    invalid("declaredTotalFen", why.zh, why.en);
  }
  const employer = text("employer");
  if (employer !== undefined && (employer === "" || [...employer].length > 70)) invalid("employer", "单位标识应为 1–70 个字符。", "The employer must be 1–70 characters.");
  errors.push(...problems);
  if (problems.length > 0 || !ref?.ok || planId === undefined || period === undefined || total === undefined || employer === undefined) return undefined;
  return { payrollReference: ref.reference, planId, period, declaredTotalFen: total, employer };
}

/**
 * Parses and validates an employer payroll contribution file.
 * @param content the file as received (bytes are read as UTF-8)
 * @returns every accepted line and every problem with line number, field and reason; never throws for bad input
 */
export function parsePayrollFile(content: string | Uint8Array, options: PayrollFileOptions): PayrollFileResult {
  const text = typeof content === "string" ? content : new TextDecoder("utf-8").decode(content);
  const raw = options.format === "csv" ? readCsv(text) : readJson(text);
  const fileErrors: PayrollError[] = [...raw.errors];
  const unreadable = raw.errors.some((e) => e.code === "FILE_UNREADABLE");
  const header = unreadable ? undefined : readHeader(raw.header, fileErrors);
  const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
  if (raw.lines.length === 0 && raw.errors.length === 0) fileErrors.push(fileError("NO_LINES", "lines", "文件没有任何员工缴费行。", "The file has no employee lines."));
  if (raw.lines.length > maxLines) {
    fileErrors.push(fileError("TOO_MANY_LINES", "lines", `文件有 ${raw.lines.length} 行，超过上限 ${maxLines} 行。`, `The file has ${raw.lines.length} lines, above the limit of ${maxLines}.`));
  }

  // Pass 1: per-line checks that need only the line itself.
  interface Checked { raw: RawLine; errors: PayrollError[]; value?: PayrollLine }
  const today = options.today ?? new Date();
  const checked: Checked[] = [];
  let sumEmployer = 0n;
  let amountLines = 0n;
  let computedTotalFen = 0n;
  const firstLineOf = new Map<string, number>();
  for (const r of raw.lines) {
    const errors: PayrollError[] = [];
    const lineErr = (field: string, code: PayrollErrorCode, zh: string, en: string) => errors.push({ line: r.line, field, code, zh, en });
    const id = typeof r.cells.residentId === "string" ? parseResidentId(r.cells.residentId, today) : undefined;
    if (!id?.ok) {
      lineErr("residentId", "RESIDENT_ID_INVALID", id && !id.ok ? id.messageZh : "缺少居民身份证号码。", id && !id.ok ? id.message : "The resident ID number is missing.");
    }
    const wage = fen(r.cells.wageBaseFen);
    const employer = fen(r.cells.employerFen);
    const employee = fen(r.cells.employeeFen);
    for (const [field, v] of [["wageBaseFen", wage], ["employerFen", employer], ["employeeFen", employee]] as const) {
      if (v === undefined) {
        const why = amountProblem(field, r.cells[field]);
        lineErr(field, "AMOUNT_INVALID", why.zh, why.en);
      }
      else if (v > LEDGER_MAX_AMOUNT_FEN) {
        lineErr(field, "AMOUNT_TOO_LARGE", `${field} 超过账本可记录的单笔上限 ${formatFen(LEDGER_MAX_AMOUNT_FEN)}（${LEDGER_MAX_AMOUNT_FEN} 分）。`, `${field} is above the largest amount the ledger can record, ${formatFen(LEDGER_MAX_AMOUNT_FEN)} (${LEDGER_MAX_AMOUNT_FEN} fen).`);
      }
    }
    if (employer !== undefined && employee !== undefined) {
      computedTotalFen += employer + employee;
      sumEmployer += employer;
      amountLines++;
    }
    if (wage !== undefined && employer !== undefined && employee !== undefined) {
      if (wage === 0n) lineErr("wageBaseFen", "WAGE_BASE_NOT_POSITIVE", "缴费基数必须大于零。", "The wage base must be greater than zero.");
      else {
        if (employer * 10000n > wage * 800n) {
          lineErr("employerFen", "EMPLOYER_ABOVE_8_PERCENT", "单位缴费超过缴费基数的 8%。", "The employer part is above 8 % of the wage base.");
        }
        if ((employer + employee) * 10000n > wage * 1200n) {
          lineErr("employeeFen", "TOTAL_ABOVE_12_PERCENT", "单位与个人缴费合计超过缴费基数的 12%。", "Employer and employee parts together are above 12 % of the wage base.");
        }
      }
    }
    if (id?.ok) {
      const first = firstLineOf.get(id.value.id);
      if (first !== undefined) {
        lineErr("residentId", "DUPLICATE_EMPLOYEE", `同一员工在第 ${first} 行已出现，每名员工每个文件只能有一行。`, `The same employee is already on line ${first}; one line per employee per file.`);
      } else firstLineOf.set(id.value.id, r.line);
      if (header && options.isEnrolled && !options.isEnrolled(id.value.id, header.planId)) {
        lineErr("residentId", "NOT_ENROLLED", "该员工未加入本企业年金计划。", "This employee is not enrolled in the plan.");
      }
    }
    const value =
      id?.ok && wage !== undefined && employer !== undefined && employee !== undefined
        ? { line: r.line, residentId: id.value.id, birthDate: id.value.birthDate, wageBaseFen: wage, employerFen: employer, employeeFen: employee }
        : undefined;
    checked.push({ raw: r, errors, ...(value ? { value } : {}) });
  }

  // Pass 2: the 5 × average rule needs the whole file: employer × n ≤ 5 × Σ employer.
  const fiveTimes = (c: Checked, en: string, zh: string) =>
    c.errors.push({ line: c.raw.line, field: "employerFen", code: "EMPLOYER_ABOVE_5X_AVERAGE", zh, en });
  if (options.mode === "rejectWhole") {
    // Any line problem rejects the file: the average is the file's (over the lines whose amounts parse).
    for (const c of checked) {
      const employer = c.value?.employerFen ?? fen(c.raw.cells.employerFen);
      if (employer !== undefined && amountLines > 0n && employer * amountLines > 5n * sumEmployer) {
        fiveTimes(c, "The employer part is above 5 times the file's average employer part.", "单位缴费超过本文件人均单位缴费的 5 倍。");
      }
    }
  } else {
    // acceptGoodLines: the rule must hold over the lines that are accepted (the ledger checks it against their
    // average), so it is checked over the lines without other problems, again after each drop, until stable.
    let pool = checked.filter((c) => c.errors.length === 0 && c.value);
    for (;;) {
      const n = BigInt(pool.length);
      const sum = pool.reduce((s, c) => s + c.value!.employerFen, 0n);
      const over = pool.filter((c) => c.value!.employerFen * n > 5n * sum);
      if (over.length === 0) break;
      for (const c of over) {
        fiveTimes(c, "The employer part is above 5 times the average employer part of the file's accepted lines.", "单位缴费超过本文件可接受各行人均单位缴费的 5 倍。");
      }
      pool = pool.filter((c) => !over.includes(c));
    }
  }

  if (header && raw.lines.length > 0 && computedTotalFen !== header.declaredTotalFen && checked.every((c) => c.errors.every((e) => e.code !== "AMOUNT_INVALID"))) {
    fileErrors.push(
      fileError(
        "DECLARED_TOTAL_MISMATCH",
        "declaredTotalFen",
        `文件头合计 ${header.declaredTotalFen} 分与各行单位和个人缴费之和 ${computedTotalFen} 分不符。`,
        `The declared total of ${header.declaredTotalFen} fen differs from the sum of the lines' employer and employee parts, ${computedTotalFen} fen.`,
        raw.header.declaredTotalFen?.line ?? 0,
      ),
    );
  }

  const lineErrors = checked.flatMap((c) => c.errors);
  const good = checked.filter((c) => c.errors.length === 0 && c.value).map((c) => c.value!);
  const rejectAll = fileErrors.length > 0 || (lineErrors.length > 0 && options.mode === "rejectWhole") || good.length === 0;
  const acceptedLines = rejectAll ? [] : good;
  const status = rejectAll ? "rejected" : lineErrors.length > 0 ? "partiallyAccepted" : "accepted";
  let acceptedEmployerFen = 0n;
  let acceptedEmployeeFen = 0n;
  for (const l of acceptedLines) {
    acceptedEmployerFen += l.employerFen;
    acceptedEmployeeFen += l.employeeFen;
  }
  return {
    status,
    ...(header ? { header } : {}),
    acceptedLines,
    errors: [...fileErrors, ...lineErrors],
    totals: {
      lines: raw.lines.length,
      acceptedLines: acceptedLines.length,
      rejectedLines: raw.lines.length - acceptedLines.length,
      computedTotalFen,
      acceptedTotalFen: acceptedEmployerFen + acceptedEmployeeFen,
      acceptedEmployerFen,
      acceptedEmployeeFen,
    },
  };
}
