import { expect } from "chai";
import { hasReachedStatutoryAge, statutoryRetirement } from "../../../gateway/domain/retirementAge.js";

type Row = [birthMonth: string, ageYears: number, ageMonths: number, retirementMonth: string];

/**
 * Rows of the published tables (附件1–3 of 国务院关于渐进式延迟法定退休年龄的办法), worked out by hand:
 * delay = floor(months since first affected birth month / step) + 1, capped; retirement month = birth month + age.
 */
const MEN: Row[] = [
  ["1964-12", 60, 0, "2024-12"], // last unaffected
  ["1965-01", 60, 1, "2025-02"], // first affected
  ["1965-04", 60, 1, "2025-05"],
  ["1965-05", 60, 2, "2025-07"],
  ["1965-08", 60, 2, "2025-10"],
  ["1965-09", 60, 3, "2025-12"],
  ["1965-12", 60, 3, "2026-03"],
  ["1966-01", 60, 4, "2026-05"],
  ["1970-01", 61, 4, "2031-05"], // 60 months in: 15 steps + 1
  ["1973-12", 62, 3, "2036-03"], // 107 months in: 26 steps + 1 = 27 months
  ["1976-08", 62, 11, "2039-07"], // last partially raised: 139 months in, 34 + 1 = 35
  ["1976-09", 63, 0, "2039-09"], // fully raised
  ["1990-06", 63, 0, "2053-06"],
];
const WOMEN_55: Row[] = [
  ["1969-12", 55, 0, "2024-12"],
  ["1970-01", 55, 1, "2025-02"],
  ["1970-04", 55, 1, "2025-05"],
  ["1970-05", 55, 2, "2025-07"],
  ["1972-03", 55, 7, "2027-10"], // 26 months in: 6 steps + 1
  ["1975-01", 56, 4, "2031-05"],
  ["1981-08", 57, 11, "2039-07"],
  ["1981-09", 58, 0, "2039-09"],
  ["1985-02", 58, 0, "2043-02"],
];
const WOMEN_50: Row[] = [
  ["1974-12", 50, 0, "2024-12"],
  ["1975-01", 50, 1, "2025-02"],
  ["1975-02", 50, 1, "2025-03"],
  ["1975-03", 50, 2, "2025-05"],
  ["1975-04", 50, 2, "2025-06"],
  ["1975-05", 50, 3, "2025-08"],
  ["1977-12", 51, 6, "2029-06"], // 35 months in: 17 steps + 1 = 18
  ["1980-01", 52, 7, "2032-08"], // 60 months in: 30 + 1 = 31
  ["1984-10", 54, 11, "2039-09"], // 117 months in: 58 + 1 = 59
  ["1984-11", 55, 0, "2039-11"],
  ["1990-01", 55, 0, "2045-01"],
];

function checkRows(rows: Row[], gender: "male" | "female", original?: 50 | 55) {
  for (const [birthMonth, ageYears, ageMonths, retirementMonth] of rows) {
    it(`born ${birthMonth}: ${ageYears} years ${ageMonths} months, retiring in ${retirementMonth}`, () => {
      for (const day of ["01", "15", "28"]) {
        const r = statutoryRetirement(`${birthMonth}-${day}`, gender, original);
        expect({ ageYears: r.ageYears, ageMonths: r.ageMonths, retirementMonth: r.retirementMonth }).to.deep.equal({
          ageYears,
          ageMonths,
          retirementMonth,
        });
      }
    });
  }
}

describe("retirementAge", () => {
  describe("statutoryRetirement: men, 60 → 63", () => checkRows(MEN, "male"));
  describe("statutoryRetirement: women whose original age was 55, 55 → 58", () => checkRows(WOMEN_55, "female", 55));
  describe("statutoryRetirement: women whose original age was 50, 50 → 55", () => checkRows(WOMEN_50, "female", 50));

  describe("statutoryRetirement: details", () => {
    it("ignores the women's original age for men", () => {
      expect(statutoryRetirement("1970-01-10", "male", 50).ageYears).to.equal(61);
    });
    it("assumes 55 for a woman whose original age is not given", () => {
      expect(statutoryRetirement("1975-01-10", "female")).to.deep.include({ ageYears: 56, ageMonths: 4 });
    });
    it("reports the delay and the original age", () => {
      expect(statutoryRetirement("1965-05-01", "male")).to.deep.include({ delayMonths: 2, originalAgeYears: 60 });
      expect(statutoryRetirement("1960-05-01", "female", 50)).to.deep.include({ delayMonths: 0, originalAgeYears: 50 });
    });
    it("gives the retirement date on the birth day, or the month's last day", () => {
      expect(statutoryRetirement("1965-01-15", "male").retirementDate).to.equal("2025-02-15");
      expect(statutoryRetirement("1965-01-31", "male").retirementDate).to.equal("2025-02-28");
      expect(statutoryRetirement("1975-12-31", "female", 50).retirementDate).to.equal("2026-06-30"); // 50y6m, June has 30 days
    });
    it("rejects malformed input", () => {
      expect(() => statutoryRetirement("1965-02-30", "male")).to.throw(RangeError);
      expect(() => statutoryRetirement("1965-01-01", "other" as "male")).to.throw(RangeError);
      expect(() => statutoryRetirement("1975-01-01", "female", 45 as 50)).to.throw(RangeError);
    });
  });

  describe("hasReachedStatutoryAge", () => {
    it("is false the day before and true on the day the age is reached", () => {
      expect(hasReachedStatutoryAge("1965-01-15", "male", undefined, "2025-02-14")).to.equal(false);
      expect(hasReachedStatutoryAge("1965-01-15", "male", undefined, "2025-02-15")).to.equal(true);
    });
    it("reads an instant as its Shanghai date", () => {
      expect(hasReachedStatutoryAge("1965-01-15", "male", undefined, new Date("2025-02-14T15:59:59Z"))).to.equal(false);
      expect(hasReachedStatutoryAge("1965-01-15", "male", undefined, new Date("2025-02-14T16:00:00Z"))).to.equal(true);
    });
    it("tells a woman of 50 years 3 months apart by her original age", () => {
      // born 1975-05-10: original 50 → 50y3m, reached 2025-08-10; original 55 → 56y5m
      expect(hasReachedStatutoryAge("1975-05-10", "female", 50, "2025-08-10")).to.equal(true);
      expect(hasReachedStatutoryAge("1975-05-10", "female", 55, "2025-08-10")).to.equal(false);
      expect(hasReachedStatutoryAge("1975-05-10", "female", undefined, "2025-08-10")).to.equal(false);
    });
  });
});
