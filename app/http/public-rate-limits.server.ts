// The budgets of the public pages, in one place: per signing link (keyed by
// the token's hash, so the limiter's memory holds no capability) and per
// client address. In-process buckets: see RateLimiter for what that means
// with several web processes.
import { hashToken } from "~/services/signing/signing-token.server";
import { UNKNOWN_ADDRESS } from "./client-ip.server";
import { RateLimiter, enforceRateLimits } from "./rate-limit.server";

const BUDGETS = {
  // Views: a customer reloads, a mail scanner prefetches; a scraper does not get far.
  view: { token: new RateLimiter({ capacity: 30, refillPerSecond: 0.5 }), ip: new RateLimiter({ capacity: 60, refillPerSecond: 1 }) },
  // Submits: a few corrections of a refused form; each one reads Stripe and renders a PDF.
  submit: { token: new RateLimiter({ capacity: 6, refillPerSecond: 1 / 30 }), ip: new RateLimiter({ capacity: 20, refillPerSecond: 1 / 10 }) },
  pdf: { token: new RateLimiter({ capacity: 20, refillPerSecond: 0.2 }), ip: new RateLimiter({ capacity: 60, refillPerSecond: 1 }) },
  verify: { ip: new RateLimiter({ capacity: 20, refillPerSecond: 0.2 }) },
};

/**
 * The IP's bucket, unless the address is unknown: every visitor would then
 * share one bucket, and a per-IP limit would become a limit on everyone.
 */
function byAddress(limiter: RateLimiter, ipAddress: string): [RateLimiter, string][] {
  return ipAddress === UNKNOWN_ADDRESS ? [] : [[limiter, ipAddress]];
}

/**
 * Charges one request of `kind` on /sign/<token> to the token's and the IP's buckets.
 * @throws RateLimited when either is empty.
 */
export function limitSigningRequest(kind: "view" | "submit" | "pdf", token: string, ipAddress: string, nowMs: number = Date.now()): void {
  const budget = BUDGETS[kind];
  enforceRateLimits([[budget.token, hashToken(token)], ...byAddress(budget.ip, ipAddress)], nowMs);
}

/** Charges one /verify request to the IP's bucket (none when the address is unknown). @throws RateLimited */
export function limitVerifyRequest(ipAddress: string, nowMs: number = Date.now()): void {
  enforceRateLimits(byAddress(BUDGETS.verify.ip, ipAddress), nowMs);
}
