/**
 * The bank's inbox folder (DATA_DIR/inbox/bank): the bank drops ISO 20022 files (`*.xml`: camt.054, pain.002 or
 * camt.053, told apart by namespace). Refused as a whole (moved to `rejected/`): DTD, malformed, unsupported type,
 * too large, not XML. The report beside each file is the one the HTTP operation answers. A file processed again after
 * a crash has its bookings reported as duplicates: the dedup keys were stored with the outbox rows. Files named
 * `*.part` or `*.tmp` (written under that name, then renamed), hidden files, and files modified less than a second
 * ago (perhaps still being written in place) are left for a later scan.
 */
import path from "node:path";
import type { Logger } from "pino";
import { InboxFolder, type InboxResult } from "../inboxFolder.js";

export type BankInboxResult = InboxResult;

export interface BankInboxOptions {
  dir: string;
  intervalMs: number;
  /** Processes one file (the bank service's ingestFile) and returns its report. */
  ingest: (content: Buffer, source: string) => Promise<unknown>;
  logger: Logger;
  onProcessed?: (result: BankInboxResult) => void;
  /** A file modified less than this long ago is left for the next scan (default 1000 ms: it may still be written). */
  settleMs?: number;
}

/** How long a dropped file must be left unchanged before it is read. */
export const BANK_INBOX_SETTLE_MS = 1000;

export function bankInboxDir(dataDir: string): string {
  return path.join(dataDir, "inbox", "bank");
}

export class BankInbox extends InboxFolder {
  constructor(o: BankInboxOptions) {
    super({
      dir: o.dir,
      intervalMs: o.intervalMs,
      logger: o.logger,
      onProcessed: o.onProcessed,
      settleMs: o.settleMs ?? BANK_INBOX_SETTLE_MS,
      label: "bank inbox",
      extensions: [".xml"],
      unsupportedMessage: "只接受 ISO 20022 XML 文件（.xml）/ Only ISO 20022 XML files (.xml) are accepted.",
      process: async (content, name, source) => ({ file: name, ...((await o.ingest(content, source)) as object) }),
    });
  }
}
