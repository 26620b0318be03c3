/**
 * Payouts: the keeper's settlement run over every account that is paying out (split into transactions by gas), the
 * bank's payment results, and investment returns. The member's payout mode is a benefit claim, decided by the
 * claims rules engine (services/claims/claims.ts, choosePayoutMode).
 */
import { id as keccakUtf8 } from "ethers";
import { PAYOUT_MODES } from "../chain/ledgerInterface.js";
import { AppError } from "../errors.js";
import type { Caller, ServiceDeps, WriteOptions } from "./context.js";
import type { OperationService, WriteOutcome } from "./operations.js";
import { settlementTree } from "./settlementProofs.js";
import { cstMonth } from "./time.js";

/** The ledger's payout modes by name (the API's `mode`). */
export type PayoutModeName = Exclude<(typeof PAYOUT_MODES)[number], "None">;

export class PayoutService {
  constructor(private readonly deps: ServiceDeps, private readonly operations: OperationService) {}

  /**
   * Settles the due payouts of every account paying out (from the event index). The run reference defaults to
   * the CST month, so one run per month settles once even if asked twice.
   */
  runSettlement(caller: Caller, input: { runReference?: string }, options: WriteOptions = {}): Promise<WriteOutcome> {
    const runReference = input.runReference ?? `settlement:${cstMonth(this.deps.clock())}`;
    return this.operations.submit(caller, () => {
      const accountIds = this.deps.store.eventIndex.accountsWithStatus("PayingOut");
      return {
        kind: "settlePayouts",
        request: { runRef: keccakUtf8(`run:${runReference}`), accountIds },
        result: { runReference, accounts: accountIds.length },
      };
    }, options);
  }

  /**
   * The bank's results for settled payouts (paid to the card, or rejected: the gross returns to the balance).
   * Each payout's Merkle proof is computed from the event index.
   */
  reportPayoutResults(caller: Caller, input: { results: { payoutId: bigint; paid: boolean }[] }, options: WriteOptions = {}): Promise<WriteOutcome> {
    const index = this.deps.store.eventIndex;
    const trees = new Map<number, ReturnType<typeof settlementTree>>();
    const results = input.results.map((r, i) => {
      const payout = index.payout(r.payoutId);
      if (!payout) {
        throw new AppError("NOT_FOUND", `results.${i}.payoutId: no settled payout with this id (yet) in the index.`, { field: `results.${i}.payoutId` });
      }
      let tree = trees.get(payout.runId);
      if (!tree) {
        const run = index.settlementRunOf(payout.runId);
        const payouts = index.payoutsOfRun(payout.runId);
        tree = settlementTree(payouts);
        if (!run || run.payouts !== payouts.length || tree.root !== run.merkleRoot) {
          throw new AppError("CHAIN_UNAVAILABLE", "The event index has not caught up with this settlement run yet; retry shortly.", { field: `results.${i}.payoutId` });
        }
        trees.set(payout.runId, tree);
      }
      return {
        runId: String(payout.runId),
        payout: {
          payoutId: payout.payoutId.toString(), accountId: payout.accountId, payee: payout.payee, gross: payout.gross.toString(),
          tax: payout.tax.toString(), net: payout.net.toString(),
        },
        proof: tree.proofs.get(payout.payoutId)!,
        paid: r.paid,
      };
    });
    return this.operations.submit(caller, { kind: "reportPayoutResults", request: { results } }, options);
  }

  creditReturns(caller: Caller, input: { batchReference: string; items: { accountId: string; amount: bigint }[] }, options: WriteOptions = {}): Promise<WriteOutcome> {
    const items = input.items.map((item, i) => {
      if (item.amount === 0n) throw new AppError("VALIDATION_FAILED", `items.${i}.amount must not be 0.`, { field: `items.${i}.amount` });
      if (item.amount >= 2n ** 63n || item.amount < -(2n ** 63n)) {
        throw new AppError("VALIDATION_FAILED", `items.${i}.amount is out of range.`, { field: `items.${i}.amount` });
      }
      return { accountId: item.accountId.toLowerCase(), amount: item.amount.toString() };
    });
    return this.operations.submit(caller, { kind: "creditReturns", request: { batchRef: keccakUtf8(`returns:${input.batchReference}`), items } }, options);
  }
}
