import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { classifyCamt054Entries, readCamt054 } from "../../../../gateway/adapters/bank/camt054.js";
import { parseCamt053 } from "../../../../gateway/adapters/bank/camt053.js";
import { parsePain002 } from "../../../../gateway/adapters/bank/pain002.js";
import { reconcile } from "../../../../gateway/adapters/bank/reconcile.js";
import { iso20022MessageId, parseBankXml } from "../../../../gateway/adapters/bank/xml.js";
import { SHARED_ISO20022_DIR } from "./samples.js";

/** Samples written by others (not in CNY, no pension references): every one must be processed without a crash. */
const SHARED = SHARED_ISO20022_DIR;
const files = readdirSync(SHARED).filter((f) => f.endsWith(".xml")).sort();
const noMembers = { pensionAccount: () => undefined, payrollBatch: () => undefined };

describe("shared ISO 20022 samples", () => {
  it("finds the five shared samples", () => {
    expect(files).to.have.length.greaterThanOrEqual(5);
  });

  for (const file of files) {
    it(`processes ${file} by its namespace, giving every entry an outcome an operator can read`, () => {
      const bytes = readFileSync(SHARED + file);
      const doc = parseBankXml(bytes);
      const id = iso20022MessageId(doc.namespace);
      expect(id, "an ISO 20022 namespace").to.not.equal(undefined);
      switch (id!.messageType) {
        case "camt.054": {
          const result = classifyCamt054Entries(readCamt054(doc), noMembers);
          expect(result.decisions.length).to.be.greaterThan(0);
          for (const d of result.decisions) {
            // None of these is in CNY: each is rejected as such, in both languages, and none is sent to suspense.
            expect(d.kind).to.equal("rejected");
            if (d.kind !== "rejected") continue;
            expect(d.reason.code).to.equal("CURRENCY_NOT_CNY");
            expect(d.reason.en).to.match(/^Currency is (SEK|CHF) .*only CNY/).and.match(/^[\x20-\x7e]+$/);
            expect(d.reason.zh).to.include("只接受人民币");
            expect(d.suspense).to.equal(false);
          }
          break;
        }
        case "camt.053": {
          const result = reconcile([], parseCamt053(bytes));
          expect(result.missingInLedger.length + result.notBooked.length).to.be.greaterThan(0);
          expect(result.summary.statementNetFen).to.equal(0n); // nothing in CNY
          break;
        }
        case "pain.002": {
          const report = parsePain002(bytes);
          const statuses = report.transactions.length > 0 ? report.transactions.map((t) => t.outcome) : [report.wholeMessageStatus?.outcome];
          for (const s of statuses) expect(s).to.be.oneOf(["settled", "accepted", "rejected"]);
          break;
        }
        default:
          expect.fail(`no parser for ${id!.messageType}`);
      }
    });
  }

  it("rejects each of the three camt.054 transactions of genkgo-camt054.v8.xml as not CNY, naming the currency", () => {
    const result = classifyCamt054Entries(readCamt054(parseBankXml(readFileSync(SHARED + "genkgo-camt054.v8.xml"))), noMembers);
    expect(result.decisions.map((d) => d.kind === "rejected" && d.reason.en)).to.deep.equal([
      "Currency is CHF (debit of 3.1 CHF); pension accounts accept only CNY; not credited.",
      "Currency is CHF (debit of 3.2 CHF); pension accounts accept only CNY; not credited.",
      "Currency is CHF (debit of 3.2 CHF); pension accounts accept only CNY; not credited.",
    ]);
  });

  it("reads the one rejected and one accepted status of the shared pain.002 samples", () => {
    const reject = parsePain002(readFileSync(SHARED + "pain002.v3.txn-reject.xml"));
    expect(reject.transactions.map((t) => [t.originalEndToEndId, t.outcome])).to.deep.equal([
      ["ENDTOENDID-950-TEST2-2807-02", "rejected"],
      ["ENDTOENDID-950-TEST2-2807-01", "rejected"],
    ]);
    const accepted = parsePain002(readFileSync(SHARED + "pain002.v3.payment-accepted.xml"));
    expect(accepted.originalMessageId).to.equal("XXX001_20220315_B_DZSOXXXX");
    expect(accepted.wholeMessageStatus).to.deep.include({ status: "ACCP", outcome: "accepted" });
  });
});
