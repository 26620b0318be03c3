import { expect } from "chai";
import { addMonths, ageInWholeYears, monthFromIndex, monthIndex, toIsoDate } from "../../../gateway/domain/calendar.js";

describe("calendar", () => {
  it("adds months keeping the day, or taking the month's last day", () => {
    expect(addMonths("2024-01-31", 1)).to.equal("2024-02-29");
    expect(addMonths("2023-01-31", 1)).to.equal("2023-02-28");
    expect(addMonths("2024-11-15", 2)).to.equal("2025-01-15");
    expect(addMonths("1965-01-15", 721)).to.equal("2025-02-15"); // 60 years 1 month
  });

  it("counts whole years of age, the birthday itself included", () => {
    expect(ageInWholeYears("1964-06-15", "2024-06-14")).to.equal(59);
    expect(ageInWholeYears("1964-06-15", "2024-06-15")).to.equal(60);
    expect(ageInWholeYears("1964-06-15", "2026-01-10")).to.equal(61);
  });

  it("gives someone born on 29 February a birthday on 28 February in common years", () => {
    expect(ageInWholeYears("1980-02-29", "2025-02-27")).to.equal(44);
    expect(ageInWholeYears("1980-02-29", "2025-02-28")).to.equal(45);
    expect(ageInWholeYears("1980-02-29", "2024-02-28")).to.equal(43);
    expect(ageInWholeYears("1980-02-29", "2024-02-29")).to.equal(44);
  });

  it("converts months to indices and back", () => {
    expect(monthIndex("1965-01")).to.equal(1965 * 12);
    expect(monthFromIndex(monthIndex("1976-09-30") + 36)).to.equal("1979-09");
  });

  it("reads an instant as its Shanghai date and rejects a malformed date", () => {
    expect(toIsoDate(new Date("2025-12-31T16:00:00Z"))).to.equal("2026-01-01");
    expect(toIsoDate("2025-12-31")).to.equal("2025-12-31");
    expect(() => toIsoDate("2025-13-01")).to.throw(RangeError);
  });
});
