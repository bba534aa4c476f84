// Keys mean what they say (ARCHITECTURE.md, invariant 3), through the worker
// and the real SDK against the Stripe stand-in, proved from the stand-in's
// request log: a retry repeats its key; the same key with other parameters
// fails the run instead of trying another key; the customer is e-mailed
// again only when Stripe shows the first send did not go out, and when
// Stripe cannot tell, the merchant is told and offered "Send again".
import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { idempotencyKey, type BillingGateway, type BillingStep, type InvoiceRequest, type IssuedInvoice, type StepContext } from "~/domain/billing";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { StripeClient, type CallOptions } from "~/gateways/stripe/client.server";
import { translator } from "~/i18n";
import { explainRunFailure } from "~/i18n/run-errors";
import { action as pageAction, loader as pageLoader } from "~/routes/app.templates.$id";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import { processStripeEvent } from "~/services/stripe-webhooks/dispatch.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker, type WorkerOptions } from "~/worker/worker";
import { createShop, drain, templateInput } from "../helpers/recurring";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken, storeOfflineSession } from "../helpers/shopify";
import { DEFAULT_SECRET_KEY } from "../../sandbox/stripe/server";
import { invoiceRequest, MemoryStripeStores, MERCHANT, testClient, withStripeStandIn } from "../helpers/stripe";

const stripeStandIn = withStripeStandIn();
const SHOP = "atelier-dupont.myshopify.com";

beforeAll(async () => {
  await storeOfflineSession(SHOP); // the template page's actions reach Stripe for an installed shop
});

function stripeGateway(options: Parameters<typeof testClient>[1] = {}) {
  return new StripeBillingAdapter(testClient(stripeStandIn(), options), stripeCustomerStore, stripeTaxRateStore);
}

function worker(gateway: BillingGateway, clock: ManualClock, options: Partial<WorkerOptions> = {}): Worker {
  return new Worker({ gateway, clock, random: () => 0.5, ...options });
}

/** A template (2 × 24.90 coffee + 4.90 shipping: two invoice lines) of a shop connected to MERCHANT, due now. */
async function dueTemplate() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = (await prisma.shop.findUnique({ where: { domain: SHOP } })) ?? (await createShop({ domain: SHOP, billingAccountId: MERCHANT }));
  const template = await createTemplate(shop, templateInput(), { clock });
  clock.set("2026-01-15T08:00:00Z");
  return { clock, shop, template };
}

/** Drains, then lets the pipeline's scheduled retries come due, until the template's run has left the pipeline. */
async function issueWithRetries(gateway: BillingGateway, clock: ManualClock, templateId: string, rounds = 12) {
  const each = worker(gateway, clock);
  for (let round = 0; round < rounds; round++) {
    await drain(each);
    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId } });
    if (run.state !== "planned" && run.state !== "issuing") return run;
    clock.set(run.nextAttemptAt!.toISOString());
  }
  throw new Error("the run is still being issued");
}

/** A due template issued while Stripe committed the send but lost its answer, and its events cannot be read: the run is sent, `send_unconfirmed`. */
async function issuedWithSendUnconfirmed() {
  const { clock, template } = await dueTemplate();
  stripeStandIn().control.setFaults(MERCHANT, {
    failNext: [
      { count: 1, method: "POST", path: "/v1/invoices/*/send", mode: "after_commit" },
      // The events, which would say, cannot be read.
      { count: 20, method: "GET", path: "/v1/events" },
    ],
  });
  await drain(worker(stripeGateway(), clock));
  stripeStandIn().control.clearFaults();
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  return { template, run };
}

function invoicesOfRun(runId: string) {
  return stripeStandIn().control.ledger(MERCHANT).filter((invoice) => invoice.metadata?.run_id === runId);
}

/** How many times Stripe e-mailed the invoice to the customer (the stand-in counts what live mode would send). */
function emailsSent(invoiceId: string): number {
  return stripeStandIn().control.emails({ account: MERCHANT, invoice: invoiceId }).length;
}

