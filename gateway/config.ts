/**
 * Gateway configuration: environment variables, optionally overlaid on a JSON file named by `CONFIG_FILE`,
 * parsed with zod at start-up. A bad setting stops the start with a message naming it.
 *
 * Secrets (pseudonym HMAC key, vault AES-256-GCM key, keystore password) come from the environment when set;
 * otherwise, in the embedded default, they are generated on first start into `DATA_DIR/secrets.json`
 * (mode 0600) and reused on every later start.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const hexKey = (name: string) =>
  z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{64}$/, `${name} must be 32 bytes as 64 hexadecimal characters`)
    .transform((s) => Buffer.from(s.replace(/^0x/, ""), "hex"));

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

export const FAULT_INJECTION_POINTS = ["after-outbox-write", "after-submit"] as const;
export type FaultInjectionPoint = (typeof FAULT_INJECTION_POINTS)[number];

const configSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: port.default(8080),
  DATA_DIR: z.string().min(1).default("./data"),
  CHAIN_PORT: port.default(8545),
  CHAIN_ID: positiveInt.default(31337),
  CHAIN_RPC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Requests per minute per credential. */
  RATE_LIMIT_PER_MINUTE: positiveInt.default(1200),
  /** Largest JSON body, in bytes. */
  BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  /** How often the event listener polls the chain. */
  INDEX_POLL_MS: positiveInt.default(1000),
  /** How often the standing-contribution scheduler looks for due instructions. */
  SCHEDULER_INTERVAL_MS: positiveInt.default(60_000),
  /** How long `?wait=true` waits for the final result before answering 202. */
  WAIT_TIMEOUT_MS: positiveInt.default(30_000),
  /** Share of the block gas limit one transaction may use; batches are split to fit it. */
  BATCH_GAS_SHARE_PERCENT: z.coerce.number().int().min(1).max(100).default(80),
  /** The bank's pension collection account: camt.054 notifications for any other account credit nothing. */
  BANK_COLLECTION_ACCOUNT: z.string().trim().min(1).max(34).default("110012345000526001"),
  /** The bank's pension settlement account: the debtor of the pain.001 payouts, compared in camt.053 with them. */
  BANK_SETTLEMENT_ACCOUNT: z.string().trim().min(1).max(34).default("PENSIONSETTLEMENT0001"),
  /** /healthz is "degraded" (503) when the oldest open outbox operation is older than this… */
  OUTBOX_STALL_AFTER_MS: positiveInt.default(300_000),
  /** …or an open operation was retried more than this many times. */
  OUTBOX_STALL_AFTER_ATTEMPTS: positiveInt.default(20),
  /** scrypt cost for new keystore files (2^N); lower only for tests. */
  KEYSTORE_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
  PSEUDONYM_KEY: hexKey("PSEUDONYM_KEY").optional(),
  VAULT_KEY: hexKey("VAULT_KEY").optional(),
  KEYSTORE_PASSWORD: z.string().min(16, "KEYSTORE_PASSWORD must be at least 16 characters").optional(),
  /** Test-only: makes the process kill itself at one point of the transaction pipeline (crash tests). */
  PENSION_FAULT_INJECTION: z.enum(FAULT_INJECTION_POINTS).optional(),
});

export interface GatewaySecrets {
  pseudonymKey: Buffer;
  vaultKey: Buffer;
  keystorePassword: string;
}

