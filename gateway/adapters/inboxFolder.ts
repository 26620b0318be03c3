/**
 * An institution's inbox folder: the institution drops whole files (write under another name such as `x.part` or
 * `x.tmp` and rename when complete — those names, and hidden files, are left alone). Each file is processed once,
 * oldest name first, then moved to `processed/` (or `rejected/` when refused as a whole) with `<name>.report.json`
 * beside it. A crash between processing and moving only means the file is processed again on the next scan; the
 * processors are idempotent (duplicates are reported, nothing is applied twice).
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { AppError } from "../errors.js";

export interface InboxResult {
  file: string;
  movedTo: "processed" | "rejected";
  report: unknown;
}

export interface InboxFolderOptions {
  /** The folder watched; processed/ and rejected/ are made inside it. */
  dir: string;
  intervalMs: number;
  /** Lower-case extensions accepted, with the dot (`.xml`). Other files are rejected with `unsupportedMessage`. */
  extensions: readonly string[];
  unsupportedMessage: string;
  /** Processes one file; an AppError rejects the file as a whole, any other error stops the scan. */
  process: (content: Buffer, name: string, source: string) => Promise<unknown>;
  logger: Logger;
  /** Names the inbox in log lines ("bank inbox"). */
  label: string;
  /** Called after each file (tests and the benchmark use it to time file arrival → report). */
  onProcessed?: (result: InboxResult) => void;
  /**
   * A file modified less than this many milliseconds ago is left for the next scan (it may still be being written
   * in place). Default 0.
   */
  settleMs?: number;
}

export class InboxFolder {
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<unknown>;

  constructor(private readonly o: InboxFolderOptions) {}

  start(): void {
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      this.current = this.scan().catch((error: unknown) =>
        this.o.logger.error({ error: (error as Error).message }, `${this.o.label} scan failed`),
      );
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
    const settleMs = this.o.settleMs ?? 0;
    for (const name of names) {
      const info = await stat(path.join(dir, name));
      if (!info.isFile()) continue;
      if (settleMs > 0 && Date.now() - info.mtimeMs < settleMs) continue;
      const result = await this.processFile(name);
      results.push(result);
      this.o.onProcessed?.(result);
    }
    return results;
  }

  private async processFile(name: string): Promise<InboxResult> {
    const file = path.join(this.o.dir, name);
    let movedTo: InboxResult["movedTo"] = "processed";
    let report: unknown;
    if (!this.o.extensions.includes(path.extname(name).toLowerCase())) {
      movedTo = "rejected";
      report = { file: name, error: { code: "UNSUPPORTED_MEDIA_TYPE", message: this.o.unsupportedMessage } };
    } else {
      try {
        report = await this.o.process(await readFile(file), name, `inbox:${name}`);
      } catch (error) {
        // A passing failure (503 CHAIN_UNAVAILABLE: the node did not answer) leaves the file for the next scan.
        if (!(error instanceof AppError) || error.status >= 500) throw error;
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
    this.o.logger.info({ file: name, movedTo }, `${this.o.label} file processed`);
    return { file: name, movedTo, report };
  }
}
