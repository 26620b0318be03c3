/**
 * The bank's inbox folder (DATA_DIR/inbox/bank): the bank drops ISO 20022 files (`*.xml`: camt.054, pain.002 or
 * camt.053, told apart by namespace; write under another name such as `x.xml.part` and rename when complete —
 * names ending in `.part` or `.tmp`, and hidden files, are left alone). Each file is processed, then moved to
 * `processed/` (or `rejected/` when refused as a whole: DTD, malformed, unsupported type, too large, not XML) with
 * `<name>.report.json` beside it — the same report the HTTP operation answers.
 *
 * A crash between processing and moving only means the file is processed again on the next scan: its bookings are
 * then reported as duplicates and nothing is credited twice (the dedup keys were stored with the outbox rows).
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { AppError } from "../../errors.js";

export interface BankInboxResult {
  file: string;
  movedTo: "processed" | "rejected";
  report: unknown;
}

export interface BankInboxOptions {
  /** The folder watched; processed/ and rejected/ are made inside it. */
  dir: string;
  intervalMs: number;
  /** Processes one file (the bank service's ingestFile) and returns its report. */
  ingest: (content: Buffer, source: string) => Promise<unknown>;
  logger: Logger;
  /** Called after each file (tests and the benchmark use it to time file arrival → report). */
  onProcessed?: (result: BankInboxResult) => void;
}

export function bankInboxDir(dataDir: string): string {
  return path.join(dataDir, "inbox", "bank");
}

export class BankInbox {
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<unknown>;

  constructor(private readonly o: BankInboxOptions) {}

  start(): void {
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      this.current = this.scan().catch((error: unknown) => this.o.logger.error({ error: (error as Error).message }, "bank inbox scan failed"));
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
  async scan(): Promise<BankInboxResult[]> {
    const { dir } = this.o;
    await mkdir(path.join(dir, "processed"), { recursive: true });
    await mkdir(path.join(dir, "rejected"), { recursive: true });
    const names = (await readdir(dir)).filter((n) => !n.startsWith(".") && !/\.(part|tmp)$/i.test(n)).sort();
    const results: BankInboxResult[] = [];
    for (const name of names) {
      if (!(await stat(path.join(dir, name))).isFile()) continue;
      const result = await this.processFile(name);
      results.push(result);
      this.o.onProcessed?.(result);
    }
    return results;
  }

  private async processFile(name: string): Promise<BankInboxResult> {
    const file = path.join(this.o.dir, name);
    let movedTo: BankInboxResult["movedTo"] = "processed";
    let report: unknown;
    if (path.extname(name).toLowerCase() !== ".xml") {
      movedTo = "rejected";
      report = { file: name, error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "只接受 ISO 20022 XML 文件（.xml）/ Only ISO 20022 XML files (.xml) are accepted." } };
    } else {
      try {
        report = { file: name, ...((await this.o.ingest(await readFile(file), `inbox:${name}`)) as object) };
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
    this.o.logger.info({ file: name, movedTo }, "bank inbox file processed");
    return { file: name, movedTo, report };
  }
}