/** Every POST of the merchant's account that reached the stand-in (to `path` exactly), as [idempotency key, status] (null: the connection was dropped). */
function posts(path?: string) {
  return stripeStandIn()
    .control.requests({ account: MERCHANT, method: "POST" })
    .filter((entry) => path === undefined || entry.path === path)
    .map((entry) => [entry.idempotencyKey, entry.status] as const);
}

/**
 * What the merchant's account was asked after the invoice's last send request, the requests
 * the rate limit refused left out (the client repeats them as they were): each one's path, its
 * query decoded, and Stripe's answer.
 */
function readsAfterLastSend(invoiceId: string) {
  const log = stripeStandIn().control.requests({ account: MERCHANT });
  const lastSend = log.findLastIndex((entry) => entry.method === "POST" && entry.path === `/v1/invoices/${invoiceId}/send`);
  return log
    .slice(lastSend + 1)
    .filter((entry) => entry.fault !== "rate_limited")
    .map((entry) => ({ method: entry.method, path: entry.path, query: Object.fromEntries(new URLSearchParams(entry.query)), status: entry.status }));
}

/** When Stripe finalized the invoice (unix seconds), as its ledger says. */
function finalizedAt(invoiceId: string): number {
  const invoice = stripeStandIn().control.ledger(MERCHANT).find((candidate) => candidate.id === invoiceId);
  const at = invoice?.status_transitions?.finalized_at;
  if (typeof at !== "number") throw new Error(`invoice ${invoiceId} was not finalized`);
  return at;
}

/** The keys the pipeline derives for the run's steps (both invoice lines in one add_lines), and the tax rate's own. */
function isStepKey(runId: string, key: string | null): boolean {
  const steps = ["customer", "draft", "lines", "finalize", "send"].map((step) => `${runId}:${step}`);
  return key !== null && (steps.includes(key) || /^tax_rate:[0-9a-f]{64}$/.test(key));
}

