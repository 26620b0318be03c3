import { expect } from "chai";
import {
  CLAIM_RULES,
  decideClaim,
  decideInheritance,
  validateHeirShares,
  type ClaimDecision,
  type ClaimFacts,
} from "../../../gateway/domain/claimRules.js";

/**
 * A man born 1964-06-15 (not affected by the 2025 rise: statutory age 60, reached 2024-06-15), retired from
 * 2024-07-01, personal pension with 10,000 yuan, claiming monthly on 2026-01-10 at 61 → 132 months.
 */
function facts(change: {
  claim?: Partial<ClaimFacts["claim"]>;
  member?: Partial<ClaimFacts["member"]>;
  attestations?: ClaimFacts["attestations"];
  account?: Partial<ClaimFacts["account"]>;
  today?: ClaimFacts["today"];
  paymentStartDate?: string;
} = {}): ClaimFacts {
  return {
    claim: { planKind: "personal", event: "retirement", payoutMode: "monthly", ...change.claim },
    member: { birthDate: "1964-06-15", gender: "male", ...change.member },
    attestations: change.attestations ?? [{ event: "retirement", effectiveDate: "2024-07-01", active: true }],
    account: { status: "active", balanceFen: 1_000_000n, ...change.account },
    today: change.today ?? "2026-01-10",
    ...(change.paymentStartDate === undefined ? {} : { paymentStartDate: change.paymentStartDate }),
  };
}

function expectRule(decision: ClaimDecision, outcome: "reject" | "review", rule: keyof typeof CLAIM_RULES) {
  expect(decision).to.deep.equal({ outcome, rule, message: CLAIM_RULES[rule].en, messageZh: CLAIM_RULES[rule].zh });
}

