import { expect } from "chai";
import { AppError } from "../../../gateway/errors.js";
import { divFloor, divRoundHalfUp, formatFen, parseFen, parseFenInRange } from "../../../gateway/domain/money.js";

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("money", () => {
  describe("formatFen", () => {
    it("formats yuan with thousands separators and two decimals", () => {
      expect(formatFen(123456n)).to.equal("¥1,234.56");
      expect(formatFen(123456n, "en")).to.equal("¥1,234.56");
    });
    it("formats zero, single fen and round yuan", () => {
      expect(formatFen(0n)).to.equal("¥0.00");
      expect(formatFen(5n)).to.equal("¥0.05");
      expect(formatFen(100n)).to.equal("¥1.00");
      expect(formatFen(99999n)).to.equal("¥999.99");
      expect(formatFen(100000n)).to.equal("¥1,000.00");
    });
    it("puts the minus sign before the currency sign", () => {
      expect(formatFen(-123456n)).to.equal("-¥1,234.56");
      expect(formatFen(-1n)).to.equal("-¥0.01");
    });
    it("formats amounts beyond the float range exactly", () => {
      expect(formatFen(123456789012345678901n)).to.equal("¥1,234,567,890,123,456,789.01");
    });
  });

  describe("parseFen", () => {
    it("accepts safe JSON integers, digit strings and bigints", () => {
      expect(parseFen(0)).to.equal(0n);
      expect(parseFen(1200000)).to.equal(1200000n);
      expect(parseFen(-300)).to.equal(-300n);
      expect(parseFen(Number.MAX_SAFE_INTEGER)).to.equal(9007199254740991n);
      expect(parseFen("9007199254740993")).to.equal(9007199254740993n);
      expect(parseFen("-15")).to.equal(-15n);
      expect(parseFen("000120")).to.equal(120n);
      expect(parseFen(7n)).to.equal(7n);
    });

    it("rejects floats, NaN, Infinity and unsafe integers", () => {
      expect(errorOf(() => parseFen(12.5)).details?.reason).to.equal("not a whole number of fen");
      expect(errorOf(() => parseFen(Number.NaN)).details?.reason).to.equal("not a number");
      expect(errorOf(() => parseFen(Infinity)).details?.reason).to.equal("infinite");
      expect(errorOf(() => parseFen(2 ** 53)).details?.reason).to.match(/safe range/);
    });

    it("rejects decimal, exponent, signed-plus, spaced and empty strings", () => {
      expect(errorOf(() => parseFen("12.50")).details?.reason).to.equal("not a whole number of fen");
      for (const s of ["1e3", "+5", " 5", "5 ", "", "-", "0x10", "１２"]) {
        expect(errorOf(() => parseFen(s)).code, JSON.stringify(s)).to.equal("VALIDATION_FAILED");
      }
    });

    it("rejects other types", () => {
      for (const v of [null, undefined, true, {}, [1]]) {
        expect(errorOf(() => parseFen(v)).code).to.equal("VALIDATION_FAILED");
      }
    });

    it("names the field in the error", () => {
      const err = errorOf(() => parseFen(1.5, "items.3.amount"));
      expect(err.field).to.equal("items.3.amount");
      expect(err.status).to.equal(400);
      expect(err.message).to.include("items.3.amount");
    });
  });

  describe("parseFenInRange", () => {
    it("accepts the bounds themselves and rejects one fen beyond", () => {
      expect(parseFenInRange("1", "amount", { min: 1n, max: 1200000n })).to.equal(1n);
      expect(parseFenInRange(1200000, "amount", { min: 1n, max: 1200000n })).to.equal(1200000n);
      expect(errorOf(() => parseFenInRange(0, "amount", { min: 1n })).details?.reason).to.equal("below minimum");
      expect(errorOf(() => parseFenInRange(1200001, "amount", { max: 1200000n })).details?.reason).to.equal(
        "above maximum",
      );
    });
  });
});

describe("money arithmetic", () => {
  it("divFloor rounds towards minus infinity", () => {
    expect([divFloor(7n, 2n), divFloor(-7n, 2n), divFloor(-6n, 2n), divFloor(0n, 5n)]).to.deep.equal([3n, -4n, -3n, 0n]);
    expect(() => divFloor(1n, 0n)).to.throw(RangeError);
  });
  it("divRoundHalfUp rounds halves towards plus infinity and the rest to the nearest", () => {
    expect([divRoundHalfUp(5n, 2n), divRoundHalfUp(-5n, 2n), divRoundHalfUp(149n, 100n), divRoundHalfUp(151n, 100n)]).to.deep.equal([
      3n,
      -2n,
      1n,
      2n,
    ]);
    expect([divRoundHalfUp(-151n, 100n), divRoundHalfUp(-149n, 100n)]).to.deep.equal([-2n, -1n]);
  });
});
