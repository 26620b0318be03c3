// The console: sign in with an institution credential (kept in sessionStorage), then what is shown follows the
// credential's role (GET /v1/audit/session). Hash routes: #/search, #/account/<id>, #/proof/<tx>/<log>, #/system.
import { balanceChart } from "./chart.js";
import { formatFen, shanghaiTime, shanghaiToday, shortHash } from "./format.js";
import { currentLang, label, setLang, t } from "./i18n.js";
import { errorText, institutionName } from "./messages.js";

const main = document.getElementById("main");
const alertBox = document.getElementById("alert");
let session = null;

// ───────────────────────────── plumbing ─────────────────────────────

function token() {
  return sessionStorage.getItem("console.token");
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token()}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = new Error(data?.message || res.statusText);
    error.code = data?.code;
    error.status = res.status;
    throw error;
  }
  return data;
}

/** A sentence for people first; the code (and HTTP status) in small print for support. */
function showError(error) {
  const code = error.code;
  const sentence = error.text ?? errorText(code, currentLang()) ?? (error.status === undefined ? t("networkError") : error.message || t("unknownError"));
  alertBox.replaceChildren(h("span", { class: "alert-text" }, sentence));
  if (code || error.status) {
    alertBox.append(h("small", { class: "alert-code" },
      t("errorCode"), h("code", { id: "alert-code" }, code ?? "—"), error.status ? ` · HTTP ${error.status}` : ""));
  }
  alertBox.hidden = false;
}

function clearError() {
  alertBox.hidden = true;
  alertBox.textContent = "";
}

/** Builds an element: h("td", { class: "num" }, "¥1.00", child…). */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "onclick" || k === "onsubmit" || k === "onchange") node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function render(...nodes) {
  main.replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
  const heading = main.querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function download(filename, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function exportTo(format, query) {
  clearError();
  try {
    const body = await api("GET", `/v1/audit/exports?format=${format}&${query}`);
    if (format === "csv") download(body.filename, "text/csv;charset=utf-8", body.csv);
    else download(body.filename, "application/json", JSON.stringify({ header: body.header, entries: body.entries }, null, 2));
  } catch (error) {
    showError(error);
  }
}

function exportButtons(query, what = "") {
  return h("div", { class: "actions" },
    h("button", { type: "button", id: "export-csv", onclick: () => exportTo("csv", query) }, `${t("exportCsv")}${what}`),
    h("button", { type: "button", id: "export-json", onclick: () => exportTo("json", query) }, `${t("exportJson")}${what}`));
}

function figure(labelText, value, id) {
  return h("div", { class: "card figure" }, h("div", { class: "label" }, labelText), h("div", { class: "value", id }, value));
}

// ───────────────────────────── views ─────────────────────────────

function signInView() {
  const input = h("input", { id: "credential", name: "credential", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const form = h("form", {
    id: "signin", class: "inline", onsubmit: async (event) => {
      event.preventDefault();
      clearError();
      sessionStorage.setItem("console.token", input.value.trim());
      try {
        await loadSession();
        location.hash = "#/search";
        route();
      } catch (error) {
        sessionStorage.removeItem("console.token");
        showError(error.status === 401 ? { ...error, code: error.code, status: error.status, text: t("invalidCredential") } : error);
      }
    },
  },
  h("label", { for: "credential" }, t("credential"), input),
  h("button", { type: "submit", class: "primary" }, t("signIn")));
  render(h("h1", {}, t("signInTitle")), h("p", { class: "muted" }, t("signInIntro")), h("div", { class: "card" }, form));
}

function searchView() {
  const select = h("select", { id: "search-kind", name: "kind" },
    h("option", { value: "pseudonym" }, t("byPseudonym")),
    h("option", { value: "accountId" }, t("byAccountId")),
    session.canResolveResidentId ? h("option", { value: "residentId" }, t("byResidentId")) : null);
  const input = h("input", { id: "search-value", name: "value", required: true, autocomplete: "off", spellcheck: "false" });
  const results = h("div", { id: "search-results", "aria-live": "polite" });
  const form = h("form", {
    id: "search", class: "inline", role: "search", onsubmit: async (event) => {
      event.preventDefault();
      clearError();
      results.replaceChildren(t("loading"));
      try {
        const { accounts } = await api("POST", "/v1/audit/account-search", { [select.value]: input.value.trim() });
        if (accounts.length === 0) {
          results.replaceChildren(h("p", {}, t("noAccounts")));
          return;
        }
        results.replaceChildren(h("table", { id: "accounts" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("byAccountId")), h("th", { scope: "col" }, t("kind")), h("th", { scope: "col" }, t("status")), h("th", { scope: "col" }, ""))),
          h("tbody", {}, accounts.map((a) => h("tr", {},
            h("td", { class: "hash" }, a.accountId), h("td", {}, label("kind", a.kind)), h("td", {}, label("status", a.status)),
            h("td", {}, h("a", { href: `#/account/${a.accountId}`, class: "open-account" }, t("open"))))))));
      } catch (error) {
        results.replaceChildren();
        showError(error);
      }
    },
  },
  h("label", { for: "search-kind" }, t("searchBy"), select),
  h("label", { for: "search-value" }, t("searchValue"), input),
  h("button", { type: "submit", class: "primary" }, t("search")));
  render(h("h1", {}, t("searchTitle")), h("div", { class: "card" }, form,
    session.canResolveResidentId ? null : h("p", { class: "muted", id: "no-resident-id" }, t("residentIdNotAllowed"))), results);
}

function entryAmount(e) {
  const d = e.display || {};
  if (e.event === "PayoutSettled") return `${t("gross")} ${d.gross} · ${t("tax")} ${d.tax} · ${t("net")} ${d.net}`;
  return d.amount ?? d.vested ?? d.gross ?? Object.values(d)[0] ?? "";
}

function entryDetail(e) {
  const d = e.details || {};
  if (e.event === "AccountStatusChanged") return `${label("status", d.from)} → ${label("status", d.to)}`;
  if (e.event === "EligibilityRecorded" || e.event === "EligibilityRevoked" || e.event === "PayoutPlanStarted") {
    return [d.qualifyingEvent, d.mode].filter(Boolean).map((v) => label("enum", v)).join(" · ");
  }
  if (e.paymentStatus) return `${t("paymentStatus")}: ${label("status", e.paymentStatus)}`;
  return "";
}

function timelineRow(e) {
  return h("tr", { "data-tx": e.txHash, "data-log": e.logIndex, "data-sequence": e.sequence },
    h("td", {}, shanghaiTime(e.blockTime)),
    h("td", { class: "num" }, `#${e.sequence}`),
    h("td", {}, label("type", e.type)),
    h("td", {}, label("event", e.event), h("div", { class: "muted" }, entryDetail(e))),
    h("td", { class: "num" }, entryAmount(e)),
    h("td", { class: "hash" }, shortHash(e.txHash), h("div", { class: "muted" }, `${t("blockNumber")} ${e.blockNumber} · ${t("logIndex")} ${e.logIndex}`)),
    h("td", { class: "hash", title: e.runningHash }, shortHash(e.runningHash)),
    h("td", {}, h("a", { href: `#/proof/${e.txHash}/${e.logIndex}`, "aria-label": `${t("viewProof")} #${e.sequence} ${e.logIndex}` }, t("proof"))));
}

/** Figures as a two-column table: [[key, label, fen]] → rows with data-figure=key and ¥ amounts. */
function figureTable(id, caption, rows) {
  return h("table", { id },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("item")), h("th", { scope: "col", class: "num" }, t("amount")))),
    h("tbody", {}, rows.map(([key, text, fen]) => h("tr", { "data-figure": key }, h("th", { scope: "row" }, text), h("td", { class: "num" }, formatFen(fen))))));
}

