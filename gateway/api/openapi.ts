/** The OpenAPI 3 document, generated from the routes' zod schemas. */
import { OpenAPIRegistry, OpenApiGeneratorV3 } from "@asteasolutions/zod-to-openapi";
import { registerRoute, type RouteDefinition } from "./route.js";

export function buildOpenApiDocument(routes: RouteDefinition[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "One credential per institution (bank, socialSecurity, taxBureau, investmentManager, auditor, operator, keeper), printed once by the first `npm start`.",
  });
  for (const route of routes) registerRoute(registry, route);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "pension-ledger gateway",
      version: "1.0.0",
      description:
        "养老金账本网关 / Pension ledger gateway. Amounts are integer fen (1 yuan = 100 fen). Writes answer 202 with an operation id once the " +
        "operation is in the durable outbox (or the final result with ?wait=true). Every error body is { code, message, field?, details? }.",
    },
    servers: [{ url: "/" }],
  });
}
