/** The social-security inbox folder: which files it takes, where it moves them, and the report beside each. */
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { AppError } from "../../../gateway/errors.js";
import { SocialSecurityInbox, socialSecurityInboxDir, type InboxPayload } from "../../../gateway/adapters/socialsecurity/inbox.js";

describe("SocialSecurityInbox", () => {
  let dataDir: string;
  let dir: string;
  let seen: { payload: InboxPayload; source: string }[];

  const inbox = (ingest?: (payload: InboxPayload) => Promise<unknown>) =>
    new SocialSecurityInbox({
      dir,
      intervalMs: 60_000,
      logger: pino({ level: "silent" }),
      ingest: async (payload, source) => {
        seen.push({ payload, source });
        return ingest ? ingest(payload) : { counts: { received: 1 } };
      },
    });

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "pension-inbox-"));
    dir = socialSecurityInboxDir(dataDir);
    mkdirSync(dir, { recursive: true });
    seen = [];
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("lives in DATA_DIR/inbox/social-security", () => {
    expect(dir).to.equal(path.join(dataDir, "inbox", "social-security"));
  });

  it("ingests CSV as text and JSON as parsed values, then moves each to processed/ with its report", async () => {
    writeFileSync(path.join(dir, "a.csv"), "\uFEFFresidentId,eventType\n");
    writeFileSync(path.join(dir, "b.json"), '[{"eventType":"death"}]');
    const results = await inbox().scan();
    expect(results.map((r) => [r.file, r.movedTo])).to.deep.equal([["a.csv", "processed"], ["b.json", "processed"]]);
    expect(seen[0]).to.deep.equal({ payload: { format: "csv", text: "residentId,eventType\n" }, source: "inbox:a.csv" });
    expect(seen[1]!.payload).to.deep.equal({ format: "json", value: [{ eventType: "death" }] });
    expect(existsSync(path.join(dir, "a.csv"))).to.equal(false);
    expect(JSON.parse(readFileSync(path.join(dir, "processed", "b.json.report.json"), "utf8"))).to.deep.equal({ counts: { received: 1 } });
  });

  it("leaves files still being written and hidden files alone", async () => {
    writeFileSync(path.join(dir, "c.csv.part"), "x");
    writeFileSync(path.join(dir, "d.json.tmp"), "x");
    writeFileSync(path.join(dir, ".e.csv"), "x");
    expect(await inbox().scan()).to.deep.equal([]);
    expect(seen).to.deep.equal([]);
    expect(existsSync(path.join(dir, "c.csv.part"))).to.equal(true);
  });

  it("moves an unusable file to rejected/ with the error, and a file of another type without reading it", async () => {
    writeFileSync(path.join(dir, "bad.json"), "{");
    writeFileSync(path.join(dir, "notes.txt"), "hello");
    writeFileSync(path.join(dir, "header.csv"), "nonsense\n");
    const results = await inbox(async () => {
      throw new AppError("VALIDATION_FAILED", "The notification file is invalid: bad header.", { field: "file" });
    }).scan();
    expect(results.map((r) => r.movedTo)).to.deep.equal(["rejected", "rejected", "rejected"]);
    expect(seen.map((s) => s.source)).to.deep.equal(["inbox:header.csv"]);
    const report = JSON.parse(readFileSync(path.join(dir, "rejected", "notes.txt.report.json"), "utf8"));
    expect(report.error.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
    expect(JSON.parse(readFileSync(path.join(dir, "rejected", "bad.json.report.json"), "utf8")).error).to.include({ code: "VALIDATION_FAILED", field: "file" });
  });

  it("keeps an earlier file of the same name in processed/", async () => {
    writeFileSync(path.join(dir, "same.csv"), "1");
    await inbox().scan();
    writeFileSync(path.join(dir, "same.csv"), "2");
    await inbox().scan();
    expect(readFileSync(path.join(dir, "processed", "same.csv"), "utf8")).to.equal("1");
    expect(seen.map((s) => (s.payload as { text: string }).text)).to.deep.equal(["1", "2"]);
  });
});
