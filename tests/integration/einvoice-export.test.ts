// The monthly e-invoice export through its route (session token, SQLite): a
// ZIP holding the month's Factur-X PDFs and a CSV index, nothing of another
// month or another shop; a malformed month is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { crc32 } from "~/domain/zip";
import { insertEInvoiceDocument } from "~/models/einvoice.server";
import { loader as exportLoader } from "~/routes/app.einvoices.export";
import { loader as settingsLoader } from "~/routes/app.settings";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";

let standIn: ShopifyStandIn;
let unroute: () => void;

/** The stored entries of a ZIP, read from its local headers (an independent reader: no library of ours). */
function unzip(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = new Map<string, Uint8Array>();
  let at = 0;
  while (view.getUint32(at, true) === 0x04034b50) {
    const crc = view.getUint32(at + 14, true);
    const size = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extra = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength));
    const data = bytes.subarray(at + 30 + nameLength + extra, at + 30 + nameLength + extra + size);
    expect(crc32(data), name).toBe(crc);
    entries.set(name, data);
    at += 30 + nameLength + extra + size;
  }
  expect(view.getUint32(at, true)).toBe(0x02014b50); // the central directory follows
  return entries;
}

beforeAll(async () => {
  standIn = await startShopifyStandIn();
  unroute = routeShopifyAdminTo(standIn.url);
  await callRoute(settingsLoader, adminFetchRequest("/app/settings", mintSessionToken(DEMO_SHOP_DOMAIN)));
  await callRoute(settingsLoader, adminFetchRequest("/app/settings", mintSessionToken(OTHER_SHOP_DOMAIN)));
});

afterAll(async () => {
  unroute();
  await standIn.close();
});

async function storeDocument(domain: string, number: string, issueDate: string, total: number) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
  const template = await prisma.recurringTemplate.findFirst({ where: { shopId: shop.id } });
  const templateId =
    template?.id ??
    (
      await prisma.recurringTemplate.create({
        data: { shopId: shop.id, customer: "{}", currency: "EUR", lines: "[]", taxesIncluded: true, periodTotal: 0, scheduleEvery: 1, scheduleUnit: "month", scheduleAnchor: "2026-11-01", scheduleTimeOfDay: "09:00", scheduleTimeZone: "Europe/Paris", activeSince: new Date(), daysUntilDue: 14, signatureRequested: false },
      })
    ).id;
  const periodIndex = await prisma.invoiceRun.count({ where: { templateId } });
  const run = await prisma.invoiceRun.create({ data: { shopId: shop.id, templateId, periodIndex, periodDate: issueDate, scheduledAt: new Date(), state: "sent", currency: "EUR", expectedTotal: total, snapshot: "{}" } });
  await insertEInvoiceDocument({ shopId: shop.id, runId: run.id, kind: "invoice", number, issueDate, total, pdf: new TextEncoder().encode(`%PDF-1.7 ${number}`), xml: "<x/>" });
}

describe("the monthly e-invoice export", () => {
  it("holds the month's Factur-X and a CSV index, nothing else", async () => {
    await storeDocument(DEMO_SHOP_DOMAIN, "RIT-2026-0011", "2026-12-01", 12000);
    await storeDocument(DEMO_SHOP_DOMAIN, "RIT-2026-0012", "2026-12-31", 8490);
    await storeDocument(DEMO_SHOP_DOMAIN, "RIT-2026-0010", "2026-11-30", 5000);
    await storeDocument(OTHER_SHOP_DOMAIN, "AUTRE-0001", "2026-12-02", 100);
    const response = (await callRoute(exportLoader, adminFetchRequest("/app/einvoices/export?month=2026-12", mintSessionToken(DEMO_SHOP_DOMAIN)))) as Response;
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toContain("factur-x-2026-12.zip");
    const entries = unzip(new Uint8Array(await response.arrayBuffer()));
    expect([...entries.keys()]).toEqual(["index.csv", "RIT-2026-0011.pdf", "RIT-2026-0012.pdf"]);
    expect(new TextDecoder().decode(entries.get("RIT-2026-0012.pdf"))).toBe("%PDF-1.7 RIT-2026-0012");
    expect(new TextDecoder().decode(entries.get("index.csv"))).toBe(
      "file;number;type;issue_date;total_eur\r\nRIT-2026-0011.pdf;RIT-2026-0011;380;2026-12-01;120.00\r\nRIT-2026-0012.pdf;RIT-2026-0012;380;2026-12-31;84.90\r\n",
    );
  });

  it("refuses a malformed month", async () => {
    const response = (await callRoute(exportLoader, adminFetchRequest("/app/einvoices/export?month=2026-13", mintSessionToken(DEMO_SHOP_DOMAIN)))) as Response;
    expect(response.status).toBe(400);
  });

  it("computes the standard CRC-32 check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});
