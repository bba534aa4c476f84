// Signatures and Shopify's compliance webhooks, through the real webhook
// routes: customers/data_request reports the signature; customers/redact
// erases its personal data but keeps the proof's skeleton (so a PDF the
// merchant already holds still verifies); shop/redact erases everything.
import { createHash } from "node:crypto";
import type { Shop } from "@prisma/client";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as shopRedact } from "~/routes/webhooks.shop.redact";
import { action as signAction, loader as signLoader } from "~/routes/sign.$token";
import type { SigningPage } from "~/domain/signing";
import { signatureForRun } from "~/services/signing/signature-for-run.server";
import { verifyDocument } from "~/services/signing/verify-document.server";
import { callRoute } from "../helpers/remix";
import { webhookRequest } from "../helpers/shopify";
import { callPublic, issuedRunToSign, signFields, submitRequest, viewRequest } from "../helpers/signing";
import { withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

/** A customer of issuedRunToSign (Claire unless told) signs their invoice; returns the run, token and signed PDF. */
async function signedBy(name: string, shop?: Shop, customer?: { name: string; email: string }) {
  const issued = await issuedRunToSign(stripeStandIn(), { shop, customer });
  const { body } = await callPublic<{ page: SigningPage }>(signLoader, viewRequest(issued.token), { token: issued.token });
  if (body.page.kind !== "sign") throw new Error(body.page.kind);
  await callPublic(signAction, submitRequest(issued.token, signFields(body.page, { name })), { token: issued.token });
  const signature = await prisma.signature.findUniqueOrThrow({ where: { runId: issued.run.id } });
  return { ...issued, signature, pdf: signature.signedPdf! };
}

async function customerOf(templateId: string) {
  const template = await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } });
  return { id: Number(template.shopifyCustomerId!.split("/").pop()), email: template.customerEmail! };
}

describe("customers/data_request", () => {
  it("reports the customer's signatures with everything recorded about them", async () => {
    const { shop, template, signature } = await signedBy("Claire Martin");
    const customer = await customerOf(template.id);
    await callRoute(dataRequest, webhookRequest("customers/data_request", shop.domain, { shop_domain: shop.domain, customer, orders_requested: [] }));
    const report = JSON.parse((await prisma.customerDataRequest.findFirstOrThrow({ where: { shopId: shop.id } })).report);
    expect(report.data.signatures).toEqual([
      {
        signatureId: signature.id,
        invoiceNumber: signature.invoiceNumber,
        signedAt: signature.signedAt.toISOString(),
        viewedAt: signature.viewedAt.toISOString(),
        signerName: "Claire Martin",
        signerEmail: "claire.martin@example.fr",
        ipAddress: "203.0.113.7",
        userAgent: signature.userAgent,
        consentVersion: "v1",
        locale: "fr",
        documentHash: signature.documentHash,
        signedPdfSha256: signature.signedPdfSha256,
      },
    ]);
  });
});

describe("customers/redact", () => {
  it("erases the signer's name, email, IP, user agent, image, document and PDF; keeps ids, times, consent and hashes", async () => {
    const claire = await signedBy("Claire Martin");
    const bob = await signedBy("Bob Durand", claire.shop, { name: "Bob Durand", email: "bob@example.fr" });
    const customer = await customerOf(claire.template.id);

    const response = await callRoute(
      customersRedact,
      webhookRequest("customers/redact", claire.shop.domain, { shop_domain: claire.shop.domain, customer, orders_to_redact: [] }),
    );
    expect(response instanceof Response && response.status).toBe(200);

    const erased = await prisma.signature.findUniqueOrThrow({ where: { id: claire.signature.id } });
    expect(erased).toMatchObject({
      signerName: null,
      signerEmail: null,
      ipAddress: null,
      userAgent: null,
      image: null,
      document: null,
      signedPdf: null,
      id: claire.signature.id,
      runId: claire.run.id,
      invoiceNumber: claire.signature.invoiceNumber,
      merchantName: "Atelier Dupont",
      consentVersion: "v1",
      locale: "fr",
      documentHash: claire.signature.documentHash,
      signedPdfSha256: claire.signature.signedPdfSha256,
      signedAt: claire.signature.signedAt,
      viewedAt: claire.signature.viewedAt,
    });
    expect(erased.redactedAt).not.toBeNull();
    expect(JSON.stringify(erased)).not.toMatch(/Claire|claire\.martin|203\.0\.113|iPhone/);
    // The run's audit trail never held any of it.
    expect(JSON.stringify(await prisma.runEvent.findMany({ where: { runId: claire.run.id } }))).not.toMatch(/Claire Martin|claire\.martin|203\.0\.113/);

    // The PDF the merchant downloaded before still verifies; the link is closed.
    expect(await verifyDocument({ file: claire.pdf })).toMatchObject({ kind: "verified", match: "pdf", signatureId: claire.signature.id });
    expect((await callPublic(signLoader, viewRequest(claire.token), { token: claire.token })).status).toBe(404);
    expect(await signatureForRun(claire.shop.id, claire.run.id)).toMatchObject({ status: "signed", redacted: true, signerName: null, imageDataUrl: null, hasPdf: false });

    // Another customer's signature is untouched.
    expect(await prisma.signature.findUniqueOrThrow({ where: { id: bob.signature.id } })).toMatchObject({ signerName: "Bob Durand", redactedAt: null });
    expect((await callPublic<{ page: SigningPage }>(signLoader, viewRequest(bob.token), { token: bob.token })).body.page.kind).toBe("signed");
  });

  it("closes the customer's links not yet signed", async () => {
    const { shop, template, token } = await issuedRunToSign(stripeStandIn());
    const customer = await customerOf(template.id);
    await callRoute(customersRedact, webhookRequest("customers/redact", shop.domain, { shop_domain: shop.domain, customer, orders_to_redact: [] }));
    expect((await callPublic(signLoader, viewRequest(token), { token })).status).toBe(404);
  });
});

describe("shop/redact", () => {
  it("deletes the shop's signatures and links: nothing verifies any more", async () => {
    const { shop, pdf, signature } = await signedBy("Claire Martin");
    await callRoute(shopRedact, webhookRequest("shop/redact", shop.domain, { shop_id: 1, shop_domain: shop.domain }));
    expect(await prisma.signature.count()).toBe(0);
    expect(await prisma.signingLink.count()).toBe(0);
    // The fingerprint is forgotten; the seal, being in the file, still verifies.
    expect(await verifyDocument({ file: pdf })).toEqual({ kind: "not_verified", sha256: createHash("sha256").update(pdf).digest("hex"), seal: expect.objectContaining({ status: "valid", ours: true }) });
    expect(signature.signedPdfSha256).toBe(createHash("sha256").update(pdf).digest("hex"));
  });
});
