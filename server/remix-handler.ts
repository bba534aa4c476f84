// Express → Remix: the request handler of @remix-run/express (2.17), written
// out here for one reason: the body Remix reads must be the limited one
// (server/body-limit.ts). @remix-run/express hands Remix the raw Node
// request; a limit placed in front of it could only watch the bytes go by,
// not stop them reaching a handler that buffers them (`request.text()`).
//
// The URL, headers, abort signal and response streaming are the same as
// @remix-run/express's.
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import type express from "express";
import { bodyLimitOf, dropUnreadBody, lingerIfAnsweredEarly, limitedBody, refuseTooLarge } from "./body-limit";

export type RemixHandlerOptions = {
  build: ServerBuild | (() => Promise<ServerBuild>);
  getLoadContext: (req: express.Request, res: express.Response) => AppLoadContext;
};

function requestHeaders(req: express.Request): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(req.headers)) {
    if (values === undefined) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(name, value);
  }
  return headers;
}

/** The request's URL as @remix-run/express builds it (req.hostname follows Express's "trust proxy"). */
function requestUrl(req: express.Request): string {
  const forwardedPort = Number.parseInt(req.get("X-Forwarded-Host")?.split(":")[1] ?? "", 10);
  const hostPort = Number.parseInt(req.get("host")?.split(":")[1] ?? "", 10);
  const port = Number.isSafeInteger(forwardedPort) ? forwardedPort : Number.isSafeInteger(hostPort) ? hostPort : undefined;
  return new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`).href;
}

/**
 * Remix 2.17 refuses a document or data mutation whose `Origin` is not the
 * request's host (its CSRF check, throwIfPotentialCSRFAttack in
 * @remix-run/server-runtime) by throwing, which it answers as a bare 500; an
 * `Origin` that is not a URL makes the same 500. Either is the client's
 * request, not our failure: this says which, for a 403 or a 400 with a
 * message instead. (Resource routes — webhooks, the extension API — are not
 * checked by Remix, and their answers are never replaced.)
 */
function originRefusal(req: express.Request): { status: number; message: string } | null {
  // Documents check POST, PUT, PATCH and DELETE; single fetch's `.data` requests every method but GET (HEAD included).
  if (req.method === "GET") return null;
  const origin = req.get("origin");
  if (origin === undefined) return null;
  // "null" (an opaque origin: a sandboxed frame, a privacy-minded browser) never matches a host.
  let originHost = origin;
  if (origin !== "null") {
    try {
      originHost = new URL(origin).host;
    } catch {
      return { status: 400, message: "The Origin header of this request is not a URL. Send the form from its page." };
    }
  }
  const host = req.get("x-forwarded-host")?.split(",")[0]?.trim() || req.get("host");
  if (host && originHost === host) return null;
  return { status: 403, message: "This request comes from another site (its Origin is not this app): forms must be sent from Ritournelle's own pages." };
}

export function remixHandler(options: RemixHandlerOptions): express.RequestHandler {
  // Remix's mode follows NODE_ENV, as with @remix-run/express: "production"
  // hides error details from answers, "test" does not log them.
  const handle = createRequestHandler(options.build, process.env.NODE_ENV);
  return async (req, res, next) => {
    const rule = bodyLimitOf(req);
    // Aborts the loaders and actions when the client goes away before the
    // answer is written, and when the body limit cut the request off.
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    res.on("finish", () => dropUnreadBody(req, rule));
    const init: RequestInit & { duplex?: "half" } = { method: req.method, headers: requestHeaders(req), signal: controller.signal };
    if (req.method !== "GET" && req.method !== "HEAD") {
      lingerIfAnsweredEarly(req);
      init.body = limitedBody(req, rule, (error) => {
        controller.abort(error);
        refuseTooLarge(req, res, rule);
      });
      init.duplex = "half";
    }
    try {
      const response = await handle(new Request(requestUrl(req), init), options.getLoadContext(req, res));
      // Already answered: the body limit's 413 (the handler's own answer is dropped).
      if (res.headersSent) return;
      const refusal = response.status === 500 ? originRefusal(req) : null;
      if (refusal) {
        res.status(refusal.status).type("text/plain; charset=utf-8").send(refusal.message);
        return;
      }
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [name, value] of response.headers.entries()) res.append(name, value);
      if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      if (res.headersSent || controller.signal.aborted) return;
      next(error);
    }
  };
}
