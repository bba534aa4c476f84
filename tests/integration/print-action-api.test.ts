// The API the order page's print action calls (app/routes/api.extension.print.$orderId.tsx),
// through its real route module: requests as the admin sends them for an
// extension — cross-origin, `Authorization: Bearer <session token>` — a real
// SQLite database, invoices issued by the real pipeline through the Stripe
// SDK against the Stripe stand-in, whose invoice PDF the app prints.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import type { PrintActionError, PrintSummary } from "~/domain/print-action-contract";
import { action, loader } from "~/routes/api.extension.print.$orderId";
import { createTemplate } from "~/services/templates/create.server";
import { createShop, templateInput } from "../helpers/recurring";
import { callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken, storeOfflineSession } from "../helpers/shopify";
import { issuedRun, MERCHANT, withStripeStandIn } from "../helpers/stripe";

const SHOP = "atelier-dupont.myshopify.com";
const OTHER_SHOP = "boulangerie-martin.myshopify.com";
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
/** templateInput()'s order. */
const ORDER = "1001";

const stripeStandIn = withStripeStandIn();

beforeAll(async () => {
  await storeOfflineSession(SHOP);
  await storeOfflineSession(OTHER_SHOP);
});

function extensionRequest(pathname: string, init: RequestInit & { token?: string | null; shop?: string } = {}) {
  const { token, shop = SHOP, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set("Origin", EXTENSION_ORIGIN);
  return adminFetchRequest(pathname, token === undefined ? mintSessionToken(shop) : token, { ...rest, headers });
}

async function get(query = "", init: Parameters<typeof extensionRequest>[1] = {}, orderId = ORDER) {
  const answer = await callRoute(loader, extensionRequest(`/api/extension/print/${orderId}${query}`, init), { orderId });
  if (!(answer instanceof Response)) throw new Error(`no Response: ${JSON.stringify(answer)}`);
  return answer;
}

async function json<T>(response: Response) {
  return { status: response.status, body: (await response.json()) as T };
}

const clock = () => new ManualClock("2026-01-10T10:00:00Z");

describe("print action API", () => {
  it("an order without a recurring invoice: 404 with the reason in the merchant's language", async () => {
    await createShop({ domain: SHOP, billingAccountId: MERCHANT });
    const en = await json<PrintActionError>(await get());
    expect(en.status).toBe(404);
    expect(en.body).toEqual({ error: "no_template", message: expect.stringContaining("not a recurring invoice") });
    const fr = await json<PrintActionError>(await get("?locale=fr"));
    expect(fr.body.message).toContain("n’est pas une facture récurrente");
  });

  it("before the first invoice: the schedule prints, the invoice does not (and says why)", async () => {
    const shop = await createShop({ domain: SHOP, billingAccountId: MERCHANT });
    await createTemplate(shop, templateInput(), { clock: clock() });

    const summary = await json<PrintSummary>(await get());
    expect(summary.status).toBe(200);
    expect(summary.body.latestInvoice).toBeNull();
    expect(summary.body.documents).toEqual([
      { id: "invoice", available: false },
      { id: "schedule", available: true },
    ]);
    const invoice = await json<PrintActionError>(await get("?document=invoice"));
    expect(invoice).toEqual({ status: 404, body: { error: "no_invoice", message: expect.stringContaining("No invoice has been sent") } });

    const schedule = await get("?document=schedule&locale=fr");
    expect(schedule.status).toBe(200);
    expect(schedule.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(schedule.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const html = await schedule.text();
    expect(html).toMatch(/^<!doctype html><html lang="fr">/);
    expect(html).toContain("Facture récurrente — ");
    expect(html).toContain("Aucune facture envoyée pour l’instant.");
    expect(html).toContain("12 prochaines factures");
    expect(html).not.toMatch(/<script/i);
  });

  it("after an invoice went out: prints Stripe's PDF of the latest one, and the schedule lists it", async () => {
    const shop = await createShop({ domain: SHOP, billingAccountId: MERCHANT });
    const { run } = await issuedRun(stripeStandIn(), { shop });

    const summary = await json<PrintSummary>(await get());
    expect(summary.body.latestInvoice).toEqual({ number: run.invoiceNumber, periodDate: run.periodDate });
    expect(summary.body.documents.find((document) => document.id === "invoice")?.available).toBe(true);

    const pdf = await get("?document=invoice");
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    const printed = Buffer.from(await pdf.arrayBuffer());
    // The very document Stripe serves for the invoice.
    const fromStripe = Buffer.from(await (await fetch(run.invoicePdfUrl!)).arrayBuffer());
    expect(printed.subarray(0, 5).toString()).toBe("%PDF-");
    expect(printed.equals(fromStripe)).toBe(true);

    const html = await (await get("?document=schedule")).text();
    expect(html).toContain(run.invoiceNumber!);
    expect(html).toContain("Sent");
    expect(html).not.toContain("No invoice sent yet.");
  });

  it("never fetches a stored PDF link that is not Stripe's: 502, and the other host hears nothing", async () => {
    const shop = await createShop({ domain: SHOP, billingAccountId: MERCHANT });
    const { run } = await issuedRun(stripeStandIn(), { shop });
    let hits = 0;
    const elsewhere = http.createServer((_request, response) => {
      hits += 1;
      response.writeHead(200, { "Content-Type": "application/pdf" }).end("%PDF-1.4 not Stripe's");
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = elsewhere.address() as AddressInfo;
      await prisma.invoiceRun.update({ where: { id: run.id }, data: { invoicePdfUrl: `http://127.0.0.1:${port}/invoice.pdf` } });
      const answer = await json<PrintActionError>(await get("?document=invoice"));
      expect(answer.status).toBe(502);
      expect(answer.body.error).toBe("invoice_unavailable");
      expect(hits).toBe(0);
    } finally {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });

  it("is sealed per shop, needs a session token, answers the preflight, and refuses unknown documents and methods", async () => {
    const shop = await createShop({ domain: SHOP, billingAccountId: MERCHANT });
    await createShop({ domain: OTHER_SHOP, billingAccountId: null });
    await createTemplate(shop, templateInput(), { clock: clock() });

    // Another shop asking for this order's documents finds nothing.
    expect((await get("?document=schedule", { shop: OTHER_SHOP })).status).toBe(404);
    const anonymous = await json<PrintActionError>(await get("", { token: null }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe("unauthorized");
    expect((await json<PrintActionError>(await get("?document=everything"))).status).toBe(400);
    expect((await json<PrintActionError>(await get("", {}, "not-an-order"))).status).toBe(400);

    const preflight = await callRoute(
      action,
      new Request(`https://ritournelle.test/api/extension/print/${ORDER}`, {
        method: "OPTIONS",
        headers: { Origin: EXTENSION_ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
      }),
      { orderId: ORDER },
    );
    expect((preflight as Response).status).toBe(204);
    const post = await callRoute(action, extensionRequest(`/api/extension/print/${ORDER}`, { method: "POST", body: "{}" }), { orderId: ORDER });
    expect((post as Response).status).toBe(405);
  });
});
