/** Enterprise-annuity plans: the operator creates a plan, the bank enrols members (into the vault and the plan). */
import { id as keccakUtf8 } from "ethers";
import { accountIdOf } from "../chain/ledgerInterface.js";
import { requireResidentId } from "../domain/residentId.js";
import { AppError, ERROR_CATALOG } from "../errors.js";
import type { Caller, ServiceDeps, WriteOptions } from "./context.js";
import type { OperationService, WriteOutcome } from "./operations.js";
import { cstMidnightSeconds } from "./time.js";

/** On chain a plan is keccak256 of its code; an employer is keccak256 of its unified social credit code. */
export function planIdOf(planCode: string): string {
  return keccakUtf8(`plan:${planCode}`);
}
export function employerIdOf(employerCode: string): string {
  return keccakUtf8(`employer:${employerCode}`);
}

export class PlanService {
  constructor(private readonly deps: ServiceDeps, private readonly operations: OperationService) {}

  createPlan(caller: Caller, input: { planCode: string; employerCode: string; vestingBpsByYear: number[] }, options: WriteOptions = {}): Promise<WriteOutcome> {
    const plan = planIdOf(input.planCode);
    return this.operations.submit(caller, {
      kind: "createPlan",
      request: { plan, employer: employerIdOf(input.employerCode), vestingBpsByYear: input.vestingBpsByYear },
      result: { plan },
    }, options);
  }

  async enrolMember(caller: Caller, input: { planCode: string; residentId: string; name: string; serviceStart: string }, options: WriteOptions = {}): Promise<WriteOutcome> {
    const id = requireResidentId(input.residentId, { today: this.deps.clock() });
    const plan = planIdOf(input.planCode);
    // Already enrolled: refused before the vault is touched (a rejected request changes nothing).
    if (!this.operations.isReplay(caller)) {
      // Chain unreachable: the outbox takes the request as always (the vault is protected by addMember anyway).
      const existing = await this.deps.ledger.getAccount(accountIdOf(this.deps.store.members.pseudonymOf(id.id), plan)).catch(() => undefined);
      if (existing) {
        throw new AppError("ALREADY_ENROLLED", `该成员已参加此计划 / ${ERROR_CATALOG.ALREADY_ENROLLED.en}`, {
          field: "residentId", details: { accountId: existing.accountId, status: existing.status },
        });
      }
    }
    return this.operations.submit(caller, () => {
      // Only a new member's name is stored; a stored name is never overwritten by an enrolment.
      const member = this.deps.store.members.addMember({ residentId: id.id, name: input.name }).pseudonym;
      return {
        kind: "enrolMember",
        request: { plan, member, serviceStart: cstMidnightSeconds(input.serviceStart) },
        result: { accountId: accountIdOf(member, plan), plan },
      };
    }, options);
  }
}
