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
import { cstParts, shanghaiTime } from "./time.js";

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

/** What the social-security bureau sees of an account: its status only (no balances, no holder data). */
export interface SocialSecurityAccountView {
  view: "socialSecurity";
  accountId: string;
  kind: "PersonalPension" | "EnterpriseAnnuity";
  status: string;
  /** The member's active attestations (qualifying event, effective date in CST). */
  eligibility: { qualifyingEvent: string; effectiveDate: string }[];
}

/** What the tax bureau sees: contributions (this year's, deductible) and withholding figures; no holder data. */
export interface TaxBureauAccountView {
  view: "taxBureau";
  accountId: string;
  kind: "PersonalPension" | "EnterpriseAnnuity";
  contributions: {
    /** Personal contributions ever credited, integer fen. */
    personalTotal: string;
    /** Personal pension: this CST year's contributions; all of them are deductible (they are within the cap). */
    thisYear: { year: number; contributed: string; deductible: string; cap: string } | null;
  };
  withholding: { payoutsGross: string; taxWithheld: string };
  display: { contributedThisYear?: string; deductibleThisYear?: string; taxWithheld: string };
}

export type AnyAccountView = AccountView | SocialSecurityAccountView | TaxBureauAccountView;

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
    // A rejected request changes nothing: a member who already has a personal account is refused here, before
    // the vault is touched (a replayed Idempotency-Key still gets its first operation from submit()).
    if (!this.operations.isReplay(caller)) {
      // Chain unreachable: the outbox takes the request as always (the vault is protected by addMember anyway).
      const existing = await this.deps.ledger.getAccount(accountIdOf(store.members.pseudonymOf(id.id))).catch(() => undefined);
      if (existing) {
        throw new AppError("ACCOUNT_ALREADY_OPEN", `该成员已开立个人养老金账户 / ${ERROR_CATALOG.ACCOUNT_ALREADY_OPEN.en}`, {
          field: "residentId", details: { accountId: existing.accountId, status: existing.status },
        });
      }
    }
    return this.operations.submit(caller, () => {
      // New member: stored. Known member: only empty fields filled; the stored name and card are never overwritten.
      const record = store.members.addMember({ residentId: id.id, name: input.name, bankCard: input.bankCard });
      const member = record.pseudonym;
      const serial = store.members.assignPensionSerial(member);
      const accountId = accountIdOf(member);
      return {
        kind: "openPersonalAccount",
        request: { member, bankAccountHash: record.bankAccountHash ?? store.members.bankAccountHashOf(input.bankCard) },
        result: { accountId, pensionReference: formatPensionReference(serial) },
      };
    }, options);
  }

  /**
   * An account, shaped by who asks: the bank and the operator see everything with the holder (name, masked ID);
   * the auditor everything but the holder; the social-security bureau only the status; the tax bureau only
   * contributions and withholding. Neither bureau sees name, card or ID number.
   */
  async getAccount(caller: Caller, accountId: string, notFoundField = "accountId"): Promise<AnyAccountView> {
    const full = await this.fullAccount(caller, accountId, notFoundField);
    if (caller.institution === "socialSecurity") {
      const snapshot = await this.deps.ledger.getAccount(full.accountId);
      const active = snapshot && this.deps.ledger.activeEligibilities ? await this.deps.ledger.activeEligibilities(snapshot.member) : [];
      return {
        view: "socialSecurity", accountId: full.accountId, kind: full.kind, status: full.status,
        eligibility: active.map((e) => ({ qualifyingEvent: e.qualifyingEvent, effectiveDate: shanghaiTime(new Date(e.effectiveDate * 1000)).slice(0, 10) })),
      };
    }
    if (caller.institution === "taxBureau") {
      const t = full.thisYear;
      return {
        view: "taxBureau",
        accountId: full.accountId,
        kind: full.kind,
        contributions: {
          personalTotal: full.balances.personalContributions,
          thisYear: t ? { year: t.year, contributed: t.contributed, deductible: t.contributed, cap: t.cap } : null,
        },
        // The ledger's `payouts` are net of tax: gross paid = net + tax withheld.
        withholding: {
          payoutsGross: (BigInt(full.balances.payouts) + BigInt(full.balances.taxWithheld)).toString(),
          taxWithheld: full.balances.taxWithheld,
        },
        display: {
          ...(t ? { contributedThisYear: formatFen(BigInt(t.contributed)), deductibleThisYear: formatFen(BigInt(t.contributed)) } : {}),
          taxWithheld: formatFen(BigInt(full.balances.taxWithheld)),
        },
      };
    }
    return full;
  }

  private async fullAccount(caller: Caller, accountId: string, notFoundField: string): Promise<AccountView> {
    const snapshot = await this.deps.ledger.getAccount(accountId);
    if (!snapshot) throw new AppError("ACCOUNT_UNKNOWN", `账户不存在 / ${ERROR_CATALOG.ACCOUNT_UNKNOWN.en}`, { field: notFoundField });
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
  async findAccount(caller: Caller, input: { member: MemberRef; planCode?: string }): Promise<AnyAccountView> {
    const member = pseudonymFor(this.deps.store, input.member, "residentId", this.deps.clock());
    const plan = input.planCode ? planIdOf(input.planCode) : PERSONAL_PLAN;
    // Not found: the field the caller gave (residentId / pensionReference / planCode), not an accountId they never sent.
    const field = input.planCode ? "planCode" : "residentId" in input.member ? "residentId" : "pensionReference";
    return this.getAccount(caller, accountIdOf(member, plan), field);
  }

  async setFrozen(caller: Caller, input: { accountId: string; frozen: boolean; reasonCode: string }, options: WriteOptions = {}): Promise<WriteOutcome> {
    return this.operations.submit(caller, {
      kind: input.frozen ? "freezeAccount" : "unfreezeAccount",
      request: { accountId: input.accountId.toLowerCase(), reasonCode: encodeBytes32String(input.reasonCode) },
    }, options);
  }
}
