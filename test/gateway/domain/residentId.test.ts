import { expect } from "chai";
import { AppError } from "../../../gateway/errors.js";
import {
  isRealCalendarDate,
  parseResidentId,
  requireResidentId,
  residentIdCheckCharacter,
  shanghaiDate,
} from "../../../gateway/domain/residentId.js";

/** Builds a valid number from its 17 digits with the helper under test (its own correctness is tested below). */
const withCheck = (first17: string): string => first17 + residentIdCheckCharacter(first17);
const TODAY = new Date("2026-06-15T04:00:00Z");

describe("residentId", () => {
  describe("residentIdCheckCharacter", () => {
    // Weighted sums worked by hand with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
    it("gives X for 11010519491231002 (sum 167, 167 mod 11 = 2 → X)", () => {
      expect(residentIdCheckCharacter("11010519491231002")).to.equal("X");
    });
    it("gives 4 for 44052418800101001 (sum 195, 195 mod 11 = 8 → 4)", () => {
      expect(residentIdCheckCharacter("44052418800101001")).to.equal("4");
    });
    it("gives 0 for 11010119650115001 (sum 133, 133 mod 11 = 1 → 0)", () => {
      expect(residentIdCheckCharacter("11010119650115001")).to.equal("0");
    });
    it("gives 1 for seventeen zeros (sum 0 → 1)", () => {
      expect(residentIdCheckCharacter("00000000000000000")).to.equal("1");
    });
    it("rejects input that is not 17 digits", () => {
      expect(() => residentIdCheckCharacter("1234")).to.throw(RangeError);
      expect(() => residentIdCheckCharacter("1101051949123100X")).to.throw(RangeError);
    });
  });

  describe("parseResidentId", () => {
    it("accepts a valid number ending in X and reads a female born 1949-12-31", () => {
      const r = parseResidentId("11010519491231002X", TODAY);
      expect(r).to.deep.equal({ ok: true, value: { id: "11010519491231002X", birthDate: "1949-12-31", gender: "female" } });
    });

    it("normalises a lowercase x and surrounding spaces", () => {
      const r = parseResidentId(" 11010519491231002x ", TODAY);
      expect(r.ok && r.value.id).to.equal("11010519491231002X");
    });

    it("reads a male from an odd 17th digit", () => {
      const r = parseResidentId("110101196501150010", TODAY);
      expect(r).to.deep.equal({ ok: true, value: { id: "110101196501150010", birthDate: "1965-01-15", gender: "male" } });
    });

    it("reads the gender for every 17th digit", () => {
      for (let d = 0; d <= 9; d++) {
        const r = parseResidentId(withCheck(`3101011980060112${d}`), TODAY);
        expect(r.ok && r.value.gender, `digit ${d}`).to.equal(d % 2 === 1 ? "male" : "female");
      }
    });

    it("rejects 17 and 19 characters with the length check", () => {
      expect(parseResidentId("11010519491231002", TODAY)).to.include({ ok: false, check: "length" });
      expect(parseResidentId("11010519491231002X1", TODAY)).to.include({ ok: false, check: "length" });
      expect(parseResidentId("", TODAY)).to.include({ ok: false, check: "length" });
    });

    it("rejects a letter among the first 17 and a letter other than X at the end with the characters check", () => {
      expect(parseResidentId("1101051949123100XX", TODAY)).to.include({ ok: false, check: "characters" });
      expect(parseResidentId("11010519491231002Y", TODAY)).to.include({ ok: false, check: "characters" });
      expect(parseResidentId("11010519491231002-", TODAY)).to.include({ ok: false, check: "characters" });
      expect(parseResidentId("１１010519491231002X", TODAY)).to.include({ ok: false, check: "characters" });
    });

    it("rejects every wrong check character with the checkCharacter check", () => {
      for (const c of "0123456789") {
        expect(parseResidentId(`11010519491231002${c}`, TODAY), c).to.include({ ok: false, check: "checkCharacter" });
      }
    });

    it("rejects a transposed pair of digits with the checkCharacter check", () => {
      expect(parseResidentId("11010519491213002X", TODAY)).to.include({ ok: false, check: "checkCharacter" });
    });

    it("rejects a valid check character over a birth date before 1900 with the birthDate check", () => {
      expect(parseResidentId("440524188001010014", TODAY)).to.include({ ok: false, check: "birthDate" });
    });

    it("accepts 1900-01-01 and rejects 1899-12-31", () => {
      expect(parseResidentId(withCheck("11010119000101001"), TODAY).ok).to.equal(true);
      expect(parseResidentId(withCheck("11010118991231001"), TODAY)).to.include({ check: "birthDate" });
    });

    it("rejects impossible dates: month 13, day 0, 31 April, 29 February of a common year", () => {
      for (const date of ["19801301", "19800100", "19800431", "19810229", "19000229"]) {
        expect(parseResidentId(withCheck(`110101${date}001`), TODAY), date).to.include({ check: "birthDate" });
      }
    });

    it("accepts 29 February of leap years 1980 and 2000", () => {
      expect(parseResidentId(withCheck("11010119800229001"), TODAY).ok).to.equal(true);
      expect(parseResidentId(withCheck("11010120000229001"), TODAY).ok).to.equal(true);
    });

    it("accepts a birth date of today in Shanghai and rejects tomorrow", () => {
      // 2026-06-15T20:00Z is already 2026-06-16 in Shanghai.
      const lateUtc = new Date("2026-06-15T20:00:00Z");
      expect(parseResidentId(withCheck("11010120260616001"), lateUtc).ok).to.equal(true);
      expect(parseResidentId(withCheck("11010120260617001"), lateUtc)).to.include({ check: "birthDate" });
    });

    it("names the failed check in English and Chinese without echoing any digits", () => {
      const failures = [
        parseResidentId("11010519491231002", TODAY),
        parseResidentId("11010519491231002Y", TODAY),
        parseResidentId("110105194912310021", TODAY),
        parseResidentId("440524188001010014", TODAY),
      ];
      const names = ["length", "character", "check character", "birth date"];
      failures.forEach((r, i) => {
        if (r.ok) throw new Error("expected a failure");
        expect(r.message).to.include(names[i]);
        expect(r.messageZh).to.match(/校验未通过/);
        for (const fragment of ["110105", "440524", "1949", "1880", "002"]) {
          expect(r.message + r.messageZh).to.not.include(fragment);
        }
      });
    });
  });

  describe("requireResidentId", () => {
    it("returns the decoded number when valid", () => {
      expect(requireResidentId("11010519491231002X", { today: TODAY }).birthDate).to.equal("1949-12-31");
    });

    it("throws RESIDENT_ID_INVALID naming the field and the check", () => {
      try {
        requireResidentId("110105194912310021", { field: "heirs.1.residentId", today: TODAY });
        expect.fail("should have thrown");
      } catch (e) {
        expect(e).to.be.instanceOf(AppError);
        const err = e as AppError;
        expect(err.code).to.equal("RESIDENT_ID_INVALID");
        expect(err.status).to.equal(400);
        expect(err.field).to.equal("heirs.1.residentId");
        expect(err.details?.check).to.equal("checkCharacter");
      }
    });

    it("treats a non-string as a characters failure", () => {
      expect(() => requireResidentId(110105194912310020)).to.throw(AppError).with.property("field", "residentId");
    });
  });

  describe("helpers", () => {
    it("shanghaiDate moves to the next day at 16:00 UTC", () => {
      expect(shanghaiDate(new Date("2026-03-01T15:59:59Z"))).to.equal("2026-03-01");
      expect(shanghaiDate(new Date("2026-03-01T16:00:00Z"))).to.equal("2026-03-02");
    });
    it("isRealCalendarDate knows the century leap rule", () => {
      expect(isRealCalendarDate("2000-02-29")).to.equal(true);
      expect(isRealCalendarDate("2100-02-29")).to.equal(false);
      expect(isRealCalendarDate("2024-2-29")).to.equal(false);
    });
  });
});
