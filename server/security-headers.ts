// Sets the security headers of app/http/security-headers.ts on every answer,
// at the moment its headers are written: after the route, Express's static
// files or the body limit have set theirs, so the table always has the last
// word (a route's own Referrer-Policy or a CSP added by Shopify's library on
// a public page is replaced, not merged).
//
// Each public answer gets a fresh CSP nonce, handed to Remix in the load
// context (`cspNonce`) so that app/entry.server.tsx and app/root.tsx put it
// on the scripts they render.
import { randomBytes } from "node:crypto";
import type { OutgoingHttpHeaders } from "node:http";
import type express from "express";
import { pageKindOf, securityHeaders } from "../app/http/security-headers";

export type SecurityHeadersOptions = {
  /**
   * Offline demo only: one more origin allowed to frame the embedded admin
   * (the admin host stand-in). Shopify's CSP lists only the shop and the
   * Shopify admin. Public pages stay unframeable.
   */
  extraFrameAncestor?: string;
};

/** The nonce this response's scripts carry (set by the middleware below), for Remix's load context. */
export function cspNonceOf(res: express.Response): string | undefined {
  const nonce: unknown = res.locals.cspNonce;
  return typeof nonce === "string" ? nonce : undefined;
}

function withFrameAncestor(policy: string, origin: string): string {
  return policy.replace(/frame-ancestors ([^;]*)/, (all, sources: string) => (sources.includes("'none'") ? all : `frame-ancestors ${sources.trim()} ${origin}`));
}

/** Removes from the headers given to writeHead(status, headers) those we set, so ours are not overridden. */
function dropFrom(headers: unknown, names: string[]): void {
  if (!headers || typeof headers !== "object" || Array.isArray(headers)) return;
  const lower = new Set(names.map((name) => name.toLowerCase()));
  for (const key of Object.keys(headers)) if (lower.has(key.toLowerCase())) delete (headers as OutgoingHttpHeaders)[key];
}

export function securityHeadersMiddleware(options: SecurityHeadersOptions = {}): express.RequestHandler {
  return (req, res, next) => {
    const pathname = req.path;
    const kind = pageKindOf(pathname);
    const nonce = kind === "public" ? randomBytes(16).toString("base64") : undefined;
    res.locals.cspNonce = nonce;
    const writeHead = res.writeHead;
    res.writeHead = function (this: express.Response, ...args: unknown[]) {
      const headers = securityHeaders(kind, pathname, nonce);
      dropFrom(args[args.length - 1], Object.keys(headers));
      for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
      const policy = this.getHeader("Content-Security-Policy");
      if (options.extraFrameAncestor && kind === "embedded" && typeof policy === "string") {
        this.setHeader("Content-Security-Policy", withFrameAncestor(policy, options.extraFrameAncestor));
      }
      return (writeHead as (...parameters: unknown[]) => express.Response).apply(this, args);
    } as typeof res.writeHead;
    next();
  };
}
