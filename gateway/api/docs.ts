/**
 * /docs: a small self-contained page that renders /openapi.json (no CDN, nothing fetched from the internet;
 * the script is served from this gateway so the default Content-Security-Policy allows it).
 */
export const DOCS_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>养老金账本网关 API / Pension ledger gateway API</title>
<style>
  body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; color: #1a1a1a; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
  .op { border: 1px solid #ddd; border-radius: 6px; margin: .75rem 0; padding: .5rem .75rem; }
  .method { font-weight: bold; text-transform: uppercase; display: inline-block; min-width: 4rem; }
  .get { color: #0a6; } .post { color: #05c; } .delete { color: #c30; }
  code { background: #f4f4f4; padding: 0 .25rem; } pre { background: #f7f7f7; padding: .5rem; overflow: auto; font-size: .8rem; }
  details summary { cursor: pointer; }
</style>
</head>
<body>
<h1>养老金账本网关 API <small>/ Pension ledger gateway API</small></h1>
<p>认证：<code>Authorization: Bearer &lt;令牌&gt;</code>（每个机构一个）。金额单位为分（整数）。/ Auth: one bearer credential per institution. Amounts are integer fen.</p>
<p>OpenAPI 文档 / document: <a href="/openapi.json">/openapi.json</a></p>
<div id="operations">正在加载… / Loading…</div>
<script src="/docs/docs.js"></script>
</body>
</html>`;

export const DOCS_SCRIPT = `(async function () {
  const root = document.getElementById("operations");
  const doc = await (await fetch("/openapi.json")).json();
  const byTag = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "other";
      (byTag[tag] = byTag[tag] || []).push({ path, method, op });
    }
  }
  root.textContent = "";
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
  for (const [tag, ops] of Object.entries(byTag)) {
    root.appendChild(el("h2", "", tag));
    for (const { path, method, op } of ops) {
      const box = el("div", "op");
      const head = el("div");
      head.appendChild(el("span", "method " + method, method));
      head.appendChild(el("code", "", path));
      head.appendChild(el("span", "", "  operationId: " + op.operationId));
      box.appendChild(head);
      box.appendChild(el("p", "", op.summary || ""));
      if (op.description) box.appendChild(el("p", "", op.description));
      const details = el("details");
      details.appendChild(el("summary", "", "请求与响应 / request and responses"));
      details.appendChild(el("pre", "", JSON.stringify({ parameters: op.parameters, requestBody: op.requestBody, responses: op.responses }, null, 2)));
      box.appendChild(details);
      root.appendChild(box);
    }
  }
  const schemas = el("details");
  schemas.appendChild(el("summary", "", "数据结构 / schemas"));
  schemas.appendChild(el("pre", "", JSON.stringify(doc.components && doc.components.schemas, null, 2)));
  root.appendChild(schemas);
})();`;
