/**
 * Standing personal-pension contributions: a member's instruction (amount, day of month) that the gateway's
 * scheduler executes once a month. The chain bank reference of month M is keccak256("standing:<id>:<YYYY-MM>"),
 * and the (instruction, month) execution row is written with its outbox operation in one transaction, so each
 * month is contributed exactly once. A failed month (cap exceeded, account not active…) is a miss with its
 * reason, reported and not retried. The card debit itself is the bank's business: the instruction here is
 * the ledger side, executed when the bank has taken the money.
 */
import { randomUUID } from "node:crypto";
import { id as keccakUtf8 } from "ethers";
import type { Logger } from "pino";
import { accountIdOf } from "../chain/ledgerInterface.js";
import { formatFen } from "../domain/money.js";
import { requireResidentId } from "../domain/residentId.js";
import { AppError, ERROR_CATALOG } from "../errors.js";
import type { StandingInstruction } from "../store/standingInstructions.js";
import type { Caller, ServiceDeps } from "./context.js";
import type { OperationService } from "./operations.js";
import { positive } from "./contributions.js";
import { cstMonth, cstParts } from "./time.js";

export interface StandingInstructionView {
  instructionId: string;
  accountId: string;
  amount: string;
  display: { amount: string };
  dayOfMonth: number;
  firstMonth: string;
  status: "active" | "cancelled";
  createdAt: string;
  cancelledAt: string | null;
  executions: { month: string; operationId: string; state: "pending" | "executed" | "missed"; reason?: { code: string; message: string } }[];
}

export function standingBankRef(instructionId: string, month: string): string {
  return keccakUtf8(`standing:${instructionId}:${month}`);
}

export class StandingContributionService {
  constructor(private readonly deps: ServiceDeps, private readonly operations: OperationService) {}

  private view(i: StandingInstruction): StandingInstructionView {
    const { store } = this.deps;
    return {
      instructionId: i.id,
      accountId: accountIdOf(i.member),
      amount: i.amount.toString(),
      display: { amount: formatFen(i.amount) },
      dayOfMonth: i.dayOfMonth,
      firstMonth: i.firstMonth,
      status: i.status,
      createdAt: i.createdAt,
      cancelledAt: i.cancelledAt,
      executions: store.standing.executions(i.id).map((e) => {
        const op = store.operations.get(e.operationId)!;
        const state = op.state === "succeeded" ? "executed" : op.state === "failed" ? "missed" : "pending";
        return {
          month: e.month,
          operationId: e.operationId,
          state,
          ...(state === "missed" && op.error ? { reason: { code: op.error.code, message: op.error.message } } : {}),
        };
      }),
    };
  }

  private withIdempotency(caller: Caller, work: () => StandingInstructionView): StandingInstructionView {
    const { store } = this.deps;
    return store.transaction(() => {
      if (caller.idempotency) {
        const previous = store.idempotency.find(caller.institution, caller.idempotency.key);
        if (previous) {
          if (previous.requestHash !== caller.idempotency.requestHash) {
            throw new AppError("IDEMPOTENCY_KEY_REUSED", ERROR_CATALOG.IDEMPOTENCY_KEY_REUSED.en, { field: "Idempotency-Key" });
          }
          return previous.response as StandingInstructionView;
        }
      }
      const result = work();
      if (caller.idempotency) {
        store.idempotency.save({ institution: caller.institution, key: caller.idempotency.key, requestHash: caller.idempotency.requestHash, responseStatus: 200, response: result });
      }
      return result;
    });
  }

