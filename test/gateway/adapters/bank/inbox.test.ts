/** The bank inbox leaves files that may still be being written: *.part, *.tmp, and files modified within the last second. */
import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { BankInbox } from "../../../../gateway/adapters/bank/inbox.js";
import { AppError } from "../../../../gateway/errors.js";

describe("bank inbox folder", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pension-bank-inbox-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a file only once it is a second old, and never *.part or *.tmp", async () => {
    const seen: string[] = [];
    const inbox = new BankInbox({ dir, intervalMs: 60_000, logger: pino({ level: "silent" }), ingest: async (_c, source) => (seen.push(source), {}) });
    for (const name of ["a.xml", "b.xml.part", "c.xml.tmp"]) writeFileSync(path.join(dir, name), "<Document/>");
    expect(await inbox.scan()).to.deep.equal([]);
    const old = new Date(Date.now() - 2000);
    for (const name of ["a.xml", "b.xml.part", "c.xml.tmp"]) utimesSync(path.join(dir, name), old, old);
    const results = await inbox.scan();
    expect(results.map((r) => r.file)).to.deep.equal(["a.xml"]);
    expect(seen).to.deep.equal(["inbox:a.xml"]);
  });

  it("leaves a file for the next scan when the chain node did not answer (503 CHAIN_UNAVAILABLE), and rejects one refused as a whole", async () => {
    let chainUp = false;
    const inbox = new BankInbox({
      dir, intervalMs: 60_000, logger: pino({ level: "silent" }), settleMs: 0,
      ingest: async () => {
        if (!chainUp) throw new AppError("CHAIN_UNAVAILABLE", "The ledger node is not reachable.");
        return {};
      },
    });
    writeFileSync(path.join(dir, "a.xml"), "<Document/>");
    let error: unknown;
    await inbox.scan().catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(AppError).with.property("code", "CHAIN_UNAVAILABLE");
    expect(existsSync(path.join(dir, "a.xml"))).to.equal(true);
    expect(existsSync(path.join(dir, "rejected", "a.xml"))).to.equal(false);
    chainUp = true;
    expect((await inbox.scan()).map((r) => [r.file, r.movedTo])).to.deep.equal([["a.xml", "processed"]]);
    const refusing = new BankInbox({
      dir, intervalMs: 60_000, logger: pino({ level: "silent" }), settleMs: 0,
      ingest: async () => {
        throw new AppError("XML_MALFORMED", "malformed");
      },
    });
    writeFileSync(path.join(dir, "b.xml"), "<Document");
    expect((await refusing.scan()).map((r) => [r.file, r.movedTo])).to.deep.equal([["b.xml", "rejected"]]);
  });
});
