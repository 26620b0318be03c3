/** The audit trail's services: history and journal, verification, proofs, exports and the system summary. */
import type { Store } from "../store/index.js";
import { AuditIndex } from "./auditIndex.js";
import type { AuditChain } from "./chain.js";
import { HistoryExportService } from "./exports.js";
import { AuditHistoryService } from "./history.js";
import { EntryProofService } from "./proofs.js";
import { AuditSummaryService } from "./summary.js";
import { LedgerVerifier } from "./verification.js";

export interface AuditServices {
  index: AuditIndex;
  history: AuditHistoryService;
  verifier: LedgerVerifier;
  proofs: EntryProofService;
  exports: HistoryExportService;
  summary: AuditSummaryService;
}

export function createAuditServices(deps: { store: Store; chain: AuditChain; clock: () => Date }): AuditServices {
  const index = new AuditIndex(deps.store, deps.chain);
  const history = new AuditHistoryService(deps.store, index, deps.clock);
  const verifier = new LedgerVerifier(deps.store, deps.chain, index);
  return {
    index,
    history,
    verifier,
    proofs: new EntryProofService(deps.store, deps.chain),
    exports: new HistoryExportService(deps.store, deps.chain, index, history),
    summary: new AuditSummaryService(deps.store, deps.chain, index, verifier, deps.clock),
  };
}

export type { AuditChain } from "./chain.js";
export { createAuditChain } from "./chain.js";
