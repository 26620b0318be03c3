/**
 * Every kind of write operation the outbox holds, and how it becomes ledger calls: which institution's key
 * signs it, the call data for a chunk of its items, how to tell whether it already took effect (before a
 * resubmission), and what its receipt's events say. Requests hold pseudonyms, hashes and fen as strings only.
 */
import type { Log } from "ethers";
import type { Institution } from "../store/credentials.js";
import { accountIdOf, ACCOUNT_STATUSES, chunkReference, ledgerInterface } from "./ledgerInterface.js";

/** The few chain reads an effect check needs (implemented over ethers in the sender). */
export interface EffectReader {
  call(method: string, args: unknown[]): Promise<unknown[]>;
  /** Is there a log of `event` whose indexed arguments match `topics` (null = any), since the deployment block? */
  hasLog(event: string, topics: (string | null)[]): Promise<boolean>;
}

export interface ChunkCall {
  data: string;
  /** The chunk's on-chain reference, when the call carries one. */
  reference?: string;
}

export interface CallSpec {
  signer: Institution;
  /** Items of a splittable batch (its length); undefined for a single call. */
  itemCount?(request: Record<string, any>): number;
  /** True when a too-large batch may be split into several transactions. */
  splittable?: boolean;
  encode(request: Record<string, any>, from: number, to: number): ChunkCall;
  /** Whether the chunk [from, to) is already on chain (checked before resubmitting). */
  applied(reader: EffectReader, request: Record<string, any>, from: number, to: number): Promise<boolean>;
  /** Facts for the operation's result, from a chunk's receipt logs. */
  resultOf?(logs: readonly Log[], request: Record<string, any>): Record<string, unknown>;
  /** Facts read from the chain once the operation succeeded (best effort: a failed read leaves them out). */
  enrich?(reader: EffectReader, request: Record<string, any>, result: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const encode = (method: string, args: unknown[]) => ledgerInterface.encodeFunctionData(method, args);

async function accountStatus(reader: EffectReader, accountId: string): Promise<string> {
  try {
    const [view] = (await reader.call("getAccount", [accountId])) as [{ status: bigint }];
    return ACCOUNT_STATUSES[Number(view.status)] ?? "None";
  } catch {
    return "None";
  }
}

async function bankRefUsed(reader: EffectReader, ref: string): Promise<boolean> {
  const [used] = (await reader.call("isBankReferenceUsed", [ref])) as [boolean];
  return used;
}

function eventsIn(logs: readonly Log[], name: string) {
  return logs
    .map((log) => {
      try {
        return ledgerInterface.parseLog(log);
      } catch {
        return null;
      }
    })
    .filter((parsed) => parsed?.name === name);
}

export const CALLS: Record<string, CallSpec> = {
  openPersonalAccount: {
    signer: "bank",
    encode: (r) => ({ data: encode("openPersonalAccount", [r.member, r.bankAccountHash]) }),
    applied: async (reader, r) => (await accountStatus(reader, accountIdOf(r.member))) !== "None",
  },
  createPlan: {
    signer: "operator",
    encode: (r) => ({ data: encode("createPlan", [r.plan, r.employer, r.vestingBpsByYear]) }),
    applied: (reader, r) => reader.hasLog("PlanCreated", [r.plan]),
  },
  enrolMember: {
    signer: "bank",
    encode: (r) => ({ data: encode("enrolMember", [r.plan, r.member, BigInt(r.serviceStart)]) }),
    applied: async (reader, r) => (await accountStatus(reader, accountIdOf(r.member, r.plan))) !== "None",
  },
  freezeAccount: {
    signer: "operator",
    encode: (r) => ({ data: encode("freezeAccount", [r.accountId, r.reasonCode]) }),
    applied: async (reader, r) => (await accountStatus(reader, r.accountId)) === "Frozen",
  },
  unfreezeAccount: {
    signer: "operator",
    encode: (r) => ({ data: encode("unfreezeAccount", [r.accountId, r.reasonCode]) }),
    applied: async (reader, r) => (await accountStatus(reader, r.accountId)) !== "Frozen",
  },
  contribute: {
    signer: "bank",
    encode: (r) => ({ data: encode("contribute", [r.bankRef, r.member, BigInt(r.amount), BigInt(r.bookedAt)]), reference: r.bankRef }),
    applied: (reader, r) => bankRefUsed(reader, r.bankRef),
    // accountId, amount and the cap year from the credit event; the room left under that year's cap read after.
    resultOf: (logs) => {
      const [credited] = eventsIn(logs, "PersonalContributionCredited");
      return credited
        ? { accountId: String(credited.args.accountId).toLowerCase(), amount: String(credited.args.amount), year: Number(credited.args.year) }
        : {};
    },
    enrich: async (reader, r, result) => {
      if (typeof result.year !== "number") return {};
      const [contributed, remaining] = (await reader.call("contributionsInYear", [r.member, result.year])) as [bigint, bigint];
      return { contributedThisYear: contributed.toString(), remainingThisYear: remaining.toString() };
    },
  },
  contributeBatch: {
    signer: "bank",
    splittable: true,
    itemCount: (r) => r.items.length,
    encode: (r, from, to) => {
      const reference = chunkReference(r.bankRef, from);
      const items = (r.items as { member: string; amount: string; bookedAt: number }[])
        .slice(from, to)
        .map((i) => ({ member: i.member, amount: BigInt(i.amount), bookedAt: BigInt(i.bookedAt) }));
      return { data: encode("contributeBatch", [reference, items]), reference };
    },
    applied: (reader, r, from) => bankRefUsed(reader, chunkReference(r.bankRef, from)),
  },
  contributeAnnuityBatch: {
    signer: "bank",
    // Not split by the sender: the payroll release deals a file into gas-sized chunks itself, each chunk one
    // operation carrying the whole period's declared totals (accepted lines, their employer sum).
    encode: (r) => ({
      data: encode("contributeAnnuityBatch", [
        r.bankRef,
        r.plan,
        r.period,
        r.periodEmployees ?? (r.items as unknown[]).length,
        BigInt(
          (r.periodEmployerTotal as string | undefined) ??
            (r.items as { employerAmount: string }[]).reduce((s, i) => s + BigInt(i.employerAmount), 0n).toString(),
        ),
        (r.items as { member: string; wageBase: string; employerAmount: string; employeeAmount: string }[]).map((i) => ({
          member: i.member, wageBase: BigInt(i.wageBase), employerAmount: BigInt(i.employerAmount), employeeAmount: BigInt(i.employeeAmount),
        })),
      ]),
      reference: r.bankRef,
    }),
    applied: (reader, r) => bankRefUsed(reader, r.bankRef),
  },
  creditReturns: {
    signer: "investmentManager",
    splittable: true,
    itemCount: (r) => r.items.length,
    encode: (r, from, to) => {
      const reference = chunkReference(r.batchRef, from);
      const items = (r.items as { accountId: string; amount: string }[]).slice(from, to).map((i) => ({ accountId: i.accountId, amount: BigInt(i.amount) }));
      return { data: encode("creditReturns", [reference, items]), reference };
    },
    // ReturnCredited(accountId indexed, batchRef indexed): the chunk's first account under the chunk's reference.
    applied: (reader, r, from) => reader.hasLog("ReturnCredited", [r.items[from].accountId, chunkReference(r.batchRef, from)]),
  },
  recordEligibility: {
    signer: "socialSecurity",
    encode: (r) => ({ data: encode("recordEligibility", [r.member, r.qualifyingEvent, BigInt(r.effectiveDate), r.evidenceHash]) }),
    applied: async (reader, r) => {
      const [active, , evidenceHash] = (await reader.call("eligibilityOf", [r.member, r.qualifyingEvent])) as [boolean, bigint, string];
      return active && evidenceHash.toLowerCase() === String(r.evidenceHash).toLowerCase();
    },
  },
  revokeEligibility: {
    signer: "socialSecurity",
    encode: (r) => ({ data: encode("revokeEligibility", [r.member, r.qualifyingEvent, r.reason]) }),
    applied: async (reader, r) => {
      const [active] = (await reader.call("eligibilityOf", [r.member, r.qualifyingEvent])) as [boolean];
      return !active;
    },
  },
  startPayout: {
    signer: "bank",
    encode: (r) => ({ data: encode("startPayout", [r.accountId, r.qualifyingEvent, r.mode, BigInt(r.parameter)]) }),
    applied: async (reader, r) => ["PayingOut", "Closed"].includes(await accountStatus(reader, r.accountId)),
  },
  settlePayouts: {
    signer: "keeper",
    splittable: true,
    itemCount: (r) => Math.max(1, r.accountIds.length),
    encode: (r, from, to) => {
      const reference = chunkReference(r.runRef, from);
      return { data: encode("settlePayouts", [reference, r.accountIds.slice(from, to)]), reference };
    },
    applied: (reader, r, from) => reader.hasLog("SettlementRunRecorded", [null, chunkReference(r.runRef, from)]),
    resultOf: (logs) => {
      const runs = eventsIn(logs, "SettlementRunRecorded").map((e) => ({
        runId: Number(e!.args.runId), payouts: Number(e!.args.payouts), merkleRoot: e!.args.merkleRoot as string,
      }));
      return runs.length ? { runs } : {};
    },
  },
  reportPayoutResults: {
    signer: "bank",
    encode: (r) => ({
      data: encode("reportPayoutResults", [
        (r.results as any[]).map((x) => ({
          runId: BigInt(x.runId),
          payout: { ...x.payout, payoutId: BigInt(x.payout.payoutId), gross: BigInt(x.payout.gross), tax: BigInt(x.payout.tax), net: BigInt(x.payout.net) },
          proof: x.proof,
          paid: x.paid,
        })),
      ]),
    }),
    applied: async (reader, r) => {
      const [status] = (await reader.call("payoutStatus", [BigInt(r.results[0].payout.payoutId)])) as [bigint];
      return Number(status) >= 2;
    },
  },
};
