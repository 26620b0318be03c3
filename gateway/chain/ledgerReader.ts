/**
 * Read-only views of the ledger for services, as plain values (no ethers types cross this boundary).
 */
import { Contract, type JsonRpcProvider } from "ethers";
import { ACCOUNT_STATUSES, ledgerInterface, PLAN_KINDS, QUALIFYING_EVENTS } from "./ledgerInterface.js";

export interface AccountSnapshot {
  accountId: string;
  member: string;
  plan: string;
  kind: "PersonalPension" | "EnterpriseAnnuity";
  status: string;
  contributions: bigint;
  employerContributions: bigint;
  investmentReturns: bigint;
  payouts: bigint;
  tax: bigint;
  forfeitures: bigint;
  balance: bigint;
  employerVested: bigint;
  employerUnvested: bigint;
}

export interface LedgerReader {
  /** undefined when the ledger has no such account. */
  getAccount(accountId: string): Promise<AccountSnapshot | undefined>;
  contributionsInYear(member: string, year: number): Promise<{ contributed: bigint; remaining: bigint }>;
  /** Many contributionsInYear reads, sent as JSON-RPC batches of 500 (the bank's camt.054 pre-check of a whole file). */
  contributionsInYearMany?(queries: readonly { member: string; year: number }[]): Promise<{ contributed: bigint; remaining: bigint }[]>;
  annualCap(year: number): Promise<bigint>;
  /** The member's active attestations of qualifying events (effective date: unix seconds). */
  activeEligibilities?(member: string): Promise<{ qualifyingEvent: string; effectiveDate: number }[]>;
  headBlock(): Promise<number>;
}

export function createLedgerReader(provider: JsonRpcProvider, ledgerAddress: string): LedgerReader {
  const ledger = new Contract(ledgerAddress, ledgerInterface, provider);
  return {
    async getAccount(accountId) {
      let view: Record<string, unknown> & unknown[];
      try {
        view = await ledger.getFunction("getAccount").staticCall(accountId);
      } catch (error) {
        if ((error as { code?: string }).code === "CALL_EXCEPTION") return undefined;
        throw error;
      }
      const status = ACCOUNT_STATUSES[Number(view.status)] ?? "None";
      if (status === "None") return undefined;
      return {
        accountId: accountId.toLowerCase(),
        member: String(view.member).toLowerCase(),
        plan: String(view.plan).toLowerCase(),
        kind: PLAN_KINDS[Number(view.kind)] ?? "PersonalPension",
        status,
        contributions: view.contributions as bigint,
        employerContributions: view.employerContributions as bigint,
        investmentReturns: view.investmentReturns as bigint,
        payouts: view.payouts as bigint,
        tax: view.tax as bigint,
        forfeitures: view.forfeitures as bigint,
        balance: view.balance as bigint,
        employerVested: view.employerVested as bigint,
        employerUnvested: view.employerUnvested as bigint,
      };
    },
    async activeEligibilities(member) {
      const events = QUALIFYING_EVENTS.slice(1);
      const views = await Promise.all(
        events.map((_, i) => ledger.getFunction("eligibilityOf").staticCall(member, i + 1) as Promise<[boolean, bigint, string]>),
      );
      return views.flatMap(([active, effectiveDate], i) => (active ? [{ qualifyingEvent: events[i]!, effectiveDate: Number(effectiveDate) }] : []));
    },
    async contributionsInYear(member, year) {
      const [contributed, remaining] = (await ledger.getFunction("contributionsInYear").staticCall(member, year)) as [bigint, bigint];
      return { contributed, remaining };
    },
    async contributionsInYearMany(queries) {
      const out: { contributed: bigint; remaining: bigint }[] = [];
      for (let i = 0; i < queries.length; i += 500) {
        const payload = queries.slice(i, i + 500).map((q, j) => ({
          jsonrpc: "2.0" as const, id: j, method: "eth_call",
          params: [{ to: ledgerAddress, data: ledgerInterface.encodeFunctionData("contributionsInYear", [q.member, q.year]) }, "latest"],
        }));
        const results = await provider._send(payload);
        const byId = new Map(results.map((r) => [Number(r.id), r]));
        payload.forEach((p) => {
          const r = byId.get(p.id) as { result?: string; error?: { message?: string } } | undefined;
          if (!r || typeof r.result !== "string") throw new Error(`contributionsInYear batch read failed: ${r?.error?.message ?? "no result"}`);
          const [contributed, remaining] = ledgerInterface.decodeFunctionResult("contributionsInYear", r.result) as unknown as [bigint, bigint];
          out.push({ contributed, remaining });
        });
      }
      return out;
    },
    async annualCap(year) {
      return (await ledger.getFunction("annualCap").staticCall(year)) as bigint;
    },
    headBlock: () => provider.getBlockNumber(),
  };
}
