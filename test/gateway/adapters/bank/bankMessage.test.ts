import { expect } from "chai";
import { BankMessageError } from "../../../../gateway/adapters/bank/bankMessageError.js";
import { parseBankMessage } from "../../../../gateway/adapters/bank/bankMessage.js";
import { fixture } from "./samples.js";


describe("parseBankMessage", () => {
  it("dispatches camt.054, camt.053 and pain.002 files by namespace", () => {
    const cases: [string, string, string][] = [
      ["camt054.v02.cny.xml", "camt.054", "CNPL-054-20261102-0002"],
      ["camt053.v08.cny.xml", "camt.053", "CNB-STMT-20261125"],
      ["pain002.v03.one-rejected.xml", "pain.002", "CNB-PSR-20261125-0001"],
    ];
    for (const [file, type, messageId] of cases) {
      const m = parseBankMessage(fixture(file));
      expect(m.type, file).to.equal(type);
      expect(m.document.messageId, file).to.equal(messageId);
    }
  });

  it("refuses a pain.001 (a message we send, not one we receive) naming its namespace", () => {
    const xml = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>';
    expect(() => parseBankMessage(xml)).to.throw(BankMessageError, "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03").with.property("code", "MESSAGE_TYPE_UNSUPPORTED");
  });

  it("refuses the XXE fixture before dispatching", () => {
    expect(() => parseBankMessage(fixture("xxe.xml"))).to.throw(BankMessageError).with.property("code", "XML_DTD_FORBIDDEN");
  });
});
