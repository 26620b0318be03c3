import { expect } from "chai";
import { AppError } from "../../../gateway/errors.js";
import { calculatePensionPlan } from "../../../gateway/domain/pensionPlan.js";

describe("pensionPlan", () => {
  describe("calculatePensionPlan", () => {
    it("compounds twelve months at 1 % a month, rounding each month half up (worked by hand)", () => {
      // 12 % a year = 1,200 bps → 1,200 / 120,000 = 1 % a month; 100 yuan added at each month's end.
      // month: return (rounded)        balance after return → after contribution
      //  1: 10,000                      1,010,000 → 1,020,000
      //  2: 10,200                      1,030,200 → 1,040,200
      //  3: 10,402                      1,050,602 → 1,060,602
      //  4: 10,606.02  → 10,606         1,071,208 → 1,081,208
      //  5: 10,812.08  → 10,812         1,092,020 → 1,102,020
      //  6: 11,020.2   → 11,020         1,113,040 → 1,123,040
      //  7: 11,230.4   → 11,230         1,134,270 → 1,144,270
      //  8: 11,442.7   → 11,443         1,155,713 → 1,165,713
      //  9: 11,657.13  → 11,657         1,177,370 → 1,187,370
      // 10: 11,873.7   → 11,874         1,199,244 → 1,209,244
      // 11: 12,092.44  → 12,092         1,221,336 → 1,231,336
      // 12: 12,313.36  → 12,313         1,243,649 → 1,253,649
      // payout at 60: 1,253,649 / 139 = 9,019 rem 8; tax 3 % of 9,019 = 270.57 → 271; net 8,748
      const plan = calculatePensionPlan({
        age: 59,
        retirementAge: 60,
        currentBalanceFen: 1_000_000n,
        monthlyContributionFen: 10_000n,
        annualReturnBps: 1_200,
      });
      expect(plan).to.deep.equal({
        monthsToRetirement: 12,
        monthlyContributionFen: 10_000n,
        contributionCapped: false,
        totalContributionsFen: 120_000n,
        totalReturnsFen: 133_649n,
        projectedBalanceFen: 1_253_649n,
        monthsDivisor: 139,
        monthlyPayoutFen: 9_019n,
        monthlyPayoutTaxFen: 271n,
        monthlyPayoutNetFen: 8_748n,
      });
    });

    it("caps the monthly contribution at 1,000 yuan so a year never exceeds 12,000 yuan", () => {
      // 1,500 yuan planned → 1,000 yuan a month; 5 years, no return: 60 × 100,000 = 6,000,000
      // payout at 60: 6,000,000 / 139 = 43,165 rem 65; tax 1,294.95 → 1,295
      const plan = calculatePensionPlan({
        age: 55,
        retirementAge: 60,
        currentBalanceFen: 0n,
        monthlyContributionFen: 150_000n,
        annualReturnBps: 0,
      });
      expect(plan.contributionCapped).to.equal(true);
      expect(plan.monthlyContributionFen).to.equal(100_000n);
      expect(plan.totalContributionsFen).to.equal(6_000_000n);
      expect(plan.projectedBalanceFen).to.equal(6_000_000n);
      expect(plan.monthlyPayoutFen).to.equal(43_165n);
      expect(plan.monthlyPayoutTaxFen).to.equal(1_295n);
    });

    it("does not cap exactly 1,000 yuan a month", () => {
      const plan = calculatePensionPlan({
        age: 50, retirementAge: 55, currentBalanceFen: 0n, monthlyContributionFen: 100_000n, annualReturnBps: 0,
      });
      expect(plan.contributionCapped).to.equal(false);
      expect(plan.projectedBalanceFen).to.equal(6_000_000n);
      expect(plan.monthlyPayoutFen).to.equal(35_294n); // 6,000,000 / 170 = 35,294.1
    });

    it("pays out the current balance when retirement is now", () => {
      // 139,000 / 139 = 1,000 exactly; 70: 56,000 / 56 = 1,000
      const at60 = calculatePensionPlan({
        age: 60, retirementAge: 60, currentBalanceFen: 139_000n, monthlyContributionFen: 5_000n, annualReturnBps: 300,
      });
      expect([at60.monthsToRetirement, at60.projectedBalanceFen, at60.monthlyPayoutFen]).to.deep.equal([0, 139_000n, 1_000n]);
      expect(at60.totalContributionsFen).to.equal(0n);
      const at70 = calculatePensionPlan({
        age: 70, retirementAge: 70, currentBalanceFen: 56_000n, monthlyContributionFen: 0n, annualReturnBps: 0,
      });
      expect(at70.monthlyPayoutFen).to.equal(1_000n);
    });

    it("loses with a negative return, rounding each month's loss to the nearest fen (worked by hand)", () => {
      // −12 % a year = −1 % a month on 100,000 fen, no contributions:
      // −1,000 → 99,000; −990 → 98,010; −980.1 → −980 → 97,030; −970.3 → −970 → 96,060; −960.6 → −961 → 95,099;
      // −950.99 → −951 → 94,148; −941.48 → −941 → 93,207; −932.07 → −932 → 92,275; −922.75 → −923 → 91,352;
      // −913.52 → −914 → 90,438; −904.38 → −904 → 89,534; −895.34 → −895 → 88,639
      const loss = calculatePensionPlan({
        age: 59, retirementAge: 60, currentBalanceFen: 100_000n, monthlyContributionFen: 0n, annualReturnBps: -1_200,
      });
      expect(loss.projectedBalanceFen).to.equal(88_639n);
      expect(loss.totalReturnsFen).to.equal(-11_361n);
    });

    it("rounds a return of exactly half a fen up, and a loss of half a fen to zero", () => {
      // 50 fen at +1 % a month: 0.5 → 1, then 0.51 … 0.61 → 1 each month: 50 + 12 = 62
      const gain = calculatePensionPlan({
        age: 59, retirementAge: 60, currentBalanceFen: 50n, monthlyContributionFen: 0n, annualReturnBps: 1_200,
      });
      expect(gain.projectedBalanceFen).to.equal(62n);
      // 50 fen at −1 % a month: −0.5 → 0 every month
      const loss = calculatePensionPlan({
        age: 59, retirementAge: 60, currentBalanceFen: 50n, monthlyContributionFen: 0n, annualReturnBps: -1_200,
      });
      expect(loss.projectedBalanceFen).to.equal(50n);
    });

    it("rejects each input outside its range, naming the field", () => {
      const ok = { age: 30, retirementAge: 60, currentBalanceFen: 0n, monthlyContributionFen: 0n, annualReturnBps: 0 };
      const bad: Array<[Partial<typeof ok>, string]> = [
        [{ age: 15 }, "age"],
        [{ age: 30.5 }, "age"],
        [{ retirementAge: 39 }, "retirementAge"],
        [{ retirementAge: 71 }, "retirementAge"],
        [{ age: 62, retirementAge: 61 }, "retirementAge"],
        [{ annualReturnBps: 10_001 }, "annualReturnBps"],
        [{ annualReturnBps: 2.5 }, "annualReturnBps"],
        [{ currentBalanceFen: -1n }, "currentBalanceFen"],
        [{ monthlyContributionFen: -1n }, "monthlyContributionFen"],
      ];
      for (const [change, field] of bad) {
        expect(() => calculatePensionPlan({ ...ok, ...change }), JSON.stringify(change, (_, v) => (typeof v === "bigint" ? `${v}` : v)))
          .to.throw(AppError)
          .with.property("field", field);
      }
    });
  });
});
