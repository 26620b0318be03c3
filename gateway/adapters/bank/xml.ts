/**
 * The one safe way the bank adapter reads XML.
 *
 * Order of checks, each before any parsing work that could be abused:
 * 1. size: more than `maxBytes` (default {@link DEFAULT_MAX_XML_BYTES}) → `XML_TOO_LARGE` (413);
 * 2. bytes are decoded as declared (UTF-8 by default; invalid bytes → `XML_MALFORMED`);
 * 3. any `<!DOCTYPE` or `<!ENTITY` anywhere → `XML_DTD_FORBIDDEN`. ISO 20022 messages never carry a DTD, so
 *    refusing it outright stops XXE (external entities) and entity expansion ("billion laughs") before a parser
 *    sees them; nothing external is ever fetched or resolved;
 * 4. well-formedness with fast-xml-parser's XMLValidator → `XML_MALFORMED` with line and column;
 * 5. parse with fast-xml-parser: every value kept as a string (amounts are never turned into floats), namespace
 *    prefixes removed from element names, only the five predefined XML entities and character references decoded.
 *
 * No I/O. The result is a plain tree; read it with {@link xmlChild}, {@link xmlChildren}, {@link xmlText},
 * {@link xmlAttr} and {@link xmlPathText}.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { BankMessageError } from "./bankMessageError.js";

/** 32 MiB: a camt.054 with 10,000 detailed entries is about 15 MiB. */
export const DEFAULT_MAX_XML_BYTES = 32 * 1024 * 1024;

/** An element: children by local name (always arrays), attributes as `@_name`, text as `#text`. */
export interface XmlElement {
  [key: string]: XmlNode[] | string | undefined;
}
/** A leaf without attributes is kept by the parser as its text. */
export type XmlNode = XmlElement | string;

export interface ParsedXmlDocument {
  /** Local name of the root element, e.g. `Document`. */
  rootName: string;
  /** Namespace URI of the root element, e.g. `urn:iso:std:iso:20022:tech:xsd:camt.054.001.08`, if any. */
  namespace: string | undefined;
  root: XmlElement;
}

export interface ParseXmlOptions {
  /** Largest accepted document in bytes (UTF-8 size for a string input). */
  maxBytes?: number;
}

/** ISO 20022 messages nest about 15 levels; anything far deeper is refused rather than walked. */
const MAX_NESTING = 100;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  textNodeName: "#text",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // Only the five predefined XML entities, plus character references (&#…;): fast-xml-parser decodes numeric
  // references only when `htmlEntities` is set, and an object here replaces the HTML named-entity table.
  htmlEntities: { amp: "&", apos: "'", gt: ">", lt: "<", quot: '"' } as unknown as boolean,
  maxNestedTags: MAX_NESTING - 1, // the parser does not count the root element
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
});

/** A byte count for messages: whole bytes, or MiB with one decimal rounded down (integer arithmetic). */
function formatBytes(n: number): string {
  const MiB = 1024 * 1024;
  return n >= MiB ? `${Math.floor(n / MiB)}.${Math.floor(((n % MiB) * 10) / MiB)} MiB` : `${n} bytes`;
}

/**
 * The one decoding of XML bytes, for HTTP bodies and inbox files alike. ISO 20022 messages are UTF-8: bytes are
 * read as strict UTF-8 (an invalid byte is refused, never replaced by U+FFFD), a UTF-8 byte-order mark is allowed,
 * and a UTF-16 document is read when it starts with its byte-order mark. A declaration of any other encoding
 * (GBK, ISO-8859-1…) is refused naming it, rather than read in a way the bank did not mean.
 */