async function accountView(accountId) {
  render(h("h1", {}, `${t("accountTitle")} ${shortHash(accountId)}`), h("p", { class: "loading" }, t("loading")));
  const account = await api("GET", `/v1/accounts/${accountId}`);
  const heading = h("h1", {}, `${t("accountTitle")} ${shortHash(account.accountId)}`);
  const thisYear = account.view === "taxBureau" ? account.contributions.thisYear : account.thisYear;
  const facts = h("dl", { class: "kv", id: "account-facts" },
    h("dt", {}, t("byAccountId")), h("dd", { class: "hash" }, account.accountId),
    account.status ? [h("dt", {}, t("status")), h("dd", { id: "account-status" }, label("status", account.status))] : null,
    h("dt", {}, t("kind")), h("dd", {}, label("kind", account.kind)),
    account.pensionReference ? [h("dt", {}, t("pensionReference")), h("dd", {}, account.pensionReference)] : null,
    account.holder ? [h("dt", {}, t("holder")), h("dd", {}, `${account.holder.name ?? ""} ${account.holder.residentIdMasked}`)] : null,
    thisYear && account.view !== "taxBureau" ? [
      h("dt", {}, t("contributedThisYear", { year: thisYear.year })), h("dd", { id: "contributed-this-year" }, formatFen(thisYear.contributed)),
      h("dt", {}, t("remainingThisYear")), h("dd", { id: "remaining-this-year" }, `${formatFen(thisYear.remaining)} / ${formatFen(thisYear.cap)}`)] : null);
  // The bureaus see a reduced view of the account (gateway/services/accounts.ts): the status only, or the tax figures.
  if (account.view === "socialSecurity") {
    render(heading, h("div", { class: "card" }, facts), h("p", { class: "muted", id: "no-history" }, t("noHistoryRole")));
    return;
  }
  if (account.view === "taxBureau") {
    const rows = [["personalTotal", t("personalTotal"), account.contributions.personalTotal]];
    if (thisYear) {
      rows.push(["contributedThisYear", t("contributedThisYear", { year: thisYear.year }), thisYear.contributed],
        ["deductibleThisYear", t("deductibleThisYear", { year: thisYear.year }), thisYear.deductible], ["cap", t("annualCap"), thisYear.cap]);
    }
    rows.push(["payoutsGross", t("payoutsGross"), account.withholding.payoutsGross], ["taxWithheld", t("taxWithheld"), account.withholding.taxWithheld]);
    render(heading, h("div", { class: "card" }, facts), h("h2", {}, t("taxFiguresTitle")), figureTable("tax-figures", t("taxFiguresTitle"), rows),
      h("h2", {}, t("timelineTitle")), h("p", { class: "muted", id: "no-history" }, t("noHistoryRole")));
    return;
  }
  const balances = h("table", { id: "balances" },
    h("caption", { class: "visually-hidden" }, t("balancesTitle")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("subLedger")), h("th", { scope: "col", class: "num" }, t("amount")))),
    h("tbody", {}, Object.entries(account.balances).map(([k, v]) => h("tr", { "data-ledger": k }, h("th", { scope: "row" }, label("subLedger", k)), h("td", { class: "num" }, formatFen(v))))));
  const parts = [heading, h("div", { class: "card" }, facts), h("h2", {}, t("balancesTitle")), balances];
  if (!session.canReadHistory) {
    parts.push(h("h2", {}, t("timelineTitle")), h("p", { class: "muted", id: "no-history" }, t("noHistoryRole")));
    render(...parts);
    return;
  }
  const entries = [];
  let cursor = null;
  do {
    const page = await api("GET", `/v1/audit/accounts/${account.accountId}/history?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  parts.push(
    h("h2", {}, t("chartTitle")), h("div", { class: "card", id: "balance-chart" }, balanceChart(entries)),
    h("h2", {}, `${t("timelineTitle")} `, h("span", { class: "muted", id: "entry-count" }, `(${entries.length} ${t("entriesCount")})`)),
    session.canExport ? exportButtons(`accountId=${account.accountId}`) : null,
    h("table", { id: "timeline" },
      h("caption", { class: "visually-hidden" }, t("timelineTitle")),
      h("thead", {}, h("tr", {}, [t("time"), t("sequence"), t("type"), t("event"), t("amount"), t("txBlockLog"), t("runningHash"), t("proof")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, entries.map(timelineRow))));
  render(...parts);
}

async function proofView(txHash, logIndex) {
  render(h("h1", {}, t("proofTitle")), h("p", { class: "loading" }, t("loading")));
  const p = await api("GET", `/v1/audit/entries/${txHash}/${logIndex}/proof`);
  const kv = (k, v, cls) => [h("dt", {}, t(k)), h("dd", { class: cls }, v)];
  render(
    h("h1", {}, t("proofTitle")),
    h("div", { class: "card" }, h("dl", { class: "kv", id: "proof" },
      kv("chainId", p.chainId), kv("ledgerAddress", p.ledgerAddress, "hash"), kv("txHash", p.txHash, "hash"), kv("logIndex", p.logIndex),
      kv("blockNumber", p.blockNumber), kv("blockHash", p.blockHash, "hash"), kv("blockTime", shanghaiTime(p.blockTime)), kv("receiptsRoot", p.receiptsRoot, "hash"),
      kv("event", p.event ? label("event", p.event.name) : "—"),
      kv("operation", p.operation ? `#${p.operation.sequence}` : "—"), kv("runningHash", p.operation?.runningHash ?? "—", "hash"),
      [h("dt", {}, t("matchesIndex")), h("dd", { id: "matches-index", class: p.matchesIndex ? "ok" : "bad" }, p.matchesIndex ? t("yes") : t("no"))])),
    h("h2", {}, t("rawReceipt")),
    h("pre", { id: "raw-receipt", tabindex: "0", "aria-label": t("rawReceipt") }, JSON.stringify({ log: p.raw.log, receipt: p.raw.receipt, event: p.event }, null, 2)),
    h("p", {}, h("button", { type: "button", onclick: () => history.back() }, t("back"))));
}

