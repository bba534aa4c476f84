// The JSON control API the demo and e2e tests drive over HTTP.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MERCHANT, as, startHarness, type Harness } from "./test-helpers.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function control<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const res = await fetch(`${h.standIn.url}/__control${path}`, {
    method: init?.method ?? (init?.body ? "POST" : "GET"),
    ...(init?.body ? { body: JSON.stringify(init.body) } : {}),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe("control API over HTTP", () => {
  it("creates accounts, authorizes, reads the ledger and the events, resets", async () => {
    const acct = await control<{ id: string; connected: boolean }>("/accounts", { body: { businessName: "Épicerie Fine", defaultCurrency: "eur", connected: false } });
    expect(acct.id).toMatch(/^acct_/);
    expect(acct.connected).toBe(false);
    const { code } = await control<{ code: string }>("/oauth/authorize", { body: { accountId: acct.id } });
    const token = await h.stripe.oauth.token({ grant_type: "authorization_code", code });
    expect(token.stripe_user_id).toBe(acct.id);

    const c = await h.stripe.customers.create({ email: "x@example.com" }, as(acct.id));
    const inv = await h.stripe.invoices.create({ customer: c.id, collection_method: "send_invoice", days_until_due: 3 }, as(acct.id));
    const ledger = await control<{ id: string; account: string; status: string }[]>(`/ledger?account=${acct.id}`);
    expect(ledger).toEqual([expect.objectContaining({ id: inv.id, account: acct.id, status: "draft" })]);
    const events = await control<{ type: string }[]>(`/events?account=${acct.id}`);
    expect(events.map((e) => e.type)).toEqual(["account.application.authorized", "customer.created", "invoice.created"]);

    await control("/reset", { body: {} });
    const accounts = await control<{ id: string }[]>("/accounts");
    expect(accounts.map((a) => a.id)).not.toContain(acct.id);
    expect(accounts.map((a) => a.id)).toContain(MERCHANT);
    expect(await control<unknown[]>("/ledger")).toEqual([]);
  });
});
