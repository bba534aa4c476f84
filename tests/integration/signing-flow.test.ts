// Online signature end to end, through the real routes: the worker issues a
// run whose template requests a signature (the pipeline makes the link, the
// real SDK puts it on the invoice at the Stripe stand-in); the customer
// follows it, signs, downloads the signed PDF; Stripe's invoice gets the
// signature's metadata; the merchant sees it; /verify recognises the PDF
// and nothing else.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import prisma, { configureDatabase } from "~/db.server";
import { canonicalJson, documentHash, type SignatureDocument } from "~/domain/signature-document";
import { loader as adminPdfLoader } from "~/routes/app.runs.$id.signed-pdf";
import { action as signAction, loader as signLoader } from "~/routes/sign.$token";
import { loader as pdfLoader } from "~/routes/sign.$token.pdf";
import { action as verifyAction } from "~/routes/verify";
import { sealIdentity } from "~/services/documents/seal-identity.server";
import type { SigningPage, VerifyResult } from "~/domain/signing";
import { signatureForRun } from "~/services/signing/signature-for-run.server";
import { signatureStatuses } from "~/services/signing/signature-statuses.server";
import { DEMO_SHOP_DOMAIN, OTHER_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import type { StripeStandIn } from "../../sandbox/stripe/server";
import { createShop, PERIOD_TOTAL } from "../helpers/recurring";
import { callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";
import { APP_URL, BROWSER, callPublic, issuedRunToSign, pdfText, signFields, submitRequest, viewRequest } from "../helpers/signing";
import { MERCHANT, OTHER_MERCHANT, startStripe } from "../helpers/stripe";

let standIn: StripeStandIn;
let shopify: ShopifyStandIn;
let unroute: () => void;

beforeAll(async () => {
  await configureDatabase(prisma);
  standIn = await startStripe();
  // The merchant's admin route authenticates for real: token exchange against the Shopify stand-in.
  shopify = await startShopifyStandIn();
  unroute = routeShopifyAdminTo(shopify.url);
});
afterAll(async () => {
  unroute();
  await shopify.close();
  await standIn.close();
});
beforeEach(async () => {
  await prisma.shop.deleteMany();
  await prisma.stripeTaxRate.deleteMany();
  standIn.control.reset();
  standIn.control.configureWebhooks({ paused: true });
});

type Loaded = { locale: string; token: string; page: SigningPage };

async function view(token: string, acceptLanguage?: string) {
  return callPublic<Loaded>(signLoader, viewRequest(token, acceptLanguage), { token });
}

async function signPage(token: string) {
  const { status, body } = await view(token);
  if (status !== 200 || body.page.kind !== "sign") throw new Error(`expected the sign form, got ${status} ${JSON.stringify(body)}`);
  return body.page;
}

function verifyUpload(bytes: Uint8Array) {
  const form = new FormData();
  form.set("file", new File([Buffer.from(bytes)], "facture-signee.pdf", { type: "application/pdf" }));
  return callPublic<{ result: VerifyResult }>(verifyAction, new Request(`${APP_URL}/verify`, { method: "POST", body: form }));
}

function verifyHash(hash: string) {
  return callPublic<{ result?: VerifyResult; error?: string }>(
    verifyAction,
    new Request(`${APP_URL}/verify`, { method: "POST", body: new URLSearchParams({ hash }) }),
  );
}

describe("signing an invoice, end to end", () => {
  it("prints the link on the Stripe invoice, shows the invoice as Stripe has it, signs once, stamps Stripe and delivers a verifiable PDF", async () => {
    const { shop, run, token, signingUrl } = await issuedRunToSign(standIn, { shop: await createShop({ domain: DEMO_SHOP_DOMAIN, billingAccountId: MERCHANT }) });
    expect(signingUrl).toBe(`${APP_URL}/sign/${token}`);
    // Only the token's hash is stored.
    const link = await prisma.signingLink.findFirstOrThrow({ where: { runId: run.id } });
    expect(link.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(link)).not.toContain(token);

    // The customer opens the link (French browser).
    const viewed = await view(token);
    expect(viewed.status).toBe(200);
    expect(viewed.headers.get("cache-control")).toBe("no-store");
    expect(viewed.headers.get("referrer-policy")).toBe("same-origin");
    expect(viewed.body.locale).toBe("fr");
    const page = viewed.body.page;
    if (page.kind !== "sign") throw new Error(page.kind);
    const invoice = standIn.control.ledger(MERCHANT).find((candidate) => candidate.id === run.invoiceId)!;
    expect(page.document).toMatchObject({
      merchant: { name: "Atelier Dupont" },
      invoice: { id: run.invoiceId, number: invoice.number, currency: "EUR" },
      customer: { name: "Claire Martin", email: "claire.martin@example.fr" },
      totals: { total: PERIOD_TOTAL, subtotal: PERIOD_TOTAL, discount: 0 },
    });
    expect(page.document.lines.map((line) => [line.description, line.quantity, line.amount])).toEqual([
      ["Café en grains — 1 kg (SKU CAFE-1K)", 2, 4980],
      ["Colissimo", 1, 490],
    ]);
    expect(page.document.totals.taxes).toEqual([{ name: "TVA", ratePercent: "20", inclusive: true, amount: 912 }]);
    expect(page.documentHash).toBe(await documentHash(page.document));
    expect(page.payUrl).toBe(invoice.hosted_invoice_url);
    expect((await prisma.signingLink.findUniqueOrThrow({ where: { id: link.id } })).viewedAt).not.toBeNull();

    // The customer signs.
    const signed = await callPublic(signAction, submitRequest(token, signFields(page)), { token });
    expect(signed.status).toBe(303);
    expect(signed.response?.headers.get("location")).toBe(`/sign/${token}?lang=fr`);

    const signature = await prisma.signature.findUniqueOrThrow({ where: { runId: run.id } });
    expect(signature).toMatchObject({
      shopId: shop.id,
      invoiceId: run.invoiceId,
      invoiceNumber: invoice.number,
      merchantName: "Atelier Dupont",
      signerName: "Claire Martin",
      signerEmail: "claire.martin@example.fr",
      ipAddress: "203.0.113.7",
      userAgent: BROWSER,
      locale: "fr",
      consentVersion: "v1",
      documentHash: page.documentHash,
      viewedAt: new Date(Number(page.nonce.split(".")[0])),
      redactedAt: null,
    });
    expect(signature.id).toMatch(/^sig_[A-Za-z0-9_-]{16}$/);
    expect(canonicalJson(JSON.parse(signature.document!) as SignatureDocument)).toBe(canonicalJson(page.document));
    expect(createHash("sha256").update(signature.signedPdf!).digest("hex")).toBe(signature.signedPdfSha256);
    expect(Buffer.from(signature.image!).subarray(1, 4).toString()).toBe("PNG");
    expect(signature.signedAt.getTime()).toBeGreaterThanOrEqual(signature.viewedAt.getTime());

    // Appended to the run's audit trail, without personal data.
    const events = await prisma.runEvent.findMany({ where: { runId: run.id, type: "run.signed" } });
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.detail!)).toMatchObject({ signatureId: signature.id, documentHash: page.documentHash, pdfSha256: signature.signedPdfSha256 });
    expect(events[0]!.detail).not.toContain("Claire");

    // Stripe's invoice carries the signature.
    const stamped = standIn.control.ledger(MERCHANT).find((candidate) => candidate.id === run.invoiceId)!;
    expect(stamped.metadata).toMatchObject({ run_id: run.id, signature_id: signature.id, signed_at: signature.signedAt.toISOString().replace(/\.\d{3}Z$/, "Z") });
    expect(signature.metadataSyncedAt).not.toBeNull();

    // Back on the page (after the redirect): the signed state and the PDF.
    const after = await view(token);
    expect(after.body.page).toMatchObject({
      kind: "signed",
      signature: { id: signature.id, signerName: "Claire Martin", hasPdf: true, signedAt: signature.signedAt.toISOString() },
      payUrl: invoice.hosted_invoice_url,
    });
    const download = await callPublic(pdfLoader, new Request(`${APP_URL}/sign/${token}/pdf`), { token });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="invoice-${invoice.number}-signed.pdf"`);
    const pdfBytes = new Uint8Array(await download.response!.arrayBuffer());
    expect(Buffer.from(pdfBytes).equals(Buffer.from(signature.signedPdf!))).toBe(true);

    // The PDF parses back: the invoice, then the French certificate with the hash, id and IP.
    const pdf = await PDFDocument.load(pdfBytes);
    expect(pdf.getPageCount()).toBe(2);
    const [first = "", certificate = ""] = await pdfText(pdfBytes);
    expect(first).toContain(`Facture ${invoice.number}`);
    expect(first).toContain("Signée électroniquement par Claire Martin");
    expect(certificate).toContain("Certificat de signature électronique");
    expect(certificate).toContain(page.documentHash);
    expect(certificate).toContain(signature.id);
    expect(certificate).toContain("203.0.113.7");
    expect(certificate).toContain("Journal d'audit");
    expect(certificate).toContain("Facture envoyée");

    // /verify: the PDF as downloaded is verified; one altered byte is not.
    const verified = await verifyUpload(pdfBytes);
    expect(verified.body.result).toEqual({
      kind: "verified",
      match: "pdf",
      sha256: signature.signedPdfSha256,
      signatureId: signature.id,
      invoiceNumber: invoice.number,
      merchantName: "Atelier Dupont",
      signedAt: signature.signedAt.toISOString(),
      // Sealed by Ritournelle's certificate at signing (/M holds whole seconds).
      seal: { status: "valid", signer: (await sealIdentity()).signerName, ours: true, sealedAt: new Date(Math.floor(signature.signedAt.getTime() / 1000) * 1000).toISOString() },
    });
    const altered = Buffer.from(pdfBytes);
    const middle = Math.floor(altered.length / 2);
    altered.writeUInt8(altered.readUInt8(middle) ^ 0x01, middle);
    expect((await verifyUpload(altered)).body.result).toMatchObject({ kind: "not_verified", sha256: createHash("sha256").update(altered).digest("hex"), seal: { status: "altered" } });
    expect((await verifyHash(signature.signedPdfSha256.toUpperCase())).body.result).toMatchObject({ kind: "verified", match: "pdf" });
    expect((await verifyHash(page.documentHash)).body.result).toMatchObject({ kind: "verified", match: "document", signatureId: signature.id });
    expect(await verifyHash("abc")).toMatchObject({ status: 400, body: { error: "hash" } });
    expect(await callPublic(verifyAction, new Request(`${APP_URL}/verify`, { method: "POST", body: new URLSearchParams() }))).toMatchObject({
      status: 400,
      body: { error: "empty" },
    });

    // The merchant's side: status, image, audit trail; the PDF through the admin route.
    expect(await signatureStatuses(shop.id, [run.id, "run_unknown"])).toEqual({ [run.id]: "signed", run_unknown: "none" });
    const merchant = await signatureForRun(shop.id, run.id);
    expect(merchant).toMatchObject({
      status: "signed",
      id: signature.id,
      signerName: "Claire Martin",
      ipAddress: "203.0.113.7",
      hasPdf: true,
      stripeStamped: true,
      redacted: false,
      documentHash: page.documentHash,
    });
    expect(merchant?.status === "signed" && merchant.imageDataUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(merchant?.status === "signed" && merchant.trail.map((event) => event.type)).toContain("run.signed");
    const adminPdf = await callRoute(adminPdfLoader, adminFetchRequest(`/app/runs/${run.id}/signed-pdf`, mintSessionToken(shop.domain)), { id: run.id });
    expect(adminPdf instanceof Response && adminPdf.status).toBe(200);
    expect(Buffer.from(await (adminPdf as Response).arrayBuffer()).equals(Buffer.from(pdfBytes))).toBe(true);
  });

  it("signs once when the same form is submitted twice, one after the other or at the same instant", async () => {
    const { run, token } = await issuedRunToSign(standIn);
    const page = await signPage(token);
    const [first, second] = await Promise.all([
      callPublic(signAction, submitRequest(token, signFields(page)), { token }),
      callPublic(signAction, submitRequest(token, signFields(page, { name: "Claire M." })), { token }),
    ]);
    const replay = await callPublic(signAction, submitRequest(token, signFields(page)), { token });
    for (const answer of [first, second, replay]) expect(answer.status).toBe(303);
    expect(await prisma.signature.count({ where: { runId: run.id } })).toBe(1);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.signed" } })).toBe(1);
    const stamps = standIn.control.requests({ account: MERCHANT, method: "POST", path: `/v1/invoices/${run.invoiceId}` }).filter((entry) => entry.path === `/v1/invoices/${run.invoiceId}`);
    expect(stamps).toHaveLength(1);
    expect((await view(token)).body.page.kind).toBe("signed");
  });

  it("keeps tenants apart: another shop's merchant cannot see or download the signature", async () => {
    const { shop, run, token } = await issuedRunToSign(standIn, { shop: await createShop({ domain: DEMO_SHOP_DOMAIN, billingAccountId: MERCHANT }) });
    await callPublic(signAction, submitRequest(token, signFields(await signPage(token))), { token });
    const other = await createShop({ domain: OTHER_SHOP_DOMAIN, billingAccountId: OTHER_MERCHANT });
    expect(await signatureForRun(other.id, run.id)).toBeNull();
    expect(await signatureStatuses(other.id, [run.id])).toEqual({ [run.id]: "none" });
    const denied = await callRoute(adminPdfLoader, adminFetchRequest(`/app/runs/${run.id}/signed-pdf`, mintSessionToken(other.domain)), { id: run.id });
    expect(denied instanceof Response && denied.status).toBe(404);
    const own = await callRoute(adminPdfLoader, adminFetchRequest(`/app/runs/${run.id}/signed-pdf`, mintSessionToken(shop.domain)), { id: run.id });
    expect(own instanceof Response && own.status).toBe(200);
  });

  it("shows the merchant an awaiting signature until the customer signs", async () => {
    const { shop, run, token } = await issuedRunToSign(standIn);
    expect(await signatureStatuses(shop.id, [run.id])).toEqual({ [run.id]: "awaiting" });
    expect(await signatureForRun(shop.id, run.id)).toMatchObject({ status: "awaiting", firstOpenedAt: null });
    await view(token);
    expect(await signatureForRun(shop.id, run.id)).toMatchObject({ status: "awaiting", firstOpenedAt: expect.any(String) });
  });

  it("shows every line of a long invoice, past the 10 Stripe returns with it, with discounts", async () => {
    const lines = Array.from({ length: 12 }, (_, i) => ({
      title: `Séance ${i + 1}`,
      quantity: 1,
      unitAmount: 1000 + i,
      discountAmount: i === 0 ? 100 : 0,
      taxLines: [{ title: "TVA", ratePercent: "20" }],
    }));
    const { run, token } = await issuedRunToSign(standIn, { lines });
    const page = await signPage(token);
    expect(page.document.lines.map((line) => [line.description, line.unitAmount, line.discount])).toEqual([
      ...lines.map((line, i) => [line.title, line.unitAmount, i === 0 ? 100 : 0]),
      ["Colissimo", 490, 0],
    ]);
    expect(page.document.totals).toMatchObject({ discount: 100, total: run.expectedTotal });
    expect((await callPublic(signAction, submitRequest(token, signFields(page)), { token })).status).toBe(303);
  });

  it("shows the page in English when asked, with the same document and hash", async () => {
    const { token } = await issuedRunToSign(standIn);
    const french = await signPage(token);
    const english = await callPublic<Loaded>(signLoader, viewRequest(token, "fr-FR", "?lang=en"), { token });
    expect(english.body.locale).toBe("en");
    expect(english.body.page).toMatchObject({ kind: "sign", documentHash: french.documentHash });
  });
});
