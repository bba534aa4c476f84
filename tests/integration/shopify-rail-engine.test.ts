// Both rails pass the same engine proofs (issue 16): what
// worker-crash.test.ts and stop-means-stop.test.ts prove of the Stripe rail,
// proven of the Shopify invoice rail (draft orders) through the worker, the
// app's background Admin client and the Shopify stand-in over HTTP: leases
// fenced against a worker that lost its run mid-call, attempts that die
// bounded, a run stopped before its e-mail with its draft deleted once,
// Shopify's throttling and refusals. Every count of drafts and e-mails is the
// stand-in's own (control.draftOrders, control.invoiceEmails).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { BillingGateway, InvoiceRequest } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import { NO_SHOPIFY_CUSTOMER, ShopifyBillingAdapter } from "~/gateways/shopify/billing-adapter.server";
import { createShopifyRail, shopAdminFor } from "~/services/invoicing/shopify-rail.server";
import { cancelTemplate } from "~/services/templates/cancel.server";
import { loadTemplatePage } from "~/services/templates/detail-page.server";
import { retryRun } from "~/services/templates/retry-run.server";
import { DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { CrashError } from "../helpers/memory-gateway";
import { drain, runStates, templateInput } from "../helpers/recurring";
import { storeOfflineSession } from "../helpers/shopify";
import { stopTransitions, type StopTransition } from "../helpers/stop-transitions";
import { createShopifyRailTemplate, installDemoShop, shopifyRailWorker, SHOPIFY_RAIL_SCOPES } from "../helpers/shopify-rail";
import { HookedGateway, type GatewayCall } from "../helpers/hooked-gateway";
import { withShopifyStandIn } from "../helpers/shopify-stand-in";

const standIn = withShopifyStandIn();
const TOKEN = "shpat_rail_engine";
const RUN_LEASE_MS = 60_000;
const CAMILLE = "gid://shopify/Customer/7410000000101";
const EMAIL = "claire.martin@example.fr";

/** The operation name of every Admin request the stand-in receives for the demo shop, whatever its answer. */
let operations: string[] = [];
let stopRecording = () => {};

function recordOperations() {
  const api = standIn().api as { execute: ReturnType<typeof standIn>["api"]["execute"] };
  const execute = api.execute;
  api.execute = (shop, token, body) => {
    if (shop === DEMO_SHOP_DOMAIN) operations.push(/\b(?:query|mutation)\s+(\w+)/.exec(body.query ?? "")?.[1] ?? "anonymous");
    return execute(shop, token, body);
  };
  operations = [];
  stopRecording = () => {
    api.execute = execute;
  };
}

beforeEach(async () => {
  standIn().control.reset();
  standIn().control.addAccessToken(DEMO_SHOP_DOMAIN, TOKEN, SHOPIFY_RAIL_SCOPES);
  await prisma.shop.deleteMany();
  await prisma.session.deleteMany({ where: { shop: DEMO_SHOP_DOMAIN } }); // an uninstall deletes it
  await storeOfflineSession(DEMO_SHOP_DOMAIN, TOKEN);
  recordOperations();
});

afterEach(() => {
  stopRecording();
});

/** A Shopify-rail template of the demo shop for Camille, its periods due from Jan 15 (`periods`: 1 or 2 of them due now). */
async function dueTemplate(periods: 1 | 2, overrides: Parameters<typeof templateInput>[0] = {}) {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await installDemoShop(clock);
  const base = templateInput();
  const template = await createShopifyRailTemplate(shop, templateInput({ customer: { ...base.customer, shopifyCustomerId: CAMILLE, email: EMAIL }, ...overrides }), clock);
  clock.set(periods === 1 ? "2026-01-15T08:00:00Z" : "2026-02-15T08:00:00Z");
  return { clock, shop, template };
}

/** The real adapter, its in-call waits for Shopify's bucket not slept (the bucket is the test's to fill). */
function railNotSleeping(clock: ManualClock): BillingGateway {
  return new ShopifyBillingAdapter(shopAdminFor({ clock }), { sleep: async () => {} });
}

function worker(rail: BillingGateway, clock: ManualClock, options: { workerId?: string; maxAttempts?: number; runBatchSize?: number } = {}) {
  return shopifyRailWorker(clock, {
    shopifyGateway: rail,
    workerId: options.workerId ?? "w1",
    runLeaseMs: RUN_LEASE_MS,
    retry: { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: options.maxAttempts ?? 8 },
    ...(options.runBatchSize ? { runBatchSize: options.runBatchSize } : {}),
  });
}

const draftsOfRun = (runId: string) => standIn().control.draftOrders(DEMO_SHOP_DOMAIN).filter((draft) => draft.tags.includes(`ritournelle-run-${runId}`));
const emailsOf = (draftId: string | null) => standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).filter((email) => email.draftId === draftId);
const callsOf = (operation: string) => operations.filter((name) => name === operation);

