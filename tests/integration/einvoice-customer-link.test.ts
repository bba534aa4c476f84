// The customer gets the e-invoice from the signing page: a run that has a
// Factur-X shows the link and /sign/<token>/facturx answers the PDF; a run
// without one shows no link, and its URL is the same 404 as a bad token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { configureDatabase } from "~/db.server";
import { buildEInvoice } from "~/domain/einvoice";
import { insertEInvoiceDocument } from "~/models/einvoice.server";
import { loader as signLoader } from "~/routes/sign.$token";
import { loader as facturxLoader } from "~/routes/sign.$token.facturx";
import { facturXPdf } from "~/services/documents/facturx-kit.server";
import { SCENARIOS } from "../../sandbox/demo/facturx-scenarios";
import type { StripeStandIn } from "../../sandbox/stripe/server";
import { callPublic, issuedRunToSign, viewRequest } from "../helpers/signing";
import { startStripe } from "../helpers/stripe";

let standIn: StripeStandIn;

beforeAll(async () => {
  await configureDatabase(prisma);
  standIn = await startStripe();
});
afterAll(async () => {
  await standIn.close();
});

const facturxRequest = (token: string) => new Request(`https://ritournelle.test/sign/${token}/facturx`, { headers: { "accept-language": "fr-FR" } });

describe("the customer's e-invoice link", () => {
  it("appears on the signing page once the run has a Factur-X, and serves it", async () => {
    const { run, token } = await issuedRunToSign(standIn);
    expect((await callPublic<{ einvoice: boolean }>(signLoader, viewRequest(token), { token })).body.einvoice).toBe(false);
    expect((await callPublic(facturxLoader, facturxRequest(token), { token })).status).toBe(404);

    const { pdf, xml } = await facturXPdf(buildEInvoice(SCENARIOS[0]!.input));
    await insertEInvoiceDocument({ shopId: run.shopId, runId: run.id, kind: "invoice", number: run.invoiceNumber!, issueDate: "2026-12-01", total: run.expectedTotal, pdf, xml });

    expect((await callPublic<{ einvoice: boolean }>(signLoader, viewRequest(token), { token })).body.einvoice).toBe(true);
    const answer = await callPublic(facturxLoader, facturxRequest(token), { token });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await answer.response!.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);

    const forged = "A".repeat(43);
    expect((await callPublic(facturxLoader, facturxRequest(forged), { token: forged })).status).toBe(404);
  }, 60_000);
});
