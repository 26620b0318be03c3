/**
 * Runs the gateway alone (the chain and the deployment must exist: `npm start` does all of it):
 *   tsx gateway/index.ts
 * Listens, and shuts down gracefully on SIGINT / SIGTERM (finishes in-flight requests, stops the senders and
 * the listener, closes the SQLite file).
 */
import { pathToFileURL } from "node:url";
import { ConfigError, loadConfig } from "./config.js";
import { startGateway, type RunningGateway } from "./gateway.js";

export { startGateway } from "./gateway.js";

export async function main(): Promise<void> {
  let gateway: RunningGateway;
  try {
    gateway = await startGateway(loadConfig(process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`配置错误 / Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const shutdown = (signal: string) => {
    gateway.logger.info({ signal }, "shutting down");
    void gateway.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  void main();
}