function decode(input: Uint8Array): string {
  // A UTF-16 byte-order mark decides by itself (the declaration cannot be read as ASCII then).
  if (input[0] === 0xff && input[1] === 0xfe) return decodeAs(input, "utf-16le");
  if (input[0] === 0xfe && input[1] === 0xff) return decodeAs(input, "utf-16be");
  const head = new TextDecoder("latin1").decode(input.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.replace(/^\uFEFF|^ï»¿/, ""));
  const label = declared?.[1]?.toLowerCase() ?? "utf-8";
  if (label !== "utf-8" && label !== "utf8") {
    throw new BankMessageError(
      "XML_MALFORMED",
      {
        zh: `XML 声明的字符编码为“${declared![1]}”，不予接受：ISO 20022 报文须为 UTF-8（或带字节顺序标记的 UTF-16）。`,
        en: `The XML declares the character encoding "${declared![1]}", which is not accepted: ISO 20022 messages must be UTF-8 (or UTF-16 with a byte-order mark).`,
      },
      { details: { encoding: declared![1] } },
    );
  }
  return decodeAs(input, "utf-8");
}

/** A `charset` parameter of an HTTP Content-Type other than UTF-8 is refused the same way (the bytes are read as UTF-8). */
export function requireUtf8Charset(charset: string | undefined): void {
  if (charset === undefined || /^utf-?8$/i.test(charset.trim())) return;
  throw new BankMessageError(
    "XML_MALFORMED",
    {
      zh: `Content-Type 的字符集“${charset}”不予接受：ISO 20022 报文须为 UTF-8。`,
      en: `The Content-Type charset "${charset}" is not accepted: ISO 20022 messages must be UTF-8.`,
    },
    { details: { encoding: charset } },
  );
}

function decodeAs(input: Uint8Array, label: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new BankMessageError(
      "XML_MALFORMED",
      {
        zh: `XML 声明的字符编码“${label}”无法识别，请使用 UTF-8。`,
        en: `The XML declares the character encoding "${label}", which is not supported; send UTF-8.`,
      },
      { details: { encoding: label } },
    );
  }
  try {
    return decoder.decode(input);
  } catch {
    throw new BankMessageError(
      "XML_MALFORMED",
      {
        zh: `XML 内容不是有效的 ${label.toUpperCase()} 编码（含无效字节）。`,
        en: `The XML content is not valid ${label.toUpperCase()} (it contains invalid bytes).`,
      },
      { details: { encoding: label } },
    );
  }
}

const ROOT_TAG =
  /^(?:\uFEFF)?(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)((?:\s[^>]*)?)>/;

