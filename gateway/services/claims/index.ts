/**
 * The social-security, claims, tax and calculator services (issue 5), built from the core's dependencies plus
 * the chain evidence port, and the sweeper that moves claims forward between requests.
 */
import type { Logger } from "pino";
import { AppError } from "../../errors.js";
import type { ServiceDeps } from "../context.js";
import type { OperationService } from "../operations.js";
import { CalculatorService } from "./calculators.js";
import { ClaimService } from "./claims.js";
import { HeirVault } from "./heirVault.js";
import type { LedgerEvidencePort } from "./ledgerEvidence.js";
import { ClaimsRepository } from "./repository.js";
import { SocialSecurityService } from "./socialSecurity.js";
import { TaxService } from "./tax.js";

export interface ClaimServices {
  socialSecurity: SocialSecurityService;
  claims: ClaimService;
  tax: TaxService;
  calculators: CalculatorService;
}

/** Used when the gateway was built without a chain evidence reader: every read says the chain is unavailable. */
const NO_EVIDENCE: LedgerEvidencePort = new Proxy({} as LedgerEvidencePort, {
  get: (_target, property) =>
    property === "then"
      ? undefined
      : async () => {
          throw new AppError("CHAIN_UNAVAILABLE", "The ledger evidence reader is not configured.");
        },
});

export function createClaimServices(deps: ServiceDeps, operations: OperationService, evidence: LedgerEvidencePort = NO_EVIDENCE): ClaimServices {
  const repo = new ClaimsRepository(deps.store.database);
  const heirVault = new HeirVault(deps.store.members);
  return {
    socialSecurity: new SocialSecurityService(deps, operations, repo, evidence),
    claims: new ClaimService(deps, operations, repo, evidence, heirVault),
    tax: new TaxService(deps, repo, evidence, heirVault),
    calculators: new CalculatorService(),
  };
}

/** Runs {@link ClaimService.refresh} on an interval (decides pending claims, records first payments). */
export class ClaimSweeper {
  private timer?: NodeJS.Timeout;
  private running = false;
  private current?: Promise<void>;

  constructor(private readonly claims: ClaimService, private readonly intervalMs: number, private readonly logger: Logger) {}

  start(): void {
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      this.current = this.claims.refresh().catch((error: unknown) => {
        this.logger.warn({ error: (error as Error).message }, "claim sweeper step failed; will retry");
      });
      await this.current;
      if (this.running) this.timer = setTimeout(tick, this.intervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
  }
}
