/** Eligibility: the social-security bureau certifies (or revokes) a member's qualifying event. */
import { encodeBytes32String, id as keccakUtf8 } from "ethers";
import { QUALIFYING_EVENTS } from "../chain/ledgerInterface.js";
import { AppError } from "../errors.js";
import type { Caller, ServiceDeps, WriteOptions } from "./context.js";
import { pseudonymFor } from "./members.js";
import type { OperationService, WriteOutcome } from "./operations.js";
import { cstMidnightSeconds } from "./time.js";

export type QualifyingEventName = Exclude<(typeof QUALIFYING_EVENTS)[number], "None">;
export const QUALIFYING_EVENT_NAMES = QUALIFYING_EVENTS.slice(1) as QualifyingEventName[];

export function qualifyingEventIndex(name: QualifyingEventName): number {
  return QUALIFYING_EVENTS.indexOf(name);
}

export class EligibilityService {
  constructor(private readonly deps: ServiceDeps, private readonly operations: OperationService) {}

  recordEligibility(
    caller: Caller,
    input: { residentId: string; qualifyingEvent: QualifyingEventName; effectiveDate: string; evidenceReference: string },
    options: WriteOptions = {},
  ): Promise<WriteOutcome> {
    const now = this.deps.clock();
    const member = pseudonymFor(this.deps.store, { residentId: input.residentId }, "residentId", now);
    const effectiveDate = cstMidnightSeconds(input.effectiveDate);
    if (effectiveDate * 1000 > now.getTime()) {
      throw new AppError("VALIDATION_FAILED", "effectiveDate is in the future.", { field: "effectiveDate", details: { reason: "in the future" } });
    }
    return this.operations.submit(caller, {
      kind: "recordEligibility",
      request: {
        member,
        qualifyingEvent: qualifyingEventIndex(input.qualifyingEvent),
        effectiveDate,
        evidenceHash: keccakUtf8(`evidence:${input.evidenceReference}`),
      },
    }, options);
  }

  revokeEligibility(caller: Caller, input: { residentId: string; qualifyingEvent: QualifyingEventName; reasonCode: string }, options: WriteOptions = {}): Promise<WriteOutcome> {
    const member = pseudonymFor(this.deps.store, { residentId: input.residentId }, "residentId", this.deps.clock());
    return this.operations.submit(caller, {
      kind: "revokeEligibility",
      request: { member, qualifyingEvent: qualifyingEventIndex(input.qualifyingEvent), reason: encodeBytes32String(input.reasonCode) },
    }, options);
  }
}
