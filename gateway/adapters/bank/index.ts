/**
 * The bank adapter's ISO 20022 core: pure functions, no HTTP, database or chain. See docs/bank-adapter.md.
 */
export * from "./amount.js";
export * from "./bankMessage.js";
export * from "./bankMessageError.js";
export * from "./camt053.js";
export * from "./camt054.js";
export * from "./pain001.js";
export * from "./pain002.js";
export * from "./payrollFile.js";
export * from "./pensionReference.js";
export * from "./reconcile.js";
export * from "./reportEntry.js";
export * from "./xml.js";
