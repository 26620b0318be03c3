/**
 * Builds the express app from injected dependencies (no listening here: see index.ts).
 * Order: request id + logs + metrics → security headers → public endpoints (/healthz, /metrics, /openapi.json,
 * /docs) → bearer auth → per-credential rate limit → JSON body (size limit) → /v1 routes → one error handler.
 */
import { randomUUID } from "node:crypto";
import express, { type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { authenticate } from "./api/auth.js";
import { jsonBody } from "./api/jsonBody.js";
import { DOCS_HTML, DOCS_SCRIPT } from "./api/docs.js";
import { errorHandler, notFound } from "./api/errorHandler.js";
import type { GatewayMetrics } from "./api/metrics.js";
import { buildOpenApiDocument } from "./api/openapi.js";
import { mountRoute } from "./api/route.js";
import { apiRoutes } from "./api/routes/index.js";
import { auditRoutes } from "./api/routes/audit.js";
import { bankBodyParsers } from "./api/routes/bank.js";
import { CONSOLE_DIR } from "./console/index.js";
import { decodeNotificationFile } from "./adapters/socialsecurity/notifications.js";
import { AppError, ERROR_CATALOG } from "./errors.js";
import type { OutboxHealth } from "./health.js";
import type { Services } from "./services/index.js";
import type { CredentialRepository } from "./store/credentials.js";
import type { Caller } from "./services/context.js";

export interface HealthReport {
  /** "degraded" (HTTP 503) when the chain is unreachable or the outbox is stalled (see gateway/health.ts). */
  status: "ok" | "degraded";
  /** Why it is degraded: "chain unreachable", "outbox stalled". */
  problems?: string[];
  chain: { reachable: boolean; headBlock: number | null };
  index: { block: number | null; lag: number | null };
  outbox: { depth: number } & Partial<Omit<OutboxHealth, "depth">>;
}

export interface AppDeps {
  services: Services;
  credentials: CredentialRepository;
  metrics: GatewayMetrics;
  logger: Logger;
  health: () => Promise<HealthReport>;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        const id = typeof given === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // Only method, path (ids, never personal data: ID numbers travel in bodies) and status.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split("?")[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: (_req, res) => {
        const caller = (res as Response).locals?.caller as Caller | undefined;
        return caller ? { institution: caller.institution } : {};
      },
    }),
  );
  app.use((req, res, next) => {
    const end = deps.metrics.latency.startTimer();
    res.on("finish", () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : "unmatched";
      end({ method: req.method, route });
      deps.metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });
  app.use(helmet());

  const routes = [...apiRoutes(deps.services), ...(deps.services.audit ? auditRoutes(deps.services.audit) : [])];
  const openApiDocument = buildOpenApiDocument(routes);

  app.get("/healthz", async (_req: Request, res: Response) => {
    const report = await deps.health();
    res.status(report.status === "ok" ? 200 : 503).json(report);
  });
  app.get("/metrics", async (_req: Request, res: Response) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get("/openapi.json", (_req: Request, res: Response) => {
    res.json(openApiDocument);
  });
  app.get("/docs", (_req: Request, res: Response) => {
    res.type("html").send(DOCS_HTML);
  });
  app.get("/docs/docs.js", (_req: Request, res: Response) => {
    res.type("application/javascript").send(DOCS_SCRIPT);
  });
  // The auditor's and operator's web console: static files; it calls /v1 with the credential signed in with.
  app.use("/console", express.static(CONSOLE_DIR, { index: "index.html", redirect: true }));

  const v1 = express.Router();
  v1.use("/v1", authenticate(deps.credentials));
  v1.use(
    "/v1",
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      validate: false,
      keyGenerator: (_req, res) => (res.locals.caller as Caller).institution,
      handler: (_req, _res, next) => next(new AppError("RATE_LIMITED", ERROR_CATALOG.RATE_LIMITED.en)),
    }),
  );
  // Bank ISO 20022 XML (application/xml, own size limit → 413) and payroll files, as text, before the JSON parser.
  v1.use(bankBodyParsers());
  // JSON bodies: decimal or exponent number literals (100.00, 1e5) are refused, never read as fen (jsonBody.ts).
  v1.use("/v1", jsonBody(deps.bodyLimitBytes));
  // Social-security batch files may be posted as CSV (ingestSocialSecurityNotifications).
  // The bytes must be UTF-8 (strictly, whatever charset is declared): GBK would otherwise become U+FFFD text.
  v1.use("/v1", express.text({
    type: "text/csv", limit: deps.bodyLimitBytes, defaultCharset: "utf-8",
    verify: (req, _res, bytes) => {
      if ((req as express.Request).originalUrl.startsWith("/v1/social-security/")) decodeNotificationFile(bytes);
    },
  }));
  for (const route of routes) mountRoute(v1, route);
  app.use(v1);

  // A known path with another method: 405 with Allow (not 404).
  const routePatterns = routes.map((r) => ({ method: r.method.toUpperCase(), pattern: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z]+/g, "[^/]+")}/?$`) }));
  const publicGets = ["/healthz", "/metrics", "/openapi.json", "/docs", "/docs/docs.js"];
  app.use((req: Request, res: Response, next: express.NextFunction) => {
    const allowed = new Set(routePatterns.filter((r) => r.pattern.test(req.path)).map((r) => r.method));
    if (publicGets.includes(req.path)) allowed.add("GET");
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    if (allowed.has("GET")) allowed.add("HEAD");
    const allow = [...allowed].sort().join(", ");
    res.set("Allow", allow);
    next(new AppError("METHOD_NOT_ALLOWED", `不支持 ${req.method} 方法，可用：${allow} / ${req.method} is not allowed on ${req.path}; allowed: ${allow}.`, { details: { allow: [...allowed].sort() } }));
  });
  app.use(notFound);
  app.use(
    errorHandler((error, req) => {
      deps.logger.error({ requestId: req.id, error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : "non-error thrown" }, "internal error");
    }),
  );
  return app;
}