/** Every run of the template sent, each with one draft carrying its run id and one invoice e-mail, as the stand-in has them. */
async function expectOneSentDraftPerPeriod(templateId: string, periods: number) {
  const runs = await prisma.invoiceRun.findMany({ where: { templateId }, orderBy: { periodIndex: "asc" } });
  expect(runs.map((run) => run.state)).toEqual(Array(periods).fill("sent"));
  expect(runs.map((run) => draftsOfRun(run.id).map((draft) => draft.id))).toEqual(runs.map((run) => [run.invoiceId]));
  expect(runs.map((run) => emailsOf(run.invoiceId).length)).toEqual(Array(periods).fill(1));
  expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN)).toHaveLength(periods);
  expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } })).toMatchObject({ issuedCount: periods });
  return runs;
}

/** Ticks fresh workers on `rail` until one ends without dying; returns how many died. */
async function killUntilDone(rail: BillingGateway, clock: ManualClock, maxAttempts: number) {
  let kills = 0;
  for (; kills < 20; kills++) {
    const died = await worker(rail, clock, { maxAttempts })
      .runOnce()
      .then(() => false)
      .catch((error: unknown) => {
        if (!(error instanceof CrashError)) throw error;
        return true;
      });
    if (!died) return kills;
    clock.advance(RUN_LEASE_MS + 1); // the dead worker's lease expires; a new worker takes the run over
  }
  throw new Error("the worker kept dying");
}

