// Structured JSON logs (pino). Requests get a child logger carrying the
// request id and, once known, the shop — so one grep follows one request.
import { randomUUID } from "node:crypto";
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: "ritournelle" },
  redact: { paths: ["accessToken", "*.accessToken", "authorization", "*.authorization"], censor: "[redacted]" },
});

export type Logger = pino.Logger;

/** A logger for one request: reuses X-Request-Id from a proxy, else makes one. */
export function requestLogger(request: Request, fields: { shop?: string } = {}): Logger {
  const requestId = request.headers.get("x-request-id") ?? randomUUID();
  return logger.child({ requestId, ...fields });
}
