import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../gateway/config.js";

describe("gateway configuration", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pension-config-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("uses 127.0.0.1:8080 and ./data-relative defaults when nothing is set", () => {
    const config = loadConfig({ DATA_DIR: dir }, { createSecrets: true });
    expect(config.host).to.equal("127.0.0.1");
    expect(config.port).to.equal(8080);
    expect(config.chainRpcUrl).to.equal("http://127.0.0.1:8545");
    expect(config.chainId).to.equal(31337);
  });

  it("generates the secrets on first start into DATA_DIR/secrets.json with mode 0600 and reuses them", () => {
    const first = loadConfig({ DATA_DIR: dir }, { createSecrets: true });
    const file = path.join(dir, "secrets.json");
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.secrets.pseudonymKey.equals(first.secrets.pseudonymKey)).to.equal(true);
    expect(second.secrets.vaultKey.equals(first.secrets.vaultKey)).to.equal(true);
    expect(second.secrets.keystorePassword).to.equal(first.secrets.keystorePassword);
    expect(first.secrets.vaultKey).to.have.length(32);
  });

  it("refuses to start without secrets when asked not to create them, naming the settings", () => {
    expect(() => loadConfig({ DATA_DIR: dir })).to.throw(ConfigError, /PSEUDONYM_KEY/);
  });

  it("names PORT when it is not a port number", () => {
    expect(() => loadConfig({ DATA_DIR: dir, PORT: "eighty" }, { createSecrets: true })).to.throw(ConfigError, /^PORT:/);
    expect(() => loadConfig({ DATA_DIR: dir, PORT: "65536" }, { createSecrets: true })).to.throw(ConfigError, /^PORT:/);
  });

  it("accepts port 65535 and rejects port 0 (boundaries)", () => {
    expect(loadConfig({ DATA_DIR: dir, PORT: "65535" }, { createSecrets: true }).port).to.equal(65535);
    expect(() => loadConfig({ DATA_DIR: dir, PORT: "0" }, { createSecrets: true })).to.throw(ConfigError, /^PORT:/);
  });

  it("names VAULT_KEY when it is not 32 bytes of hex", () => {
    expect(() => loadConfig({ DATA_DIR: dir, VAULT_KEY: "abcd" }, { createSecrets: true })).to.throw(ConfigError, /^VAULT_KEY:/);
  });

  it("names CHAIN_RPC_URL when it is not a URL", () => {
    expect(() => loadConfig({ DATA_DIR: dir, CHAIN_RPC_URL: "not a url" }, { createSecrets: true })).to.throw(ConfigError, /^CHAIN_RPC_URL:/);
  });

  it("reads settings from CONFIG_FILE, with the environment taking precedence", () => {
    const file = path.join(dir, "gateway.json");
    writeFileSync(file, JSON.stringify({ PORT: 9001, HOST: "127.0.0.2", DATA_DIR: dir }));
    const config = loadConfig({ CONFIG_FILE: file, HOST: "127.0.0.3" }, { createSecrets: true });
    expect(config.port).to.equal(9001);
    expect(config.host).to.equal("127.0.0.3");
  });

  it("names CONFIG_FILE when the file is not a JSON object", () => {
    const file = path.join(dir, "broken.json");
    writeFileSync(file, "[1, 2");
    expect(() => loadConfig({ CONFIG_FILE: file, DATA_DIR: dir }, { createSecrets: true })).to.throw(ConfigError, /^CONFIG_FILE:/);
  });

  it("accepts only the known fault-injection points", () => {
    expect(loadConfig({ DATA_DIR: dir, PENSION_FAULT_INJECTION: "after-submit" }, { createSecrets: true }).faultInjection).to.equal("after-submit");
    expect(() => loadConfig({ DATA_DIR: dir, PENSION_FAULT_INJECTION: "whenever" }, { createSecrets: true })).to.throw(ConfigError, /^PENSION_FAULT_INJECTION:/);
    expect(readFileSync(path.join(dir, "secrets.json"), "utf8")).to.contain("VAULT_KEY");
  });
});
