/**
 * One declarative route: method, path, roles, zod schemas, and one service call. The same definition is
 * mounted on express and registered in the OpenAPI document, so the two cannot drift apart.
 */
import { createHash } from "node:crypto";
import type { Request, Response, Router } from "express";
import { z } from "zod";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { AppError, ERROR_CATALOG } from "../errors.js";
import type { Caller } from "../services/context.js";
import type { Institution } from "../store/credentials.js";
import { canonicalJson } from "../store/json.js";
import { ErrorBody } from "./schemas.js";

export interface HandlerInput<P, Q, B> {
  caller: Caller;
  params: P;
  query: Q;
  body: B;
}

export interface HandlerResult {
  status: number;
  body: unknown;
  /** Send `body` (a string) as this media type instead of JSON, e.g. `text/csv; charset=utf-8`. */
  contentType?: string;
}

export interface RouteDefinition<P = any, Q = any, B = any> {
  operationId: string;
  method: "get" | "post" | "delete";
  /** Express style: `/v1/accounts/:accountId`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  roles: readonly Institution[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** A write: accepts `Idempotency-Key`. */
  idempotent?: boolean;
  /** Media types besides application/json the body may come in; the app reads them as text (e.g. `text/csv`). */
  textMediaTypes?: readonly string[];
  /** The body as the OpenAPI document declares it, by media type (default: application/json with `body`'s schema). */
  bodyContent?: Readonly<Record<string, z.ZodType>>;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handle(input: HandlerInput<P, Q, B>): Promise<HandlerResult> | HandlerResult;
}

export function defineRoute<P, Q, B>(route: RouteDefinition<P, Q, B>): RouteDefinition<P, Q, B> {
  return route;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw result.error;
}

export function mountRoute(router: Router, route: RouteDefinition): void {
  router[route.method](route.path, async (req: Request, res: Response) => {
    const caller = res.locals.caller as Caller;
    if (!route.roles.includes(caller.institution)) {
      throw new AppError("FORBIDDEN_FOR_ROLE", `${ERROR_CATALOG.FORBIDDEN_FOR_ROLE.en} (${route.operationId} needs ${route.roles.join(" or ")}).`, {
        details: { operationId: route.operationId, role: caller.role, allowedInstitutions: [...route.roles] },
      });
    }
    if (route.body && !req.is("application/json") && !(route.textMediaTypes && req.is([...route.textMediaTypes]))) {
      // Name the media types this route takes (its declared body content), not always JSON.
      const accepted = Object.keys(route.bodyContent ?? { "application/json": true });
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Send the request body as ${accepted.join(" or ")}.`, { details: { accepted } });
    }
    const params = parse(route.params, req.params);
    const query = parse(route.query, req.query);
    const body = parse(route.body, req.body);
    let idempotentCaller = caller;
    const key = req.get("Idempotency-Key");
    if (key !== undefined && route.idempotent) {
      if (!IDEMPOTENCY_KEY.test(key)) {
        throw new AppError("VALIDATION_FAILED", "Idempotency-Key must be 1 to 255 visible ASCII characters.", { field: "Idempotency-Key" });
      }
      const requestHash = createHash("sha256").update(canonicalJson({ operation: route.operationId, params: req.params, body: req.body ?? null })).digest("hex");
      idempotentCaller = { ...caller, idempotency: { key, requestHash } };
    }
    const result = await route.handle({ caller: idempotentCaller, params, query, body });
    if (result.contentType) res.status(result.status).type(result.contentType).send(result.body);
    else res.status(result.status).json(result.body);
  });
}

export function registerRoute(registry: OpenAPIRegistry, route: RouteDefinition): void {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = r.schema ? { description: r.description, content: { "application/json": { schema: r.schema } } } : { description: r.description };
  }
  for (const [status, description] of [
    [401, "Missing or invalid credential (UNAUTHENTICATED)."],
    [403, `Role not allowed (FORBIDDEN_FOR_ROLE). Allowed: ${route.roles.join(", ")}.`],
    [429, "Too many requests for this credential (RATE_LIMITED)."],
  ] as const) {
    responses[status] ??= { description, content: { "application/json": { schema: ErrorBody } } };
  }
  if (route.params || route.body || route.query) responses[400] ??= { description: "VALIDATION_FAILED (naming the field) or RESIDENT_ID_INVALID (naming the check).", content: { "application/json": { schema: ErrorBody } } };
  registry.registerPath({
    operationId: route.operationId,
    method: route.method,
    path: route.path.replace(/:([A-Za-z]+)/g, "{$1}"),
    summary: route.summary,
    description: `${route.description ?? ""}\n\nAllowed institutions: ${route.roles.join(", ")}.`.trim(),
    tags: route.tags,
    security: [{ bearerAuth: [] }],
    request: {
      ...(route.params ? { params: route.params as any } : {}),
      ...(route.query ? { query: route.query as any } : {}),
      ...(route.idempotent
        ? { headers: z.object({ "Idempotency-Key": z.string().max(255).optional().openapi({ description: "Same key + same body → the first result; different body → 409 IDEMPOTENCY_KEY_REUSED." }) }) }
        : {}),
      ...(route.body
        ? { body: { content: Object.fromEntries(Object.entries(route.bodyContent ?? { "application/json": route.body }).map(([t, schema]) => [t, { schema }])), required: true } }
        : {}),
    },
    responses: responses as any,
  });
}
