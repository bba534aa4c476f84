// The SDK's HTTP client behind the rate limiter
// (app/gateways/stripe/limited-http-client.server.ts), against a loopback
// server that counts what reaches it: a request late for its slot at the
// socket never reaches Stripe and takes a new slot; the SDK's own retry of a
// reset connection waits for a slot like any other request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { rateLimitedHttpClient, type OnTime, type RequestLimiter } from "~/gateways/stripe/limited-http-client.server";
import { metrics } from "~/metrics.server";

/** How many slots /metrics says were missed at the socket (ritournelle_stripe_rate_limit_slots_missed_total). */
async function slotsMissedAtTheSocket(): Promise<number> {
  const metric = await metrics().rateLimitSlotsMissed.get();
  return metric.values.filter((sample) => sample.labels.reason === "written_late").reduce((total, sample) => total + sample.value, 0);
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback "Stripe" answering every request with `handle`; resolves to its port. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handle(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const balance = (res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "request-id": "req_test" });
  res.end(JSON.stringify({ object: "balance", available: [], pending: [], livemode: false }));
};

/** A limiter granting every slot at once, each slot's OnTime from `onTimes` in turn (then always on time); it records the accounts asked for. */
function scriptedLimiter(onTimes: OnTime[] = []): RequestLimiter & { asked: string[] } {
  const asked: string[] = [];
  return {
    requestsPerSecond: 25,
    asked,
    acquire: (account) => {
      asked.push(account);
      return Promise.resolve(onTimes.shift() ?? (() => true));
    },
  };
}

function sdk(limiter: RequestLimiter, port: number): Stripe {
  return new Stripe("sk_test_departure", {
    host: "127.0.0.1",
    port,
    protocol: "http",
    maxNetworkRetries: 0,
    telemetry: false,
    httpClient: rateLimitedHttpClient(limiter, "http"),
  });
}

describe("the SDK's HTTP client behind the rate limiter", () => {
  it("abandons a request still on time when its slot came but late when its socket is ready: Stripe never sees it, a new slot is taken", async () => {
    const received: string[] = [];
    const port = await serve((req, res) => {
      received.push(`${req.method} ${req.url}`);
      balance(res);
    });
    // On time when the limiter lets it go (the limiter already checked), late at the socket (a stall in between).
    let checks = 0;
    const lateAtTheSocket: OnTime = () => ++checks < 1;
    const limiter = scriptedLimiter([lateAtTheSocket]);
    const missedBefore = await slotsMissedAtTheSocket();

    const answer = await sdk(limiter, port).balance.retrieve({}, { stripeAccount: "acct_late" });

    expect(answer.object).toBe("balance");
    expect((await slotsMissedAtTheSocket()) - missedBefore).toBe(1); // what an operator sees of it
    expect(checks).toBe(1);
    expect(limiter.asked).toEqual(["acct_late", "acct_late"]);
    expect(received).toEqual(["GET /v1/balance"]);
  });

  it("takes a slot for the SDK's own retry of a reset connection, and one for the platform lane when no account is named", async () => {
    let connections = 0;
    const port = await serve((req, res) => {
      connections++;
      // The first request's connection is reset without an answer: the SDK retries it on its own.
      if (connections === 1) req.socket.destroy();
      else balance(res);
    });
    const limiter = scriptedLimiter();

    await sdk(limiter, port).balance.retrieve();

    expect(connections).toBe(2);
    expect(limiter.asked).toEqual(["platform", "platform"]);
  });
});
