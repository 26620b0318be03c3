/**
 * Standing personal-pension contribution instructions (amount, day of month) and their monthly executions.
 * An execution row per (instruction, month) is written with its outbox operation in one transaction: the
 * primary key makes each month's execution happen once.
 */
import type { Database } from "./database.js";

export interface StandingInstruction {
  id: string;
  institution: string;
  member: string;
  amount: bigint;
  dayOfMonth: number;
  firstMonth: string;
  status: "active" | "cancelled";
  createdAt: string;
  cancelledAt: string | null;
}

export interface StandingExecution {
  instructionId: string;
  month: string;
  operationId: string;
  bankRef: string;
  createdAt: string;
}

interface InstructionRow {
  id: string; institution: string; member: string; amount: string; day_of_month: number; first_month: string;
  status: "active" | "cancelled"; created_at: string; cancelled_at: string | null;
}

function fromRow(r: InstructionRow): StandingInstruction {
  return {
    id: r.id, institution: r.institution, member: r.member, amount: BigInt(r.amount), dayOfMonth: r.day_of_month,
    firstMonth: r.first_month, status: r.status, createdAt: r.created_at, cancelledAt: r.cancelled_at,
  };
}

export class StandingInstructionRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  insert(i: Omit<StandingInstruction, "status" | "createdAt" | "cancelledAt">): StandingInstruction {
    this.db
      .prepare(
        `INSERT INTO standing_instructions (id, institution, member, amount, day_of_month, first_month, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'active', ?)`,
      )
      .run(i.id, i.institution, i.member, i.amount.toString(), i.dayOfMonth, i.firstMonth, new Date().toISOString());
    return this.get(i.id)!;
  }

  get(id: string): StandingInstruction | undefined {
    const row = this.db.prepare("SELECT * FROM standing_instructions WHERE id = ?").get(id) as InstructionRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  cancel(id: string): void {
    this.db.prepare("UPDATE standing_instructions SET status = 'cancelled', cancelled_at = ? WHERE id = ?").run(new Date().toISOString(), id);
  }

  /** Active instructions with no execution for `month` yet whose day has come. */
  due(month: string, dayOfMonth: number): StandingInstruction[] {
    return (this.db
      .prepare(
        `SELECT * FROM standing_instructions i WHERE status = 'active' AND first_month <= ? AND day_of_month <= ?
         AND NOT EXISTS (SELECT 1 FROM standing_executions e WHERE e.instruction_id = i.id AND e.month = ?) ORDER BY created_at`,
      )
      .all(month, dayOfMonth, month) as unknown as InstructionRow[]).map(fromRow);
  }

  recordExecution(e: Omit<StandingExecution, "createdAt">): boolean {
    const result = this.db
      .prepare("INSERT OR IGNORE INTO standing_executions (instruction_id, month, operation_id, bank_ref, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(e.instructionId, e.month, e.operationId, e.bankRef, new Date().toISOString());
    return result.changes > 0;
  }

  executions(instructionId: string): StandingExecution[] {
    return (this.db
      .prepare("SELECT * FROM standing_executions WHERE instruction_id = ? ORDER BY month")
      .all(instructionId) as { instruction_id: string; month: string; operation_id: string; bank_ref: string; created_at: string }[])
      .map((r) => ({ instructionId: r.instruction_id, month: r.month, operationId: r.operation_id, bankRef: r.bank_ref, createdAt: r.created_at }));
  }
}
