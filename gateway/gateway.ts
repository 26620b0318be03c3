/**
 * Assembles the running gateway from its configuration: store, chain provider, one sender per signing key,
 * the event listener, the services, the standing-contribution scheduler and the HTTP app.
 * Needs DATA_DIR to hold the keystore and deployment.json (created by `npm start`, see scripts/start.ts).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createApp, type HealthReport } from "./app.js";
import { createMetrics } from "./api/metrics.js";
import { readDeployment } from "./bootstrap/deploymentRecord.js";
import { loadKeystore } from "./bootstrap/keystore.js";
import { createLedgerReader } from "./chain/ledgerReader.js";
import { TransactionPipeline } from "./chain/pipeline.js";
import { createProvider } from "./chain/provider.js";
import { ConfigError, type GatewayConfig } from "./config.js";
import { ChainListener } from "./events/listener.js";
import { createLogger } from "./logger.js";
import { createServices, type Services } from "./services/index.js";
import { DEFAULT_SETTLEMENT_ACCOUNT } from "./services/bank/payments.js";
import { createAuditChain } from "./audit/chain.js";
import { StandingContributionScheduler } from "./services/standingContributions.js";
import { ClaimSweeper } from "./services/claims/index.js";
import { createLedgerEvidenceReader } from "./services/claims/ledgerEvidence.js";
import { SocialSecurityInbox, socialSecurityInboxDir } from "./adapters/socialsecurity/inbox.js";
import { BankInbox, bankInboxDir } from "./adapters/bank/inbox.js";
import { openStore, type Store } from "./store/index.js";
import { outboxHealth } from "./health.js";

export interface RunningGateway {
  url: string;
  server: Server;
  store: Store;
  services: Services;
  pipeline: TransactionPipeline;
  listener: ChainListener;
  logger: Logger;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  logger?: Logger;
  clock?: () => Date;
  /** Listen on this port instead of config.port (0 = any free port). */
  port?: number;
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const deployment = readDeployment(config.dataDir);
  if (!deployment) throw new ConfigError(`DATA_DIR: ${config.dataDir}/deployment.json is missing; run \`npm start\` to deploy the ledger first`);
  const store = openStore(config.dataDir, { pseudonymKey: config.secrets.pseudonymKey, vaultKey: config.secrets.vaultKey });
  const wallets = await loadKeystore(config.dataDir, config.secrets.keystorePassword);
  const provider = createProvider(config.chainRpcUrl, config.chainId);
  const clock = options.clock ?? (() => new Date());

  let metrics: ReturnType<typeof createMetrics>;
  const pipeline = new TransactionPipeline({
    provider,
    wallets: Object.fromEntries(Object.entries(wallets).map(([k, w]) => [k, w.connect(provider)])) as never,
    ledgerAddress: deployment.ledger,
    deploymentBlock: deployment.deploymentBlock,
    operations: store.operations,
    logger,
    batchGasSharePercent: config.batchGasSharePercent,
    faultInjection: config.faultInjection,
    onFailure: (code) => metrics.txFailures.inc({ code }),
  });
  const listener = new ChainListener({
    provider, store, ledgerAddress: deployment.ledger, deploymentBlock: deployment.deploymentBlock,
    logger: logger.child({ component: "listener" }), pollMs: config.indexPollMs,
    onChainRewound: (commonBlock) => pipeline.requeueVanished(commonBlock),
  });
  metrics = createMetrics(() => store.operations.openCount(), () => listener.lag());

  const services = createServices({
    store, pipeline, ledger: createLedgerReader(provider, deployment.ledger), clock, waitTimeoutMs: config.waitTimeoutMs,
    auditChain: createAuditChain(provider, { chainId: config.chainId, ledgerAddress: deployment.ledger, deploymentBlock: deployment.deploymentBlock }),
    evidence: createLedgerEvidenceReader(provider, deployment.ledger, deployment.deploymentBlock),
    bank: {
      dataDir: config.dataDir, batchGasBudget: Math.floor((30_000_000 * config.batchGasSharePercent) / 100),
      collectionAccount: config.bankCollectionAccount,
      settlementAccount: { name: DEFAULT_SETTLEMENT_ACCOUNT.name, account: config.bankSettlementAccount },
    },
  });
  // Bank ISO 20022 files dropped in DATA_DIR/inbox/bank (issue 4).
  const bankInbox = new BankInbox({
    dir: bankInboxDir(config.dataDir), intervalMs: config.indexPollMs, logger: logger.child({ component: "bank-inbox" }),
    ingest: (content, source) => services.bank.ingestFile({ institution: "bank", role: "BANK" }, content, source),
  });
  // Social-security batch files dropped in DATA_DIR/inbox/social-security, and the claim sweeper (issue 5).
  const inbox = new SocialSecurityInbox({
    dir: socialSecurityInboxDir(config.dataDir), intervalMs: config.indexPollMs, logger: logger.child({ component: "social-security-inbox" }),
    ingest: (payload, source) => services.socialSecurity.ingest({ institution: "socialSecurity", role: "SOCIAL_SECURITY" }, payload, { source }),
  });
  const claimSweeper = new ClaimSweeper(services.claims, config.indexPollMs, logger.child({ component: "claim-sweeper" }));
  const scheduler = new StandingContributionScheduler(services.standing, config.schedulerIntervalMs, logger.child({ component: "scheduler" }));

  const health = async (): Promise<HealthReport> => {
    let headBlock: number | null = null;
    try {
      headBlock = await Promise.race([
        provider.getBlockNumber(),
        new Promise<number>((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000)),
      ]);
    } catch {
      headBlock = null;
    }
    const indexed = listener.status.indexedBlock;
    const outbox = outboxHealth(store.operations, Date.now(), { maxAgeMs: config.outboxStallAfterMs, maxAttempts: config.outboxStallAfterAttempts });
    const problems = [...(headBlock === null ? ["chain unreachable"] : []), ...(outbox.stalled ? ["outbox stalled"] : [])];
    return {
      status: problems.length ? "degraded" : "ok",
      ...(problems.length ? { problems } : {}),
      chain: { reachable: headBlock !== null, headBlock },
      index: { block: indexed, lag: headBlock === null ? null : Math.max(0, headBlock - (indexed ?? deployment.deploymentBlock - 1)) },
      outbox,
    };
  };

  const app = createApp({
    services, credentials: store.credentials, metrics, logger, health,
    rateLimitPerMinute: config.rateLimitPerMinute, bodyLimitBytes: config.bodyLimitBytes,
  });

  // Index first (so a rewound chain re-queues before the senders look), then send, then schedule.
  await listener.poll();
  listener.start();
  pipeline.start();
  scheduler.start();
  inbox.start();
  bankInbox.start();
  claimSweeper.start();

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? config.port, config.host, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host}:${address.port}`;
  logger.info({ url }, "gateway listening");

  let stopped = false;
  return {
    url, server, store, services, pipeline, listener, logger,
    async stop() {
      if (stopped) return;
      stopped = true;
      scheduler.stop();
      await inbox.stop();
      await bankInbox.stop();
      await claimSweeper.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await listener.stop();
      await pipeline.stop();
      provider.destroy();
      store.close();
      logger.info("gateway stopped");
    },
  };
}
