/** All use cases, built from their injected dependencies. */
import type { ServiceDeps } from "./context.js";
import { AccountService } from "./accounts.js";
import { ContributionService } from "./contributions.js";
import { EligibilityService } from "./eligibility.js";
import { OperationService } from "./operations.js";
import { id as keccakUtf8 } from "ethers";
import { PayoutService } from "./payouts.js";
import { cstMonth } from "./time.js";
import { PlanService } from "./plans.js";
import { StandingContributionService } from "./standingContributions.js";
import { createClaimServices, type ClaimServices } from "./claims/index.js";
import type { LedgerEvidencePort } from "./claims/ledgerEvidence.js";
import { createAuditServices, type AuditChain, type AuditServices } from "../audit/index.js";
import { BankService, type BankServiceOptions } from "./bank/index.js";

export interface Services {
  operations: OperationService;
  accounts: AccountService;
  plans: PlanService;
  contributions: ContributionService;
  eligibility: EligibilityService;
  payouts: PayoutService;
  standing: StandingContributionService;
  /** Issue 5: social-security notifications, claims and inheritance, tax bureau, member calculators. */
  socialSecurity: ClaimServices["socialSecurity"];
  claims: ClaimServices["claims"];
  tax: ClaimServices["tax"];
  calculators: ClaimServices["calculators"];
  /** Issue 6: history, journal, verification, proofs, exports (present when the chain port is given). */
  audit?: AuditServices;
  /** Issue 4: the bank's ISO 20022 messages, payroll files, suspense list, payment instructions, reconciliation. */
  bank: BankService;
}

export function createServices(deps: ServiceDeps & { evidence?: LedgerEvidencePort; auditChain?: AuditChain; bank?: BankServiceOptions }): Services {
  const operations = new OperationService(deps);
  const claimServices = createClaimServices(deps, operations, deps.evidence);
  const payouts = new PayoutService(deps, operations);
  // Settlement hook: no claim stays undecided past a settlement run, and approved payout plans are on chain and
  // indexed before the run lists the accounts to pay.
  const runSettlement = payouts.runSettlement.bind(payouts);
  payouts.runSettlement = async (...args: Parameters<PayoutService["runSettlement"]>) => {
    // A replayed request or a run reference already taken settles nothing: open claims are not escalated for it.
    const [caller, input] = args;
    const runReference = input.runReference ?? `settlement:${cstMonth(deps.clock())}`;
    const refused = operations.isReplay(caller) || claimServices.claims.settlementRunRefUsed(keccakUtf8(`run:${runReference}`));
    await claimServices.claims.beforeSettlement({ escalate: !refused });
    return runSettlement(...args);
  };
  return {
    ...claimServices,
    operations,
    accounts: new AccountService(deps, operations),
    plans: new PlanService(deps, operations),
    contributions: new ContributionService(deps, operations),
    eligibility: new EligibilityService(deps, operations),
    payouts,
    standing: new StandingContributionService(deps, operations),
    bank: new BankService(deps, deps.bank),
    ...(deps.auditChain ? { audit: createAuditServices({ store: deps.store, chain: deps.auditChain, clock: deps.clock }) } : {}),
  };
}