function verificationText(v) {
  if (!v) return h("span", { class: "muted" }, t("never"));
  if (v.ok) return h("span", {}, h("span", { class: "ok" }, `${t("verifyOk")} ✓ `), t("verifyOkText", { n: v.operationCount, b: v.blockNumber }), h("span", { class: "muted" }, ` · ${shanghaiTime(v.verifiedAt)}`));
  const d = v.firstDivergence || {};
  return h("span", {}, h("span", { class: "bad" }, `${t("verifyBad")} ✗ `),
    t("verifyBadText", {
      seq: d.sequence ?? "?", how: t(`how_${d.how}`), table: d.table, field: d.field ? `${t("field")}${d.field}` : "",
      index: d.indexValue ?? "—", chain: d.chainValue ?? "—", count: v.divergenceCount,
    }),
    h("span", { class: "muted" }, ` · ${shanghaiTime(v.verifiedAt)}`));
}

async function systemView() {
  render(h("h1", {}, t("systemTitle")), h("p", { class: "loading" }, t("loading")));
  const s = await api("GET", "/v1/audit/summary");
  const result = h("div", { id: "verification", "aria-live": "polite" }, verificationText(s.lastVerification));
  const button = h("button", {
    type: "button", id: "verify-now", class: "primary", onclick: async () => {
      clearError();
      button.disabled = true;
      result.replaceChildren(t("verifying"));
      try {
        result.replaceChildren(verificationText(await api("POST", "/v1/audit/verifications")));
      } catch (error) {
        result.replaceChildren();
        showError(error);
      } finally {
        button.disabled = false;
      }
    },
  }, t("verifyNow"));
  const claims = s.claimsByState === null
    ? h("span", { class: "muted" }, t("noClaimsTable"))
    : Object.keys(s.claimsByState).length === 0 ? "0" : Object.entries(s.claimsByState).map(([k, n]) => `${label("claimState", k)}: ${n}`).join(" · ");
  const month = s.month;
  render(
    h("h1", {}, t("systemTitle")),
    h("div", { class: "grid", id: "figures" },
      figure(t("accountsTotal"), s.accounts.total, "fig-accounts"),
      figure(`${t("contributionsMonth")} (${month})`, `${t("count", { n: s.contributionsThisMonth.count })} · ${formatFen(s.contributionsThisMonth.totalFen)}`, "fig-contributions"),
      figure(`${t("payoutsMonth")} (${month})`, `${t("count", { n: s.payoutsThisMonth.count })} · ${formatFen(s.payoutsThisMonth.grossFen)}`, "fig-payouts"),
      figure(t("claimsByState"), claims, "fig-claims"),
      figure(t("outboxDepth"), s.outboxDepth, "fig-outbox"),
      figure(t("indexLag"), `${s.index.lagBlocks ?? "—"} (${t("indexedBlock")} ${s.index.indexedBlock ?? "—"})`, "fig-lag"),
      figure(t("operations"), `${s.index.operations} / ${s.chain.operationCount ?? "—"}`, "fig-operations")),
    h("h2", {}, t("lastVerification")),
    h("div", { class: "card" }, result, h("div", { class: "actions" }, button)),
    session.canExport ? [h("h2", {}, t("exportMonth")), exportButtons(`from=${month}-01&to=${shanghaiToday()}`)] : null);
}