describe("leases on the Shopify rail", () => {
  it("a worker whose lease expired while its Shopify call was in flight stops at its next write; the period is issued once, by the worker that took over", async () => {
    const { clock, template } = await dueTemplate(2);
    const rail = new HookedGateway(createShopifyRail({ clock }));
    const slow = worker(rail, clock, { workerId: "slow", runBatchSize: 1 });
    const other = worker(createShopifyRail({ clock }), clock, { workerId: "other" });
    // While "slow" waits for Shopify to read the draft back, its lease expires and "other" does the whole job.
    rail.on("lines", "during", async () => {
      clock.advance(RUN_LEASE_MS + 1);
      await drain(other);
    }, { periodIndex: 0 });

    const report = await slow.runOnce();
    expect(report.runs).toMatchObject({ claimed: 1, sent: 0, released: 1 });
    expect(await runStates(template.id)).toEqual([
      ["2026-01-15", "sent"],
      ["2026-02-15", "sent"],
    ]);
    await expectOneSentDraftPerPeriod(template.id, 2);
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toHaveLength(2);
    const sent = await prisma.runEvent.findMany({ where: { templateId: template.id, type: "run.sent" }, select: { actor: true } });
    expect(sent.map((event) => event.actor)).toEqual(["worker:other", "worker:other"]);
    // The slow worker's late answer left nothing behind: no step of its own after it lost the lease, no send claimed.
    const slowSteps = await prisma.runEvent.findMany({ where: { templateId: template.id, actor: "worker:slow", type: { in: ["run.step_completed", "run.send_claimed"] } } });
    expect(slowSteps.map((event) => event.cause)).toEqual(["customer", "draft"]);
  });

  it("a run whose every attempt dies mid-step is failed after the last attempt instead of looping forever; its draft is never e-mailed", async () => {
    const { clock, template } = await dueTemplate(2);
    // Period 1's worker dies each time Shopify has answered the read of its draft, before storing it.
    const rail = new HookedGateway(createShopifyRail({ clock })).crash("lines", "crash_after", { periodIndex: 1, times: 100 });
    const kills = await killUntilDone(rail, clock, 3);
    // The first death came after the run had moved on (customer, draft stored); then 3 in a row at the lines step.
    expect(kills).toBe(4);
    await drain(worker(rail, clock, { maxAttempts: 3 }));

    const runs = await prisma.invoiceRun.findMany({ where: { templateId: template.id }, orderBy: { periodIndex: "asc" } });
    expect(runs.map((run) => run.state)).toEqual(["sent", "failed"]);
    expect(runs[1]).toMatchObject({ lastErrorCode: "attempts_exhausted", attemptStep: null, leaseOwner: null });
    expect(runs[1]!.lastErrorMessage).toContain("interrupted 3 times in a row");
    // At Shopify: period 1's one draft (never made twice), no e-mail for it; period 0 issued once.
    expect(draftsOfRun(runs[1]!.id).map((draft) => draft.id)).toEqual([runs[1]!.invoiceId]);
    expect(emailsOf(runs[1]!.invoiceId)).toEqual([]);
    expect(draftsOfRun(runs[0]!.id)).toHaveLength(1);
    expect(emailsOf(runs[0]!.invoiceId)).toHaveLength(1);
    // And it stays failed: later ticks do not take it up again.
    clock.advance({ days: 1 });
    const later = await drain(worker(rail, clock, { maxAttempts: 3 }));
    expect(later.reduce((claimed, tick) => claimed + tick.runs.claimed, 0)).toBe(0);
  });

  it("a run whose worker is killed after every Shopify call, more times than maxAttempts, is issued once, not failed: each attempt moved it on", async () => {
    const { clock, template } = await dueTemplate(2);
    const rail = new HookedGateway(createShopifyRail({ clock }));
    for (const step of ["customer", "draft", "lines", "finalize", "send"] as const) rail.crash(step, "crash_after", { periodIndex: 0 });
    expect(await killUntilDone(rail, clock, 3)).toBe(5);
    await drain(worker(rail, clock, { maxAttempts: 3 }));

    const runs = await expectOneSentDraftPerPeriod(template.id, 2);
    expect(runs[0]).toMatchObject({ attempt: 1, attemptStep: null, interruptions: 0, lastErrorCode: null });
    expect(callsOf("RitournelleDraftOrderInvoiceSend")).toHaveLength(2); // the e-mail sent before the last death is not sent again
  });

  it("interrupted attempts leave a run its full retries: after kills, Shopify unreachable is retried, not the last straw", async () => {
    const { clock, template } = await dueTemplate(2);
    const rail = new HookedGateway(createShopifyRail({ clock })).crash("draft", "crash_before", { periodIndex: 0, times: 2 });
    const die = () => worker(rail, clock, { maxAttempts: 3 }).runOnce();
    for (let kill = 0; kill < 2; kill++) {
      await expect(die()).rejects.toThrow(CrashError);
      clock.advance(RUN_LEASE_MS + 1);
    }
    standIn().faults.loseAnswer("RitournelleDraftOrderCreate", "before"); // the third attempt's draftOrderCreate never reaches Shopify
    await worker(rail, clock, { maxAttempts: 3 }).runOnce();
    const retried = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id, periodIndex: 0 } });
    expect(retried).toMatchObject({ state: "issuing", step: "draft", lastErrorCode: "shopify_unreachable", attempt: 1, attemptStep: null, interruptions: 0 });
    expect(draftsOfRun(retried.id)).toEqual([]);

    clock.advance({ hours: 1 });
    await drain(worker(rail, clock, { maxAttempts: 3 }));
    await expectOneSentDraftPerPeriod(template.id, 2);
  });
});

// Shopify revokes the app's tokens before it sends app/uninstalled.
const TRANSITIONS = stopTransitions({ id: 7410000000101, email: EMAIL }, (shop) => standIn().control.uninstall(shop.domain));

/** The call that comes right before `step`'s on this rail (the transition lands between the two). */
const PREVIOUS = { lines: "draft", finalize: "lines", send: "finalize" } as const satisfies Record<string, GatewayCall>;

/**
 * What the stand-in and our tables show of a run stopped before `step`, after its draft was made: its draft deleted once
 * (`draftLeft`: the shop took Ritournelle's access away, the draft stays in Shopify), nothing e-mailed.
 */
