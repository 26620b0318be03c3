// The balance over time by sub-ledger, drawn as inline SVG. Amounts are summed as BigInt fen; only the pixel
// coordinates (not money) become small integers.
import { formatFen, shanghaiTime } from "./format.js";
import { label, t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
// The balance is drawn first, wide and light, so the sub-ledgers it is made of stay visible on top of it.
const SERIES = [
  { key: "balance", color: "#a4161a" },
  { key: "personal", color: "#1f6feb" },
  { key: "employer", color: "#8250df" },
  { key: "returns", color: "#1a7f37" },
  { key: "paidOut", color: "#bf8700" },
];

/** Cumulative sub-ledgers after each money entry, in operation order. */
export function balanceSeries(entries) {
  const totals = { personal: 0n, employer: 0n, returns: 0n, paidOut: 0n };
  const points = [];
  for (const e of entries) {
    const a = e.amounts || {};
    const at = Date.parse(e.blockTime);
    let changed = true;
    switch (e.event) {
      case "PersonalContributionCredited": totals.personal += BigInt(a.amount); break;
      case "AnnuityContributionCredited": totals.personal += BigInt(a.employeeAmount); totals.employer += BigInt(a.employerAmount); break;
      case "ReturnCredited": totals.returns += BigInt(a.amount); break;
      case "MemberLeft": totals.employer -= BigInt(a.forfeited); break;
      case "PayoutSettled": totals.paidOut += BigInt(a.gross); break;
      case "PayoutFailed": totals.paidOut -= BigInt(a.gross); break;
      default: changed = false;
    }
    if (!changed) continue;
    const balance = totals.personal + totals.employer + totals.returns - totals.paidOut;
    points.push({ at, ...totals, balance });
  }
  return points;
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An SVG chart (role img, with title and description) and its legend, or a note if there is nothing to draw. */
export function balanceChart(entries) {
  const points = balanceSeries(entries);
  const wrap = document.createElement("div");
  wrap.className = "chart";
  if (points.length === 0) {
    wrap.textContent = "—";
    return wrap;
  }
  const width = 900, height = 280, left = 110, right = 20, top = 16, bottom = 40;
  const plotW = width - left - right, plotH = height - top - bottom;
  let max = 0n, min = 0n;
  for (const p of points) for (const s of SERIES) { if (p[s.key] > max) max = p[s.key]; if (p[s.key] < min) min = p[s.key]; }
  if (max === min) max = min + 100n;
  const span = max - min;
  const y = (v) => top + Number(((max - v) * BigInt(plotH)) / span);
  const t0 = points[0].at, t1 = points[points.length - 1].at;
  // Points in the same second are spread evenly so each step stays visible.
  const x = (p, i) => left + (t1 > t0 ? Math.round(((p.at - t0) * plotW) / (t1 - t0)) : 0) * 0.7 + Math.round((i * plotW * 0.3) / Math.max(1, points.length - 1));
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "chart-title chart-desc" });
  svg.appendChild(el("title", { id: "chart-title" }, t("chartTitle")));
  svg.appendChild(el("desc", { id: "chart-desc" }, `${t("chartDesc")} ${label("series", "balance")}: ${formatFen(points[points.length - 1].balance)}`));
  for (const v of [max, (max + min) / 2n, min]) {
    svg.appendChild(el("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: "#d8dee6" }));
    svg.appendChild(el("text", { x: left - 8, y: y(v) + 4, "text-anchor": "end", "font-size": 12, fill: "#5b6878" }, formatFen(v)));
  }
  svg.appendChild(el("text", { x: left, y: height - 12, "font-size": 12, fill: "#5b6878" }, shanghaiTime(new Date(t0).toISOString())));
  svg.appendChild(el("text", { x: width - right, y: height - 12, "text-anchor": "end", "font-size": 12, fill: "#5b6878" }, shanghaiTime(new Date(t1).toISOString())));
  for (const s of SERIES) {
    let d = "";
    points.forEach((p, i) => {
      const px = x(p, i), py = y(p[s.key]);
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    });
    d += `H${width - right}`;
    const balance = s.key === "balance";
    svg.appendChild(el("path", { d, fill: "none", stroke: s.color, "stroke-width": balance ? 7 : 2, "stroke-opacity": balance ? 0.3 : 1, "stroke-dasharray": s.key === "paidOut" ? "6 3" : "none", "data-series": s.key }));
  }
  wrap.appendChild(svg);
  const legend = document.createElement("div");
  legend.className = "legend";
  const last = points[points.length - 1];
  for (const s of SERIES) {
    const item = document.createElement("span");
    item.style.setProperty("--swatch", s.color);
    item.textContent = `${label("series", s.key)} ${formatFen(last[s.key])}`;
    legend.appendChild(item);
  }
  wrap.appendChild(legend);
  return wrap;
}
