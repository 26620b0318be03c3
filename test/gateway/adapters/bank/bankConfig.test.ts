/** The bank's account settings: the collection account camt.054 must be for, the settlement account payouts leave. */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../../../gateway/config.js";

describe("bank account settings", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pension-bank-config-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("defaults to the accounts of our samples and the pain.001 placeholder", () => {
    const config = loadConfig({ DATA_DIR: dir }, { createSecrets: true });
    expect([config.bankCollectionAccount, config.bankSettlementAccount]).to.deep.equal(["110012345000526001", "PENSIONSETTLEMENT0001"]);
  });

  it("takes BANK_COLLECTION_ACCOUNT and BANK_SETTLEMENT_ACCOUNT, and names an empty one", () => {
    const config = loadConfig({ DATA_DIR: dir, BANK_COLLECTION_ACCOUNT: "6222000011112222", BANK_SETTLEMENT_ACCOUNT: "6222000033334444" }, { createSecrets: true });
    expect([config.bankCollectionAccount, config.bankSettlementAccount]).to.deep.equal(["6222000011112222", "6222000033334444"]);
    expect(() => loadConfig({ DATA_DIR: dir, BANK_COLLECTION_ACCOUNT: " " }, { createSecrets: true })).to.throw(ConfigError, "BANK_COLLECTION_ACCOUNT");
  });
});
