// The outer body limit of every route (the table is app/http/body-limits.ts),
// applied here, in the HTTP server, so that nothing behind it — Remix,
// Shopify's authenticate.webhook, the Stripe webhook's `request.text()` —
// ever holds more than the limit in memory:
//
// - a declared Content-Length over the limit is refused before one byte of
//   the body is read (and a client that asks `Expect: 100-continue` is told
//   413 instead of "go on": see refuseBeforeContinue);
// - any other body (chunked, or declared small) is counted while it streams
//   to Remix, and cut off the moment it passes the limit.
//
// The refusal is a 413 that names the route's limit. The route's handler
// never completes: its body stream fails and its request is aborted.
import type { IncomingMessage, ServerResponse } from "node:http";
import type express from "express";
import { bodyLimitFor, formatBytes, type BodyLimitRule } from "../app/http/body-limits";

/**
 * After a 413, how long the server keeps reading (and dropping) what the
 * client is still sending before it closes the connection. Closing at once
 * while the client is still sending makes the kernel reset the connection,
 * and the client may lose the 413 it was about to read (nginx's "lingering
 * close" exists for this); not closing at all lets a client stream forever.
 */
const LINGER_MS = 2_000;

/** The body passed its route's limit while streaming (the stream handed to Remix fails with it). */
export class BodyTooLarge extends Error {
  override readonly name = "BodyTooLarge";
  constructor(readonly rule: BodyLimitRule) {
    super(`request body over ${rule.maxBytes} bytes, the limit for ${rule.path}`);
  }
}

/** The rule for a raw request (path taken from `req.url`, before Express or Remix parse it). */
export function bodyLimitOf(req: IncomingMessage): BodyLimitRule {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return bodyLimitFor(query === -1 ? url : url.slice(0, query));
}

function declaresMoreThan(req: IncomingMessage, rule: BodyLimitRule): boolean {
  const declared = Number(req.headers["content-length"]);
  return Number.isFinite(declared) && declared > rule.maxBytes;
}

/** What a 413 says: what was too large and the limit, for a developer reading it. */
export function tooLargeMessage(rule: BodyLimitRule): string {
  const where = rule.path === "/" ? "this path" : rule.path;
  return `The request body is too large: ${where} accepts at most ${formatBytes(rule.maxBytes)} (${rule.maxBytes} bytes), sized for ${rule.sizedFor}.`;
}

/**
 * Answers 413 and stops reading the request: the rest of the body is
 * drained for at most LINGER_MS, then the connection is closed. Safe to call
 * once the response has started (it then only closes the connection).
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, rule: BodyLimitRule): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: "payload_too_large", message: tooLargeMessage(rule), limitBytes: rule.maxBytes });
  lingerIfAnsweredEarly(req);
  res.writeHead(413, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    // Readable by the admin extension's cross-origin fetch; it holds no data.
    ...(req.headers.origin ? { "Access-Control-Allow-Origin": "*" } : {}),
  });
  res.end(body);
  dropUnreadBody(req, rule);
}

const lingering = new WeakSet<IncomingMessage>();

/**
 * When an answer is given before the request's body was read to its end
 * (a 413, a redirect to the login page, a route's own refusal) and it is
 * the connection's last one (the client sent `Connection: close`), Node
 * destroys the socket as soon as the answer is written. This makes it only
 * half-close instead (FIN: the answer is complete), so that the client reads
 * the answer; dropUnreadBody then drains and closes.
 */
export function lingerIfAnsweredEarly(req: IncomingMessage): void {
  const socket = req.socket as IncomingMessage["socket"] & { destroySoon?: () => void };
  if (lingering.has(req) || typeof socket.destroySoon !== "function") return;
  lingering.add(req);
  const destroySoon = socket.destroySoon;
  socket.destroySoon = function (this: typeof socket) {
    if (req.complete) return destroySoon.call(this);
    if (this.writable) this.end();
  };
}

const draining = new WeakSet<IncomingMessage>();

/**
 * For a request answered without its whole body having been read: drops the
 * rest as it arrives, so that a keep-alive connection can serve the next
 * request, and closes the connection if the rest passes the route's limit or
 * is still coming after LINGER_MS.
 */
export function dropUnreadBody(req: IncomingMessage, rule: BodyLimitRule): void {
  if (req.complete || req.destroyed || draining.has(req)) return;
  draining.add(req);
  const socket = req.socket;
  const close = setTimeout(() => socket.destroy(), LINGER_MS);
  close.unref();
  let dropped = 0;
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.byteLength;
    if (dropped > rule.maxBytes) socket.destroy();
  });
  req.once("end", () => {
    clearTimeout(close);
    // Half-closed by lingerIfAnsweredEarly: the answer is out and the body is in.
    if (!socket.writable) socket.destroy();
  });
  req.once("close", () => clearTimeout(close));
  req.resume();
}

/** Express middleware: refuses a declared Content-Length over the route's limit before reading. */
export function refuseDeclaredTooLarge(): express.RequestHandler {
  return (req, res, next) => {
    const rule = bodyLimitOf(req);
    if (declaresMoreThan(req, rule)) refuseTooLarge(req, res, rule);
    else next();
  };
}

/**
 * For the server's `checkContinue` event (a client sent `Expect:
 * 100-continue` and waits before sending its body): a body declared over
 * the limit gets its 413 now, before the client sends it. Returns true when
 * it answered; otherwise the caller sends 100 Continue and handles the request.
 */
export function refuseBeforeContinue(req: IncomingMessage, res: ServerResponse): boolean {
  const rule = bodyLimitOf(req);
  if (!declaresMoreThan(req, rule)) return false;
  refuseTooLarge(req, res, rule);
  return true;
}

/**
 * The request's body as a web stream, counted as it arrives. Past the
 * route's limit it fails with BodyTooLarge and `onTooLarge` runs (it answers
 * the 413); nothing after that byte is handed on. Reading pauses the socket
 * while the consumer is behind (backpressure), so at most about one chunk
 * past what the consumer has taken is held.
 */
export function limitedBody(req: IncomingMessage, rule: BodyLimitRule, onTooLarge: (error: BodyTooLarge) => void): ReadableStream<Uint8Array> {
  let received = 0;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          // Done, or answered already and draining (dropUnreadBody): hand nothing on.
          if (done || draining.has(req)) return;
          received += chunk.byteLength;
          if (received > rule.maxBytes) {
            done = true;
            const error = new BodyTooLarge(rule);
            onTooLarge(error);
            controller.error(error);
            return;
          }
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => {
          if (done) return;
          done = true;
          controller.close();
        });
        req.once("error", (error) => {
          if (done) return;
          done = true;
          controller.error(error);
        });
        req.once("close", () => {
          if (done) return;
          done = true;
          controller.error(new Error("the client closed the connection before the request body ended"));
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        done = true;
        dropUnreadBody(req, rule);
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}
