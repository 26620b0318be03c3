import { expect } from "chai";
import { fenToDecimal, isoToUnixSeconds, parseBankAmount, unixSecondsToCst } from "../../../../gateway/adapters/bank/amount.js";

describe("ISO 20022 amounts and dates", () => {
  describe("parseBankAmount", () => {
    it("converts CNY decimal text to fen exactly, with 0, 1 or 2 decimals", () => {
      expect(parseBankAmount("1234.5", "CNY").fen).to.equal(123450n);
      expect(parseBankAmount("1234.56", "CNY").fen).to.equal(123456n);
      expect(parseBankAmount("1234", "CNY").fen).to.equal(123400n);
      expect(parseBankAmount("0.01", "CNY").fen).to.equal(1n);
      expect(parseBankAmount("0.29", "CNY").fen).to.equal(29n); // 0.29 * 100 is 28.999… in floating point
      expect(parseBankAmount("99999999999999999.99", "CNY").fen).to.equal(9999999999999999999n);
    });

    it("refuses a third CNY decimal and anything that is not plain decimal text", () => {
      expect(parseBankAmount("1.234", "CNY")).to.deep.equal({ text: "1.234", currency: "CNY", problem: "decimals" });
      for (const text of ["1e3", "-5", "1,000", "", ".5", "5.", " 5"]) {
        expect(parseBankAmount(text, "CNY").problem, text).to.equal("format");
      }
    });

    it("keeps another currency's amount as text without converting it", () => {
      expect(parseBankAmount("2700", "JPY")).to.deep.equal({ text: "2700", currency: "JPY" });
      expect(parseBankAmount("1.234", "KWD")).to.deep.equal({ text: "1.234", currency: "KWD" });
    });
  });

  describe("fenToDecimal", () => {
    it("formats fen with exactly two decimals and refuses negatives", () => {
      expect(fenToDecimal(0n)).to.equal("0.00");
      expect(fenToDecimal(5n)).to.equal("0.05");
      expect(fenToDecimal(123450n)).to.equal("1234.50");
      expect(() => fenToDecimal(-1n)).to.throw(RangeError);
    });
  });

  describe("isoToUnixSeconds", () => {
    it("reads a date as 00:00 China Standard Time and a date-time without offset as China Standard Time", () => {
      expect(isoToUnixSeconds("2026-01-01")).to.equal(Date.UTC(2025, 11, 31, 16) / 1000);
      expect(isoToUnixSeconds("2026-01-01T08:00:00")).to.equal(Date.UTC(2026, 0, 1, 0) / 1000);
    });

    it("honours Z and explicit offsets, and ignores fractions of a second", () => {
      expect(isoToUnixSeconds("2026-01-01T00:00:00Z")).to.equal(Date.UTC(2026, 0, 1) / 1000);
      expect(isoToUnixSeconds("2026-01-01T01:00:00.123+01:00")).to.equal(Date.UTC(2026, 0, 1) / 1000);
      expect(isoToUnixSeconds("2025-12-31T19:00:00-05:00")).to.equal(Date.UTC(2026, 0, 1) / 1000);
    });

    it("refuses impossible dates and other text", () => {
      for (const text of ["2026-02-29", "2026-13-01", "2026-04-31", "2026-01-01T24:00:00", "yesterday", ""]) {
        expect(isoToUnixSeconds(text), text).to.equal(undefined);
      }
      expect(isoToUnixSeconds("2028-02-29")).to.be.a("number");
    });

    it("writes unix seconds back as China Standard Time", () => {
      expect(unixSecondsToCst(Date.UTC(2026, 10, 25, 1) / 1000)).to.equal("2026-11-25T09:00:00+08:00");
    });
  });
});