async function expectStopped(templateId: string, transition: StopTransition, step: keyof typeof PREVIOUS, clock: ManualClock) {
  const { reason, revokesAccess: draftLeft = false } = transition;
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId } });
  expect(run).toMatchObject({ state: "skipped", skipReason: reason, step: null, invoiceId: null, leaseOwner: null, leaseToken: null });
  // Shopify: the run's draft was made once and deleted once; no invoice e-mail at all.
  expect(callsOf("RitournelleDraftOrderCreate")).toHaveLength(1);
  expect(callsOf("RitournelleDraftOrderDelete")).toHaveLength(draftLeft ? 0 : 1);
  expect(callsOf("RitournelleDraftOrderInvoiceSend")).toEqual([]);
  const drafts = standIn().control.draftOrders(DEMO_SHOP_DOMAIN);
  expect(drafts.map((draft) => [draft.tags, draft.invoiceSentAt])).toEqual(draftLeft ? [[[`ritournelle-run-${run.id}`], null]] : []);
  expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN)).toEqual([]);
  // Ours: skipped with the reason, on the trail, naming the draft deleted (or left), never counted as issued.
  const skipped = await prisma.runEvent.findMany({ where: { runId: run.id, type: "run.skipped" } });
  expect(skipped.map((event) => [event.fromState, event.cause])).toEqual([["issuing", reason]]);
  const draftId = expect.stringMatching(/^gid:\/\/shopify\/DraftOrder\//);
  expect(JSON.parse(skipped[0]!.detail!)).toEqual(draftLeft ? { step, deletedDraftId: null, draftLeftId: draftId } : { step, deletedDraftId: draftId });
  expect(await prisma.recurringTemplate.findUniqueOrThrow({ where: { id: templateId } })).toMatchObject({ issuedCount: 0 });
  // And it stays stopped: later ticks do not take it up again.
  clock.advance({ days: 1 });
  const later = await drain(worker(createShopifyRail({ clock }), clock));
  expect(later.reduce((claimed, tick) => claimed + tick.runs.claimed, 0)).toBe(0);
}

const shopifyThrottlesEverything = () => standIn().control.setThrottle(DEMO_SHOP_DOMAIN, { currentlyAvailable: 0, restoreRate: 0 });
const shopifyBucketFull = () => standIn().control.setThrottle(DEMO_SHOP_DOMAIN, { currentlyAvailable: 2000, restoreRate: 100 });

describe.each(TRANSITIONS)("on the Shopify rail, $name while a run is being issued", (transition) => {
  it.each(["lines", "finalize", "send"] as const)("while the worker holds it, just before %s: it stops before that call, deletes its draft once (left in a shop that removed the app) and e-mails nothing", async (step) => {
    const { clock, shop, template } = await dueTemplate(1);
    const rail = new HookedGateway(createShopifyRail({ clock })).on(PREVIOUS[step], "after", () => transition.apply(shop, template, clock));
    await drain(worker(rail, clock));

    await expectStopped(template.id, transition, step, clock);
  });

  it.each(["lines", "finalize", "send"] as const)("waiting on a retry after Shopify's THROTTLED at %s: the worker stops it there, deletes its draft once (left in a shop that removed the app) and e-mails nothing", async (step) => {
    const { clock, shop, template } = await dueTemplate(1);
    const rail = new HookedGateway(railNotSleeping(clock)).on(PREVIOUS[step], "after", async () => shopifyThrottlesEverything());
    await drain(worker(rail, clock));
    const waiting = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(waiting).toMatchObject({ state: "issuing", step, lastErrorCode: "rate_limited", leaseOwner: null });

    shopifyBucketFull();
    await transition.apply(shop, template, clock);
    clock.set(waiting.nextAttemptAt!.toISOString()); // the retry's time: the worker takes the run up again
    await drain(worker(rail, clock));

    await expectStopped(template.id, transition, step, clock);
  });

  it("after the invoice e-mail (the point of no return on this rail): the draft is left alone, e-mailed once, and the template page offers to cancel it", async () => {
    const { clock, shop, template } = await dueTemplate(1);
    const rail = new HookedGateway(createShopifyRail({ clock })).on("send", "after", () => transition.apply(shop, template, clock));
    await drain(worker(rail, clock));

    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run.state).toBe("sent");
    expect(draftsOfRun(run.id).map((draft) => [draft.id, draft.status])).toEqual([[run.invoiceId, "INVOICE_SENT"]]);
    expect(emailsOf(run.invoiceId)).toHaveLength(1);
    expect(callsOf("RitournelleDraftOrderDelete")).toEqual([]);

    const page = await loadTemplatePage(shop, template.id);
    expect(page.runs.find((view) => view.id === run.id)).toMatchObject({ stopNotice: transition.notice, actions: expect.arrayContaining(["void"]) });
  });
});