  async create(caller: Caller, input: { residentId: string; amount: bigint; dayOfMonth: number; firstMonth?: string }): Promise<StandingInstructionView> {
    const now = this.deps.clock();
    const id = requireResidentId(input.residentId, { today: now });
    // Checked here too (not only in the API schema): an amount the ledger cannot take would fail every month.
    positive(input.amount, "amount");
    const thisMonth = cstMonth(now);
    const firstMonth = input.firstMonth ?? thisMonth;
    const [year, month] = thisMonth.split("-").map(Number) as [number, number];
    const horizon = `${year + 1}-${String(month).padStart(2, "0")}`;
    if (firstMonth < thisMonth || firstMonth > horizon) {
      throw new AppError(
        "VALIDATION_FAILED",
        `firstMonth 必须在 ${thisMonth} 至 ${horizon} 之间 / firstMonth must be between this month (${thisMonth}) and twelve months ahead (${horizon}); ${firstMonth} is not.`,
        { field: "firstMonth", details: { firstMonth, from: thisMonth, to: horizon } },
      );
    }
    // A monthly amount above the year's cap could never be credited: refuse it now rather than miss every month.
    const cap = await this.deps.ledger.annualCap(Number(firstMonth.slice(0, 4)));
    if (input.amount > cap) {
      throw new AppError(
        "VALIDATION_FAILED",
        `amount ${formatFen(input.amount)} 超过年度缴费上限 ${formatFen(cap)} / amount ${formatFen(input.amount)} is above the annual cap of ${formatFen(cap)}: no month could ever be credited.`,
        { field: "amount", details: { amount: input.amount.toString(), annualCap: cap.toString() } },
      );
    }
    return this.withIdempotency(caller, () => {
      const member = this.deps.store.members.byResidentId(id.id);
      if (!member || member.pensionSerial === null) {
        throw new AppError("MEMBER_NOT_FOUND", "No personal-pension account was opened for this member.", { field: "residentId" });
      }
      const instruction = this.deps.store.standing.insert({
        id: randomUUID(), institution: caller.institution, member: member.pseudonym, amount: input.amount, dayOfMonth: input.dayOfMonth,
        firstMonth,
      });
      return this.view(instruction);
    });
  }

  get(caller: Caller, instructionId: string): StandingInstructionView {
    void caller;
    const instruction = this.deps.store.standing.get(instructionId);
    if (!instruction) throw new AppError("STANDING_INSTRUCTION_NOT_FOUND", ERROR_CATALOG.STANDING_INSTRUCTION_NOT_FOUND.en, { field: "instructionId" });
    return this.view(instruction);
  }

  cancel(caller: Caller, instructionId: string): StandingInstructionView {
    return this.withIdempotency(caller, () => {
      const instruction = this.deps.store.standing.get(instructionId);
      if (!instruction) throw new AppError("STANDING_INSTRUCTION_NOT_FOUND", ERROR_CATALOG.STANDING_INSTRUCTION_NOT_FOUND.en, { field: "instructionId" });
      if (instruction.status === "cancelled") {
        throw new AppError("STANDING_INSTRUCTION_CANCELLED", ERROR_CATALOG.STANDING_INSTRUCTION_CANCELLED.en, { field: "instructionId" });
      }
      this.deps.store.standing.cancel(instructionId);
      return this.view(this.deps.store.standing.get(instructionId)!);
    });
  }

  /**
   * Executes every instruction due this CST month (its day reached, not yet executed this month). Returns the
   * operation ids created. Safe to call any number of times: a month executes once.
   */
  executeDue(): string[] {
    const { store } = this.deps;
    const now = this.deps.clock();
    const month = cstMonth(now);
    const { day } = cstParts(now);
    const created: string[] = [];
    for (const instruction of store.standing.due(month, day)) {
      const bankRef = standingBankRef(instruction.id, month);
      store.transaction(() => {
        const op = store.operations.insert({
          kind: "contribute",
          signer: "bank",
          institution: instruction.institution,
          // Booked a little before now: the ledger refuses a booking time after the block's.
          request: { bankRef, member: instruction.member, amount: instruction.amount.toString(), bookedAt: Math.floor(now.getTime() / 1000) - 5 },
        });
        if (store.standing.recordExecution({ instructionId: instruction.id, month, operationId: op.id, bankRef })) created.push(op.id);
        else throw new Error("already executed");
      });
    }
    if (created.length) this.deps.pipeline.notify("bank");
    return created;
  }
}

/** Runs {@link StandingContributionService.executeDue} on an interval. */
export class StandingContributionScheduler {
  private timer?: NodeJS.Timeout;

  constructor(private readonly service: StandingContributionService, private readonly intervalMs: number, private readonly logger: Logger) {}

  start(): void {
    const tick = () => {
      try {
        const created = this.service.executeDue();
        if (created.length) this.logger.info({ executions: created.length }, "standing contributions executed");
      } catch (error) {
        this.logger.error({ error: (error as Error).message }, "standing contribution scheduler step failed");
      }
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