// ───────────────────────────── routing ─────────────────────────────

async function loadSession() {
  session = await api("GET", "/v1/audit/session");
  sessionStorage.setItem("console.session", JSON.stringify(session));
  showSessionChrome();
}

function showSessionChrome() {
  const signedIn = !!session;
  document.getElementById("nav").hidden = !signedIn;
  document.getElementById("signout").hidden = !signedIn;
  document.getElementById("nav-system").hidden = !(session && session.canSeeSystem);
  const who = document.getElementById("who");
  who.textContent = session ? t("signedInAs", { name: institutionName(session.institution, currentLang()) }) : "";
  if (session) who.dataset.institution = session.institution;
  else delete who.dataset.institution;
}

async function route() {
  clearError();
  showSessionChrome();
  const path = location.hash.replace(/^#/, "") || "/search";
  for (const link of document.querySelectorAll("#nav a")) {
    if (path.startsWith(link.getAttribute("href").slice(1))) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!session) return signInView();
  try {
    const [, view, a, b] = path.split("/");
    if (view === "account" && a) await accountView(a);
    else if (view === "proof" && a && b) await proofView(a, Number(b));
    else if (view === "system" && session.canSeeSystem) await systemView();
    else searchView();
  } catch (error) {
    for (const loading of main.querySelectorAll(".loading")) loading.remove();
    showError(error);
  }
}

document.getElementById("lang").addEventListener("click", () => {
  setLang(currentLang() === "en" ? "zh-CN" : "en");
  route();
});
document.getElementById("signout").addEventListener("click", () => {
  sessionStorage.removeItem("console.token");
  sessionStorage.removeItem("console.session");
  session = null;
  location.hash = "#/";
  route();
});
window.addEventListener("hashchange", route);

setLang(currentLang());
if (token()) {
  try {
    session = JSON.parse(sessionStorage.getItem("console.session") || "null");
  } catch {
    session = null;
  }
}
route();
