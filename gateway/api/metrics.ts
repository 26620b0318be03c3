/** Prometheus metrics: requests, latencies, outbox depth, transaction failures. One registry per app. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<"method" | "route" | "status">;
  latency: Histogram<"method" | "route">;
  txFailures: Counter<"code">;
}

export function createMetrics(outboxDepth: () => number, indexLag: () => number | null): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: "gateway_http_requests_total", help: "HTTP requests by route and status.", labelNames: ["method", "route", "status"], registers: [registry] });
  const latency = new Histogram({
    name: "gateway_http_request_duration_seconds", help: "HTTP request latency.", labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  const txFailures = new Counter({ name: "gateway_transaction_failures_total", help: "Operations that failed permanently, by error code.", labelNames: ["code"], registers: [registry] });
  new Gauge({ name: "gateway_outbox_depth", help: "Acknowledged operations not yet final.", registers: [registry], collect() { this.set(outboxDepth()); } });
  new Gauge({ name: "gateway_index_lag_blocks", help: "Blocks the event index is behind the chain head.", registers: [registry], collect() { this.set(indexLag() ?? -1); } });
  return { registry, requests, latency, txFailures };
}