describe("on the Shopify rail, a stop after the invoice e-mail", () => {
  it("the worker died right after Shopify e-mailed it, then the merchant cancelled: the worker that takes the run over leaves the draft alone and records it sent, e-mailed once", async () => {
    const { clock, shop, template } = await dueTemplate(1);
    const rail = new HookedGateway(createShopifyRail({ clock })).on("send", "after", async () => {
      await cancelTemplate(shop, template.id, { clock });
      throw new CrashError("send", true);
    });
    await expect(worker(rail, clock, { workerId: "crashed" }).runOnce()).rejects.toThrow(CrashError);
    clock.advance(RUN_LEASE_MS + 1);
    await drain(worker(rail, clock, { workerId: "restarted" }));

    const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(run).toMatchObject({ state: "sent", skipReason: null });
    expect(draftsOfRun(run.id).map((draft) => [draft.id, draft.status])).toEqual([[run.invoiceId, "INVOICE_SENT"]]);
    expect(emailsOf(run.invoiceId)).toHaveLength(1);
    expect(callsOf("RitournelleDraftOrderDelete")).toEqual([]);
    expect(await prisma.runEvent.count({ where: { runId: run.id, type: "run.invoice_adopted" } })).toBe(1);
  });
});

describe("the Shopify adapter's discardDraft", () => {
  const request = (runId: string): InvoiceRequest => ({
    runId,
    templateId: "t-discard",
    shopDomain: DEMO_SHOP_DOMAIN,
    account: DEMO_SHOP_DOMAIN,
    periodIndex: 0,
    periodDate: "2026-01-15",
    currency: "EUR",
    customer: { name: "Claire Martin", email: EMAIL },
    lines: [{ description: "Café en grains", quantity: 1, unitAmount: 1999, discountAmount: 0, taxes: [] }],
    daysUntilDue: 0,
    expectedTotal: 1999,
  });

  it("deletes a draft once (a second call finds it gone and counts as done), and returns an e-mailed or paid draft untouched", async () => {
    const clock = new ManualClock("2026-01-15T08:00:00Z");
    const rail = createShopifyRail({ clock });
    const draftOf = async (runId: string) => {
      const draft = await rail.createDraft(request(runId), NO_SHOPIFY_CUSTOMER, { idempotencyKey: `${runId}:draft` });
      return { request: request(runId), draftId: draft.invoiceId };
    };

    const stopped = await draftOf("run-stopped");
    expect(await rail.discardDraft(stopped.request, stopped.draftId)).toBeNull();
    expect(await rail.discardDraft(stopped.request, stopped.draftId)).toBeNull(); // a stop done again after a crash
    expect(callsOf("RitournelleDraftOrderDelete")).toHaveLength(1);
    expect(draftsOfRun("run-stopped")).toEqual([]);

    const sent = await draftOf("run-sent");
    await rail.send(sent.request, sent.draftId, { idempotencyKey: "run-sent:send" });
    expect(await rail.discardDraft(sent.request, sent.draftId)).toMatchObject({ invoiceId: sent.draftId, status: "open" });
    expect(draftsOfRun("run-sent").map((draft) => draft.status)).toEqual(["INVOICE_SENT"]);

    const paid = await draftOf("run-paid");
    await rail.send(paid.request, paid.draftId, { idempotencyKey: "run-paid:send" });
    await standIn().control.payInvoice(DEMO_SHOP_DOMAIN, paid.draftId);
    expect(await rail.discardDraft(paid.request, paid.draftId)).toMatchObject({ invoiceId: paid.draftId, status: "paid" });
    expect(draftsOfRun("run-paid").map((draft) => draft.status)).toEqual(["COMPLETED"]);

    expect(callsOf("RitournelleDraftOrderDelete")).toHaveLength(1); // neither the e-mailed nor the paid draft was asked to be deleted
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).map((email) => email.draftId)).toEqual([sent.draftId, paid.draftId]);
  });
});

/** The merchant deletes a draft order in Shopify's admin (the Admin API as the admin calls it, not the app's client). */
async function merchantDeletesDraft(draftId: string) {
  const answer = await standIn().api.execute(DEMO_SHOP_DOMAIN, TOKEN, {
    query: `mutation MerchantDeletes($id: ID!) { draftOrderDelete(input: { id: $id }) { deletedId userErrors { message } } }`,
    variables: { id: draftId },
  });
  expect(answer.body).toMatchObject({ data: { draftOrderDelete: { deletedId: draftId, userErrors: [] } } });
}

