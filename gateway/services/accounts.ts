/**
 * Accounts: opening a personal-pension account (member into the vault, account onto the ledger), reading an
 * account with its sub-ledgers and this year's room under the cap, and the operator's legal holds.
 */
import { encodeBytes32String } from "ethers";
import { formatPensionReference } from "../adapters/bank/pensionReference.js";
import { accountIdOf } from "../chain/ledgerInterface.js";
import { formatFen } from "../domain/money.js";
import { requireResidentId } from "../domain/residentId.js";
import { AppError, ERROR_CATALOG } from "../errors.js";
import type { Caller, ServiceDeps, WriteOptions } from "./context.js";
import { pseudonymFor, type MemberRef } from "./members.js";
import type { OperationService, WriteOutcome } from "./operations.js";
import { planIdOf } from "./plans.js";
import { cstParts } from "./time.js";

export interface OpenAccountInput {
  residentId: string;
  name: string;
  bankCard: string;
}

export interface AccountView {
  accountId: string;
  kind: "PersonalPension" | "EnterpriseAnnuity";
  status: string;
  plan: string | null;
  pensionReference: string | null;
  /** Balances by sub-ledger, integer fen as strings. */
  balances: {
    balance: string;
    personalContributions: string;
    employerContributions: string;
    employerVested: string;
    employerUnvested: string;
    investmentReturns: string;
    payouts: string;
    taxWithheld: string;
    forfeitures: string;
  };
  /** Personal pension: contributions in this CST calendar year and the room left under the cap. */
  thisYear: { year: number; contributed: string; remaining: string; cap: string } | null;
  /** The same figures for people: ¥1,234.56. */
  display: { balance: string; contributedThisYear?: string; remainingThisYear?: string };
  /** Only for the bank and the operator: who holds it (name, ID number masked). */
  holder?: { name: string | null; residentIdMasked: string };
}

const PERSONAL_PLAN = "0x" + "00".repeat(32);
const HOLDER_ROLES = new Set(["bank", "operator"]);

export function maskResidentId(id: string): string {
  return `${id.slice(0, 3)}${"*".repeat(11)}${id.slice(14)}`;
}

export class AccountService {
  constructor(private readonly deps: ServiceDeps, private readonly operations: OperationService) {}

  async openAccount(caller: Caller, input: OpenAccountInput, options: WriteOptions = {}): Promise<WriteOutcome> {
    const { store } = this.deps;
    const id = requireResidentId(input.residentId, { today: this.deps.clock() });
    return this.operations.submit(caller, () => {
      const member = store.members.upsert({ residentId: id.id, name: input.name, bankCard: input.bankCard });
      const serial = store.members.assignPensionSerial(member);
      const accountId = accountIdOf(member);
      return {
        kind: "openPersonalAccount",
        request: { member, bankAccountHash: store.members.bankAccountHashOf(input.bankCard) },
        result: { accountId, pensionReference: formatPensionReference(serial) },
      };
    }, options);
  }

  async getAccount(caller: Caller, accountId: string): Promise<AccountView> {
    const snapshot = await this.deps.ledger.getAccount(accountId);
    if (!snapshot) throw new AppError("ACCOUNT_UNKNOWN", ERROR_CATALOG.ACCOUNT_UNKNOWN.en, { field: "accountId" });
    const member = this.deps.store.members.byPseudonym(snapshot.member);
    let thisYear: AccountView["thisYear"] = null;
    if (snapshot.kind === "PersonalPension") {
      const { year } = cstParts(this.deps.clock());
      const [{ contributed, remaining }, cap] = await Promise.all([
        this.deps.ledger.contributionsInYear(snapshot.member, year),
        this.deps.ledger.annualCap(year),
      ]);
      thisYear = { year, contributed: contributed.toString(), remaining: remaining.toString(), cap: cap.toString() };
    }
    return {
      accountId: snapshot.accountId,
      kind: snapshot.kind,
      status: snapshot.status,
      plan: snapshot.plan === PERSONAL_PLAN ? null : snapshot.plan,
      pensionReference: snapshot.kind === "PersonalPension" && member?.pensionSerial != null ? formatPensionReference(member.pensionSerial) : null,
      balances: {
        balance: snapshot.balance.toString(),
        personalContributions: snapshot.contributions.toString(),
        employerContributions: snapshot.employerContributions.toString(),
        employerVested: snapshot.employerVested.toString(),
        employerUnvested: snapshot.employerUnvested.toString(),
        investmentReturns: snapshot.investmentReturns.toString(),
        payouts: snapshot.payouts.toString(),
        taxWithheld: snapshot.tax.toString(),
        forfeitures: snapshot.forfeitures.toString(),
      },
      thisYear,
      display: {
        balance: formatFen(snapshot.balance),
        ...(thisYear
          ? { contributedThisYear: formatFen(BigInt(thisYear.contributed)), remainingThisYear: formatFen(BigInt(thisYear.remaining)) }
          : {}),
      },
      ...(HOLDER_ROLES.has(caller.institution) && member
        ? { holder: { name: member.name, residentIdMasked: maskResidentId(member.residentId) } }
        : {}),
    };
  }

  /** The account of a member named by resident ID number (personal pension, or a plan given by its code). */
  async findAccount(caller: Caller, input: { member: MemberRef; planCode?: string }): Promise<AccountView> {
    const member = pseudonymFor(this.deps.store, input.member, "residentId", this.deps.clock());
    const plan = input.planCode ? planIdOf(input.planCode) : PERSONAL_PLAN;
    return this.getAccount(caller, accountIdOf(member, plan));
  }

  async setFrozen(caller: Caller, input: { accountId: string; frozen: boolean; reasonCode: string }, options: WriteOptions = {}): Promise<WriteOutcome> {
    return this.operations.submit(caller, {
      kind: input.frozen ? "freezeAccount" : "unfreezeAccount",
      request: { accountId: input.accountId.toLowerCase(), reasonCode: encodeBytes32String(input.reasonCode) },
    }, options);
  }
}
