/**
 * The /v1 JSON body parser. Like express.json (size limit → 413, broken JSON → 400 naming the body), and
 * besides: a number literal written with a decimal point or an exponent (`100.00`, `1e5`) is refused with
 * 400 VALIDATION_FAILED naming the field, because amounts are integer fen and JSON.parse would silently turn
 * `100.00` into 100 fen. Uses the JSON.parse reviver's `context.source` (Node ≥ 22).
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

/** The error for a decimal or exponent number literal at `field`. */
export function fractionalNumberError(field: string, source: string): AppError {
  const fen = yuanToFen(source);
  const exact = /^-?[0-9]+$/.test(String(Number(source))) && !/[.]/.test(source) ? BigInt(Number(source)).toString() : undefined;
  const hintEn = fen !== undefined && /\./.test(source)
    ? ` — send ${fen} for ¥${source.replace(/^-/, "")}`
    : exact !== undefined
      ? ` — write it as ${exact}`
      : "";
  const hintZh = fen !== undefined && /\./.test(source) ? `；¥${source.replace(/^-/, "")} 请发送 ${fen}` : exact !== undefined ? `；请写成 ${exact}` : "";
  return new AppError(
    "VALIDATION_FAILED",
    `${field} 必须是以分为单位的整数，不接受 ${source}${hintZh} / ${field} must be an integer number of fen (分); ${source} is not allowed${hintEn}`,
    { field, details: { reason: "decimal or exponent number literal", value: source, ...(fen !== undefined && /\./.test(source) ? { suggestedFen: fen } : {}) } },
  );
}

/** Parses JSON text, refusing decimal/exponent number literals (AppError naming the field's dotted path). */
export function parseJsonStrictIntegers(text: string): unknown {
  let offended = false;
  const parsed: unknown = JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === "number" && context?.source !== undefined && /[.eE]/.test(context.source)) {
      offended = true;
      return { [FRACTION_SENTINEL]: context.source } satisfies Offender;
    }
    return value;
  } as (key: string, value: unknown) => unknown);
  if (offended) {
    const found = findOffender(parsed, []);
    if (found) throw fractionalNumberError(found.path.join(".") || "body", found.source);
  }
  return parsed;
}

export function jsonBody(limitBytes: number) {
  const text = express.text({ type: "application/json", limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction): void => {
    // Already read by an earlier parser (bank XML, payroll files as text): leave it alone.
    if (req.body !== undefined) return next();
    text(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (typeof req.body !== "string" || !req.is("application/json")) return next();
      const body = req.body;
      if (body.trim() === "") {
        req.body = {};
        return next();
      }
      const first = body.trimStart()[0];
      if (first !== "{" && first !== "[") {
        return next(new AppError("VALIDATION_FAILED", "请求正文不是有效的 JSON / The request body is not valid JSON.", { field: "body" }));
      }
      try {
        req.body = parseJsonStrictIntegers(body);
      } catch (e) {
        if (e instanceof AppError) return next(e);
        return next(new AppError("VALIDATION_FAILED", "请求正文不是有效的 JSON / The request body is not valid JSON.", { field: "body" }));
      }
      next();
    });
  };
}