describe("claimRules", () => {
  describe("decideClaim: approval", () => {
    it("approves a monthly retirement payout with 132 months at 61", () => {
      expect(decideClaim(facts())).to.deep.equal({
        outcome: "approve",
        event: "retirement",
        payoutMode: "monthly",
        parameter: 132n,
        ageAtPaymentStart: 61,
      });
    });

    it("takes the age on the payment start date: 61 the day before the birthday, 62 on it", () => {
      expect(decideClaim(facts({ paymentStartDate: "2026-06-14" }))).to.deep.include({ parameter: 132n });
      expect(decideClaim(facts({ paymentStartDate: "2026-06-15" }))).to.deep.include({ parameter: 125n, ageAtPaymentStart: 62 });
    });

    it("approves a lump sum with parameter 0 and fixed instalments with the amount", () => {
      expect(decideClaim(facts({ claim: { payoutMode: "lumpSum" } }))).to.deep.include({ outcome: "approve", parameter: 0n });
      expect(decideClaim(facts({ claim: { payoutMode: "fixedInstalment", parameter: 200_000n } }))).to.deep.include({
        outcome: "approve",
        parameter: 200_000n,
      });
    });

    it("reads an instant as its Shanghai date", () => {
      // 2024-06-30T16:00Z is 2024-07-01 in Shanghai, the retirement's effective date
      const d = decideClaim(facts({ today: new Date("2024-06-30T16:00:00Z") }));
      expect(d.outcome).to.equal("approve");
      expectRule(decideClaim(facts({ today: new Date("2024-06-30T15:59:59Z") })), "reject", "ELIGIBILITY_NOT_YET_EFFECTIVE");
    });
  });

  describe("decideClaim: events and plans", () => {
    it("sends a death claim to inheritance", () => {
      const attestations = [{ event: "death" as const, effectiveDate: "2025-12-01", active: true }];
      expectRule(decideClaim(facts({ claim: { event: "death" }, attestations })), "reject", "DEATH_CLAIM_IS_INHERITANCE");
    });

    it("rejects any claim for a member whose death is attested", () => {
      const attestations = [
        { event: "retirement" as const, effectiveDate: "2024-07-01", active: true },
        { event: "death" as const, effectiveDate: "2025-12-01", active: true },
      ];
      expectRule(decideClaim(facts({ attestations })), "reject", "MEMBER_DECEASED");
    });

    for (const event of ["seriousIllness", "longUnemployment", "minimumLivingAllowance"] as const) {
      it(`allows ${event} for personal pension from 2025-09-01 only, never for an annuity`, () => {
        const attestations = [{ event, effectiveDate: "2025-08-01", active: true }];
        const claim = { event, payoutMode: "lumpSum" as const };
        expect(decideClaim(facts({ claim, attestations, today: "2025-09-01" })).outcome).to.equal("approve");
        expectRule(decideClaim(facts({ claim, attestations, today: "2025-08-31" })), "reject", "EVENT_NOT_YET_IN_FORCE");
        expectRule(
          decideClaim(facts({ claim: { ...claim, planKind: "annuity" }, attestations, today: "2025-09-01" })),
          "reject",
          "EVENT_NOT_ALLOWED_FOR_PLAN",
        );
      });
    }

    it("allows loss of work capacity and emigration for an annuity", () => {
      for (const event of ["lossOfWorkCapacity", "emigration"] as const) {
        const d = decideClaim(
          facts({ claim: { planKind: "annuity", event, payoutMode: "lumpSum" }, attestations: [{ event, effectiveDate: "2025-01-01", active: true }] }),
        );
        expect(d.outcome, event).to.equal("approve");
      }
    });

    it("rejects a claim with no attestation, a revoked one, or one for another event", () => {
      expectRule(decideClaim(facts({ attestations: [] })), "reject", "ELIGIBILITY_NOT_ATTESTED");
      expectRule(
        decideClaim(facts({ attestations: [{ event: "retirement", effectiveDate: "2024-07-01", active: false }] })),
        "reject",
        "ELIGIBILITY_NOT_ATTESTED",
      );
      expectRule(
        decideClaim(facts({ attestations: [{ event: "emigration", effectiveDate: "2024-07-01", active: true }] })),
        "reject",
        "ELIGIBILITY_NOT_ATTESTED",
      );
    });

    it("uses the active attestation when a revoked one is also on record", () => {
      const attestations = [
        { event: "retirement" as const, effectiveDate: "2023-01-01", active: false },
        { event: "retirement" as const, effectiveDate: "2024-07-01", active: true },
      ];
      expect(decideClaim(facts({ attestations })).outcome).to.equal("approve");
    });

    it("rejects an attestation that takes effect after today", () => {
      const attestations = [{ event: "retirement" as const, effectiveDate: "2026-01-11", active: true }];
      expectRule(decideClaim(facts({ attestations })), "reject", "ELIGIBILITY_NOT_YET_EFFECTIVE");
    });
  });

  describe("decideClaim: account", () => {
    it("rejects each status but active with its own rule", () => {
      expectRule(decideClaim(facts({ account: { status: "none" } })), "reject", "ACCOUNT_NOT_FOUND");
      expectRule(decideClaim(facts({ account: { status: "frozen" } })), "reject", "ACCOUNT_FROZEN");
      expectRule(decideClaim(facts({ account: { status: "closed" } })), "reject", "ACCOUNT_CLOSED");
      expectRule(decideClaim(facts({ account: { status: "payingOut" } })), "reject", "PAYOUT_ALREADY_STARTED");
    });

    it("rejects a zero balance and accepts one fen", () => {
      expectRule(decideClaim(facts({ account: { balanceFen: 0n } })), "reject", "ZERO_BALANCE");
      expect(decideClaim(facts({ account: { balanceFen: 1n } })).outcome).to.equal("approve");
    });
  });

  describe("decideClaim: payout modes", () => {
    const emigrated = [{ event: "emigration" as const, effectiveDate: "2025-03-01", active: true }];

    it("lets an emigrating annuity member take only a lump sum", () => {
      for (const payoutMode of ["monthly", "fixedInstalment"] as const) {
        const claim = { planKind: "annuity" as const, event: "emigration" as const, payoutMode, parameter: 100_000n };
        expectRule(decideClaim(facts({ claim, attestations: emigrated })), "reject", "PAYOUT_MODE_NOT_ALLOWED");
      }
      const lump = { planKind: "annuity" as const, event: "emigration" as const, payoutMode: "lumpSum" as const };
      expect(decideClaim(facts({ claim: lump, attestations: emigrated })).outcome).to.equal("approve");
    });

    it("lets an emigrating personal-pension member choose monthly", () => {
      const claim = { event: "emigration" as const, payoutMode: "monthly" as const };
      expect(decideClaim(facts({ claim, attestations: emigrated }))).to.deep.include({ outcome: "approve", parameter: 132n });
    });

    it("rejects fixed instalments without a positive amount", () => {
      expectRule(decideClaim(facts({ claim: { payoutMode: "fixedInstalment" } })), "reject", "PAYOUT_PARAMETER_INVALID");
      expectRule(
        decideClaim(facts({ claim: { payoutMode: "fixedInstalment", parameter: 0n } })),
        "reject",
        "PAYOUT_PARAMETER_INVALID",
      );
    });

    it("uses the divisor table at 40 and 70 and rejects monthly at 39 and 71", () => {
      // loss of work capacity for a member born 1986-03-01: 39 on 2026-02-28, 40 on 2026-03-01 → 233 months
      const incapacity = [{ event: "lossOfWorkCapacity" as const, effectiveDate: "2025-06-01", active: true }];
      const claim = { event: "lossOfWorkCapacity" as const };
      const young = { birthDate: "1986-03-01" };
      expectRule(
        decideClaim(facts({ claim, member: young, attestations: incapacity, today: "2026-02-28" })),
        "reject",
        "MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE",
      );
      expect(decideClaim(facts({ claim, member: young, attestations: incapacity, today: "2026-03-01" }))).to.deep.include({
        parameter: 233n,
      });
      // born 1955-01-20: 70 until 2026-01-19 → 56 months; 71 from 2026-01-20
      const old = { birthDate: "1955-01-20" };
      expect(decideClaim(facts({ member: old, today: "2026-01-19" }))).to.deep.include({ parameter: 56n });
      expectRule(decideClaim(facts({ member: old, today: "2026-01-20" })), "reject", "MONTHLY_AGE_OUTSIDE_DIVISOR_TABLE");
      expect(decideClaim(facts({ member: old, today: "2026-01-20", claim: { payoutMode: "lumpSum" } })).outcome).to.equal(
        "approve",
      );
    });
  });

  describe("decideClaim: statutory retirement age", () => {
    it("reviews a man born 1965-05 retiring the day before 60 years 2 months, approves on the day", () => {
      const member = { birthDate: "1965-05-10" };
      const on = (effectiveDate: string) => [{ event: "retirement" as const, effectiveDate, active: true }];
      expectRule(decideClaim(facts({ member, attestations: on("2025-07-09") })), "review", "RETIREMENT_BELOW_STATUTORY_AGE");
      expect(decideClaim(facts({ member, attestations: on("2025-07-10") })).outcome).to.equal("approve");
    });

    it("tells women's original ages 50 and 55 apart, and reviews when it is unknown", () => {
      // born 1975-05-10: original 50 → 50 y 3 m, reached 2025-08-10; original 55 → 56 y 5 m
      const retired = [{ event: "retirement" as const, effectiveDate: "2025-08-10", active: true }];
      const woman = (original?: 50 | 55) => ({
        birthDate: "1975-05-10",
        gender: "female" as const,
        ...(original === undefined ? {} : { originalRetirementAgeForWomen: original }),
      });
      expect(decideClaim(facts({ member: woman(50), attestations: retired }))).to.deep.include({
        outcome: "approve",
        parameter: 195n, // 50 on 2026-01-10
      });
      expectRule(decideClaim(facts({ member: woman(55), attestations: retired })), "review", "RETIREMENT_BELOW_STATUTORY_AGE");
      expectRule(decideClaim(facts({ member: woman(), attestations: retired })), "review", "ORIGINAL_RETIREMENT_AGE_UNKNOWN");
      const early = [{ event: "retirement" as const, effectiveDate: "2025-08-09", active: true }];
      expectRule(decideClaim(facts({ member: woman(), attestations: early })), "review", "RETIREMENT_BELOW_STATUTORY_AGE");
    });

    it("does not check the retirement age for other events", () => {
      const member = { birthDate: "1980-01-01" };
      const attestations = [{ event: "lossOfWorkCapacity" as const, effectiveDate: "2025-01-01", active: true }];
      expect(decideClaim(facts({ member, attestations, claim: { event: "lossOfWorkCapacity" } })).outcome).to.equal("approve");
    });

    it("rejects before it reviews: a young retiree with no balance is rejected", () => {
      const member = { birthDate: "1970-01-01" };
      expectRule(decideClaim(facts({ member, account: { balanceFen: 0n } })), "reject", "ZERO_BALANCE");
    });
  });

  describe("validateHeirShares", () => {
    const shares = (...bps: unknown[]) => bps.map((shareBps) => ({ shareBps }));

    it("accepts shares that sum to 10,000", () => {
      expect(validateHeirShares(shares(10_000))).to.deep.equal({ ok: true, totalBps: 10_000 });
      expect(validateHeirShares(shares(3_334, 3_333, 3_333)).ok).to.equal(true);
      expect(validateHeirShares(shares(1, 9_999)).ok).to.equal(true);
    });

    it("rejects sums one under and one over, reporting the total", () => {
      expect(validateHeirShares(shares(5_000, 4_999))).to.deep.include({ ok: false, field: "heirs", totalBps: 9_999 });
      expect(validateHeirShares(shares(5_000, 5_001))).to.deep.include({ ok: false, field: "heirs", totalBps: 10_001 });
    });

    it("rejects no heirs, accepts 32 and rejects 33 (the ledger's limit)", () => {
      expect(validateHeirShares([])).to.deep.include({ ok: false, field: "heirs", rule: "HEIR_SHARES_INVALID" });
      const heirs = (n: number) => Array.from({ length: n }, (_, i) => ({ shareBps: i === 0 ? 10_000 - (n - 1) * 100 : 100 }));
      expect(validateHeirShares(heirs(32)).ok).to.equal(true);
      expect(validateHeirShares(heirs(33))).to.deep.include({ ok: false, field: "heirs" });
    });

    it("names the share that is zero, fractional, too large or not a number", () => {
      expect(validateHeirShares(shares(0, 10_000))).to.deep.include({ field: "heirs.0.shareBps" });
      expect(validateHeirShares(shares(5_000, 4_999.5, 0.5))).to.deep.include({ field: "heirs.1.shareBps" });
      expect(validateHeirShares(shares(10_001))).to.deep.include({ field: "heirs.0.shareBps" });
      expect(validateHeirShares(shares(5_000, "5000"))).to.deep.include({ field: "heirs.1.shareBps" });
    });
  });

  describe("decideInheritance", () => {
    const death = [{ event: "death" as const, effectiveDate: "2025-12-01", active: true }];
    const account = { status: "active" as const, balanceFen: 500_000n };
    const heirs = [{ shareBps: 6_000 }, { shareBps: 4_000 }];

    it("approves heirs after an attested death", () => {
      expect(decideInheritance({ attestations: death, account, heirs })).to.deep.equal({ outcome: "approve" });
    });

    it("rejects without an active death attestation", () => {
      const revoked = [{ ...death[0], active: false }];
      expect(decideInheritance({ attestations: revoked, account, heirs })).to.deep.include({ rule: "DEATH_NOT_ATTESTED" });
    });

    it("approves heirs of a member who died while being paid", () => {
      const paying = { status: "payingOut" as const, balanceFen: 300_000n };
      expect(decideInheritance({ attestations: death, account: paying, heirs })).to.deep.equal({ outcome: "approve" });
    });

    it("rejects heirs registered a second time", () => {
      expect(decideInheritance({ attestations: death, account, heirs, heirsRegistered: true })).to.deep.include({
        rule: "HEIRS_ALREADY_REGISTERED",
      });
    });

    it("rejects a missing, frozen, closed or empty account", () => {
      const cases: Array<[Partial<typeof account> | { status: string }, string]> = [
        [{ status: "none" }, "ACCOUNT_NOT_FOUND"],
        [{ status: "frozen" }, "ACCOUNT_FROZEN"],
        [{ status: "closed" }, "ACCOUNT_CLOSED"],
        [{ balanceFen: 0n }, "ZERO_BALANCE"],
      ];
      for (const [change, rule] of cases) {
        const d = decideInheritance({ attestations: death, account: { ...account, ...change } as typeof account, heirs });
        expect(d, rule).to.deep.include({ outcome: "reject", rule });
      }
    });

    it("rejects bad shares naming the field", () => {
      const d = decideInheritance({ attestations: death, account, heirs: [{ shareBps: 6_000 }, { shareBps: 0 }] });
      expect(d).to.deep.include({ outcome: "reject", rule: "HEIR_SHARES_INVALID", field: "heirs.1.shareBps" });
    });
  });
});
