// Who is asking, for the public pages: the client's IP address, recorded in
// a signature's audit trail and used to key per-address rate limits. The
// embedded admin never needs it (Shopify's session says who is asking).

/**
 * What the HTTP server may put in Remix's load context for these pages
 * (server/app-server.ts: `getLoadContext`). Without it, addresses are
 * recorded as "unknown" — never guessed from a header anyone can forge.
 */
export type PublicRequestContext = {
  /** The TCP peer's address (`req.socket.remoteAddress`). */
  remoteAddress?: string;
  /** True only when the app runs behind a proxy of ours that sets X-Forwarded-For. */
  trustProxy?: boolean;
};

/** Reads the optional fields from Remix's untyped load context. */
export function publicRequestContext(context: unknown): PublicRequestContext {
  const value = (context ?? {}) as Record<string, unknown>;
  return {
    remoteAddress: typeof value.remoteAddress === "string" ? value.remoteAddress : undefined,
    trustProxy: value.trustProxy === true,
  };
}

/** The address recorded when the server did not say (see {@link PublicRequestContext}). */
export const UNKNOWN_ADDRESS = "unknown";

/**
 * The client's IP address, as recorded in the signature's audit trail:
 * - behind a trusted proxy, the FIRST hop of X-Forwarded-For (the address the
 *   proxy saw; later hops were added by proxies in between);
 * - otherwise the socket's peer address, if the server passed it;
 * - otherwise "unknown".
 * X-Forwarded-For is ignored unless the proxy is trusted: a client sets it to
 * anything it likes, and a forged address in a signature certificate is
 * worse than an honest "unknown".
 */
export function clientAddress(request: Request, context: PublicRequestContext): string {
  if (context.trustProxy) {
    const first = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (first) return first.slice(0, 64);
  }
  const socket = context.remoteAddress?.replace(/^::ffff:/, "");
  return socket ? socket.slice(0, 64) : UNKNOWN_ADDRESS;
}
