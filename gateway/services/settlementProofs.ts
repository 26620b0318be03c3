/**
 * Merkle proofs of settled payouts for the gateway. The implementation is deploy/settlementMerkle.ts (the one
 * TypeScript copy of the ledger's tree, shared with the contract tests); this module only keeps the gateway's
 * import path (gateway/services/payouts.ts) stable.
 */
export { payoutLeaf, settlementTree, type SettledPayout } from "../../deploy/settlementMerkle.js";
