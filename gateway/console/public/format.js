// Money and time for people. Amounts arrive as integer fen (digit strings) and are formatted with BigInt only:
// never a floating-point number. Times are shown in Asia/Shanghai (UTC+8, no daylight saving).

/** "123456" → "¥1,234.56"; "-5" → "-¥0.05". */
export function formatFen(fen) {
  let value = BigInt(fen);
  const negative = value < 0n;
  if (negative) value = -value;
  const yuan = (value / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = (value % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}¥${yuan}.${cents}`;
}

/** "2026-12-04T02:55:06+08:00" (or any ISO instant) → "2026-12-04 02:55:06" in Asia/Shanghai. */
export function shanghaiTime(iso) {
  if (!iso) return "";
  if (/\+08:00$/.test(iso)) return iso.slice(0, 19).replace("T", " ");
  const ms = Date.parse(iso);
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

/** Today's date in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiToday() {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function shortHash(hash) {
  return hash && hash.length > 18 ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash || "";
}