describe("a draft order the merchant deleted in Shopify while its run was being issued", () => {
  it.each(["lines", "send"] as const)("deleted just before %s: the run fails saying so, e-mails nothing and makes no other draft; Retry makes a new one and e-mails it once", async (step) => {
    const { clock, shop, template } = await dueTemplate(1);
    const rail = new HookedGateway(createShopifyRail({ clock })).on(PREVIOUS[step], "after", async () => {
      await merchantDeletesDraft(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)[0]!.id);
    });
    await drain(worker(rail, clock));

    const failed = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(failed).toMatchObject({ state: "failed", step, lastErrorCode: "shopify_draft_missing", leaseOwner: null });
    expect(failed.lastErrorMessage).toMatch(/no longer exists in Shopify: it was deleted from the admin\. Use Retry to create a new one/);
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]); // not re-created behind the merchant's back
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN)).toEqual([]);
    expect(callsOf("RitournelleDraftOrderCreate")).toHaveLength(1);
    clock.advance({ hours: 1 });
    const later = await drain(worker(rail, clock));
    expect(later.reduce((claimed, tick) => claimed + tick.runs.claimed, 0)).toBe(0); // failed, not retried on its own

    await retryRun(shop, failed.id, { clock });
    await drain(worker(rail, clock));
    const [run] = await expectOneSentDraftPerPeriod(template.id, 1);
    expect(run!.invoiceId).not.toBe(failed.invoiceId);
    expect(callsOf("RitournelleDraftOrderCreate")).toHaveLength(2);
  });
});

describe("Shopify's API limit through the worker", () => {
  it.each(["draft", "send"] as const)("THROTTLED at %s: the run waits for a retry later, nothing is made or e-mailed twice, and the period is issued once", async (step) => {
    const { clock, template } = await dueTemplate(1);
    const rail = new HookedGateway(railNotSleeping(clock));
    if (step === "draft") shopifyThrottlesEverything();
    else rail.on("finalize", "after", async () => shopifyThrottlesEverything());
    await drain(worker(rail, clock));

    const waiting = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
    expect(waiting).toMatchObject({ state: "issuing", step, lastErrorCode: "rate_limited", leaseOwner: null });
    expect(waiting.lastErrorMessage).toMatch(/Shopify's API limit was reached/);
    expect(waiting.nextAttemptAt!.getTime()).toBeGreaterThan(clock.nowDate().getTime());
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toHaveLength(step === "draft" ? 0 : 1);
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN)).toEqual([]);

    shopifyBucketFull();
    clock.set(waiting.nextAttemptAt!.toISOString());
    await drain(worker(rail, clock));
    await expectOneSentDraftPerPeriod(template.id, 1);
  });
});

describe("Shopify's refusals through the worker", () => {
  it("a draftOrderCreate Shopify refuses (userErrors) fails the run at once with Shopify's message: nothing is created or e-mailed, and it is not retried", async () => {
    // Priced in dollars, for a shop that sells in euros: Shopify refuses the draft's prices.
    const { clock, template } = await dueTemplate(2, { currency: "USD" });
    await drain(worker(createShopifyRail({ clock }), clock));

    const runs = await prisma.invoiceRun.findMany({ where: { templateId: template.id }, orderBy: { periodIndex: "asc" } });
    expect(runs.map((run) => [run.state, run.step, run.lastErrorCode, run.attempt])).toEqual([
      ["failed", "draft", "shopify_refused", 1],
      ["failed", "draft", "shopify_refused", 1],
    ]);
    expect(runs[0]!.lastErrorMessage).toMatch(/Currency USD does not match the draft order's currency EUR.*Nothing was e-mailed: correct the recurring invoice and use Retry/);
    expect(standIn().control.draftOrders(DEMO_SHOP_DOMAIN)).toEqual([]);
    expect(standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN)).toEqual([]);
    expect(callsOf("RitournelleDraftOrderCreate")).toHaveLength(2); // one request per run, no retry loop
    clock.advance({ days: 1 });
    const later = await drain(worker(createShopifyRail({ clock }), clock));
    expect(later.reduce((claimed, tick) => claimed + tick.runs.claimed, 0)).toBe(0);
    expect(callsOf("RitournelleDraftOrderCreate")).toHaveLength(2);
  });
});