describe("retries repeat their key", () => {
  it("after 429s, 5xx and dropped connections, at every step, in the SDK client and in the pipeline: one key per step, one invoice, one e-mail", async () => {
    const { clock, template } = await dueTemplate();
    stripeStandIn().control.setFaults(MERCHANT, {
      // Stripe allows far less than the client: bursts get 429s, some outlast the client's retries (the pipeline retries).
      rateLimit: { requestsPerSecond: 5, burst: 1 },
      // 5xx Stripe asks to retry (nothing was done): the client repeats at once.
      failNext: [
        { count: 1, method: "POST", path: "/v1/customers" },
        { count: 2, method: "POST", path: "/v1/invoices" },
        { count: 2, method: "POST", path: "/v1/invoices/*/add_lines" },
        { count: 1, method: "POST", path: "/v1/invoices/*/finalize" },
        { count: 1, method: "POST", path: "/v1/invoices/*/send" },
      ],
      // The send is committed, then the connection dropped twice (the SDK's own retry included): the pipeline repeats the key later.
      dropNext: { count: 2, method: "POST", path: "/v1/invoices/*/send" },
    });
    const run = await issueWithRetries(stripeGateway({ retry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 400 } }), clock, template.id);

    expect(run).toMatchObject({ state: "sent", lastErrorCode: null });
    expect(invoicesOfRun(run.id).map((invoice) => invoice.id)).toEqual([run.invoiceId]);
    expect(emailsSent(run.invoiceId!)).toBe(1);
    const log = posts();
    // The faults did happen…
    const statuses = new Set(log.map(([, status]) => status));
    for (const fault of [429, 500, null]) expect(statuses).toContain(fault);
    // …and every request carried its step's key: no other key was ever tried.
    expect(log.filter(([key]) => !isStepKey(run.id, key))).toEqual([]);
    // Each key that met a fault was repeated, as it was, until Stripe answered it…
    const sendKey = `${run.id}:send`;
    for (const key of new Set(log.map(([each]) => each))) {
      if (key === sendKey) continue;
      const answers = log.filter(([each]) => each === key).map(([, status]) => status);
      expect({ key, last: answers.at(-1) }).toEqual({ key, last: 200 });
    }
    // …except the send, whose connection was dropped after Stripe sent it (twice: the SDK's retry
    // included). The attempt that resumed the step did not repeat a key Stripe may have forgotten
    // (PROMISE §3): it read the invoice, then the account's invoice.sent events since the invoice was
    // finalized, which show it sent, and called Stripe no more.
    expect(log.filter(([key]) => key === sendKey).map(([, status]) => status).slice(-2)).toEqual([null, null]);
    // (An attempt whose events read met more 429s than the client retries ends there; the next one
    // reads the invoice again: on a loaded machine the pair may come twice, never anything else.)
    const invoiceRead = { method: "GET", path: `/v1/invoices/${run.invoiceId}`, query: {}, status: 200 };
    const eventsRead = { method: "GET", path: "/v1/events", query: { type: "invoice.sent", "created[gte]": String(finalizedAt(run.invoiceId!)), limit: "100" }, status: 200 };
    const reads = readsAfterLastSend(run.invoiceId!);
    expect(reads.slice(-2)).toEqual([invoiceRead, eventsRead]);
    expect(reads.filter((read) => !isDeepStrictEqual(read, invoiceRead) && !isDeepStrictEqual({ ...read, status: 200 }, eventsRead))).toEqual([]);
    const sentEvents = stripeStandIn()
      .control.events(MERCHANT)
      .filter((event) => event.type === "invoice.sent" && (event.data.object as { id: string }).id === run.invoiceId);
    expect(sentEvents.map((event) => event.created >= finalizedAt(run.invoiceId!))).toEqual([true]);
  });

  it("a 409 idempotency_key_in_use on the draft's creation, the attempt it belonged to having committed: the client repeats the key and gets that invoice", async () => {
    const { clock, template } = await dueTemplate();
    stripeStandIn().control.setFaults(MERCHANT, { keyInUseNext: { count: 1, method: "POST", path: "/v1/invoices", mode: "after_commit" } });
    await drain(worker(stripeGateway(), clock));

    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run.state).toBe("sent");
    expect(invoicesOfRun(run.id).map((invoice) => invoice.id)).toEqual([run.invoiceId]);
    expect(emailsSent(run.invoiceId!)).toBe(1);
    expect(posts("/v1/invoices")).toEqual([
      [`${run.id}:draft`, 409],
      [`${run.id}:draft`, 200],
    ]);
  });

  it("a 409 while the same key is still running at Stripe (the client gave up waiting) on the draft's creation ends in one invoice", async () => {
    const { clock, template } = await dueTemplate();
    const standIn = stripeStandIn();
    // The first creation is slow at Stripe: the client gives up waiting, and the pipeline's retry arrives while it still runs.
    let slowed = false;
    const slowFirstDraft: BillingGateway = wrapGateway(stripeGateway({ timeoutMs: 1_000 }), {
      async createDraft(inner, request, customerId, context) {
        if (slowed) return inner.createDraft(request, customerId, context);
        slowed = true;
        standIn.control.setFaults(MERCHANT, { latency: { fixedMs: 4_000 } });
        try {
          return await inner.createDraft(request, customerId, context);
        } finally {
          standIn.control.setFaults(MERCHANT, { latency: null });
        }
      },
    });
    const lanes = worker(slowFirstDraft, clock);
    await drain(lanes);
    const timedOut = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(timedOut).toMatchObject({ state: "issuing", step: "draft", lastErrorCode: "stripe_unreachable" });

    clock.set(timedOut.nextAttemptAt!.toISOString());
    await drain(lanes);
    const inFlight = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: timedOut.id } });
    expect(inFlight).toMatchObject({ state: "issuing", step: "draft", lastErrorCode: "idempotency_in_flight" });
    expect(posts("/v1/invoices").filter(([, status]) => status === 409).length).toBeGreaterThan(0);

    // The first creation completes at Stripe; the next attempt carries on from it.
    for (let wait = 0; wait < 100 && !posts("/v1/invoices").some(([, status]) => status === 200); wait++) await sleep(100);
    clock.set(inFlight.nextAttemptAt!.toISOString());
    await drain(lanes);

    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: timedOut.id } });
    expect(run.state).toBe("sent");
    expect(invoicesOfRun(run.id).map((invoice) => invoice.id)).toEqual([run.invoiceId]);
    expect(emailsSent(run.invoiceId!)).toBe(1);
    const creations = posts("/v1/invoices");
    expect(new Set(creations.map(([key]) => key))).toEqual(new Set([`${run.id}:draft`]));
  }, 20_000);
});

