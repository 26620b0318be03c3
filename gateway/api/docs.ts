/**
 * /docs: a small self-contained page that renders /openapi.json (no CDN, nothing fetched from the internet;
 * the script is served from this gateway so the default Content-Security-Policy allows it).
 *
 * Chinese (zh-CN) first, English by the switch (kept in sessionStorage, or `?lang=en`). Each operation shows its
 * Chinese summary, then method + path, operationId, the allowed institutions (from `x-allowed-institutions` when the
 * document has it, else the description's "Allowed institutions: …" line), parameters, the request body's fields and
 * an example built from the schema's examples, and the responses with the error codes they name. Error sentences
 * and institution names come from the console's `messages.js` (one place for both).
 */
import { ERROR_CATALOG } from "../errors.js";

const CATALOG = Object.fromEntries(Object.entries(ERROR_CATALOG).map(([code, e]) => [code, { status: e.status, en: e.en }]));

export const DOCS_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>养老金账本网关 API 文档</title>
<style>
  :root { --ink: #1b2430; --muted: #5b6878; --line: #d8dee6; --accent: #a4161a; --focus: #1f6feb; }
  * { box-sizing: border-box; }
  body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; margin: 0; color: var(--ink); background: #f6f8fa; line-height: 1.55; }
  a { color: #0b57d0; }
  :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
  .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
  .skip:focus { left: .5rem; z-index: 10; }
  header.top { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #fff; border-bottom: 3px solid var(--accent); }
  header.top .brand { font-weight: 700; }
  header.top button { margin-left: auto; }
  button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--line); background: #fff; border-radius: 4px; cursor: pointer; }
  .layout { display: grid; grid-template-columns: 15rem 1fr; gap: 1.5rem; max-width: 84rem; margin: 0 auto; padding: 1rem 1.2rem; }
  nav.toc { position: sticky; top: .5rem; align-self: start; max-height: calc(100vh - 1rem); overflow: auto; font-size: .9rem; }
  nav.toc ul { list-style: none; padding-left: 0; margin: 0; } nav.toc li { margin: .15rem 0; }
  nav.toc ul ul { padding-left: .8rem; font-size: .85rem; }
  main:focus { outline: none; }
  h1 { font-size: 1.5rem; margin: .2rem 0 .6rem; }
  h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
  h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
  h4 { font-size: .95rem; margin: .8rem 0 .3rem; }
  .intro, .op { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin: .75rem 0; }
  .alt { color: var(--muted); font-size: .9rem; font-weight: normal; display: block; }
  .line { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: baseline; margin: .2rem 0; }
  .method { font-weight: 700; text-transform: uppercase; display: inline-block; min-width: 3.6rem; padding: 0 .35rem; border-radius: 3px; color: #fff; text-align: center; font-size: .85rem; }
  .get { background: #1a7f37; } .post { background: #0b57d0; } .delete { background: #b42318; }
  .label { color: var(--muted); font-size: .85rem; }
  .chip { display: inline-block; background: #eef1f5; border: 1px solid var(--line); border-radius: 999px; padding: 0 .55rem; margin: 0 .25rem .2rem 0; font-size: .85rem; }
  code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; background: #f1f3f5; padding: 0 .25rem; border-radius: 3px; font-size: .85em; }
  pre { background: #0f1720; color: #e6edf3; padding: .6rem .8rem; overflow: auto; font-size: .8rem; border-radius: 4px; max-height: 24rem; }
  pre code { background: none; padding: 0; color: inherit; }
  table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .3rem 0; }
  th, td { text-align: left; padding: .3rem .45rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: #eef1f5; font-weight: 600; white-space: nowrap; }
  table.responses td:first-child, td.nowrap { white-space: nowrap; }
  .req { color: var(--accent); font-weight: 600; }
  details summary { cursor: pointer; margin: .3rem 0; }
  .desc p { margin: .3rem 0; }
  @media (max-width: 50rem) { .layout { grid-template-columns: 1fr; } nav.toc { position: static; max-height: none; } }
</style>
</head>
<body>
<a class="skip" href="#main" id="skip">跳到正文</a>
<header class="top">
  <span class="brand" id="brand">养老金账本网关 API</span>
  <button type="button" id="lang" lang="en" aria-describedby="lang-hint">English</button>
  <span id="lang-hint" hidden>切换文档语言</span>
</header>
<div class="layout">
  <nav class="toc" id="toc" aria-label="目录"></nav>
  <main id="main" tabindex="-1" aria-busy="true">
    <h1 id="title">养老金账本网关 API 文档</h1>
    <p id="loading">正在加载…</p>
  </main>
</div>
<script type="module" src="/docs/docs.js"></script>
</body>
</html>`;

// The client script is plain JavaScript in a string (no backticks or template placeholders inside it).
export const DOCS_SCRIPT = `import { ERROR_TEXT, institutionName } from "/console/messages.js";

const CATALOG = ${JSON.stringify(CATALOG)};
const BACKTICK = "\\u0060";

const TEXT = {
  "zh-CN": {
    title: "养老金账本网关 API 文档", brand: "养老金账本网关 API", skip: "跳到正文", toc: "目录", langButton: "English", langHint: "切换文档语言",
    loading: "正在加载…", loadFailed: "无法读取 /openapi.json：",
    introTitle: "概述", auth: "认证：每个机构一个凭证，放在请求头 Authorization: Bearer <凭证> 中。",
    money: "金额一律为整数“分”（1 元 = 100 分），以数字字符串传递；时间为 ISO 8601，北京时间（+08:00）。",
    writes: "写操作在进入持久化发件箱后返回 202 和操作编号（加 ?wait=true 则等待最终结果）；可用 Idempotency-Key 请求头保证只执行一次。",
    errorsIntro: "所有错误的响应体均为 { code, message, field?, details? }，code 的含义见文末“错误代码”。",
    documentLink: "机器可读的 OpenAPI 文档：", operationId: "操作 ID", allowed: "允许的机构", notStated: "文档未说明",
    parameters: "参数", name: "名称", in: "位置", type: "类型", required: "必填", description: "说明", yes: "是", no: "否",
    requestBody: "请求体", fields: "字段", example: "示例", schemaJson: "完整结构（JSON Schema）", responses: "响应", status: "状态码",
    errorCodes: "错误代码", meaning: "含义", httpStatus: "HTTP 状态", errorsTitle: "错误代码", schemasTitle: "数据结构",
    in_path: "路径", in_query: "查询串", in_header: "请求头", noFields: "（无字段）", englishSummary: "英文摘要",
    otherTag: "其他", operations: "个接口",
  },
  en: {
    title: "Pension ledger gateway API", brand: "Pension ledger gateway API", skip: "Skip to content", toc: "Contents", langButton: "中文", langHint: "Switch the language of the docs",
    loading: "Loading…", loadFailed: "Could not read /openapi.json: ",
    introTitle: "Overview", auth: "Authentication: one credential per institution, sent as Authorization: Bearer <credential>.",
    money: "Amounts are integer fen (1 yuan = 100 fen) as digit strings; times are ISO 8601 in Asia/Shanghai (+08:00).",
    writes: "Writes answer 202 with an operation id once the operation is in the durable outbox (or the final result with ?wait=true); the Idempotency-Key header makes a write happen once.",
    errorsIntro: "Every error body is { code, message, field?, details? }; the codes are listed under \\"Error codes\\" at the end.",
    documentLink: "Machine-readable OpenAPI document: ", operationId: "operationId", allowed: "Allowed institutions", notStated: "not stated in the document",
    parameters: "Parameters", name: "Name", in: "In", type: "Type", required: "Required", description: "Description", yes: "yes", no: "no",
    requestBody: "Request body", fields: "Fields", example: "Example", schemaJson: "Full schema (JSON Schema)", responses: "Responses", status: "Status",
    errorCodes: "Error codes", meaning: "Meaning", httpStatus: "HTTP status", errorsTitle: "Error codes", schemasTitle: "Schemas",
    in_path: "path", in_query: "query", in_header: "header", noFields: "(no fields)", englishSummary: "Chinese summary",
    otherTag: "Other", operations: "operations",
  },
};

const TAGS = {
  "zh-CN": { accounts: "账户", "enterprise annuity": "企业年金", contributions: "缴费", eligibility: "领取条件", payouts: "领取与发放", returns: "投资收益",
    operations: "操作状态", "social security": "社保经办", claims: "领取申请", tax: "税务", calculators: "测算工具", bank: "银行报文", audit: "审计" },
  en: { accounts: "Accounts", "enterprise annuity": "Enterprise annuity", contributions: "Contributions", eligibility: "Eligibility", payouts: "Payouts",
    returns: "Investment returns", operations: "Operations", "social security": "Social security", claims: "Claims", tax: "Tax", calculators: "Calculators",
    bank: "Bank messages", audit: "Audit" },
};

// Summaries the document gives in English only.
const ZH_SUMMARY = {
  getStandingContribution: "查询自动缴费约定及其每月执行情况（已执行 / 未执行及原因）",
  findAccount: "按居民身份证号码查找参加人的账户（号码放在请求体中，不放在 URL）",
  getOperation: "查询操作状态：待处理 / 已提交 / 成功 / 失败，含交易、区块和解码后的错误",
};

const STATUS_TEXT = {
  "zh-CN": { 200: "成功", 201: "已创建", 202: "已受理", 204: "无内容", 400: "请求无效", 401: "未认证", 403: "无权限", 404: "未找到", 409: "冲突",
    413: "请求过大", 415: "不支持的内容类型", 422: "业务规则不允许", 429: "请求过多", 500: "内部错误", 503: "暂不可用" },
  en: { 200: "OK", 201: "Created", 202: "Accepted", 204: "No content", 400: "Bad request", 401: "Unauthenticated", 403: "Forbidden", 404: "Not found",
    409: "Conflict", 413: "Payload too large", 415: "Unsupported media type", 422: "Unprocessable", 429: "Too many requests", 500: "Internal error", 503: "Unavailable" },
};

let lang = new URLSearchParams(location.search).get("lang") === "en" || sessionStorage.getItem("docs.lang") === "en" ? "en" : "zh-CN";
let doc = null;
const t = (key) => TEXT[lang][key] ?? key;
const main = document.getElementById("main");
const toc = document.getElementById("toc");

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Text with inline code: the parts between backticks become <code> elements (built as DOM, never as HTML). */
function inline(text) {
  const parts = String(text || "").split(BACKTICK);
  if (parts.length % 2 === 0) return [String(text)];
  return parts.map((part, i) => (i % 2 === 1 ? h("code", {}, part) : part)).filter((p) => p !== "");
}

/** Paragraphs of a description, with inline code. */
function prose(text) {
  return String(text || "").split(/\\n\\s*\\n/).filter((p) => p.trim()).map((p) => h("p", {}, inline(p.trim())));
}

const CJK = /[\\u3400-\\u9fff]/;

/** "Open an account (开立账户)" → { zh: "开立账户", en: "Open an account" }; the Chinese part is the first parenthesis holding CJK. */
function splitSummary(op) {
  const summary = op.summary || "";
  const match = summary.match(/\\s*[(（]([^()（）]*[\\u3400-\\u9fff][^()（）]*)[)）]/);
  if (match) {
    const en = (summary.slice(0, match.index) + summary.slice(match.index + match[0].length)).replace(/\\s+:/, ":").trim();
    return { zh: match[1].trim(), en };
  }
  if (CJK.test(summary)) return { zh: summary, en: "" };
  return { zh: ZH_SUMMARY[op.operationId] || "", en: summary };
}

/** Allowed institutions: an x- extension if the document has one, else the description's "Allowed institutions: …". */
function allowedInstitutions(op) {
  const ext = op["x-allowed-institutions"] || op["x-institutions"] || op["x-roles"];
  if (Array.isArray(ext)) return ext;
  const match = (op.description || "").match(/Allowed institutions:\\s*([^.\\n]+)/);
  return match ? match[1].split(",").map((s) => s.trim()).filter(Boolean) : null;
}

function descriptionWithoutAllowed(op) {
  return (op.description || "").replace(/\\n*\\s*Allowed institutions:[^\\n]*$/, "").trim();
}

function resolve(schema) {
  let s = schema || {};
  for (let i = 0; i < 10 && s.$ref; i++) s = doc.components.schemas[s.$ref.split("/").pop()] || {};
  return s;
}

function refName(schema) {
  return schema && schema.$ref ? schema.$ref.split("/").pop() : null;
}

function typeOf(schema) {
  const name = refName(schema);
  if (name) return h("a", { href: "#schema-" + name }, name);
  const s = schema || {};
  if (s.type === "array") return ["array<", typeOf(s.items), ">"];
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.oneOf || s.anyOf) return (s.oneOf || s.anyOf).map((x, i) => [i ? " | " : "", typeOf(x)]);
  if (s.allOf) return s.allOf.map((x, i) => [i ? " & " : "", typeOf(x)]);
  return (s.type || "any") + (s.format ? " (" + s.format + ")" : "") + (s.nullable ? " | null" : "");
}

/** An example value built from the schema's own examples (never invented amounts: a missing example is a type hint). */
function example(schema, depth) {
  const s = resolve(schema);
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  if ((depth || 0) > 6) return null;
  if (s.oneOf || s.anyOf) return example((s.oneOf || s.anyOf)[0], (depth || 0) + 1);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((x) => example(x, (depth || 0) + 1)));
  if (s.type === "array") return [example(s.items, (depth || 0) + 1)];
  if (s.type === "object" || s.properties) {
    const out = {};
    const required = new Set(s.required || []);
    for (const [k, v] of Object.entries(s.properties || {})) {
      if (required.has(k) || resolve(v).example !== undefined) out[k] = example(v, (depth || 0) + 1);
    }
    return out;
  }
  return "<" + (s.type || "value") + ">";
}

function fieldsTable(schema, idPrefix) {
  const s = resolve(schema);
  const props = Object.entries(s.properties || {});
  if (props.length === 0) return h("p", { class: "label" }, t("noFields"), " ", typeOf(schema));
  const required = new Set(s.required || []);
  return h("table", { class: "fields" },
    h("caption", { class: "label", style: "text-align:left" }, t("fields")),
    h("thead", {}, h("tr", {}, [t("name"), t("type"), t("required"), t("description")].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, props.map(([name, p]) => h("tr", {},
      h("td", {}, h("code", {}, name)),
      h("td", {}, typeOf(p)),
      h("td", { class: required.has(name) ? "req" : "" }, required.has(name) ? t("yes") : t("no")),
      h("td", {}, inline(resolve(p).description || p.description || ""))))));
}

const CODE_PATTERN = /\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b|\\b[A-Z]{6,}\\b/g;

/** The catalog's error codes named in a text. */
function codesIn(text) {
  return [...new Set((String(text || "").match(CODE_PATTERN) || []).filter((c) => c in CATALOG))];
}

/** The friendly sentence in the page's language; the catalog's English when the console has no sentence for a new code. */
function errorMeaning(code) {
  const text = ERROR_TEXT[code];
  return (text && text[lang]) || CATALOG[code].en;
}

function errorLine(code) {
  return h("li", {}, h("a", { href: "#error-" + code }, h("code", {}, code)), " ", errorMeaning(code));
}

function operationCard(path, method, op) {
  const summary = splitSummary(op);
  const primary = lang === "en" ? summary.en || summary.zh : summary.zh || summary.en;
  const secondary = lang === "en" ? summary.zh : summary.en;
  const headingId = "h-" + op.operationId;
  const allowed = allowedInstitutions(op);
  const card = h("section", { class: "op", id: "op-" + op.operationId, "aria-labelledby": headingId, "data-operation-id": op.operationId },
    h("h3", { id: headingId }, h("span", { class: "primary" }, primary),
      secondary && secondary !== primary ? h("span", { class: "alt", lang: lang === "en" ? "zh-CN" : "en" }, secondary) : null),
    h("div", { class: "line" },
      h("span", {}, h("span", { class: "method " + method }, method.toUpperCase()), " ", h("code", { class: "path" }, path)),
      h("span", {}, h("span", { class: "label" }, t("operationId") + ": "), h("code", { class: "operation-id" }, op.operationId))),
    h("div", { class: "line allowed" }, h("span", { class: "label" }, t("allowed") + ":"),
      allowed ? h("span", {}, allowed.map((inst) => h("span", { class: "chip", "data-institution": inst, title: inst }, institutionName(inst, lang))))
        : h("span", { class: "label" }, t("notStated"))));
  const description = descriptionWithoutAllowed(op);
  if (description) card.append(h("div", { class: "desc", lang: "en" }, prose(description)));

  const params = op.parameters || [];
  if (params.length) {
    card.append(h("h4", {}, t("parameters")), h("table", {},
      h("thead", {}, h("tr", {}, [t("name"), t("in"), t("type"), t("required"), t("description")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, params.map((p) => h("tr", {},
        h("td", {}, h("code", {}, p.name)), h("td", {}, t("in_" + p.in)), h("td", {}, typeOf(p.schema)),
        h("td", { class: p.required ? "req" : "" }, p.required ? t("yes") : t("no")),
        h("td", {}, inline(p.description || (p.schema && p.schema.description) || "")))))));
  }

  const body = op.requestBody && op.requestBody.content;
  if (body) {
    for (const [mediaType, media] of Object.entries(body)) {
      card.append(h("h4", {}, t("requestBody"), " ", h("code", {}, mediaType), " ", refName(media.schema) ? typeOf(media.schema) : null));
      card.append(fieldsTable(media.schema));
      const ex = media.example !== undefined ? media.example : example(media.schema);
      card.append(h("h4", {}, t("example")), h("pre", { tabindex: "0", class: "example", "aria-label": t("example") + " " + op.operationId },
        h("code", {}, typeof ex === "string" ? ex : JSON.stringify(ex, null, 2))));
      const details = h("details", {}, h("summary", {}, t("schemaJson")),
        h("pre", { tabindex: "0" }, h("code", {}, JSON.stringify(resolve(media.schema), null, 2))));
      card.append(details);
    }
  }

  card.append(h("h4", {}, t("responses")), h("table", { class: "responses" },
    h("thead", {}, h("tr", {}, [t("status"), t("description"), t("errorCodes")].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, Object.entries(op.responses || {}).map(([status, r]) => {
      const schema = r.content && Object.values(r.content)[0] && Object.values(r.content)[0].schema;
      const codes = codesIn(r.description);
      return h("tr", { "data-status": status },
        h("td", {}, h("strong", {}, status), " ", h("span", { class: "label" }, STATUS_TEXT[lang][status] || "")),
        h("td", {}, h("span", { lang: "en" }, inline(r.description)), schema ? [" → ", typeOf(schema)] : null),
        h("td", {}, codes.length ? h("ul", { class: "codes" }, codes.map(errorLine)) : "—"));
    }))));
  const otherCodes = codesIn(description).filter((c) => !Object.values(op.responses || {}).some((r) => codesIn(r.description).includes(c)));
  if (otherCodes.length) card.append(h("p", { class: "label" }, t("errorCodes") + ":"), h("ul", { class: "codes" }, otherCodes.map(errorLine)));
  return card;
}

function render() {
  document.documentElement.lang = lang;
  document.title = t("title");
  document.getElementById("brand").textContent = t("brand");
  document.getElementById("skip").textContent = t("skip");
  const button = document.getElementById("lang");
  button.textContent = t("langButton");
  button.setAttribute("lang", lang === "en" ? "zh-CN" : "en");
  document.getElementById("lang-hint").textContent = t("langHint");
  toc.setAttribute("aria-label", t("toc"));

  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== "object" || !op.operationId) continue;
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  const tagName = (tag) => TAGS[lang][tag] || (tag === "other" ? t("otherTag") : tag);
  const tagId = (tag) => "tag-" + tag.replace(/[^a-z0-9]+/gi, "-");

  const sections = [...byTag].map(([tag, ops]) => h("section", { "aria-labelledby": tagId(tag) },
    h("h2", { id: tagId(tag) }, tagName(tag), " ", h("span", { class: "label" }, "(" + ops.length + " " + t("operations") + ")")),
    ops.map(({ path, method, op }) => operationCard(path, method, op))));

  const codes = Object.keys(CATALOG);
  const errors = h("section", { "aria-labelledby": "errors" },
    h("h2", { id: "errors" }, t("errorsTitle")),
    h("table", { id: "error-codes" },
      h("thead", {}, h("tr", {}, [t("errorCodes"), t("httpStatus"), t("meaning")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, codes.map((code) => h("tr", { id: "error-" + code },
        h("td", {}, h("code", {}, code)), h("td", {}, CATALOG[code].status),
        h("td", { class: "meaning" }, errorMeaning(code)))))));

  const schemas = h("section", { "aria-labelledby": "schemas" },
    h("h2", { id: "schemas" }, t("schemasTitle")),
    Object.entries((doc.components && doc.components.schemas) || {}).map(([name, schema]) =>
      h("details", { id: "schema-" + name }, h("summary", {}, h("code", {}, name)),
        fieldsTable({ $ref: "#/components/schemas/" + name }),
        h("pre", { tabindex: "0" }, h("code", {}, JSON.stringify(schema, null, 2))))));

  const intro = h("section", { class: "intro", "aria-labelledby": "intro" },
    h("h2", { id: "intro", style: "margin-top:0" }, t("introTitle")),
    h("p", {}, t("auth")), h("p", {}, t("money")), h("p", {}, t("writes")), h("p", {}, t("errorsIntro")),
    h("p", {}, t("documentLink"), h("a", { href: "/openapi.json" }, "/openapi.json"), " · OpenAPI " + doc.openapi + " · " + (doc.info && doc.info.version)));

  main.replaceChildren(h("h1", { id: "title" }, t("title")), intro, ...sections, errors, schemas);
  main.removeAttribute("aria-busy");

  toc.replaceChildren(h("ul", {},
    h("li", {}, h("a", { href: "#intro" }, t("introTitle"))),
    [...byTag].map(([tag, ops]) => h("li", {}, h("a", { href: "#" + tagId(tag) }, tagName(tag)),
      h("ul", {}, ops.map(({ op }) => {
        const s = splitSummary(op);
        return h("li", {}, h("a", { href: "#op-" + op.operationId, title: op.operationId }, (lang === "en" ? s.en || s.zh : s.zh || s.en).split(/[:：]/)[0]));
      })))),
    h("li", {}, h("a", { href: "#errors" }, t("errorsTitle"))),
    h("li", {}, h("a", { href: "#schemas" }, t("schemasTitle")))));
}

document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "en" ? "zh-CN" : "en";
  sessionStorage.setItem("docs.lang", lang);
  render();
});

try {
  const res = await fetch("/openapi.json");
  if (!res.ok) throw new Error("HTTP " + res.status);
  doc = await res.json();
  render();
  if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
} catch (error) {
  main.replaceChildren(h("h1", { id: "title" }, t("title")), h("p", { role: "alert" }, t("loadFailed") + error.message));
  main.removeAttribute("aria-busy");
}
`;
