import { expect } from "chai";
import { BankMessageError } from "../../../../gateway/adapters/bank/bankMessageError.js";
import { applyPain002ToPayouts, paymentOutcome, parsePain002 } from "../../../../gateway/adapters/bank/pain002.js";
import { fixture } from "./samples.js";


function report(version: string, body: string): string {
  return `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.${version}"><CstmrPmtStsRpt><GrpHdr><MsgId>R1</MsgId><CreDtTm>2026-11-25T15:00:00+08:00</CreDtTm></GrpHdr>${body}</CstmrPmtStsRpt></Document>`;
}

describe("pain.002", () => {
  describe("parsePain002", () => {
    it("reads our one-rejected fixture: one payout settled, one rejected with its reason in both languages", () => {
      const r = parsePain002(fixture("pain002.v03.one-rejected.xml"));
      expect(r).to.deep.include({ version: "001.03", messageId: "CNB-PSR-20261125-0001", originalMessageId: "SETTLE-2026-11-0001", groupStatus: "PART" });
      expect(r.transactions.map((t) => [t.originalEndToEndId, t.status, t.statusLevel, t.outcome])).to.deep.equal([
        ["PO-2026-11-000001", "ACSC", "transaction", "settled"],
        ["PO-2026-11-000002", "RJCT", "transaction", "rejected"],
      ]);
      expect(r.transactions[1]!.reasons).to.deep.equal([
        { code: "AC04", additionalInfo: "收款卡已销户 card closed", zh: "AC04：收款账户已销户（收款卡已销户 card closed）", en: "AC04: account closed (收款卡已销户 card closed)" },
      ]);
      expect(r.wholeMessageStatus).to.equal(undefined);
    });

    it("applies a group-level status to the whole original message when no transaction is listed", () => {
      const r = parsePain002(fixture("pain002.v14.group-accepted.xml"));
      expect(r.version).to.equal("001.14");
      expect(r.transactions).to.deep.equal([]);
      expect(r.wholeMessageStatus).to.deep.equal({ status: "ACSC", outcome: "settled", reasons: [] });
      const applied = applyPain002ToPayouts(r, ["PO-HEIR-000042-1", "PO-HEIR-000042-2", "PO-HEIR-000042-3"]);
      expect(applied.updates.map((u) => [u.payoutId, u.outcome])).to.deep.equal([
        ["PO-HEIR-000042-1", "settled"],
        ["PO-HEIR-000042-2", "settled"],
        ["PO-HEIR-000042-3", "settled"],
      ]);
      expect(applied.notMentioned).to.deep.equal([]);
    });

    it("gives a transaction without its own status the payment block's status, else the group's", () => {
      const xml = report(
        "09",
        `<OrgnlGrpInfAndSts><OrgnlMsgId>M</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts>` +
          `<OrgnlPmtInfAndSts><OrgnlPmtInfId>A</OrgnlPmtInfId><PmtInfSts>ACCP</PmtInfSts><TxInfAndSts><OrgnlEndToEndId>P1</OrgnlEndToEndId></TxInfAndSts></OrgnlPmtInfAndSts>` +
          `<OrgnlPmtInfAndSts><OrgnlPmtInfId>B</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>P2</OrgnlEndToEndId></TxInfAndSts></OrgnlPmtInfAndSts>`,
      );
      const r = parsePain002(xml);
      expect(r.transactions.map((t) => [t.originalEndToEndId, t.status, t.statusLevel, t.outcome])).to.deep.equal([
        ["P1", "ACCP", "paymentInformation", "accepted"],
        ["P2", "RJCT", "group", "rejected"],
      ]);
      expect(r.transactions[1]!.reasons[0]!.en).to.equal("AM04: insufficient funds");
    });

    it("takes only ACSC and ACCC as settled; every other accepted code is interim, RJCT and CANC rejected, the rest pending", () => {
      expect(["ACSC", "ACCC"].map(paymentOutcome)).to.deep.equal(["settled", "settled"]);
      expect(["ACTC", "ACCP", "ACSP", "ACWC", "ACFC", "ACWP", "ACIS", "ACPD", "PATC", "PART"].map(paymentOutcome)).to.deep.equal(Array(10).fill("accepted"));
      expect(["RJCT", "CANC"].map(paymentOutcome)).to.deep.equal(["rejected", "rejected"]);
      expect(["PDNG", "RCVD", "BLCK", "ZZZZ"].map(paymentOutcome)).to.deep.equal(["pending", "pending", "pending", "pending"]);
    });

    it("refuses a transaction with an empty TxSts, or with no status at any level, naming the field", () => {
      const empty = report("03", `<OrgnlPmtInfAndSts><OrgnlPmtInfId>A</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>PO1</OrgnlEndToEndId><TxSts></TxSts></TxInfAndSts></OrgnlPmtInfAndSts>`);
      expect(() => parsePain002(empty)).to.throw(BankMessageError, "empty TxSts").with.property("field", "OrgnlPmtInfAndSts.0.TxInfAndSts.0.TxSts");
      const none = report("03", `<OrgnlPmtInfAndSts><OrgnlPmtInfId>A</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>PO1</OrgnlEndToEndId></TxInfAndSts></OrgnlPmtInfAndSts>`);
      expect(() => parsePain002(none)).to.throw(BankMessageError, "no status").with.property("code", "BANK_MESSAGE_INVALID");
    });

    it("reports ids that are not in the run as unknown and lists the payouts the report does not mention", () => {
      const r = parsePain002(fixture("pain002.v03.one-rejected.xml"));
      const applied = applyPain002ToPayouts(r, ["PO-2026-11-000002", "PO-2026-11-000003"]);
      expect(applied.updates.map((u) => u.payoutId)).to.deep.equal(["PO-2026-11-000002"]);
      expect(applied.unknownIds).to.deep.equal(["PO-2026-11-000001"]);
      expect(applied.notMentioned).to.deep.equal(["PO-2026-11-000003"]);
    });

    it("refuses pain.002.001.02 and a transaction without an original end-to-end id", () => {
      expect(() => parsePain002(report("02", ""))).to.throw(BankMessageError, "pain.002.001.02").with.property("code", "MESSAGE_TYPE_UNSUPPORTED");
      const noId = report("03", `<OrgnlPmtInfAndSts><OrgnlPmtInfId>A</OrgnlPmtInfId><TxInfAndSts><TxSts>RJCT</TxSts></TxInfAndSts></OrgnlPmtInfAndSts>`);
      expect(() => parsePain002(noId)).to.throw(BankMessageError, "OrgnlEndToEndId").with.property("code", "BANK_MESSAGE_INVALID");
    });
  });
});
