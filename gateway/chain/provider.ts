/**
 * The JSON-RPC connection to the chain (ethers v6), with a fixed network so a down node fails fast, and no
 * response cache (ethers caches identical calls for 250 ms by default, which hands out stale nonces).
 */
import { JsonRpcProvider, Network } from "ethers";

export function createProvider(rpcUrl: string, chainId: number, pollingIntervalMs = 250): JsonRpcProvider {
  const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  provider.pollingInterval = pollingIntervalMs;
  return provider;
}

/** Network failures and node hiccups are worth retrying; a revert is not. */
export function isRevert(error: unknown): boolean {
  const e = error as { code?: string; data?: unknown };
  return e?.code === "CALL_EXCEPTION";
}

export function revertDataOf(error: unknown): string | undefined {
  const e = error as { data?: unknown; info?: { error?: { data?: unknown } }; error?: { data?: unknown } };
  const candidates = [e?.data, e?.info?.error?.data, e?.error?.data];
  for (const c of candidates) {
    if (typeof c === "string" && c.startsWith("0x")) return c;
    if (c && typeof c === "object" && typeof (c as { data?: unknown }).data === "string") return (c as { data: string }).data;
  }
  return undefined;
}

/** A short, personal-data-free description of a transport error for logs and operation records. */
export function describeTransportError(error: unknown): string {
  const e = error as { code?: string; shortMessage?: string; message?: string };
  return `${e?.code ?? "ERROR"}: ${(e?.shortMessage ?? e?.message ?? String(error)).slice(0, 200)}`;
}
