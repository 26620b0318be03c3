import { expect } from "chai";
import { AppError } from "../../../gateway/errors.js";
import { bracketFor, calculateTaxSaving, comprehensiveIncomeTax } from "../../../gateway/domain/taxSaving.js";

// Each upper bound B of a bracket, the tax at B and at B + 1 yuan, worked by hand: income × rate − quick deduction.
const BOUNDARIES: Array<{ bound: bigint; rateAt: bigint; rateAbove: bigint; taxAt: bigint; taxOneYuanAbove: bigint }> = [
  { bound: 3_600_000n, rateAt: 300n, rateAbove: 1000n, taxAt: 108_000n, taxOneYuanAbove: 108_010n }, // 360,010 − 252,000
  { bound: 14_400_000n, rateAt: 1000n, rateAbove: 2000n, taxAt: 1_188_000n, taxOneYuanAbove: 1_188_020n }, // 2,880,020 − 1,692,000
  { bound: 30_000_000n, rateAt: 2000n, rateAbove: 2500n, taxAt: 4_308_000n, taxOneYuanAbove: 4_308_025n }, // 7,500,025 − 3,192,000
  { bound: 42_000_000n, rateAt: 2500n, rateAbove: 3000n, taxAt: 7_308_000n, taxOneYuanAbove: 7_308_030n }, // 12,600,030 − 5,292,000
  { bound: 66_000_000n, rateAt: 3000n, rateAbove: 3500n, taxAt: 14_508_000n, taxOneYuanAbove: 14_508_035n }, // 23,100,035 − 8,592,000
  { bound: 96_000_000n, rateAt: 3500n, rateAbove: 4500n, taxAt: 25_008_000n, taxOneYuanAbove: 25_008_045n }, // 43,200,045 − 18,192,000
];