describe("the same key with other parameters fails the run; no other key is tried", () => {
  it("the gateway refuses to repeat the draft with other details, saying the invoice changed between two attempts", async () => {
    const stores = new MemoryStripeStores();
    const gateway = new StripeBillingAdapter(testClient(stripeStandIn()), stores.customers, stores.taxRates);
    const request = invoiceRequest({
      currency: "EUR",
      taxesIncluded: true,
      lines: [{ title: "Café", quantity: 1, unitAmount: 1999, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }],
    });
    const step = (name: BillingStep): StepContext => ({ idempotencyKey: idempotencyKey(request.runId, name) });
    const { customerId } = await gateway.ensureCustomer(request, step("customer"));
    await gateway.createDraft({ ...request, memo: "Janvier" }, customerId, step("draft"));

    await expect(gateway.createDraft({ ...request, memo: "Février" }, customerId, step("draft"))).rejects.toMatchObject({
      kind: "permanent",
      code: "idempotency_mismatch",
      message: expect.stringContaining("The invoice changed between two attempts at the same step"),
    });
    expect(posts("/v1/invoices")).toEqual([
      [`${request.runId}:draft`, 200],
      [`${request.runId}:draft`, 400],
    ]);
    expect(invoicesOfRun(request.runId)).toHaveLength(1);
  });

  it("a run whose lines changed between two attempts fails, explained in the merchant's language, and nothing is sent", async () => {
    const { clock, template } = await dueTemplate();
    // The lines are added, but the answer is lost: the lines step is retried later with the same key.
    stripeStandIn().control.setFaults(MERCHANT, { dropNext: { count: 2, method: "POST", path: "/v1/invoices/*/add_lines" } });
    const lanes = worker(stripeGateway(), clock);
    await drain(lanes);
    const interrupted = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(interrupted).toMatchObject({ state: "issuing", step: "lines", lastErrorCode: "stripe_unreachable" });
    // Meanwhile the run's first line changed (its snapshot rewritten, as a migration or a bug could).
    const snapshot = JSON.parse(interrupted.snapshot) as { lines: { description: string }[] };
    snapshot.lines[0]!.description = "Café en grains — 1 kg (nouvelle formule)";
    await prisma.invoiceRun.update({ where: { id: interrupted.id }, data: { snapshot: JSON.stringify(snapshot) } });

    clock.set(interrupted.nextAttemptAt!.toISOString());
    await drain(lanes);

    const run = await prisma.invoiceRun.findUniqueOrThrow({ where: { id: interrupted.id } });
    expect(run).toMatchObject({ state: "failed", lastErrorCode: "idempotency_mismatch" });
    expect(explainRunFailure(translator("en"), run.lastErrorCode, run.lastErrorMessage).explanation).toContain(
      "The invoice changed between two attempts to send it to Stripe",
    );
    expect(explainRunFailure(translator("fr"), run.lastErrorCode, run.lastErrorMessage).explanation).toContain(
      "La facture a changé entre deux tentatives d’envoi à Stripe",
    );
    expect(posts().filter(([key]) => !isStepKey(run.id, key))).toEqual([]);
    // The two attempts whose answers were dropped; the resumed step read the draft's lines, found them other than the
    // run's, and stopped without sending them again (under any key).
    expect(posts(`/v1/invoices/${run.invoiceId}/add_lines`).map(([key]) => key)).toEqual([`${run.id}:lines`, `${run.id}:lines`]);
    const [invoice, ...others] = invoicesOfRun(run.id);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ status: "draft" });
    expect(emailsSent(invoice!.id)).toBe(0);
  });
});

