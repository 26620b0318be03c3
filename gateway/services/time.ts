/** China Standard Time (UTC+8, no daylight saving) helpers: the cap year, months and dates are CST. */
const CST_OFFSET_MS = 8 * 3600 * 1000;

export function cstParts(at: Date): { year: number; month: number; day: number } {
  const shifted = new Date(at.getTime() + CST_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** "2026-12" */
export function cstMonth(at: Date): string {
  const { year, month } = cstParts(at);
  return `${year}-${String(month).padStart(2, "0")}`;
}

/** Unix seconds of 00:00 CST on a YYYY-MM-DD date. */
export function cstMidnightSeconds(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00+08:00`) / 1000);
}

/** An instant formatted in Asia/Shanghai, e.g. "2026-12-03 18:40:59". */
export function shanghaiTime(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().replace("T", " ").slice(0, 19);
}
