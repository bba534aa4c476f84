// Who is asking: the client's IP address, the one function every reader of
// an address goes through — the signature's audit trail and certificate
// (app/services/signing/), the per-address rate limits (rate-limit.server.ts),
// the logs of refused requests. The embedded admin never needs it (Shopify's
// session says who is asking).
//
// How far X-Forwarded-For is believed is the operator's TRUST_PROXY, with the
// semantics of Express's `trust proxy` and its library, proxy-addr: the
// address is the right-most one not sent by a trusted proxy. Reading from the
// right matters: a proxy APPENDS the address it saw, so everything to the
// left of our proxies' own entries is whatever the client chose to send.
import { isIP } from "node:net";
import proxyaddr from "proxy-addr";

/**
 * Which peers are our own proxies (TRUST_PROXY, parsed by app/config.server.ts):
 * - `false`: none; the TCP peer is the client and X-Forwarded-For is ignored;
 * - a number n: the n nearest hops are ours (the socket's peer, then the
 *   n−1 right-most X-Forwarded-For entries); the client is the next one;
 * - addresses: peers in these CIDRs (or `loopback`, `linklocal`,
 *   `uniquelocal`) are ours, however many there are.
 */
export type TrustProxy = false | number | string[];

/**
 * What the HTTP server puts in Remix's load context for routes
 * (server/app-server.ts: `getLoadContext`). Without a peer address, the
 * address is "unknown" — never guessed from a header anyone can forge.
 */
export type PublicRequestContext = {
  /** The TCP peer's address (`req.socket.remoteAddress`). */
  remoteAddress?: string;
  trustProxy?: TrustProxy;
};

function trustOf(value: unknown): TrustProxy {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === "string")) return value as string[];
  return false;
}

/** Reads the optional fields from Remix's untyped load context. */
export function publicRequestContext(context: unknown): PublicRequestContext {
  const value = (context ?? {}) as Record<string, unknown>;
  return {
    remoteAddress: typeof value.remoteAddress === "string" ? value.remoteAddress : undefined,
    trustProxy: trustOf(value.trustProxy),
  };
}

/** The address recorded when it cannot be known (see {@link PublicRequestContext}). */
export const UNKNOWN_ADDRESS = "unknown";

const compiled = new Map<string, (address: string, hop: number) => boolean>();

/** proxy-addr's trust function for a setting (compiled once per list: compiling parses every CIDR). */
function trustFunction(trust: Exclude<TrustProxy, false>): (address: string, hop: number) => boolean {
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  const key = trust.join(",");
  let fn = compiled.get(key);
  if (!fn) {
    fn = proxyaddr.compile(trust);
    compiled.set(key, fn);
  }
  return fn;
}

/** `::ffff:203.0.113.9` (an IPv4 peer of a dual-stack socket) is 203.0.113.9. */
function normalise(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
}

/**
 * The client's IP address: the right-most address not sent by a trusted
 * proxy (see {@link TrustProxy}); without trusted proxies, the TCP peer.
 * "unknown" when the server gave no peer, or when the entry our proxies point
 * at is not an IP address (a misconfigured hop count): a forged or garbled
 * address on a signature certificate would be worse than an honest "unknown".
 */
export function clientAddress(request: Request, context: PublicRequestContext): string {
  const peer = context.remoteAddress;
  if (!peer) return UNKNOWN_ADDRESS;
  const trust = context.trustProxy ?? false;
  let address = peer;
  if (trust !== false) {
    const forwardedFor = request.headers.get("x-forwarded-for") ?? "";
    // proxy-addr reads a Node request; these are the only two fields it uses.
    const like = { headers: { "x-forwarded-for": forwardedFor }, socket: { remoteAddress: peer } };
    address = proxyaddr(like as unknown as Parameters<typeof proxyaddr>[0], trustFunction(trust));
  }
  address = normalise(address.trim());
  return isIP(address) ? address : UNKNOWN_ADDRESS;
}