describe("one e-mail per send", () => {
  it("a 5xx after Stripe committed the send: Stripe shows it sent, so the customer is e-mailed once and the run is sent", async () => {
    const { clock, template } = await dueTemplate();
    stripeStandIn().control.setFaults(MERCHANT, { failNext: { count: 1, method: "POST", path: "/v1/invoices/*/send", mode: "after_commit" } });
    await drain(worker(stripeGateway(), clock));

    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "sent", lastErrorCode: null });
    expect(emailsSent(run.invoiceId!)).toBe(1);
    expect(posts(`/v1/invoices/${run.invoiceId}/send`)).toEqual([[`${run.id}:send`, 500]]);
  });

  it("Stripe saved a 5xx for a send that did not go out: sent once, under a key derived from the failed request, and once only when the step is repeated", async () => {
    const client = new SavedSendFailureClient(stripeStandIn().url);
    const stores = new MemoryStripeStores();
    const gateway = new StripeBillingAdapter(client, stores.customers, stores.taxRates);
    const request = invoiceRequest({
      currency: "EUR",
      taxesIncluded: true,
      lines: [{ title: "Café", quantity: 1, unitAmount: 1999, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }],
    });
    const step = (name: BillingStep): StepContext => ({ idempotencyKey: idempotencyKey(request.runId, name) });
    const { customerId } = await gateway.ensureCustomer(request, step("customer"));
    const draft = await gateway.createDraft(request, customerId, step("draft"));
    await gateway.addLines(request, draft.invoiceId, step("lines"));
    await gateway.finalize(request, draft.invoiceId, step("finalize"));

    const sent = await gateway.send(request, draft.invoiceId, step("send"));
    expect(sent).toMatchObject({ status: "open" });
    expect(sent.sendUnconfirmed).toBeUndefined();
    expect(emailsSent(draft.invoiceId)).toBe(1);
    expect(posts(`/v1/invoices/${draft.invoiceId}/send`)).toEqual([[`${request.runId}:send:after-req_saved_send`, 200]]);

    // The worker died before recording it: the step again finds the e-mail sent, and sends nothing.
    expect(await gateway.send(request, draft.invoiceId, step("send"))).toMatchObject({ invoiceId: draft.invoiceId, status: "open" });
    expect(emailsSent(draft.invoiceId)).toBe(1);
    expect(posts(`/v1/invoices/${draft.invoiceId}/send`)).toHaveLength(1);
  });

  it("when Stripe cannot tell whether the e-mail left, the run is sent with a warning and the page offers Send again, which clears it", async () => {
    const { template, run } = await issuedWithSendUnconfirmed();
    expect(run).toMatchObject({ state: "sent", lastErrorCode: "send_unconfirmed" });
    expect(run.lastErrorMessage).toContain("use Send again if the customer did not get it");
    expect(emailsSent(run.invoiceId!)).toBe(1); // not sent a second time on a guess
    expect(await prisma.runEvent.findMany({ where: { runId: run.id, type: "run.sent" }, select: { cause: true } })).toEqual([{ cause: "send_unconfirmed" }]);

    const page = await load(template.id);
    expect(page.runs.find((row) => row.id === run.id)).toMatchObject({ state: "sent", errorCode: "send_unconfirmed", actions: expect.arrayContaining(["resend"]) });
    const resent = await post(template.id, { intent: "resend", runId: run.id, requestId: page.requestId });
    expect(resent).toMatchObject({ ok: true, action: "resend" });

    expect(emailsSent(run.invoiceId!)).toBe(2);
    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ state: "sent", lastErrorCode: null, lastErrorMessage: null });
    expect((await load(template.id)).runs.find((row) => row.id === run.id)).toMatchObject({ errorCode: null });
  });

  it("when Stripe's invoice.sent later proves the e-mail left, the warning is cleared and Send again is no longer urged", async () => {
    const { template, run } = await issuedWithSendUnconfirmed();
    expect(run).toMatchObject({ state: "sent", lastErrorCode: "send_unconfirmed" });

    // Stripe's own record of the e-mail, delivered as its webhook (twice: a redelivery).
    const sent = stripeStandIn()
      .control.events(MERCHANT)
      .filter((event) => event.type === "invoice.sent" && (event.data.object as { id: string }).id === run.invoiceId);
    expect(sent).toHaveLength(1);
    const event = { ...sent[0], account: MERCHANT } as unknown as Stripe.Event;
    expect(await processStripeEvent(event)).toBe("applied");
    expect(await processStripeEvent(event)).toBe("duplicate");

    expect(await prisma.invoiceRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ state: "sent", lastErrorCode: null, lastErrorMessage: null });
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.send_confirmed" } })).toBe(1);
    expect((await load(template.id)).runs.find((row) => row.id === run.id)).toMatchObject({ state: "sent", errorCode: null });
    expect(emailsSent(run.invoiceId!)).toBe(1);
  });
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

