import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { settlementProof, type SettledPayout } from "../../deploy/settlementMerkle.js";
import type { PensionLedger } from "../../types/index.js";
import { CHAIN_START, Event, Mode, cst, deployLedger, latest, member, openAccount, ref, type Ledger, payroll } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;

type Institution = "operator" | "bank" | "socialSecurity" | "taxBureau" | "investmentManager" | "keeper" | "outsider";
const CALLERS: Institution[] = ["operator", "bank", "socialSecurity", "taxBureau", "investmentManager", "keeper", "outsider"];

async function matrixFixture() {
  await networkHelpers.time.increaseTo(Math.max(cst(2026, 12, 3, 10), (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const [alice, aliceAccount] = await openAccount(l, "alice");
  const [bob, bobAccount] = await openAccount(l, "bob");
  const [dead, deadAccount] = await openAccount(l, "dead");
  const bookedAt = (await latest(ethers)) - 60;
  await l.asBank.contributeBatch(ref(ethers, "c"), [
    { member: alice, amount: 10_000n, bookedAt },
    { member: bob, amount: 10_000n, bookedAt },
  ]);
  const plan = ref(ethers, "plan");
  const worker = member(ethers, "worker");
  await l.asOperator.createPlan(plan, ref(ethers, "employer"), [10_000]);
  await l.asBank.enrolMember(plan, worker, cst(2020, 1, 1));
  const attested = (await latest(ethers)) - 10;
  await l.asBureau.recordEligibility(alice, Event.Retirement, attested, ref(ethers, "e"));
  await l.asBureau.recordEligibility(bob, Event.Retirement, attested, ref(ethers, "e"));
  await l.asBureau.recordEligibility(dead, Event.Death, attested, ref(ethers, "e"));
  await l.asBank.startPayout(bobAccount, Event.Retirement, Mode.LumpSum, 0);
  const receipt = await (await l.asKeeper.settlePayouts(ref(ethers, "run"), [bobAccount])).wait();
  const payouts: SettledPayout[] = receipt!.logs
    .map((log) => l.ledger.interface.parseLog(log))
    .filter((e) => e?.name === "PayoutSettled")
    .map((e) => ({ payoutId: e!.args[0], accountId: e!.args[1], payee: e!.args[3], gross: e!.args[4], tax: e!.args[5], net: e!.args[6] }));
  const V2 = await ethers.getContractFactory("PensionLedgerV2", { libraries: l.libraries });
  const v2 = await V2.deploy();
  return { ...l, alice, aliceAccount, bob, dead, deadAccount, plan, worker, payouts, v2: await v2.getAddress() };
}

type Fixture = Awaited<ReturnType<typeof matrixFixture>>;

interface Case {
  fn: string;
  allowed: Institution;
  role: (l: Ledger) => Promise<string>;
  /** State the allowed call needs, set up by the allowed institutions. */
  setup?: (f: Fixture) => Promise<unknown>;
  call: (ledger: PensionLedger, f: Fixture) => Promise<unknown>;
}

const role = (name: "OPERATOR_ROLE" | "BANK_ROLE" | "SOCIAL_SECURITY_ROLE" | "INVESTMENT_MANAGER_ROLE" | "KEEPER_ROLE") => (l: Ledger) => l.ledger[name]();
const admin = (l: Ledger) => l.ledger.DEFAULT_ADMIN_ROLE();

const CASES: Case[] = [
  { fn: "openPersonalAccount", allowed: "bank", role: role("BANK_ROLE"), call: (c) => c.openPersonalAccount(member(ethers, "new"), ref(ethers, "card")) },
  { fn: "createPlan", allowed: "operator", role: role("OPERATOR_ROLE"), call: (c) => c.createPlan(ref(ethers, "plan-2"), ref(ethers, "employer"), [10_000]) },
  { fn: "enrolMember", allowed: "bank", role: role("BANK_ROLE"), call: (c, f) => c.enrolMember(f.plan, member(ethers, "new"), cst(2025, 1, 1)) },
  { fn: "recordLeaving", allowed: "bank", role: role("BANK_ROLE"), call: (c, f) => c.recordLeaving(f.plan, f.worker, cst(2025, 1, 1)) },
  { fn: "freezeAccount", allowed: "operator", role: role("OPERATOR_ROLE"), call: (c, f) => c.freezeAccount(f.aliceAccount, ref(ethers, "HOLD")) },
  {
    fn: "unfreezeAccount",
    allowed: "operator",
    role: role("OPERATOR_ROLE"),
    setup: (f) => f.asOperator.freezeAccount(f.aliceAccount, ref(ethers, "HOLD")),
    call: (c, f) => c.unfreezeAccount(f.aliceAccount, ref(ethers, "RELEASED")),
  },
  { fn: "contribute", allowed: "bank", role: role("BANK_ROLE"), call: async (c, f) => c.contribute(ref(ethers, "x"), f.alice, 1n, (await latest(ethers)) - 1) },
  {
    fn: "contributeBatch",
    allowed: "bank",
    role: role("BANK_ROLE"),
    call: async (c, f) => c.contributeBatch(ref(ethers, "x"), [{ member: f.alice, amount: 1n, bookedAt: (await latest(ethers)) - 1 }]),
  },
  {
    fn: "contributeAnnuityBatch",
    allowed: "bank",
    role: role("BANK_ROLE"),
    call: (c, f) => payroll(c, ref(ethers, "x"), f.plan, 202612, [{ member: f.worker, wageBase: 100n, employerAmount: 8n, employeeAmount: 4n }]),
  },
  { fn: "creditReturns", allowed: "investmentManager", role: role("INVESTMENT_MANAGER_ROLE"), call: (c, f) => c.creditReturns(ref(ethers, "x"), [{ accountId: f.aliceAccount, amount: 1n }]) },
  {
    fn: "recordEligibility",
    allowed: "socialSecurity",
    role: role("SOCIAL_SECURITY_ROLE"),
    call: async (c, f) => c.recordEligibility(f.alice, Event.Emigration, (await latest(ethers)) - 1, ref(ethers, "e")),
  },
  { fn: "revokeEligibility", allowed: "socialSecurity", role: role("SOCIAL_SECURITY_ROLE"), call: (c, f) => c.revokeEligibility(f.alice, Event.Retirement, ref(ethers, "r")) },
  { fn: "startPayout", allowed: "bank", role: role("BANK_ROLE"), call: (c, f) => c.startPayout(f.aliceAccount, Event.Retirement, Mode.Monthly, 12n) },
  {
    fn: "registerHeirs",
    allowed: "bank",
    role: role("BANK_ROLE"),
    call: (c, f) => c.registerHeirs(f.deadAccount, [{ heirRef: ref(ethers, "heir"), shareBps: 10_000 }]),
  },
  { fn: "settlePayouts", allowed: "keeper", role: role("KEEPER_ROLE"), call: (c, f) => c.settlePayouts(ref(ethers, "run-2"), [f.aliceAccount]) },
  {
    fn: "reportPayoutResults",
    allowed: "bank",
    role: role("BANK_ROLE"),
    call: (c, f) => c.reportPayoutResults([{ runId: 1n, payout: f.payouts[0], proof: settlementProof(f.payouts, f.payouts[0].payoutId), paid: true }]),
  },
  { fn: "setAnnualCap", allowed: "operator", role: role("OPERATOR_ROLE"), call: (c) => c.setAnnualCap(2030, 1_000n) },
  { fn: "setWithdrawalTaxRate", allowed: "operator", role: role("OPERATOR_ROLE"), call: (c) => c.setWithdrawalTaxRate(2030, 100) },
  { fn: "setEnterpriseLimits", allowed: "operator", role: role("OPERATOR_ROLE"), call: (c) => c.setEnterpriseLimits(2030, 500, 1_000) },
  { fn: "pause", allowed: "operator", role: role("OPERATOR_ROLE"), call: (c) => c.pause() },
  { fn: "unpause", allowed: "operator", role: role("OPERATOR_ROLE"), setup: (f) => f.asOperator.pause(), call: (c) => c.unpause() },
  {
    fn: "grantRole",
    allowed: "operator",
    role: admin,
    setup: async (f) => f.asBank.nominateRoleMember(await f.ledger.BANK_ROLE(), f.outsider.address),
    call: async (c, f) => c.grantRole(await f.ledger.BANK_ROLE(), f.outsider.address),
  },
  { fn: "revokeRole", allowed: "operator", role: admin, call: async (c, f) => c.revokeRole(await f.ledger.KEEPER_ROLE(), f.keeper.address) },
  {
    fn: "nominateRoleMember",
    allowed: "bank",
    role: role("BANK_ROLE"),
    call: async (c, f) => c.nominateRoleMember(await f.ledger.BANK_ROLE(), f.outsider.address),
  },
  { fn: "scheduleUpgrade", allowed: "operator", role: role("OPERATOR_ROLE"), call: (c, f) => c.scheduleUpgrade(f.v2) },
  {
    fn: "upgradeToAndCall",
    allowed: "operator",
    role: role("OPERATOR_ROLE"),
    setup: async (f) => {
      await f.asOperator.scheduleUpgrade(f.v2);
      await networkHelpers.time.increase(2 * 86_400);
    },
    call: (c, f) => c.upgradeToAndCall(f.v2, "0x"),
  },
];

describe("PensionLedger role matrix", function () {
  for (const c of CASES) {
    describe(c.fn, function () {
      for (const caller of CALLERS) {
        const allowed = caller === c.allowed;
        it(`${allowed ? "lets" : "refuses"} the ${caller} ${allowed ? "call" : "calling"} it`, async function () {
          const f = await networkHelpers.loadFixture(matrixFixture);
          if (c.setup) await c.setup(f);
          const signer = f[caller] as HardhatEthersSigner;
          const before = (await f.ledger.auditState())[0];
          const tx = c.call(f.ledger.connect(signer), f);
          if (allowed) {
            await expect(tx).to.emit(f.ledger, "OperationRecorded");
            expect((await f.ledger.auditState())[0]).to.equal(before + 1n);
          } else {
            await expect(tx)
              .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
              .withArgs(signer.address, await c.role(f));
          }
        });
      }
    });
  }
});
