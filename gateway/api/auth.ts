/**
 * Bearer-token authentication: one credential per institution, looked up by the token's SHA-256.
 * The scheme name is case-insensitive (RFC 7235: `bearer`, `BEARER`). Unauthenticated → 401 UNAUTHENTICATED.
 */
import type { NextFunction, Request, Response } from "express";
import { AppError, ERROR_CATALOG } from "../errors.js";
import type { Caller } from "../services/context.js";
import type { CredentialRepository } from "../store/credentials.js";

export function authenticate(credentials: CredentialRepository) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get("Authorization") ?? "";
    const match = /^Bearer +([A-Za-z0-9_\-.~+/=]{16,200}) *$/i.exec(header);
    const credential = match ? credentials.authenticate(match[1]!) : undefined;
    if (!credential) {
      res.set("WWW-Authenticate", 'Bearer realm="pension-ledger"');
      next(new AppError("UNAUTHENTICATED", ERROR_CATALOG.UNAUTHENTICATED.en));
      return;
    }
    const caller: Caller = { institution: credential.institution, role: credential.role };
    res.locals.caller = caller;
    next();
  };
}
