/** Enterprise-annuity plans: the operator creates a plan, the bank enrols members (into the vault and the plan). */
import { id as keccakUtf8 } from "ethers";
import { accountIdOf } from "../chain/ledgerInterface.js";
import { requireResidentId } from "../domain/residentId.js";
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

  enrolMember(caller: Caller, input: { planCode: string; residentId: string; name: string; serviceStart: string }, options: WriteOptions = {}): Promise<WriteOutcome> {
    const id = requireResidentId(input.residentId, { today: this.deps.clock() });
    const plan = planIdOf(input.planCode);
    return this.operations.submit(caller, () => {
      const member = this.deps.store.members.upsert({ residentId: id.id, name: input.name });
      return {
        kind: "enrolMember",
        request: { plan, member, serviceStart: cstMidnightSeconds(input.serviceStart) },
        result: { accountId: accountIdOf(member, plan), plan },
      };
    }, options);
  }
}
