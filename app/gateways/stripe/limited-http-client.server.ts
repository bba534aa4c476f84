// The Stripe SDK's HTTP client behind the account rate limiter: every HTTP
// request the SDK makes waits for a slot of its account, and leaves only if it
// is still on time for that slot at the instant its bytes are handed to the
// socket.
//
// Why at the socket and not before the SDK call: Stripe counts a request when
// it arrives (https://docs.stripe.com/rate-limits: "requests per second, per
// Stripe account"), so what must keep the schedule is the departure, not the
// moment the limiter said yes. Between the two, the process may stall: on
// SQLite a query of another lane waits for a write lock synchronously
// (better-sqlite3's busy handler sleeps in the event loop), and a loaded
// machine leaves a process unscheduled for a while. A request released on
// time but written 100 ms later lands in the same second as the 25 requests
// of the slots after it (measured: 26 to 29 in one second at the stand-in,
// tests/alone/stripe-shared-rate-limit.test.ts, SQLite, four workers). Here
// the last check runs in the same synchronous stretch as the write: a late
// request is abandoned before a byte leaves and takes a new slot.
//
// Being the SDK's HTTP client, this also holds the SDK's own requests to the
// limit: its retry of a reset connection (which it makes even with
// `maxNetworkRetries: 0`) takes a slot like any other request.
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import Stripe from "stripe";
import { accountClass, metrics } from "~/metrics.server";

/** Told by the limiter with each slot: whether the request may still leave now. */
export type OnTime = () => boolean;

/** What the HTTP client waits on before each request: the account's rate limit. */
export interface RequestLimiter {
  readonly requestsPerSecond: number;
  /** Resolves when a request for `account` may leave, with the test of whether it still may (it is asked again at the write). */
  acquire(account: string): Promise<OnTime>;
}

/** The account key the limiter uses for calls made as the platform itself. */
export const PLATFORM_LANE = "platform";

/** The metrics' account class of a limiter lane key ({@link PLATFORM_LANE} or a connected account id). */
export function laneAccountClass(lane: string): ReturnType<typeof accountClass> {
  return accountClass(lane === PLATFORM_LANE ? null : lane);
}

type HttpClientInterface = NonNullable<Stripe.StripeConfig["httpClient"]>;
type MakeRequest = HttpClientInterface["makeRequest"];

/** A request abandoned before it was written: it missed its slot. */
class MissedSlot extends Error {
  constructor() {
    super("the request missed its rate-limit slot before it was written");
  }
}

type AddRequest = (request: http.ClientRequest, options: unknown) => void;

/**
 * A keep-alive agent that puts the next request it is given under `onTime`:
 * when the request gets its socket (a reused one: right before the request's
 * bytes are flushed, in the same tick) or when a new socket connects (before
 * the queued bytes are written), a request no longer on time is destroyed
 * unwritten.
 */
function gatedAgent(protocol: "http" | "https"): { agent: http.Agent; gateNext(onTime: OnTime | null): void } {
  const agent = protocol === "http" ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true });
  const connected = protocol === "http" ? "connect" : "secureConnect";
  const addRequest = (agent as unknown as { addRequest: AddRequest }).addRequest.bind(agent);
  let next: OnTime | null = null;
  (agent as unknown as { addRequest: AddRequest }).addRequest = (request, options) => {
    const onTime = next;
    next = null;
    if (onTime) {
      request.once("socket", (socket: Socket) => {
        const check = () => {
          if (!onTime()) request.destroy(new MissedSlot());
        };
        // Ahead of the socket's own listener that writes the queued request.
        if (socket.connecting) socket.prependOnceListener(connected, check);
        else check();
      });
    }
    addRequest(request, options);
  };
  return { agent, gateNext: (onTime) => (next = onTime) };
}

/** The SDK's Node HTTP client, each request waiting for its account's slot and leaving only on time. */
export function rateLimitedHttpClient(limiter: RequestLimiter, protocol: "http" | "https"): HttpClientInterface {
  const { agent, gateNext } = gatedAgent(protocol);
  const inner = Stripe.createNodeHttpClient(agent);
  const makeRequest: MakeRequest = async (...args) => {
    const headers = args[4];
    const account = typeof headers["Stripe-Account"] === "string" ? headers["Stripe-Account"] : null;
    const counters = metrics();
    const account_class = accountClass(account);
    for (;;) {
      const queued = performance.now();
      const onTime = await limiter.acquire(account ?? PLATFORM_LANE);
      counters.rateLimitWait.observe({ account_class }, (performance.now() - queued) / 1000);
      // makeRequest creates the request synchronously: the agent gates exactly this one.
      gateNext(onTime);
      const answer = inner.makeRequest(...args);
      gateNext(null);
      try {
        return await answer;
      } catch (error) {
        if (!(error instanceof MissedSlot)) throw error;
        counters.rateLimitSlotsMissed.inc({ account_class, reason: "written_late" });
      }
    }
  };
  return { getClientName: () => inner.getClientName(), makeRequest };
}
