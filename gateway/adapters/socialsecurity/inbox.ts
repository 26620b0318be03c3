/**
 * The social-security bureau's inbox folder (DATA_DIR/inbox/social-security): the bureau drops batch files
 * (`*.csv`, `*.json`; write under another name such as `x.csv.part` and rename when complete — names ending in
 * `.part` or `.tmp`, and hidden files, are left alone). Each file is ingested, then moved to `processed/` (or to
 * `rejected/` when the file as a whole is invalid, or of another type) with `<name>.report.json` beside it.
 *
 * A crash between ingesting and moving only means the file is ingested again on the next scan: every record is
 * then reported as a duplicate and nothing changes on chain. Reports hold no ID numbers or names.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { AppError } from "../../errors.js";

export type InboxPayload = { format: "json"; value: unknown } | { format: "csv"; text: string };

export interface InboxResult {
  file: string;
  movedTo: "processed" | "rejected";
  report: unknown;
}

export interface InboxOptions {
  /** The folder watched; processed/ and rejected/ are made inside it. */
  dir: string;
  intervalMs: number;
  /** Ingests one file's notifications and returns the batch report (the social-security service). */
  ingest: (payload: InboxPayload, source: string) => Promise<unknown>;
  logger: Logger;
}

export function socialSecurityInboxDir(dataDir: string): string {
  return path.join(dataDir, "inbox", "social-security");
}

export class SocialSecurityInbox {
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<unknown>;

  constructor(private readonly o: InboxOptions) {}

  start(): void {
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      this.current = this.scan().catch((error: unknown) => this.o.logger.error({ error: (error as Error).message }, "inbox scan failed"));
      await this.current;
      if (this.running) this.timer = setTimeout(tick, this.o.intervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
  }

  /** Processes every complete file in the folder once, oldest name first. */
  async scan(): Promise<InboxResult[]> {
    const { dir } = this.o;
    await mkdir(path.join(dir, "processed"), { recursive: true });
    await mkdir(path.join(dir, "rejected"), { recursive: true });
    const names = (await readdir(dir)).filter((n) => !n.startsWith(".") && !/\.(part|tmp)$/i.test(n)).sort();
    const results: InboxResult[] = [];
    for (const name of names) {
      const file = path.join(dir, name);
      if (!(await stat(file)).isFile()) continue;
      results.push(await this.processFile(name));
    }
    return results;
  }

  private async processFile(name: string): Promise<InboxResult> {
    const file = path.join(this.o.dir, name);
    const extension = path.extname(name).toLowerCase();
    let movedTo: InboxResult["movedTo"] = "processed";
    let report: unknown;
    if (extension !== ".csv" && extension !== ".json") {
      movedTo = "rejected";
      report = { file: name, error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Only .csv and .json notification files are accepted." } };
    } else {
      const text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
      try {
        let payload: InboxPayload;
        if (extension === ".csv") {
          payload = { format: "csv", text };
        } else {
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            throw new AppError("VALIDATION_FAILED", "The notification file is invalid: not valid JSON.", { field: "file", details: { reason: "not valid JSON" } });
          }
          payload = { format: "json", value };
        }
        report = await this.o.ingest(payload, `inbox:${name}`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        movedTo = "rejected";
        report = { file: name, error: error.toBody() };
      }
    }
    const targetDir = path.join(this.o.dir, movedTo);
    let target = path.join(targetDir, name);
    try {
      await stat(target);
      target = path.join(targetDir, `${Date.now()}-${name}`);
    } catch {
      // no file of that name yet
    }
    await writeFile(`${target}.report.json`, JSON.stringify(report, null, 2) + "\n");
    await rename(file, target);
    this.o.logger.info({ file: name, movedTo }, "social-security inbox file processed");
    return { file: name, movedTo, report };
  }
}
