/**
 * Shared set-up for the ledger's mocha tests: deploys through the real Ignition module and offers small helpers
 * named in the business's words. Each test file connects to its own network and wraps `deployLedger` in its own
 * fixture for `networkHelpers.loadFixture`.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import PensionLedgerModule from "../../../deploy/PensionLedger.js";
import type { PensionLedger } from "../../../types/index.js";

export const ZERO = `0x${"0".repeat(64)}`;
/**
 * Every test chain starts on 2026-12-03 10:00 CST (02:00 UTC), whatever today's date: the rules are calendar rules,
 * so the tests must not depend on when they run. Use as `network.create({ override: { initialDate: CHAIN_START } })`.
 */
export const CHAIN_START = "2026-12-03T02:00:00Z";
export const CAP = 1_200_000n; // fen per member per CST calendar year (12,000 yuan)
export const BPS = 10_000n;

export enum Status {
  None,
  Active,
  Frozen,
  PayingOut,
  Closed,
}
export enum Event {
  None,
  Retirement,
  LossOfWorkCapacity,
  Emigration,
  Death,
  SeriousIllness,
  LongUnemployment,
  MinimumLivingAllowance,
}
export enum Mode {
  None,
  Monthly,
  FixedInstalment,
  LumpSum,
}
export enum PayoutStatus {
  None,
  Settled,
  Paid,
  Failed,
}

export interface Ledger {
  ethers: HardhatEthers;
  ledger: PensionLedger;
  deployer: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  bank: HardhatEthersSigner;
  socialSecurity: HardhatEthersSigner;
  taxBureau: HardhatEthersSigner;
  investmentManager: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  /** The ledger connected as each institution. */
  asBank: PensionLedger;
  asOperator: PensionLedger;
  asBureau: PensionLedger;
  asInvestment: PensionLedger;
  asKeeper: PensionLedger;
  /** Addresses of the linked rule libraries, by contract name (for deploying an upgrade). */
  libraries: Record<string, string>;
}

type Connection = Pick<NetworkConnection, "ethers" | "ignition"> & { ethers: HardhatEthers };

export async function deployLedger({ ethers, ignition }: Connection): Promise<Ledger> {
  const [deployer, operator, bank, socialSecurity, taxBureau, investmentManager, keeper, outsider] =
    await ethers.getSigners();
  const deployment = await ignition.deploy(PensionLedgerModule, {
    parameters: {
      PensionLedger: {
        operator: operator.address,
        bank: bank.address,
        socialSecurity: socialSecurity.address,
        taxBureau: taxBureau.address,
        investmentManager: investmentManager.address,
        keeper: keeper.address,
      },
    },
  });
  const ledger = (await ethers.getContractAt(
    "PensionLedger",
    await deployment.ledger.getAddress(),
  )) as unknown as PensionLedger;
  const libraries: Record<string, string> = {};
  for (const name of ["AccountLogic", "ContributionLogic", "EligibilityLogic", "PayoutLogic", "ReturnsLogic", "ParameterLogic", "GovernanceLogic"] as const) {
    libraries[name] = await deployment[name].getAddress();
  }
  return {
    ethers,
    ledger,
    deployer,
    operator,
    bank,
    socialSecurity,
    taxBureau,
    investmentManager,
    keeper,
    outsider,
    asBank: ledger.connect(bank),
    asOperator: ledger.connect(operator),
    asBureau: ledger.connect(socialSecurity),
    asInvestment: ledger.connect(investmentManager),
    asKeeper: ledger.connect(keeper),
    libraries,
  };
}

/** A member pseudonym (the gateway's HMAC of an ID number; here just a label's hash). */
export function member(ethers: HardhatEthers, label: string | number): string {
  return ethers.keccak256(ethers.toUtf8Bytes(`member-${label}`));
}

/** A bank reference, evidence hash, reason code… */
export function ref(ethers: HardhatEthers, label: string): string {
  return ethers.keccak256(ethers.toUtf8Bytes(label));
}

export function accountId(ethers: HardhatEthers, memberId: string, plan: string = ZERO): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [memberId, plan]));
}

export async function latest(ethers: HardhatEthers): Promise<number> {
  return (await ethers.provider.getBlock("latest"))!.timestamp;
}

/** The CST (UTC+8) calendar year of a unix time. */
export function cstYear(unixSeconds: number): number {
  return new Date((unixSeconds + 8 * 3600) * 1000).getUTCFullYear();
}

/** Unix time of a CST wall-clock moment. */
export function cst(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - 8 * 3600;
}

/** Opens a personal-pension account for `label` and returns [member, accountId]. */
export async function openAccount(l: Ledger, label: string | number): Promise<[string, string]> {
  const m = member(l.ethers, label);
  await l.asBank.openPersonalAccount(m, ref(l.ethers, `card-${label}`));
  return [m, accountId(l.ethers, m)];
}

/** Balance conservation identity for an account view or the system totals. */
export function conserved(v: {
  contributions: bigint;
  employerContributions: bigint;
  investmentReturns: bigint;
  payouts: bigint;
  tax: bigint;
  forfeitures: bigint;
  balance: bigint;
}): boolean {
  return (
    v.balance ===
    v.contributions + v.employerContributions + v.investmentReturns - v.payouts - v.tax - v.forfeitures
  );
}

/** One enterprise-annuity payroll line. */
export interface PayrollLine {
  member: string;
  wageBase: bigint;
  employerAmount: bigint;
  employeeAmount: bigint;
}

/** The payroll period's totals a batch declares: by default those of its own lines (the whole payroll in one batch). */
export function payrollTotals(items: PayrollLine[]): { employees: bigint; employerTotal: bigint } {
  return { employees: BigInt(items.length), employerTotal: items.reduce((s, i) => s + i.employerAmount, 0n) };
}

/** contributeAnnuityBatch with the period's declared totals (default: the batch's own). */
export function payroll(
  ledger: PensionLedger,
  bankRef: string,
  plan: string,
  period: number,
  items: PayrollLine[],
  totals: { employees: bigint; employerTotal: bigint } = payrollTotals(items),
) {
  return ledger.contributeAnnuityBatch(bankRef, plan, period, totals.employees, totals.employerTotal, items);
}