type Page = { runs: { id: string; state: string; errorCode: string | null; actions: string[] }[]; requestId: string };

async function load(templateId: string): Promise<Page> {
  return routeAnswer<Page>(await callRoute(pageLoader, adminFetchRequest(`/app/templates/${templateId}`, mintSessionToken(SHOP)), { id: templateId })).body;
}

async function post(templateId: string, fields: Record<string, string>) {
  const request = adminFetchRequest(`/app/templates/${templateId}`, mintSessionToken(SHOP), { method: "POST", body: new URLSearchParams(fields) });
  return routeAnswer<{ ok: boolean; action: string }>(await callRoute(pageAction, request, { id: templateId })).body;
}

type Overrides = {
  createDraft?: (inner: BillingGateway, request: InvoiceRequest, customerId: string, context: StepContext) => Promise<IssuedInvoice>;
};

/** `inner` with some steps changed by a test. */
function wrapGateway(inner: BillingGateway, overrides: Overrides): BillingGateway {
  return {
    ensureCustomer: (request, context) => inner.ensureCustomer(request, context),
    createDraft: (request, customerId, context) =>
      overrides.createDraft ? overrides.createDraft(inner, request, customerId, context) : inner.createDraft(request, customerId, context),
    addLines: (request, invoiceId, context) => inner.addLines(request, invoiceId, context),
    finalize: (request, invoiceId, context) => inner.finalize(request, invoiceId, context),
    send: (request, invoiceId, context) => inner.send(request, invoiceId, context),
    findInvoiceForRun: (request) => inner.findInvoiceForRun(request),
    discardDraft: (request, invoiceId) => inner.discardDraft(request, invoiceId),
  };
}

/**
 * A client on the stand-in where Stripe answers the first send with a 500 it
 * saved under the key before anything was sent (Stripe saves a 5xx once the
 * endpoint started; the stand-in's saved 5xx always come after its commit),
 * and replays it to every repeat of that key. Other calls reach the stand-in.
 */
class SavedSendFailureClient extends StripeClient {
  private poisonedKey: string | null = null;

  constructor(apiUrl: string) {
    super({ secretKey: DEFAULT_SECRET_KEY, apiUrl, requestsPerSecond: 1000 });
  }

  override call<T>(account: string | null, operation: (sdk: Stripe, options: CallOptions) => Promise<T>): Promise<T> {
    return super.call(account, (sdk, options) => operation(this.withSavedSendFailure(sdk), options));
  }

  private withSavedSendFailure(sdk: Stripe): Stripe {
    const invoices = new Proxy(sdk.invoices, {
      get: (target, property, receiver) => {
        if (property !== "sendInvoice") return Reflect.get(target, property, receiver) as unknown;
        return (id: string, params: Stripe.InvoiceSendInvoiceParams, options: Stripe.RequestOptions) => {
          const key = options.idempotencyKey ?? null;
          this.poisonedKey ??= key;
          if (key !== null && key === this.poisonedKey) {
            throw Stripe.errors.StripeError.generate({
              type: "api_error",
              message: "An unknown error occurred",
              statusCode: 500,
              requestId: `req_replay_${Math.random().toString(36).slice(2)}`,
              headers: { "stripe-should-retry": "false", "original-request": "req_saved_send" },
            } as Stripe.StripeRawError);
          }
          return target.sendInvoice(id, params, options);
        };
      },
    });
    return new Proxy(sdk, { get: (target, property, receiver) => (property === "invoices" ? invoices : (Reflect.get(target, property, receiver) as unknown)) });
  }
}
