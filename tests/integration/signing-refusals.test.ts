// What the signing routes refuse, and how: bad drawings, malformed images,
// oversized bodies, missing name or consent, forged or foreign forms, unknown
// and expired links (one indistinguishable 404), voided or changed invoices,
// Stripe being down, and too many attempts. Nothing is signed in any case.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as signAction, loader as signLoader } from "~/routes/sign.$token";
import { loader as pdfLoader } from "~/routes/sign.$token.pdf";
import { action as verifyAction } from "~/routes/verify";
import type { SigningPage } from "~/domain/signing";
import { createSigningLink } from "~/services/signing/create-signing-link.server";
import { hashToken } from "~/services/signing/signing-token.server";
import { stampPendingSignatures } from "~/services/signing/stamp-pending-signatures.server";
import { issueViewNonce } from "~/services/signing/view-nonce.server";
import {
  APP_URL,
  SINGLE_DOT,
  callPublic,
  dataUrl,
  issuedRunToSign,
  png,
  signFields,
  submitRequest,
  viewRequest,
} from "../helpers/signing";
import { MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();

type Loaded = { locale: string; page: SigningPage };
type Submitted = { outcome: { kind: string; reason?: string; errors?: Record<string, unknown> } };

/** Each test signs from its own address: the per-IP buckets of one test never starve another. */
let addressCount = 0;
const nextAddress = () => `198.51.100.${++addressCount}`;

async function openForm(token: string, ip = nextAddress()) {
  const { body } = await callPublic<Loaded>(signLoader, viewRequest(token), { token }, ip);
  if (body.page.kind !== "sign") throw new Error(`expected the sign form, got ${body.page.kind}`);
  return body.page;
}

function submit(token: string, fields: Record<string, string>, headers: Record<string, string> = {}, ip = nextAddress()) {
  return callPublic<Submitted>(signAction, submitRequest(token, fields, headers), { token }, ip);
}

async function signatures() {
  return prisma.signature.count();
}

describe("refused drawings, images and fields", () => {
  it.each([
    ["an empty pad", { strokes: "[]", image: "" }, { signature: "empty" }],
    ["a single dot", { strokes: JSON.stringify(SINGLE_DOT) }, { signature: "too_short" }],
    ["strokes that are not JSON", { strokes: "[[1,2" }, { signature: "malformed" }],
    ["a malformed data URL", { image: "data:image/png;base64,@@not-base64@@" }, { image: "malformed" }],
    ["an image that is not a PNG", { image: `data:image/png;base64,${Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>").toString("base64")}` }, { image: "not_png" }],
    ["no name", { name: " " }, { name: true }],
    ["no consent", { consent: null }, { consent: true }],
    ["nothing at all", { strokes: null, image: null, name: null, consent: null }, { signature: "empty", name: true, consent: true }],
  ] as const)("refuses %s with a 400 naming the field", async (_label, overrides, errors) => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    const answer = await submit(token, signFields(page, overrides));
    expect(answer.status).toBe(400);
    expect(answer.body.outcome).toEqual({ kind: "invalid", errors });
    expect(await signatures()).toBe(0);
  });

  it("refuses a PNG whose pixels do not decode, as a malformed image", async () => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const good = png(300, 120, (x, y) => y === 60);
    const truncated = Buffer.concat([good.subarray(0, 41), Buffer.from([0, 0, 0, 0]), good.subarray(good.length - 12)]);
    const answer = await submit(token, signFields(await openForm(token), { image: dataUrl(truncated) }));
    expect(answer).toMatchObject({ status: 400, body: { outcome: { kind: "invalid", errors: { image: "malformed" } } } });
    expect(await signatures()).toBe(0);
  });

  it("answers 413 to a body over the limit, without signing", async () => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    const answer = await submit(token, signFields(page, { image: `data:image/png;base64,${"A".repeat(800_000)}` }));
    expect(answer).toMatchObject({ status: 413, body: { outcome: { kind: "too_large" } } });
    expect(await signatures()).toBe(0);
  });
});

