/**
 * The bank's use cases (issue 4), over the pure ISO 20022 adapter (gateway/adapters/bank, docs/bank-adapter.md):
 * money in (camt.054, payroll files, suspense), money out (pain.001, pain.002) and reconciliation (camt.053).
 * No HTTP here; the inbox folder and the routes call these.
 */
import { parseBankMessage } from "../../adapters/bank/index.js";
import type { Caller, ServiceDeps } from "../context.js";
import { IncomingMoney, type Camt054Report, type IncomingOptions } from "./incoming.js";
import { Payments, type Pain002Result, type PaymentOptions, type StatementReconciliation } from "./payments.js";
import { BankRepository } from "./repository.js";

export type { Camt054Report, Camt054ReportEntry, PayrollSubmission, SuspenseView } from "./incoming.js";
export type { Pain002Result, PaymentInstructions, StatementReconciliation } from "./payments.js";

export type BankServiceOptions = IncomingOptions & PaymentOptions;

export type BankFileReport =
  | ({ type: "camt.054" } & Camt054Report)
  | ({ type: "pain.002" } & Pain002Result)
  | ({ type: "camt.053" } & StatementReconciliation);

export class BankService {
  readonly incoming: IncomingMoney;
  readonly payments: Payments;

  constructor(deps: ServiceDeps, options: BankServiceOptions = {}) {
    const repo = new BankRepository(deps.store.database);
    this.incoming = new IncomingMoney(deps, repo, options);
    this.payments = new Payments(deps, repo, options);
  }

  /** A file from the inbox folder: camt.054, pain.002 or camt.053, told apart by namespace. */
  async ingestFile(caller: Caller, content: Uint8Array | string, source: string, maxBytes?: number): Promise<BankFileReport> {
    const message = parseBankMessage(content, maxBytes ? { maxBytes } : {});
    switch (message.type) {
      case "camt.054":
        return { type: "camt.054", ...(await this.incoming.ingestCamt054(caller, message.document, { source })) };
      case "pain.002":
        return { type: "pain.002", ...(await this.payments.ingestPain002(caller, message.document, { source, wait: false })) };
      case "camt.053":
        return { type: "camt.053", ...this.payments.reconcileStatement(caller, message.document) };
    }
  }
}
