/** The operationIds of issue 5 are a contract with the institutions: they must exist with exactly these names and roles. */
import { expect } from "chai";
import { buildOpenApiDocument } from "../../../gateway/api/openapi.js";
import { apiRoutes } from "../../../gateway/api/routes/index.js";
import type { Services } from "../../../gateway/services/index.js";

describe("OpenAPI: social-security, claims, tax and calculator operations", () => {
  const routes = apiRoutes({} as Services);
  const byId = new Map(routes.map((r) => [r.operationId, r]));
  const expected: Record<string, string[]> = {
    ingestSocialSecurityNotifications: ["socialSecurity"],
    submitClaim: ["bank"],
    getClaim: ["bank", "operator", "auditor"],
    decideClaim: ["operator"],
    registerHeirs: ["bank"],
    getTaxCertificate: ["taxBureau"],
    getWithholdingReport: ["taxBureau"],
    verifyTaxCertificate: ["bank", "socialSecurity", "taxBureau", "investmentManager", "auditor", "operator", "keeper"],
    calculateTaxSaving: ["bank", "socialSecurity", "taxBureau", "investmentManager", "auditor", "operator", "keeper"],
    calculatePensionPlan: ["bank", "socialSecurity", "taxBureau", "investmentManager", "auditor", "operator", "keeper"],
  };

  for (const [operationId, roles] of Object.entries(expected)) {
    it(roles.length === 7 ? `offers ${operationId} to every institution` : `offers ${operationId} to ${roles.join(", ")} only`, () => {
      expect(byId.get(operationId)?.roles).to.have.members(roles).and.to.have.length(roles.length);
    });
  }

  it("registers every one of them in the OpenAPI document, with the personal data of a tax query in the body, not the URL", () => {
    const doc = buildOpenApiDocument(routes) as unknown as { paths: Record<string, Record<string, { operationId: string }>> };
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ids).to.include.members(Object.keys(expected));
    for (const path of Object.keys(doc.paths)) expect(path).not.to.match(/residentId/);
  });

  it("accepts CSV notifications besides JSON", () => {
    expect(byId.get("ingestSocialSecurityNotifications")?.textMediaTypes).to.deep.equal(["text/csv"]);
  });
});
