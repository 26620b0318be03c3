/** Structured logs (pino). Never log personal data or secrets: the redaction list is a second line of defence. */
import { pino, type Logger } from "pino";

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "pension-ledger-gateway" },
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "*.residentId", "*.name", "*.bankCard", "*.token", "*.password"],
        censor: "[redacted]",
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
