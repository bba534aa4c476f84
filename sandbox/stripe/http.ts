// Request and response plumbing shared by every surface: body reading,
// headers, JSON and HTML replies, Stripe's error envelope and standard headers.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { StripeApiError, StripeErrorBody } from "./errors.js";
import type { RawParams } from "./params.js";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = "application/json";

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function headerValue(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  if (Array.isArray(v)) return v[0] ?? null;
  return v ?? null;
}

/** The top-level string fields of a decoded form (OAuth and hosted-page forms are flat). */
export function flatForm(raw: RawParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Stripe's error envelope, with the dashboard link Stripe puts in every error. */
export function errorReply(e: StripeApiError, requestId: string): Reply {
  const error: StripeErrorBody & { request_log_url?: string } = { ...e.body };
  error.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}?t=0`;
  return {
    status: e.status,
    headers: { ...e.headers },
    body: JSON.stringify({ error }, null, 2),
  };
}

/** Headers Stripe sends on every API response (the reply's own headers win). */
export function withStdHeaders(reply: Reply, requestId: string, version: string): Reply {
  return {
    ...reply,
    headers: {
      "content-type": JSON_TYPE,
      "request-id": requestId,
      "stripe-version": version,
      "cache-control": "no-cache, no-store",
      ...reply.headers,
    },
  };
}

export function send(res: ServerResponse, reply: Reply): void {
  const body = Buffer.from(reply.body, "utf8");
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.length) });
  res.end(body);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html, "utf8");
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": String(body.length) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  send(res, { status, headers: { "content-type": JSON_TYPE }, body: JSON.stringify(payload, null, 2) });
}
