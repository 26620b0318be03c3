/**
 * The social-security bureau's notifications in (operationId ingestSocialSecurityNotifications). The record
 * format is docs/social-security-notifications.md; records are validated one by one by the adapter, so the body
 * schema only checks the envelope (a JSON object, a JSON array, or CSV text).
 */
import { z } from "zod";
import type { Services } from "../../services/index.js";
import { defineRoute, type RouteDefinition } from "../route.js";
import { ErrorBody, WaitQuery } from "../schemas.js";

const NotificationsBody = z
  .union([
    z.string().min(1).openapi({ description: "A CSV batch file (Content-Type: text/csv)." }),
    // Elements are validated one by one by the adapter: a non-object element is that record's rejection (field
    // `record`), not the batch's; an empty array is the file's (field `file`).
    z.array(z.unknown()).max(100_000),
    z.record(z.string(), z.unknown()),
  ])
  .openapi("SocialSecurityNotifications", {
    description: "One notification (object), a batch (array), or — with Content-Type text/csv — a CSV file. Fields: residentId, eventType, effectiveDate, certificateNumber, issuingOffice, gender, originalRetirementAge, correctsCertificateNumber, memberName.",
  });

const RecordReport = z.object({
  line: z.number(),
  outcome: z.enum(["recorded", "corrected", "duplicate", "rejected"]),
  certificateNumber: z.string().optional(),
  eventType: z.string().optional(),
  field: z.string().optional(),
  reason: z.string().optional(),
  evidenceHash: z.string().optional(),
  operationId: z.string().optional(),
  revokeOperationId: z.string().optional(),
  state: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  review: z.object({ rule: z.string(), message: z.string(), messageZh: z.string(), statutoryRetirementDate: z.string() }).optional(),
  inheritanceClaimIds: z.array(z.string()).optional(),
});
export const BatchReportBody = z
  .object({
    batchId: z.string(),
    source: z.string(),
    receivedAt: z.string(),
    receivedAtCst: z.string(),
    counts: z.object({ received: z.number(), recorded: z.number(), corrected: z.number(), duplicate: z.number(), rejected: z.number() }),
    records: z.array(RecordReport),
  })
  .openapi("NotificationBatchReport");

export function socialSecurityRoutes(services: Services): RouteDefinition[] {
  return [
    defineRoute({
      operationId: "ingestSocialSecurityNotifications", method: "post", path: "/v1/social-security/notifications", tags: ["social security"],
      roles: ["socialSecurity"], textMediaTypes: ["text/csv"],
      summary: "Receive eligibility notifications: one, a JSON batch, or a CSV file (社保领取条件认证通知)",
      description:
        "Each valid record becomes an eligibility attestation on the ledger with evidenceHash = SHA-256 of its canonical JSON. The same record again is reported as duplicate; a record with correctsCertificateNumber revokes the earlier attestation first. Invalid records are rejected with the field and the rule while the rest go through; the report lists every record. A death opens an inheritance claim. With ?wait=true each record's operation is awaited and its final state reported. Batch files can also be dropped in DATA_DIR/inbox/social-security.",
      query: WaitQuery, body: NotificationsBody,
      responses: {
        200: { description: "The batch report: one entry per record.", schema: BatchReportBody },
        400: { description: "VALIDATION_FAILED with field `file`: the file as a whole is unusable (not JSON, not UTF-8, bad CSV header, empty, an empty array). A batch element that is not an object is rejected alone (field `record`).", schema: ErrorBody },
      },
      handle: async ({ caller, query, body }) => ({
        status: 200,
        body: await services.socialSecurity.ingest(
          caller,
          typeof body === "string" ? { format: "csv", text: body } : { format: "json", value: body },
          { wait: query?.wait === "true" },
        ),
      }),
    }),
  ];
}