export interface GatewayConfig {
  host: string;
  port: number;
  dataDir: string;
  chainPort: number;
  chainId: number;
  chainRpcUrl: string;
  logLevel: string;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  indexPollMs: number;
  schedulerIntervalMs: number;
  waitTimeoutMs: number;
  batchGasSharePercent: number;
  bankCollectionAccount: string;
  bankSettlementAccount: string;
  outboxStallAfterMs: number;
  outboxStallAfterAttempts: number;
  keystoreScryptLogN: number;
  faultInjection?: FaultInjectionPoint;
  secrets: GatewaySecrets;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const SECRETS_FILE = "secrets.json";

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`CONFIG_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw new ConfigError(`CONFIG_FILE: ${file} must hold one JSON object with settings named like the environment variables`);
  }
}

/** Reads the generated secrets, creating them on first use. */
function loadOrCreateSecrets(dataDir: string, create: boolean): Record<string, string> {
  const file = path.join(dataDir, SECRETS_FILE);
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    } catch {
      throw new ConfigError(`DATA_DIR: ${file} is not valid JSON`);
    }
  }
  if (!create) {
    throw new ConfigError(`PSEUDONYM_KEY, VAULT_KEY, KEYSTORE_PASSWORD: not set and ${file} does not exist (run npm start once)`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = {
    PSEUDONYM_KEY: randomBytes(32).toString("hex"),
    VAULT_KEY: randomBytes(32).toString("hex"),
    KEYSTORE_PASSWORD: randomBytes(24).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

/**
 * Parses the configuration.
 * @param env the environment (default `process.env`)
 * @param options.createSecrets generate `DATA_DIR/secrets.json` when secrets are neither set nor stored
 * @throws ConfigError naming the bad setting
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { createSecrets?: boolean } = {},
): GatewayConfig {
  const fromFile = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : {};
  const merged: Record<string, unknown> = { ...fromFile };
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") merged[key] = value;
  }
  const first = configSchema.safeParse(merged);
  if (!first.success) {
    const issue = first.error.issues[0]!;
    const name = issue.path.join(".") || "configuration";
    throw new ConfigError(`${name}: ${issue.message}`);
  }
  let parsed = first.data;
  const dataDir = path.resolve(parsed.DATA_DIR);
  if (!parsed.PSEUDONYM_KEY || !parsed.VAULT_KEY || !parsed.KEYSTORE_PASSWORD) {
    const stored = loadOrCreateSecrets(dataDir, options.createSecrets ?? false);
    const withSecrets = configSchema.safeParse({ ...stored, ...merged });
    if (!withSecrets.success) {
      const issue = withSecrets.error.issues[0]!;
      throw new ConfigError(`${issue.path.join(".")} (from ${path.join(dataDir, SECRETS_FILE)}): ${issue.message}`);
    }
    parsed = withSecrets.data;
  }
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    dataDir,
    chainPort: parsed.CHAIN_PORT,
    chainId: parsed.CHAIN_ID,
    chainRpcUrl: parsed.CHAIN_RPC_URL ?? `http://127.0.0.1:${parsed.CHAIN_PORT}`,
    logLevel: parsed.LOG_LEVEL,
    rateLimitPerMinute: parsed.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    indexPollMs: parsed.INDEX_POLL_MS,
    schedulerIntervalMs: parsed.SCHEDULER_INTERVAL_MS,
    waitTimeoutMs: parsed.WAIT_TIMEOUT_MS,
    batchGasSharePercent: parsed.BATCH_GAS_SHARE_PERCENT,
    bankCollectionAccount: parsed.BANK_COLLECTION_ACCOUNT,
    bankSettlementAccount: parsed.BANK_SETTLEMENT_ACCOUNT,
    outboxStallAfterMs: parsed.OUTBOX_STALL_AFTER_MS,
    outboxStallAfterAttempts: parsed.OUTBOX_STALL_AFTER_ATTEMPTS,
    keystoreScryptLogN: parsed.KEYSTORE_SCRYPT_LOG_N,
    faultInjection: parsed.PENSION_FAULT_INJECTION,
    secrets: {
      pseudonymKey: parsed.PSEUDONYM_KEY!,
      vaultKey: parsed.VAULT_KEY!,
      keystorePassword: parsed.KEYSTORE_PASSWORD!,
    },
  };
}

/** The settings, with their defaults, for `--help`. */
export const CONFIG_HELP: ReadonlyArray<[string, string]> = [
  ["HOST", "address the gateway binds (127.0.0.1)"],
  ["PORT", "gateway port (8080)"],
  ["DATA_DIR", "chain state, SQLite file, keystore, secrets (./data)"],
  ["CHAIN_PORT", "local chain port (8545)"],
  ["CHAIN_RPC_URL", "JSON-RPC URL of the chain (http://127.0.0.1:CHAIN_PORT)"],
  ["CHAIN_ID", "chain id of the local chain (31337)"],
  ["LOG_LEVEL", "pino level (info)"],
  ["RATE_LIMIT_PER_MINUTE", "requests per minute per credential (1200)"],
  ["BODY_LIMIT_BYTES", "largest JSON body (1048576)"],
  ["INDEX_POLL_MS", "event listener poll interval (1000)"],
  ["SCHEDULER_INTERVAL_MS", "standing-contribution scheduler interval (60000)"],
  ["WAIT_TIMEOUT_MS", "longest wait for ?wait=true (30000)"],
  ["BATCH_GAS_SHARE_PERCENT", "share of the block gas limit one batch transaction may use (80)"],
  ["BANK_COLLECTION_ACCOUNT", "pension collection account camt.054 notifications must be for (110012345000526001)"],
  ["BANK_SETTLEMENT_ACCOUNT", "pension settlement account payouts are paid from (PENSIONSETTLEMENT0001)"],
  ["OUTBOX_STALL_AFTER_MS", "/healthz degraded (503) when the oldest open operation is older (300000)"],
  ["OUTBOX_STALL_AFTER_ATTEMPTS", "/healthz degraded (503) when an open operation was retried more often (20)"],
  ["PSEUDONYM_KEY, VAULT_KEY", "32-byte hex keys (default: generated into DATA_DIR/secrets.json)"],
  ["KEYSTORE_PASSWORD", "keystore password (default: generated into DATA_DIR/secrets.json)"],
  ["CONFIG_FILE", "JSON file with any of these settings; the environment wins"],
];