describe("refused forms", () => {
  const hour = 3_600_000;
  it.each([
    ["a post from another site", () => ({}), { origin: "https://evil.example" }],
    ["a post without Origin or Referer", () => ({}), { origin: "" }],
    ["a forged nonce", () => ({ nonce: `${Date.now()}.${"A".repeat(43)}` }), {}],
    ["a genuine nonce older than the form's lifetime", (token: string) => ({ nonce: issueViewNonce(hashToken(token), new Date(Date.now() - 13 * hour)) }), {}],
    ["a genuine nonce from the future", (token: string) => ({ nonce: issueViewNonce(hashToken(token), new Date(Date.now() + hour)) }), {}],
    ["a consent text version the server does not show", () => ({ consentVersion: "v0" }), {}],
    ["no document hash", () => ({ documentHash: null }), {}],
  ] as const)("refuses %s as a stale form (403)", async (_label, overrides, headers) => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    const origin: string | undefined = (headers as { origin?: string }).origin;
    const request = submitRequest(token, signFields(page, overrides(token)), origin === undefined ? {} : { origin });
    if (origin === "") request.headers.delete("origin");
    const answer = await callPublic<Submitted>(signAction, request, { token }, nextAddress());
    expect(answer).toMatchObject({ status: 403, body: { outcome: { kind: "refused", reason: "stale_form" } } });
    expect(await signatures()).toBe(0);
  });

  it("accepts a genuine nonce shown an hour ago (the form's lifetime is longer)", async () => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    const answer = await submit(token, signFields(page, { nonce: issueViewNonce(hashToken(token), new Date(Date.now() - 3_600_000)) }));
    expect(answer.status).toBe(303);
  });

  it("refuses the nonce of another link's page", async () => {
    const first = await issuedRunToSign(stripeStandIn());
    const second = await issuedRunToSign(stripeStandIn());
    const otherPage = await openForm(second.token);
    const page = await openForm(first.token);
    const answer = await submit(first.token, signFields(page, { nonce: otherPage.nonce }));
    expect(answer.body.outcome).toEqual({ kind: "refused", reason: "stale_form" });
  });
});

