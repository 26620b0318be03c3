/**
 * One entry point for a bank file of unknown type (the inbox folder): parse safely once, then dispatch by the
 * root namespace to the camt.054, camt.053 or pain.002 reader. Pure: no I/O.
 */
import { readCamt054, CAMT054_VARIANTS, type Camt054Document } from "./camt054.js";
import { readCamt053, type Camt053Document } from "./camt053.js";
import { readPain002, type Pain002Report } from "./pain002.js";
import { BankMessageError } from "./bankMessageError.js";
import { iso20022MessageId, parseBankXml, type ParseXmlOptions } from "./xml.js";

export type BankMessage =
  | { type: "camt.054"; document: Camt054Document }
  | { type: "camt.053"; document: Camt053Document }
  | { type: "pain.002"; document: Pain002Report };

/**
 * Parses any bank message this adapter reads, told apart by namespace.
 * @throws BankMessageError `XML_*`, `MESSAGE_TYPE_UNSUPPORTED` naming the namespace found, `BANK_MESSAGE_INVALID`
 */
export function parseBankMessage(xml: string | Uint8Array, options: ParseXmlOptions = {}): BankMessage {
  const doc = parseBankXml(xml, options);
  const id = iso20022MessageId(doc.namespace);
  switch (id?.messageType) {
    case "camt.054":
      return { type: "camt.054", document: readCamt054(doc) };
    case "camt.053":
      return { type: "camt.053", document: readCamt053(doc) };
    case "pain.002":
      return { type: "pain.002", document: readPain002(doc) };
    default: {
      const found = doc.namespace ?? `no namespace (root element <${doc.rootName}>)`;
      throw new BankMessageError(
        "MESSAGE_TYPE_UNSUPPORTED",
        {
          zh: `不支持的报文：${doc.namespace ? `命名空间“${doc.namespace}”` : `无命名空间（根元素 <${doc.rootName}>）`}。支持 camt.054.001.${CAMT054_VARIANTS.map((v) => String(v).padStart(2, "0")).join("/")}、camt.053、pain.002。`,
          en: `Unsupported message: ${found}. Supported: camt.054.001.${CAMT054_VARIANTS.map((v) => String(v).padStart(2, "0")).join("/")}, camt.053, pain.002.`,
        },
        { details: { namespace: doc.namespace ?? null, rootElement: doc.rootName } },
      );
    }
  }
}
