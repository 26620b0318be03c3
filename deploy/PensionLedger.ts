import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the pension ledger: its linked rule libraries, the UUPS implementation, and an ERC1967Proxy whose
 * constructor calls `initialize` — the six institution addresses are module parameters, and each gets exactly
 * its role (the deployer keeps none). Ignition records every future it executed, so a second run with the
 * same parameters sends no transaction. After deploying, call `verifyRoles` (deploy/verifyRoles.ts).
 */
export default buildModule("PensionLedger", (m) => {
  const operator = m.getParameter<string>("operator");
  const bank = m.getParameter<string>("bank");
  const socialSecurity = m.getParameter<string>("socialSecurity");
  const taxBureau = m.getParameter<string>("taxBureau");
  const investmentManager = m.getParameter<string>("investmentManager");
  const keeper = m.getParameter<string>("keeper");

  const libraries = {
    AccountLogic: m.library("AccountLogic"),
    ContributionLogic: m.library("ContributionLogic"),
    EligibilityLogic: m.library("EligibilityLogic"),
    PayoutLogic: m.library("PayoutLogic"),
    ReturnsLogic: m.library("ReturnsLogic"),
    ParameterLogic: m.library("ParameterLogic"),
    GovernanceLogic: m.library("GovernanceLogic"),
  };
  const implementation = m.contract("PensionLedger", [], { id: "PensionLedgerImplementation", libraries });
  const initialize = m.encodeFunctionCall(implementation, "initialize", [
    operator,
    bank,
    socialSecurity,
    taxBureau,
    investmentManager,
    keeper,
  ]);
  const proxy = m.contract("ERC1967Proxy", [implementation, initialize]);
  const ledger = m.contractAt("PensionLedger", proxy, { id: "PensionLedger" });
  return { ledger, proxy, implementation, ...libraries };
});