describe("links that do not lead anywhere", () => {
  it("answers unknown, malformed and expired tokens with the same 404, on every route", async () => {
    const expired = await issuedRunToSign(stripeStandIn());
    await prisma.signingLink.updateMany({ where: { runId: expired.run.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const { token } = await issuedRunToSign(stripeStandIn());
    const candidates = ["A".repeat(43), "short", `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`, expired.token];
    const answers = [];
    for (const candidate of candidates) {
      for (const [fn, request] of [
        [signLoader, viewRequest(candidate)],
        [signAction, submitRequest(candidate, { name: "x" })],
        [pdfLoader, new Request(`${APP_URL}/sign/${candidate}/pdf`, { headers: { "accept-language": "fr" } })],
      ] as const) {
        const answer = await callPublic(fn, request, { token: candidate }, nextAddress());
        answers.push({ status: answer.status, body: await answer.response?.text(), type: answer.headers.get("content-type") });
      }
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(
      new Set([JSON.stringify({ status: 404, body: '{"locale":"fr","reason":"not_found"}', type: "application/json; charset=utf-8" })]),
    );
    // The live link still works.
    expect((await callPublic<Loaded>(signLoader, viewRequest(token), { token }, nextAddress())).body.page.kind).toBe("sign");
  });

  it("issues one link per run: asking again gives the same URL (a retried draft sends Stripe the same link)", async () => {
    const { run, signingUrl } = await issuedRunToSign(stripeStandIn());
    expect((await createSigningLink(run.id)).url).toBe(signingUrl);
    expect(await prisma.signingLink.count({ where: { runId: run.id } })).toBe(1);
    // Once the link has expired, a new one is issued.
    await prisma.signingLink.updateMany({ where: { runId: run.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const renewed = await createSigningLink(run.id, { lifetimeDays: 30 });
    expect(renewed.url).not.toBe(signingUrl);
    expect(renewed.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it("has no PDF before the invoice is signed (same 404)", async () => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const answer = await callPublic(pdfLoader, new Request(`${APP_URL}/sign/${token}/pdf`), { token }, nextAddress());
    expect(answer.status).toBe(404);
  });
});

describe("invoices that can no longer be signed as shown", () => {
  it("refuses a voided invoice clearly, on the page and at submit", async () => {
    const { run, token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    await testClient(stripeStandIn()).call(MERCHANT, (sdk, options) => sdk.invoices.voidInvoice(run.invoiceId, {}, options));
    const answer = await submit(token, signFields(page));
    expect(answer).toMatchObject({ status: 409, body: { outcome: { kind: "refused", reason: "void" } } });
    expect((await callPublic<Loaded>(signLoader, viewRequest(token), { token }, nextAddress())).body.page).toEqual({ kind: "refused", reason: "void" });
    expect(await signatures()).toBe(0);
  });

  it("refuses when the invoice differs from the one the page showed", async () => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    const answer = await submit(token, signFields(page, { documentHash: "0".repeat(64) }));
    expect(answer).toMatchObject({ status: 409, body: { outcome: { kind: "refused", reason: "changed" } } });
    expect(await signatures()).toBe(0);
  });

  it("refuses with 503 while Stripe is down, then signs once it is back", async () => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    stripeStandIn().control.setFaults(MERCHANT, { serverErrorRatio: 1 });
    const down = await submit(token, signFields(page));
    expect(down).toMatchObject({ status: 503, body: { outcome: { kind: "refused", reason: "unavailable" } } });
    stripeStandIn().control.clearFaults(MERCHANT);
    expect((await submit(token, signFields(page))).status).toBe(303);
    expect(await signatures()).toBe(1);
  });

  it("keeps the signature when stamping Stripe's metadata fails, and stamps it later", async () => {
    const { run, token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    // Every update of the invoice fails (retries included); reads still work.
    stripeStandIn().control.setFaults(MERCHANT, { failNext: { count: 50, method: "POST", path: `/v1/invoices/${run.invoiceId}` } });
    expect((await submit(token, signFields(page))).status).toBe(303);
    const signature = await prisma.signature.findUniqueOrThrow({ where: { runId: run.id } });
    expect(signature.metadataSyncedAt).toBeNull();
    expect(stripeStandIn().control.ledger(MERCHANT).find((invoice) => invoice.id === run.invoiceId)?.metadata?.signature_id).toBeUndefined();

    stripeStandIn().control.clearFaults(MERCHANT);
    expect(await stampPendingSignatures(10)).toBe(1);
    expect(stripeStandIn().control.ledger(MERCHANT).find((invoice) => invoice.id === run.invoiceId)?.metadata?.signature_id).toBe(signature.id);
    expect(await stampPendingSignatures(10)).toBe(0);
  });
});

describe("rate limits", () => {
  it("stops a burst of submits on one link with 429 and Retry-After", async () => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const page = await openForm(token);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let attempt = 0; attempt < 8; attempt++) {
      const answer = await submit(token, signFields(page, { consent: null }), {}, nextAddress());
      statuses.push(answer.status);
      retryAfter ??= answer.headers.get("retry-after");
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(await signatures()).toBe(0);
  });

  it("stops one address trying many links (60 at once, then about one a second)", async () => {
    const { token } = await issuedRunToSign(stripeStandIn());
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 65; attempt++) {
      const guess = `${token.slice(0, 40)}${String(attempt).padStart(3, "x")}`;
      statuses.push((await callPublic(signLoader, viewRequest(guess), { token: guess }, "192.0.2.200")).status);
    }
    expect(statuses.slice(0, 60)).toEqual(Array(60).fill(404));
    // Refill is one a second: of the next five, at most one gets through while they take under a second.
    expect(statuses.slice(60).filter((status) => status === 429).length).toBeGreaterThanOrEqual(4);
  });
});

describe("/verify", () => {
  it("answers 413 to an upload over 10 MB, without reading it all", async () => {
    const form = new FormData();
    form.set("file", new File([new Uint8Array(10 * 1024 * 1024 + 1)], "big.pdf", { type: "application/pdf" }));
    const answer = await callPublic(verifyAction, new Request(`${APP_URL}/verify`, { method: "POST", body: form }), {}, nextAddress());
    expect(answer).toMatchObject({ status: 413, body: { error: "too_large" } });
  });
});
