/**
 * The one error middleware: any error becomes `{ code, message, field?, details? }` with the catalog's status.
 * zod issues → VALIDATION_FAILED naming the field path; body parser failures → 400 / 413; anything unexpected →
 * 500 INTERNAL with no stack trace (logged with the request id, without personal data).
 */
import type { NextFunction, Request, Response } from "express";
import { ZodError } from "zod";
import { AppError, ERROR_CATALOG } from "../errors.js";

function fromZod(error: ZodError): AppError {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join(".");
  const message = field ? `${field}: ${issue.message}` : issue.message;
  return new AppError("VALIDATION_FAILED", message, {
    ...(field ? { field } : {}),
    details: { issues: error.issues.slice(0, 20).map((i) => ({ field: i.path.map(String).join("."), message: i.message })) },
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
