/**
 * The one error middleware: any error becomes `{ code, message, field?, details? }` with the catalog's status.
 * zod issues → VALIDATION_FAILED naming the field path; body parser failures → 400 / 413; anything unexpected →
 * 500 INTERNAL with no stack trace (logged with the request id, without personal data).
 */
import type { NextFunction, Request, Response } from "express";
import { ZodError } from "zod";
import { AppError, ERROR_CATALOG } from "../errors.js";

type Issue = ZodError["issues"][number] & Record<string, unknown>;

const TYPE_ZH: Record<string, string> = { string: "文本", number: "数字", boolean: "布尔值", object: "对象", array: "数组", int: "整数", bigint: "整数" };

/** One zod issue as a sentence a bank operator understands, Chinese first, naming the field. */
export function describeIssue(issue: Issue): { field: string; message: string } {
  let field = issue.path.map(String).join(".");
  const name = field || "body";
  switch (issue.code) {
    case "unrecognized_keys": {
      // A key is echoed back to name it, but a run of digits in it may be an ID or card number sent by mistake.
      const keys = ((issue.keys as string[] | undefined) ?? []).map((k) => k.slice(0, 64).replace(/[0-9]{6,}/g, (d) => "*".repeat(d.length)));
      const key = keys[0] ?? "?";
      field = field ? `${field}.${key}` : key;
      return { field, message: `不认识的字段 ${keys.join(", ")}，请删除 / Unrecognized key "${keys.join('", "')}": this request has no such field; remove it.` };
    }
    case "invalid_type": {
      const expected = String(issue.expected ?? "");
      if (/received undefined/.test(issue.message) || ("input" in issue && issue.input === undefined)) {
        return { field, message: `缺少字段 ${name} / ${name} is required` };
      }
      return { field, message: `${name} 类型错误，应为${TYPE_ZH[expected] ?? expected} / ${name} must be a${/^[aeiou]/.test(expected) ? "n" : ""} ${expected}` };
    }
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "string") return { field, message: `${name} 不能少于 ${min} 个字符 / ${name} must be at least ${min} character${min === "1" ? "" : "s"} long` };
      if (issue.origin === "array") return { field, message: `${name} 至少需要 ${min} 项 / ${name} must have at least ${min} item${min === "1" ? "" : "s"}` };
      return { field, message: `${name} 不能小于 ${min} / ${name} must be at least ${min}` };
    }
    case "too_big": {
      const max = String(issue.maximum);
      if (issue.origin === "string") return { field, message: `${name} 不能多于 ${max} 个字符 / ${name} must be at most ${max} characters long` };
      if (issue.origin === "array") return { field, message: `${name} 最多 ${max} 项 / ${name} must have at most ${max} items` };
      return { field, message: `${name} 不能大于 ${max} / ${name} must be at most ${max}` };
    }
    case "invalid_value": {
      const values = ((issue.values as unknown[] | undefined) ?? []).map(String);
      return { field, message: `${name} 必须是以下之一：${values.join("、")} / ${name} must be one of: ${values.join(", ")}` };
    }
    case "invalid_format": {
      const custom = /^Invalid/.test(issue.message) ? `${issue.format ?? "format"}` : issue.message;
      return { field, message: `${name} 格式不正确（${custom}）/ ${name} has an invalid format: ${custom}` };
    }
    default: {
      // Our own messages may come as "中文 / English".
      const [zh, en] = issue.message.includes(" / ") ? issue.message.split(" / ", 2) : ["无效", issue.message];
      return { field, message: `${name} ${zh} / ${name} ${en}` };
    }
  }
}

function fromZod(error: ZodError): AppError {
  const described = error.issues.slice(0, 20).map((i) => describeIssue(i as Issue));
  const first = described[0]!;
  return new AppError("VALIDATION_FAILED", first.message, {
    ...(first.field ? { field: first.field } : {}),
    details: { issues: described },
  });
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return fromZod(error);
  const e = error as { type?: string; status?: number; limit?: number };
  if (e?.type === "entity.too.large") {
    return new AppError("PAYLOAD_TOO_LARGE", `${ERROR_CATALOG.PAYLOAD_TOO_LARGE.en} The limit is ${e.limit} bytes.`, { details: { limitBytes: e.limit } });
  }
  if (e?.type === "entity.parse.failed") return new AppError("VALIDATION_FAILED", "The request body is not valid JSON.", { field: "body" });
  if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") return new AppError("UNSUPPORTED_MEDIA_TYPE", ERROR_CATALOG.UNSUPPORTED_MEDIA_TYPE.en);
  // The body parser's other client errors: a body that does not decompress as its Content-Encoding says
  // (zlib, brotli, zstd errors), an aborted upload, a length that does not match Content-Length.
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) {
    return new AppError(
      "VALIDATION_FAILED",
      "请求正文无法读取（与 Content-Encoding 或 Content-Length 不符）/ The request body could not be read: it does not match its Content-Encoding (e.g. not really gzip) or Content-Length.",
      { field: "body", details: { reason: "unreadable body" } },
    );
  }
  return new AppError("INTERNAL", ERROR_CATALOG.INTERNAL.en, { cause: error });
}

export function errorHandler(onInternal: (error: unknown, req: Request) => void) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    void next;
    const appError = toAppError(error);
    if (appError.code === "INTERNAL") onInternal(error, req);
    res.status(appError.status).json(appError.toBody());
  };
}

export function notFound(req: Request, res: Response, next: NextFunction): void {
  void res;
  next(new AppError("NOT_FOUND", `No route ${req.method} ${req.path}.`));
}