function rootNamespace(xml: string): string | undefined {
  const m = ROOT_TAG.exec(xml);
  if (!m) return undefined;
  const prefix = m[1];
  const attrs = m[3] ?? "";
  const attrName = prefix ? `xmlns:${prefix}` : "xmlns";
  const re = new RegExp(`(?:^|\\s)${attrName.replace(".", "\\.")}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
  const a = re.exec(attrs);
  return a ? (a[1] ?? a[2]) : undefined;
}

/**
 * Parses an XML document from the bank safely (see the module comment for the checks).
 * @param input the document as received: bytes (decoded by the declared encoding) or a string
 * @throws BankMessageError `XML_TOO_LARGE`, `XML_DTD_FORBIDDEN`, `XML_MALFORMED` (with `details.line`/`column`)
 */
export function parseBankXml(input: string | Uint8Array, options: ParseXmlOptions = {}): ParsedXmlDocument {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > maxBytes) {
    throw new BankMessageError(
      "XML_TOO_LARGE",
      {
        zh: `报文大小 ${formatBytes(size)}，超过上限 ${formatBytes(maxBytes)}，请拆分后重新发送。`,
        en: `The message is ${formatBytes(size)}, above the limit of ${formatBytes(maxBytes)}; split it and send again.`,
      },
      { details: { sizeBytes: size, maxBytes } },
    );
  }
  const xml = typeof input === "string" ? input : decode(input);

  const dtd = /<!\s*(DOCTYPE|ENTITY)/i.exec(xml);
  if (dtd) {
    const { line, column } = lineAndColumn(xml, dtd.index);
    throw new BankMessageError(
      "XML_DTD_FORBIDDEN",
      {
        zh: `报文第 ${line} 行第 ${column} 列含有 ${dtd[1]!.toUpperCase()} 声明。ISO 20022 报文不允许 DTD 或实体声明，报文已拒收，未作任何处理。`,
        en: `The message contains a ${dtd[1]!.toUpperCase()} declaration at line ${line}, column ${column}. ISO 20022 messages may not carry a DTD or entity declarations; the message was refused and nothing was processed.`,
      },
      { details: { line, column, declaration: dtd[1]!.toUpperCase() } },
    );
  }

  const validation = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { msg } = validation.err;
    // Elements still open at the end: the validator lists them (and says line 1, column 1); the document was
    // cut short, so the place to show is its end.
    const unclosed = /^Invalid '\[([\s\S]*)\]' found\.?$/.exec(msg);
    if (unclosed) {
      const names = [...unclosed[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      const end = lineAndColumn(xml, xml.length);
      const path = names.join("/");
      throw new BankMessageError(
        "XML_MALFORMED",
        {
          zh: `报文在第 ${end.line} 行第 ${end.column} 列提前结束（可能被截断），以下元素未闭合：${path}。`,
          en: `The message ends at line ${end.line}, column ${end.column} with elements still open (truncated?): ${path}.`,
        },
        { details: { line: end.line, column: end.column, unclosedElements: names } },
      );
    }
    // The validator leaves line/column undefined for an empty document.
    const line = validation.err.line ?? 1;
    const col = validation.err.col ?? 1;
    throw new BankMessageError(
      "XML_MALFORMED",
      {
        zh: `报文格式错误（第 ${line} 行第 ${col} 列）：${msg}`,
        en: `The message is not well-formed XML at line ${line}, column ${col}: ${msg}`,
      },
      { details: { line, column: col, parserMessage: msg } },
    );
  }

  let tree: Record<string, unknown>;
  try {
    tree = parser.parse(xml) as Record<string, unknown>;
  } catch (cause) {
    const detail = (cause as Error).message;
    const tooDeep = /nested/i.test(detail);
    throw new BankMessageError(
      "XML_MALFORMED",
      {
        zh: tooDeep ? `报文元素嵌套超过 ${MAX_NESTING} 层，无法处理。` : `报文无法解析：${detail}`,
        en: tooDeep ? `The message nests elements more than ${MAX_NESTING} levels deep.` : `The message could not be parsed: ${detail}`,
      },
      { cause },
    );
  }
  const rootNames = Object.keys(tree).filter((k) => !k.startsWith("?") && !k.startsWith("#"));
  const rootName = rootNames.length === 1 ? rootNames[0] : undefined;
  const rootNodes = rootName === undefined ? undefined : tree[rootName];
  if (rootName === undefined || !Array.isArray(rootNodes) || rootNodes.length !== 1) {
    throw new BankMessageError("XML_MALFORMED", {
      zh: "报文没有唯一的根元素。",
      en: "The message does not have exactly one root element.",
    });
  }
  return { rootName, namespace: rootNamespace(xml), root: asElement(rootNodes[0] as XmlNode) };
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lastNewline = -1;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastNewline = i;
    }
  }
  return { line, column: index - lastNewline };
}

/** A leaf kept as a string becomes `{ "#text": string }`, so every node can be read the same way. */
export function asElement(node: XmlNode): XmlElement {
  return typeof node === "string" ? { "#text": node } : node;
}

/** All children with this local name (empty when none). */
export function xmlChildren(el: XmlElement | undefined, name: string): XmlElement[] {
  const nodes = el?.[name];
  return Array.isArray(nodes) ? nodes.map(asElement) : [];
}

/** The first child with this local name. */
export function xmlChild(el: XmlElement | undefined, name: string): XmlElement | undefined {
  const nodes = el?.[name];
  return Array.isArray(nodes) && nodes.length > 0 ? asElement(nodes[0]!) : undefined;
}

/** The element reached by following local names, first match at each step. */
export function xmlPath(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = el;
  for (const name of names) current = xmlChild(current, name);
  return current;
}

/** Text content of an element (trimmed by the parser); `undefined` for a missing element, "" for an empty one. */
export function xmlText(el: XmlElement | undefined): string | undefined {
  if (el === undefined) return undefined;
  const text = el["#text"];
  return typeof text === "string" ? text : "";
}

/** Text of the element reached by following local names. */
export function xmlPathText(el: XmlElement | undefined, ...names: string[]): string | undefined {
  return xmlText(xmlPath(el, ...names));
}

/** An attribute's value. */
export function xmlAttr(el: XmlElement | undefined, name: string): string | undefined {
  const v = el?.[`@_${name}`];
  return typeof v === "string" ? v : undefined;
}

/** Escapes text for an XML element or attribute value. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Identifies an ISO 20022 message by its root namespace: `urn:iso:std:iso:20022:tech:xsd:camt.054.001.08` →
 * `{ messageType: "camt.054", version: "001.08", variant: 8 }`; anything else → undefined.
 */
export function iso20022MessageId(
  namespace: string | undefined,
): { messageType: string; version: string; variant: number } | undefined {
  const m = /^urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.(\d{3}\.(\d{2}))$/.exec(namespace ?? "");
  return m ? { messageType: m[1]!, version: m[2]!, variant: Number(m[3]) } : undefined;
}

/**
 * Throws `MESSAGE_TYPE_UNSUPPORTED` naming what was found, unless the document's namespace is one of `accepted`.
 * @returns the accepted namespace's variant number (e.g. 8 for `camt.054.001.08`)
 */
export function requireMessageType(doc: ParsedXmlDocument, messageType: string, variants: readonly number[]): number {
  const id = iso20022MessageId(doc.namespace);
  if (id && id.messageType === messageType && variants.includes(id.variant) && doc.rootName === "Document") {
    return id.variant;
  }
  if (id && id.messageType === messageType && variants.includes(id.variant)) {
    // The namespace is right; the root element is not: say that, not "unsupported namespace".
    throw new BankMessageError(
      "MESSAGE_TYPE_UNSUPPORTED",
      {
        zh: `根元素为 <${doc.rootName}>：ISO 20022 报文的根元素须为 <Document>（命名空间“${doc.namespace}”正确）。`,
        en: `The root element is <${doc.rootName}>: an ISO 20022 message has the root element <Document> (the namespace "${doc.namespace}" is right).`,
      },
      { details: { namespace: doc.namespace ?? null, rootElement: doc.rootName, expectedRootElement: "Document" } },
    );
  }
  const expected = variants.map((v) => `${messageType}.001.${String(v).padStart(2, "0")}`).join(", ");
  const found = doc.namespace ? `namespace "${doc.namespace}"` : `no namespace (root element <${doc.rootName}>)`;
  const foundZh = doc.namespace ? `命名空间“${doc.namespace}”` : `无命名空间（根元素 <${doc.rootName}>）`;
  throw new BankMessageError(
    "MESSAGE_TYPE_UNSUPPORTED",
    {
      zh: `不支持的报文类型：收到 ${foundZh}，本接口只接受 ${expected}。`,
      en: `Unsupported message: found ${found}; this endpoint accepts ${expected}.`,
    },
    { details: { namespace: doc.namespace ?? null, rootElement: doc.rootName, accepted: expected } },
  );
}

/** ISO 20022 text limits: Max35Text (message, notification, entry and transaction ids), Max140Text (remittance). */
export const ISO20022_MAX35 = 35;
export const ISO20022_MAX140 = 140;

/**
 * Throws `BANK_MESSAGE_INVALID` naming the element and the schema's limit when `value` is longer than `max`
 * characters (a value the ISO 20022 schema would refuse; it is never echoed back in full). Returns the value.
 */
export function requireMaxLength<T extends string | undefined>(value: T, element: string, max: number): T {
  const length = value === undefined ? 0 : Array.from(value as string).length;
  if (length > max) {
    throw new BankMessageError(
      "BANK_MESSAGE_INVALID",
      {
        zh: `元素 ${element} 长度为 ${length} 个字符，超过 ISO 20022 规定的上限 ${max} 个字符，报文已拒收，未作任何处理。`,
        en: `The element ${element} is ${length} characters long, above the ISO 20022 limit of ${max}; the message was refused and nothing was processed.`,
      },
      { field: element, details: { element, maxLength: max, length } },
    );
  }
  return value;
}
