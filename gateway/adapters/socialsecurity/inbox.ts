/**
 * The social-security bureau's inbox folder (DATA_DIR/inbox/social-security): the bureau drops batch files
 * (`*.csv`, `*.json`). A file that is invalid as a whole goes to `rejected/`. A file ingested again after a crash
 * has every record reported as a duplicate and nothing changes on chain. Reports hold no ID numbers or names.
 */
import path from "node:path";
import type { Logger } from "pino";
import { AppError } from "../../errors.js";
import { InboxFolder, type InboxResult } from "../inboxFolder.js";
import { decodeNotificationFile } from "./notifications.js";

export type { InboxResult };
export type InboxPayload = { format: "json"; value: unknown } | { format: "csv"; text: string };

export interface InboxOptions {
  dir: string;
  intervalMs: number;
  /** Ingests one file's notifications and returns the batch report (the social-security service). */
  ingest: (payload: InboxPayload, source: string) => Promise<unknown>;
  logger: Logger;
}

export function socialSecurityInboxDir(dataDir: string): string {
  return path.join(dataDir, "inbox", "social-security");
}

function payloadOf(content: Buffer, name: string): InboxPayload {
  const text = decodeNotificationFile(content);
  if (path.extname(name).toLowerCase() === ".csv") return { format: "csv", text };
  try {
    return { format: "json", value: JSON.parse(text) };
  } catch {
    throw new AppError("VALIDATION_FAILED", "The notification file is invalid: not valid JSON.", {
      field: "file",
      details: { reason: "not valid JSON" },
    });
  }
}

export class SocialSecurityInbox extends InboxFolder {
  constructor(o: InboxOptions) {
    super({
      dir: o.dir,
      intervalMs: o.intervalMs,
      logger: o.logger,
      label: "social-security inbox",
      extensions: [".csv", ".json"],
      unsupportedMessage: "只接受 .csv 和 .json 通知文件 / Only .csv and .json notification files are accepted.",
      process: (content, name, source) => o.ingest(payloadOf(content, name), source),
    });
  }
}
