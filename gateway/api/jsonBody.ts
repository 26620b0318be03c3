/**
 * The /v1 JSON body parser. Like express.json (size limit → 413, broken JSON → 400 naming the body), and
 * besides, each refused with 400 VALIDATION_FAILED naming the field:
 * - a number literal written with a decimal point or an exponent (`100.00`, `1e5`): amounts are integer fen and
 *   JSON.parse would silently turn `100.00` into 100 fen (the reviver's `context.source`, Node ≥ 22);
 * - a key that appears twice in one object: JSON.parse keeps the last one, so `{"amount":100.5,"amount":100}`
 *   would slip past the rule above;
 * - bytes that are not UTF-8 (they would be stored as U+FFFD for good), or a charset other than UTF-8;
 * - a body that is valid JSON but not an object or array (`null`, `"x"`, `123`).
 * An integer literal beyond 2^53 is kept exactly, as a bigint (amounts go up to the ledger's uint64).
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { AppError } from "../errors.js";

const FRACTION_SENTINEL = Symbol("fraction");
interface Offender {
  [FRACTION_SENTINEL]: string;
}

/** `100.00` read as yuan → "10000" fen, or undefined when it is not a plain amount of yuan with ≤ 2 decimals. */
function yuanToFen(source: string): string | undefined {
  const m = /^(-?)([0-9]+)(?:\.([0-9]{0,2}))?$/.exec(source);
  if (!m) return undefined;
  const fen = BigInt(m[2]!) * 100n + BigInt((m[3] ?? "").padEnd(2, "0") || "0");
  return `${m[1]}${fen}`;
}

function findOffender(value: unknown, path: string[]): { path: string[]; source: string } | undefined {
  if (value && typeof value === "object") {
    if (FRACTION_SENTINEL in (value as object)) return { path, source: (value as Offender)[FRACTION_SENTINEL] };
    for (const [k, v] of Object.entries(value)) {
      const found = findOffender(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Fields that hold money, by the last segment of their path: the hint for them says which fen to send. */
const AMOUNT_FIELD = /(amount|fen|wage|balance|total|contribution|income|deduction)[a-z]*$/i;

/** The error for a decimal or exponent number literal at `field`. */
export function fractionalNumberError(field: string, source: string): AppError {
  const isAmount = AMOUNT_FIELD.test(field.split(".").pop() ?? "");
  const fen = isAmount ? yuanToFen(source) : undefined;
  const exact = /^-?[0-9]+$/.test(String(Number(source))) && !/[.]/.test(source) ? BigInt(Number(source)).toString() : undefined;
  const hintEn = fen !== undefined && /\./.test(source)
    ? ` — send ${fen} for ¥${source.replace(/^-/, "")}`
    : exact !== undefined
      ? ` — write it as ${exact}`
      : "";
  const hintZh = fen !== undefined && /\./.test(source) ? `；¥${source.replace(/^-/, "")} 请发送 ${fen}` : exact !== undefined ? `；请写成 ${exact}` : "";
  const what = isAmount
    ? { zh: "必须是以分为单位的整数", en: "must be an integer number of fen (分)" }
    : { zh: "必须是整数", en: "must be an integer" };
  return new AppError(
    "VALIDATION_FAILED",
    `${field} ${what.zh}，不接受 ${source}${hintZh} / ${field} ${what.en}; ${source} is not allowed${hintEn}`,
    { field, details: { reason: "decimal or exponent number literal", value: source, ...(fen !== undefined && /\./.test(source) ? { suggestedFen: fen } : {}) } },
  );
}

/**
 * The dotted path of the first key that appears twice in one object of `text` (already valid JSON), or
 * undefined. A single pass over the text: strings are skipped with their escapes, keys compared unescaped.
 */
export function findDuplicateKey(text: string): string | undefined {
  // One frame per open object (its keys so far, the current one) or array (the current element's index).
  const stack: ({ keys: Set<string>; key?: string } | { index: number })[] = [];
  const pathOf = (key: string) =>
    [...stack.slice(0, -1).map((frame) => ("keys" in frame ? frame.key : String(frame.index))).filter((k) => k !== undefined), key].join(".");
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === "{") stack.push({ keys: new Set() });
    else if (c === "[") stack.push({ index: 0 });
    else if (c === "}" || c === "]") stack.pop();
    else if (c === "," && top && "index" in top) top.index++;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      if (top && "keys" in top && text[k] === ":") {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return pathOf(key);
        top.keys.add(key);
        top.key = key;
      }
      i = j;
    }
  }
  return undefined;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Parses JSON text, refusing decimal/exponent number literals and duplicate keys (AppError naming the field's dotted path). */
export function parseJsonStrictIntegers(text: string): unknown {
  let offended = false;
  const parsed: unknown = JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === "number" && context?.source !== undefined) {
      if (/[.eE]/.test(context.source)) {
        offended = true;
        return { [FRACTION_SENTINEL]: context.source } satisfies Offender;
      }
      // An integer beyond 2^53 has lost digits as a number: keep it exactly (amounts reach 2^64 − 1 fen).
      const exact = BigInt(context.source);
      if (exact > MAX_SAFE || exact < -MAX_SAFE) return exact;
    }
    return value;
  } as (key: string, value: unknown) => unknown);
  if (offended) {
    const found = findOffender(parsed, []);
    if (found) throw fractionalNumberError(found.path.join(".") || "body", found.source);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new AppError("VALIDATION_FAILED", `字段 ${duplicate} 出现了两次 / ${duplicate} appears twice in the same object; send each field once.`, {
      field: duplicate,
      details: { reason: "duplicate key" },
    });
  }
  return parsed;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const notJson = () => new AppError("VALIDATION_FAILED", "请求正文不是有效的 JSON / The request body is not valid JSON.", { field: "body" });

export function jsonBody(limitBytes: number) {
  const raw = express.raw({ type: "application/json", limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction): void => {
    // Already read by an earlier parser (bank XML, payroll files as text): leave it alone.
    if (req.body !== undefined) return next();
    raw(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (!Buffer.isBuffer(req.body) || !req.is("application/json")) return next();
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get("content-type") ?? "")?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
        return next(new AppError("UNSUPPORTED_MEDIA_TYPE", `JSON 请求正文必须是 UTF-8 编码，收到 charset=${charset} / A JSON body must be UTF-8; charset=${charset} is not accepted.`, { field: "body", details: { charset } }));
      }
      let body: string;
      try {
        body = utf8.decode(req.body);
      } catch {
        return next(new AppError("VALIDATION_FAILED", "请求正文含有非 UTF-8 字节 / The request body has bytes that are not valid UTF-8; send the JSON as UTF-8.", { field: "body", details: { reason: "invalid UTF-8" } }));
      }
      if (body.trim() === "") {
        req.body = {};
        return next();
      }
      let parsed: unknown;
      try {
        parsed = parseJsonStrictIntegers(body);
      } catch (e) {
        if (e instanceof AppError) return next(e);
        return next(notJson());
      }
      if (parsed === null || typeof parsed !== "object") {
        return next(new AppError("VALIDATION_FAILED", "请求正文必须是 JSON 对象 / The request body must be a JSON object (or an array where the operation takes one), not a bare value.", { field: "body", details: { reason: "not an object" } }));
      }
      req.body = parsed;
      next();
    });
  };
}
