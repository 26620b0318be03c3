import { expect } from "chai";
import { isoToUnixSeconds } from "../../../../gateway/adapters/bank/amount.js";
import { BankMessageError } from "../../../../gateway/adapters/bank/bankMessageError.js";
import { parseCamt053 } from "../../../../gateway/adapters/bank/camt053.js";
import { reconcile, type ExpectedMovement } from "../../../../gateway/adapters/bank/reconcile.js";
import { fixture, sharedSample } from "./samples.js";

const day = isoToUnixSeconds("2026-11-25T12:00:00+08:00")!;

function ledger(): ExpectedMovement[] {
  return [
    { ref: "PO-2026-11-000001", amountFen: 970000n, direction: "debit", bookedAt: day },
    { ref: "PO-HEIR-000042-1", amountFen: 3333334n, direction: "debit", bookedAt: day },
    { ref: "PO-HEIR-000042-2", amountFen: 3333333n, direction: "debit", bookedAt: day },
    { ref: "PO-HEIR-000042-3", amountFen: 3333332n, direction: "debit", bookedAt: day },
    { ref: "PO-2026-11-000003", amountFen: 5000n, direction: "debit", bookedAt: day },
    { ref: "PO-2026-12-000001", amountFen: 5000n, direction: "debit", bookedAt: day + 30 * 86_400 },
  ];
}

describe("camt.053 and reconciliation", () => {
  describe("parseCamt053", () => {
    it("reads our statement fixture: account, period, balances and entries", () => {
      const doc = parseCamt053(fixture("camt053.v08.cny.xml"));
      expect(doc).to.deep.include({ version: "001.08", messageId: "CNB-STMT-20261125" });
      const [s] = doc.statements;
      expect(s!.account.other).to.equal("110012345000526999");
      expect(s!.period).to.deep.equal({ from: isoToUnixSeconds("2026-11-25T00:00:00+08:00"), to: isoToUnixSeconds("2026-11-25T23:59:59+08:00") });
      expect(s!.balances.map((b) => [b.type, b.amount.fen, b.creditDebit])).to.deep.equal([
        ["OPBD", 100000000n, "CRDT"],
        ["CLBD", 89080000n, "CRDT"],
      ]);
      expect(s!.entries).to.have.length(4);
      expect(s!.entries[1]!.transactions.map((t) => t.endToEndId)).to.deep.equal(["PO-HEIR-000042-1", "PO-HEIR-000042-2", "PO-HEIR-000042-3"]);
    });

    it("reads the shared genkgo camt.053.001.08 sample without error", () => {
      const doc = parseCamt053(sharedSample("genkgo-camt053.v8.xml"));
      expect(doc.statements[0]!.entries[0]!.amount).to.deep.equal({ text: "8.85", currency: "EUR" });
    });

    it("refuses a camt.054 document with MESSAGE_TYPE_UNSUPPORTED", () => {
      expect(() => parseCamt053(fixture("camt054.v08.cny.xml"))).to.throw(BankMessageError, "camt.054.001.08").with.property("code", "MESSAGE_TYPE_UNSUPPORTED");
    });
  });

  describe("reconcile", () => {
    it("matches, finds what is missing on either side and the amount differences, for the statement's period", () => {
      const result = reconcile(ledger(), parseCamt053(fixture("camt053.v08.cny.xml")));
      expect(result.matched.map((m) => m.expected.ref)).to.deep.equal(["PO-2026-11-000001", "PO-HEIR-000042-1", "PO-HEIR-000042-2"]);
      expect(result.amountDifferences.map((d) => [d.expected.ref, d.statement.amountFen, d.differenceFen])).to.deep.equal([["PO-HEIR-000042-3", 3333333n, -1n]]);
      expect(result.missingInStatement.map((e) => e.ref)).to.deep.equal(["PO-2026-11-000003"]);
      expect(result.missingInLedger.map((m) => [m.refs[0], m.amountFen, m.direction])).to.deep.equal([["E2E-UNKNOWN-0001", 50000n, "credit"]]);
      expect(result.notBooked.map((m) => m.refs[0])).to.deep.equal(["PO-2026-11-000009"]);
      expect(result.outsidePeriod.map((e) => e.ref)).to.deep.equal(["PO-2026-12-000001"]);
      expect(result.summary).to.deep.equal({
        matched: 3,
        missingInStatement: 1,
        missingInLedger: 1,
        amountDifferences: 1,
        expectedNetFen: -(970000n + 3333334n + 3333333n + 3333332n + 5000n),
        statementNetFen: -970000n - 10000000n + 50000n,
      });
    });

    it("reports a movement booked in the opposite direction as an amount difference", () => {
      const result = reconcile([{ ref: "PO-2026-11-000001", amountFen: 970000n, direction: "credit" }], parseCamt053(fixture("camt053.v08.cny.xml")));
      expect(result.amountDifferences.map((d) => [d.expected.ref, d.differenceFen])).to.deep.equal([["PO-2026-11-000001", -1940000n]]);
    });

    it("matches by the bank's entry reference too, and uses a statement line only once", () => {
      const twice: ExpectedMovement[] = [
        { ref: "CNB20261125000009003", amountFen: 50000n, direction: "credit" },
        { ref: "CNB20261125000009003", amountFen: 50000n, direction: "credit" },
      ];
      const result = reconcile(twice, parseCamt053(fixture("camt053.v08.cny.xml")).statements[0]!);
      expect(result.summary).to.include({ matched: 1, missingInStatement: 1 });
    });

    it("lists a non-CNY booking from the shared sample as missing in the ledger with its currency", () => {
      const result = reconcile([], parseCamt053(sharedSample("genkgo-camt053.v8.xml")));
      expect(result.missingInLedger.map((m) => [m.currency, m.amountText, m.amountFen])).to.deep.equal([["SEK", "0", undefined]]);
      expect(result.summary.statementNetFen).to.equal(0n);
    });
  });
});
