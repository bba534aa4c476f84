// GET /metrics: Prometheus text, behind METRICS_TOKEN; what an operator
// graphs and alerts on moves when the engine works.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Stripe from "stripe";
import prisma from "~/db.server";
import { resetConfigForTests } from "~/config.server";
import { ManualClock } from "~/domain/clock";
import { loader } from "~/routes/metrics";
import { handleStripeWebhook } from "~/services/stripe-webhooks/dispatch.server";
import { createTemplate } from "~/services/templates/create.server";
import { MemoryGateway } from "../helpers/memory-gateway";
import { createShop, drain, templateInput, testWorker } from "../helpers/recurring";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const TOKEN = "metrics-token-for-tests-0123456789";
const stripeStandIn = withStripeStandIn();

function scrape(authorization?: string): Promise<Response> {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  return loader({ request: new Request("http://app.test/metrics", { headers }), params: {}, context: {} });
}

async function scrapeText(): Promise<string> {
  const response = await scrape(`Bearer ${TOKEN}`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series (`name{labels}` exactly as exposed), 0 when absent. */
function value(text: string, series: string): number {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

beforeEach(() => {
  process.env.METRICS_TOKEN = TOKEN;
  resetConfigForTests();
});

afterEach(() => {
  delete process.env.METRICS_TOKEN;
  resetConfigForTests();
});

describe("GET /metrics", () => {
  it("is not served without METRICS_TOKEN, and refuses a missing or wrong bearer", async () => {
    delete process.env.METRICS_TOKEN;
    resetConfigForTests();
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);

    process.env.METRICS_TOKEN = TOKEN;
    resetConfigForTests();
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    expect((await scrape(`Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(`Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`)).status).toBe(401);
    const ok = await scrape(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/plain");
  });

  it("counts runs by state and write-backs from the database, and the due→sent lag of what this process sent", async () => {
    const before = await scrapeText();
    expect(value(before, 'ritournelle_runs{state="sent"}')).toBe(0);
    expect(value(before, 'ritournelle_write_backs{state="pending"}')).toBe(0);

    // Two periods due (Jan 15 and Feb 15, 09:00 Paris); sent on Feb 15 at 10:00 Paris.
    const clock = new ManualClock("2026-02-15T09:00:00Z");
    const shop = await createShop();
    await createTemplate(shop, templateInput(), { clock: new ManualClock("2026-01-10T10:00:00Z") });
    const worker = testWorker(new MemoryGateway(), clock);
    await drain(worker);

    const after = await scrapeText();
    const sent = await prisma.invoiceRun.count({ where: { state: "sent" } });
    expect(sent).toBeGreaterThan(0);
    expect(value(after, 'ritournelle_runs{state="sent"}')).toBe(sent);
    expect(value(after, 'ritournelle_runs{state="failed"}')).toBe(0); // every state is exposed, zeros included
    expect(value(after, "ritournelle_due_to_sent_lag_seconds_count") - value(before, "ritournelle_due_to_sent_lag_seconds_count")).toBe(sent);
    // Feb 15's period is sent an hour after it fell due (09:00 Paris = 08:00 UTC): not within a minute, within an hour.
    expect(value(after, 'ritournelle_due_to_sent_lag_seconds_bucket{le="60"}') - value(before, 'ritournelle_due_to_sent_lag_seconds_bucket{le="60"}')).toBe(0);
    expect(value(after, 'ritournelle_run_outcomes_total{outcome="sent"}') - value(before, 'ritournelle_run_outcomes_total{outcome="sent"}')).toBe(sent);
    expect(value(after, "ritournelle_runs_awaiting_work")).toBe(0);
  });

  it("counts Stripe calls by status and account class, their limiter waits, and webhook deliveries by outcome", async () => {
    const before = await scrapeText();
    const client = testClient(stripeStandIn());
    await client.call(MERCHANT, (sdk, options) => sdk.customers.list({ limit: 1 }, options));
    await expect(client.call("acct_unknown", (sdk, options) => sdk.customers.list({ limit: 1 }, options))).rejects.toBeInstanceOf(Stripe.errors.StripeError);
    const forged = await handleStripeWebhook(
      new Request("http://app.test/webhooks/stripe", { method: "POST", body: "{}", headers: { "stripe-signature": "t=1,v1=forged" } }),
      { secret: "whsec_ritournelle_tests" },
    );
    expect(forged.status).toBe(400);

    const after = await scrapeText();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('ritournelle_stripe_requests_total{status="2xx",account_class="connected"}')).toBe(1);
    expect(delta('ritournelle_stripe_requests_total{status="403",account_class="connected"}')).toBe(1);
    expect(delta('ritournelle_stripe_rate_limit_wait_seconds_count{account_class="connected"}')).toBe(2);
    expect(delta('ritournelle_webhook_deliveries_total{source="stripe",outcome="bad_signature"}')).toBe(1);
  });
});