describe("taxSaving", () => {
  describe("bracketFor and comprehensiveIncomeTax", () => {
    for (const b of BOUNDARIES) {
      it(`applies ${Number(b.rateAt) / 100} % at ${b.bound} fen and ${Number(b.rateAbove) / 100} % one fen above`, () => {
        expect(bracketFor(b.bound).rateBps).to.equal(b.rateAt);
        expect(bracketFor(b.bound + 1n).rateBps).to.equal(b.rateAbove);
      });
      it(`taxes ${b.bound} fen at ${b.taxAt} fen and one yuan more at ${b.taxOneYuanAbove} fen`, () => {
        expect(comprehensiveIncomeTax(b.bound)).to.equal(b.taxAt);
        expect(comprehensiveIncomeTax(b.bound + 100n)).to.equal(b.taxOneYuanAbove);
      });
    }

    it("charges nothing on zero or negative income", () => {
      expect(comprehensiveIncomeTax(0n)).to.equal(0n);
      expect(comprehensiveIncomeTax(-500n)).to.equal(0n);
    });

    it("rounds to the fen half up: 3 % of 49, 50 and 17 fen", () => {
      expect(comprehensiveIncomeTax(49n)).to.equal(1n); // 1.47
      expect(comprehensiveIncomeTax(50n)).to.equal(2n); // 1.5
      expect(comprehensiveIncomeTax(17n)).to.equal(1n); // 0.51
      expect(comprehensiveIncomeTax(16n)).to.equal(0n); // 0.48
    });

    it("taxes a million yuan at 45 % less 181,920 yuan", () => {
      // 100,000,000 × 45 % = 45,000,000 − 18,192,000
      expect(comprehensiveIncomeTax(100_000_000n)).to.equal(26_808_000n);
    });
  });

  describe("calculateTaxSaving", () => {
    it("saves 10 % of a full contribution inside the 10 % bracket, less 3 % at withdrawal", () => {
      // 100,000 yuan: 1,000,000 − 252,000 = 748,000; 88,000 yuan: 880,000 − 252,000 = 628,000
      expect(calculateTaxSaving({ taxableIncomeFen: 10_000_000n, contributionFen: 1_200_000n })).to.deep.equal({
        taxableIncomeFen: 10_000_000n,
        plannedContributionFen: 1_200_000n,
        contributionFen: 1_200_000n,
        cappedAtAnnualLimit: false,
        deductibleFen: 1_200_000n,
        taxBeforeFen: 748_000n,
        taxAfterFen: 628_000n,
        taxSavedNowFen: 120_000n,
        withdrawalTaxFen: 36_000n,
        netBenefitFen: 84_000n,
        marginalRateBeforeBps: 1000n,
        marginalRateAfterBps: 1000n,
      });
    });

    it("saves at two rates when the deduction crosses a bracket boundary", () => {
      // 150,000 yuan → 138,000 yuan: 6,000 at 20 % + 6,000 at 10 % = 1,800 yuan
      const r = calculateTaxSaving({ taxableIncomeFen: 15_000_000n, contributionFen: 1_200_000n });
      expect(r.taxBeforeFen).to.equal(1_308_000n); // 3,000,000 − 1,692,000
      expect(r.taxAfterFen).to.equal(1_128_000n); // 1,380,000 − 252,000
      expect(r.taxSavedNowFen).to.equal(180_000n);
      expect(r.netBenefitFen).to.equal(144_000n);
      expect([r.marginalRateBeforeBps, r.marginalRateAfterBps]).to.deep.equal([2000n, 1000n]);
    });

    it("caps the contribution at 12,000 yuan and says so", () => {
      const r = calculateTaxSaving({ taxableIncomeFen: 50_000_000n, contributionFen: 1_500_000n });
      expect(r.contributionFen).to.equal(1_200_000n);
      expect(r.cappedAtAnnualLimit).to.equal(true);
      expect(r.deductibleFen).to.equal(1_200_000n);
      expect(r.taxSavedNowFen).to.equal(360_000n); // 30 % of 12,000 yuan
      expect(calculateTaxSaving({ taxableIncomeFen: 50_000_000n, contributionFen: 1_200_000n }).cappedAtAnnualLimit).to.equal(
        false,
      );
    });

    it("limits the deduction to the taxable income and shows a negative net benefit for low incomes", () => {
      // 5,000 yuan taxable: all of it deducted, saving 150 yuan; 3 % of 12,000 = 360 yuan at withdrawal
      const r = calculateTaxSaving({ taxableIncomeFen: 500_000n, contributionFen: 1_200_000n });
      expect(r.deductibleFen).to.equal(500_000n);
      expect(r.taxSavedNowFen).to.equal(15_000n);
      expect(r.withdrawalTaxFen).to.equal(36_000n);
      expect(r.netBenefitFen).to.equal(-21_000n);
      expect(r.marginalRateAfterBps).to.equal(0n);
    });

    it("gives a zero saving and the full withdrawal tax when there is no taxable income", () => {
      const r = calculateTaxSaving({ taxableIncomeFen: 0n, contributionFen: 1_000_050n });
      expect(r.taxSavedNowFen).to.equal(0n);
      expect(r.withdrawalTaxFen).to.equal(30_002n); // 30,001.5 half up
      expect(r.netBenefitFen).to.equal(-30_002n);
    });

    it("saves nothing for a zero contribution", () => {
      const r = calculateTaxSaving({ taxableIncomeFen: 10_000_000n, contributionFen: 0n });
      expect([r.taxSavedNowFen, r.withdrawalTaxFen, r.netBenefitFen]).to.deep.equal([0n, 0n, 0n]);
    });

    it("uses another year's cap and rate when given", () => {
      const r = calculateTaxSaving({
        taxableIncomeFen: 10_000_000n,
        contributionFen: 2_000_000n,
        annualCapFen: 1_800_000n,
        withdrawalTaxRateBps: 250n,
      });
      expect(r.contributionFen).to.equal(1_800_000n);
      expect(r.taxSavedNowFen).to.equal(180_000n);
      expect(r.withdrawalTaxFen).to.equal(45_000n);
    });

    it("rejects a negative income or contribution naming the field", () => {
      expect(() => calculateTaxSaving({ taxableIncomeFen: -1n, contributionFen: 0n }))
        .to.throw(AppError)
        .with.property("field", "taxableIncomeFen");
      expect(() => calculateTaxSaving({ taxableIncomeFen: 0n, contributionFen: -1n }))
        .to.throw(AppError)
        .with.property("field", "contributionFen");
    });
  });
});
