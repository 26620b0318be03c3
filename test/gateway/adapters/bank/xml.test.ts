import { expect } from "chai";
import { BankMessageError } from "../../../../gateway/adapters/bank/bankMessageError.js";
import {
  iso20022MessageId,
  parseBankXml,
  requireMessageType,
  xmlAttr,
  xmlChildren,
  xmlPath,
  xmlPathText,
} from "../../../../gateway/adapters/bank/xml.js";
import { fixture } from "./samples.js";

function thrown(fn: () => unknown): BankMessageError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(BankMessageError);
    return e as BankMessageError;
  }
  expect.fail("expected a BankMessageError");
}

describe("parseBankXml", () => {
  describe("safe parsing", () => {
    it("refuses the XXE fixture with XML_DTD_FORBIDDEN and status 400 before reading any entity", () => {
      const err = thrown(() => parseBankXml(fixture("xxe.xml")));
      expect(err.code).to.equal("XML_DTD_FORBIDDEN");
      expect(err.status).to.equal(400);
      expect(err.details).to.include({ line: 2, column: 1, declaration: "DOCTYPE" });
      expect(err.message).to.not.include("root:");
      expect(err.messageZh).to.include("DTD");
    });

    it("refuses the billion-laughs fixture with XML_DTD_FORBIDDEN", () => {
      expect(thrown(() => parseBankXml(fixture("billion-laughs.xml"))).code).to.equal("XML_DTD_FORBIDDEN");
    });

    it("refuses a lone ENTITY declaration and a lowercase doctype", () => {
      expect(thrown(() => parseBankXml('<a><!ENTITY x "y"></a>')).code).to.equal("XML_DTD_FORBIDDEN");
      expect(thrown(() => parseBankXml("<!doctype a><a/>")).code).to.equal("XML_DTD_FORBIDDEN");
    });

    it("reports the malformed fixture with XML_MALFORMED and the line and column of the error", () => {
      const err = thrown(() => parseBankXml(fixture("malformed.xml")));
      expect(err.code).to.equal("XML_MALFORMED");
      expect(err.details?.line).to.equal(12); // </Ntfctn> closes while <Ntry> is open
      expect(err.details?.column).to.be.a("number").and.greaterThan(0);
      expect(err.message).to.match(/line 12, column \d+/);
      expect(err.messageZh).to.match(/第 12 行第 \d+ 列/);
    });

    it("accepts a document of exactly the size limit and refuses one byte more with XML_TOO_LARGE (413)", () => {
      const base = '<a xmlns="urn:x"></a>';
      const size = Buffer.byteLength(base);
      expect(parseBankXml(base, { maxBytes: size }).rootName).to.equal("a");
      const err = thrown(() => parseBankXml(base + " ", { maxBytes: size }));
      expect(err.code).to.equal("XML_TOO_LARGE");
      expect(err.status).to.equal(413);
      expect(err.details).to.include({ sizeBytes: size + 1, maxBytes: size });
    });

    it("measures the limit in UTF-8 bytes, not characters", () => {
      const xml = "<a>张三</a>"; // 8 ASCII + 6 bytes for two Chinese characters
      expect(thrown(() => parseBankXml(xml, { maxBytes: xml.length })).code).to.equal("XML_TOO_LARGE");
    });

    it("refuses an empty document, two root elements and plain text as malformed", () => {
      for (const xml of ["", "<a/><b/>", "<a/><a/>", "just text"]) {
        const err = thrown(() => parseBankXml(xml));
        expect(err.code, JSON.stringify(xml)).to.equal("XML_MALFORMED");
        expect(err.message, JSON.stringify(xml)).to.not.include("undefined");
      }
    });

    it("accepts elements nested 100 deep and refuses 101", () => {
      expect(parseBankXml("<a>".repeat(100) + "</a>".repeat(100)).rootName).to.equal("a");
      const err = thrown(() => parseBankXml("<a>".repeat(101) + "</a>".repeat(101)));
      expect(err.code).to.equal("XML_MALFORMED");
      expect(err.message).to.include("more than 100 levels");
    });

    it("refuses bytes that are not valid UTF-8", () => {
      const bytes = Buffer.concat([Buffer.from("<a>"), Buffer.from([0xff, 0xfe]), Buffer.from("</a>")]);
      expect(thrown(() => parseBankXml(bytes)).code).to.equal("XML_MALFORMED");
    });
  });

  describe("tree", () => {
    it("keeps amounts as exact strings, decodes predefined entities and strips namespace prefixes", () => {
      const doc = parseBankXml(
        '<?xml version="1.0"?><n:Document xmlns:n="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><n:A><n:Amt Ccy="CNY">0.10</n:Amt><n:B>a &amp; b &#x4E2D; &#20013; &amp;nbsp;</n:B></n:A></n:Document>',
      );
      expect(doc.rootName).to.equal("Document");
      expect(doc.namespace).to.equal("urn:iso:std:iso:20022:tech:xsd:camt.054.001.08");
      expect(xmlPathText(doc.root, "A", "Amt")).to.equal("0.10");
      expect(xmlAttr(xmlPath(doc.root, "A", "Amt"), "Ccy")).to.equal("CNY");
      expect(xmlPathText(doc.root, "A", "B")).to.equal("a & b 中 中 &nbsp;");
    });

    it("reads repeated elements as a list, in order", () => {
      const doc = parseBankXml('<Document xmlns="urn:x"><U>1</U><U>2</U><U>3</U></Document>');
      expect(xmlChildren(doc.root, "U").map((u) => u["#text"])).to.deep.equal(["1", "2", "3"]);
    });

    it("decodes UTF-16 bytes marked by their byte-order mark", () => {
      const text = '<Document xmlns="urn:x"><Nm>李四</Nm></Document>';
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
      expect(xmlPathText(parseBankXml(le).root, "Nm")).to.equal("李四");
    });

    it("decodes bytes with a UTF-8 byte-order mark", () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<Document xmlns="urn:x"><Nm>张三</Nm></Document>')]);
      const doc = parseBankXml(bytes);
      expect(doc.namespace).to.equal("urn:x");
      expect(xmlPathText(doc.root, "Nm")).to.equal("张三");
    });
  });

  describe("message type", () => {
    it("identifies ISO 20022 namespaces and nothing else", () => {
      expect(iso20022MessageId("urn:iso:std:iso:20022:tech:xsd:camt.054.001.12")).to.deep.equal({
        messageType: "camt.054",
        version: "001.12",
        variant: 12,
      });
      expect(iso20022MessageId("urn:example")).to.equal(undefined);
      expect(iso20022MessageId(undefined)).to.equal(undefined);
    });

    it("refuses another version with MESSAGE_TYPE_UNSUPPORTED naming the namespace found", () => {
      const doc = parseBankXml('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.06"/>');
      const err = thrown(() => requireMessageType(doc, "camt.054", [2, 4, 8, 12]));
      expect(err.code).to.equal("MESSAGE_TYPE_UNSUPPORTED");
      expect(err.message).to.include("urn:iso:std:iso:20022:tech:xsd:camt.054.001.06");
      expect(err.message).to.include("camt.054.001.02, camt.054.001.04, camt.054.001.08, camt.054.001.12");
      expect(err.messageZh).to.include("camt.054.001.06");
    });

    it("refuses a document without a namespace, naming its root element", () => {
      const doc = parseBankXml("<Invoice><Total>1</Total></Invoice>");
      const err = thrown(() => requireMessageType(doc, "camt.054", [8]));
      expect(err.message).to.include("no namespace (root element <Invoice>)");
    });
  });
});
