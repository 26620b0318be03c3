/**
 * Contributions: one personal-pension contribution, a batch under one bank reference, and an employer's
 * enterprise-annuity payroll batch. The bank's reference for the incoming money goes on chain (hashed), so the
 * same bank message delivered twice credits once.
 */
import { id as keccakUtf8 } from "ethers";
import { formatFen } from "../domain/money.js";
import { AppError, ERROR_CATALOG } from "../errors.js";
import { BankRepository } from "./bank/repository.js";
import type { Caller, ServiceDeps, WriteOptions } from "./context.js";
import { pseudonymFor, type MemberRef } from "./members.js";
import type { OperationService, WriteOutcome } from "./operations.js";
import { planIdOf } from "./plans.js";

/** The on-chain bank reference: keccak256 of the bank's reference text. */
export function bankRefOf(reference: string): string {
  return keccakUtf8(`bank-ref:${reference}`);
}

export interface ContributionInput {
  member: MemberRef;
  amount: bigint;
  /** The bank's booking time. */
  bookedAt: Date;
  bankReference: string;
}

function bookedAtSeconds(at: Date, field: string, now: Date): number {
  if (at.getTime() > now.getTime() + 60_000) {
    throw new AppError("VALIDATION_FAILED", `${field} is in the future.`, { field, details: { reason: "in the future" } });
  }
  return Math.floor(at.getTime() / 1000);
}

/** The ledger's amounts are uint64 fen. */
export const MAX_LEDGER_FEN = 2n ** 64n - 1n;

export function positive(amount: bigint, field: string): string {
  if (amount <= 0n) throw new AppError("VALIDATION_FAILED", `${field} must be more than 0 fen.`, { field, details: { reason: "not positive" } });
  if (amount > MAX_LEDGER_FEN) {
    throw new AppError("VALIDATION_FAILED", `${field} 金额过大 / ${field} is too large: at most ${MAX_LEDGER_FEN} fen (${formatFen(MAX_LEDGER_FEN)}), the ledger's uint64 limit.`, {
      field, details: { reason: "too large", max: MAX_LEDGER_FEN.toString() },
    });
  }
  return amount.toString();
}

export class ContributionService {
  constructor(private readonly deps: ServiceDeps, private readonly operations: OperationService) {}

  private bankRepo?: BankRepository;

  /**
   * The same bank reference credits once whichever channel brings it: a reference the camt.054 path processed
   * (under any of its keys: `TX|ref`, `NTRY|ref|<i>`, `E2E|ref`) is refused here, nothing sent. Runs inside the
   * outbox transaction, so a camt.054 delivery and this request cannot both pass (the camt.054 path, in turn, finds
   * this operation by its chain bank reference).
   */
  private refuseCamtReference(bankReference: string, field: string): void {
    this.bankRepo ??= new BankRepository(this.deps.store.database);
    const booking = this.bankRepo.camtBookingOfReference(bankReference);
    if (!booking) return;
    throw new AppError(
      "BANK_REFERENCE_ALREADY_USED",
      `${ERROR_CATALOG.BANK_REFERENCE_ALREADY_USED.en} (bankReference ${bankReference} was processed from camt.054 message ${booking.messageId})`,
      { field, details: { bankReference, messageId: booking.messageId, outcome: booking.outcome, ...(booking.operationId ? { operationId: booking.operationId } : {}), ...(booking.suspenseId ? { suspenseId: booking.suspenseId } : {}) } },
    );
  }

  contribute(caller: Caller, input: ContributionInput, options: WriteOptions = {}): Promise<WriteOutcome> {
    const now = this.deps.clock();
    const member = pseudonymFor(this.deps.store, input.member, "residentId", now);
    const request = {
      bankRef: bankRefOf(input.bankReference),
      member,
      amount: positive(input.amount, "amount"),
      bookedAt: bookedAtSeconds(input.bookedAt, "bookedAt", now),
    };
    return this.operations.submit(caller, () => {
      this.refuseCamtReference(input.bankReference, "bankReference");
      return { kind: "contribute", request };
    }, options);
  }

  contributeBatch(caller: Caller, input: { bankReference: string; items: Omit<ContributionInput, "bankReference">[] }, options: WriteOptions = {}): Promise<WriteOutcome> {
    const now = this.deps.clock();
    const items = input.items.map((item, i) => ({
      member: pseudonymFor(this.deps.store, item.member, `items.${i}.residentId`, now),
      amount: positive(item.amount, `items.${i}.amount`),
      bookedAt: bookedAtSeconds(item.bookedAt, `items.${i}.bookedAt`, now),
    }));
    return this.operations.submit(caller, () => {
      this.refuseCamtReference(input.bankReference, "bankReference");
      return { kind: "contributeBatch", request: { bankRef: bankRefOf(input.bankReference), items } };
    }, options);
  }

  /**
   * An employer's monthly payroll batch for one plan (period = YYYYMM). `periodTotals` are the whole payroll
   * period's employees and employer total when the payroll comes in several batches (default: this batch's own).
   */
  contributeAnnuityBatch(
    caller: Caller,
    input: {
      bankReference: string; planCode: string; period: number; items: { member: MemberRef; wageBase: bigint; employerAmount: bigint; employeeAmount: bigint }[];
      periodTotals?: { employees: number; employerTotal: bigint };
    },
    options: WriteOptions = {},
  ): Promise<WriteOutcome> {
    const now = this.deps.clock();
    const items = input.items.map((item, i) => ({
      member: pseudonymFor(this.deps.store, item.member, `items.${i}.residentId`, now),
      wageBase: item.wageBase.toString(),
      employerAmount: item.employerAmount.toString(),
      employeeAmount: item.employeeAmount.toString(),
    }));
    return this.operations.submit(caller, {
      kind: "contributeAnnuityBatch",
      request: {
        bankRef: bankRefOf(input.bankReference), plan: planIdOf(input.planCode), period: input.period,
        periodEmployees: input.periodTotals?.employees ?? items.length,
        periodEmployerTotal: (input.periodTotals?.employerTotal ?? input.items.reduce((s, i) => s + i.employerAmount, 0n)).toString(),
        items,
      },
    }, options);
  }
}
