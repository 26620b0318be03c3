import { expect } from "chai";
import { AppError } from "../../../gateway/errors.js";
import { hasMonthsDivisor, monthsDivisor, monthsDivisorTable } from "../../../gateway/domain/monthsDivisor.js";

// 国发〔2005〕38号 annex, copied row by row from the published table.
const OFFICIAL: Array<[number, number]> = [
  [40, 233], [41, 230], [42, 226], [43, 223], [44, 220], [45, 216], [46, 212], [47, 207], [48, 204], [49, 199],
  [50, 195], [51, 190], [52, 185], [53, 180], [54, 175], [55, 170], [56, 164], [57, 158], [58, 152], [59, 145],
  [60, 139], [61, 132], [62, 125], [63, 117], [64, 109], [65, 101], [66, 93], [67, 84], [68, 75], [69, 65],
  [70, 56],
];

describe("monthsDivisor", () => {
  for (const [age, months] of OFFICIAL) {
    it(`gives ${months} months at age ${age}`, () => {
      expect(monthsDivisor(age)).to.equal(months);
    });
  }

  it("lists the same 31 rows as the official table", () => {
    expect(monthsDivisorTable().map((r) => [r.ageYears, r.months])).to.deep.equal(OFFICIAL);
  });

  it("rejects 39 and 71, one year outside the table, naming the field and the range", () => {
    for (const age of [39, 71]) {
      try {
        monthsDivisor(age, "retirementAge");
        expect.fail("should have thrown");
      } catch (e) {
        expect(e).to.be.instanceOf(AppError);
        expect((e as AppError).code).to.equal("VALIDATION_FAILED");
        expect((e as AppError).field).to.equal("retirementAge");
        expect((e as AppError).details).to.deep.include({ min: 40, max: 70 });
      }
    }
  });

  it("rejects fractional and non-finite ages", () => {
    for (const age of [55.5, Number.NaN, Infinity, -60]) {
      expect(() => monthsDivisor(age), String(age)).to.throw(AppError);
      expect(hasMonthsDivisor(age)).to.equal(false);
    }
  });
});
