import { expect } from "chai";
import { cstMidnightSeconds, cstMonth, cstParts, shanghaiTime } from "../../gateway/services/time.js";

describe("China Standard Time helpers (the cap year is the CST calendar year)", () => {
  it("puts 2026-12-31 15:59:59.999 UTC in CST year 2026 and 16:00 UTC in 2027 (year boundary)", () => {
    expect(cstParts(new Date("2026-12-31T15:59:59.999Z"))).to.deep.equal({ year: 2026, month: 12, day: 31 });
    expect(cstParts(new Date("2026-12-31T16:00:00.000Z"))).to.deep.equal({ year: 2027, month: 1, day: 1 });
  });

  it("names the CST month, which changes at 16:00 UTC on the last day", () => {
    expect(cstMonth(new Date("2026-02-28T15:59:59Z"))).to.equal("2026-02");
    expect(cstMonth(new Date("2026-02-28T16:00:00Z"))).to.equal("2026-03");
  });

  it("takes a date's midnight in CST as 16:00 UTC the day before", () => {
    expect(cstMidnightSeconds("2026-01-01")).to.equal(Date.UTC(2025, 11, 31, 16) / 1000);
  });

  it("formats an instant in Asia/Shanghai", () => {
    expect(shanghaiTime(new Date("2026-12-03T18:40:59Z"))).to.equal("2026-12-04 02:40:59");
  });
});
