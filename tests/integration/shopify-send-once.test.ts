// One e-mail per send on the Shopify invoice rail, where draftOrderInvoiceSend
// has no idempotency key: the period's first send (the worker's send step)
// and the merchant's "Send again", when Shopify's answer is lost before,
// after, or while Shopify applies the request (the stand-in's answer faults,
// sandbox/shopify/faults.ts, through the real HTTP client). What tells is the
// draft's invoiceSentAt, compared with the one read before the send; a send
// whose answer was lost and which the draft does not show is not asked again
// before SEND_SETTLE_MS has passed since it was claimed on the run's trail.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { BillingGateway } from "~/domain/billing";
import { ManualClock } from "~/domain/clock";
import { eventText } from "~/components/template/event-labels";
import { SEND_SETTLE_MS } from "~/gateways/shopify/billing-adapter.server";
import { translator } from "~/i18n";
import { action as pageAction } from "~/routes/app.templates.$id";
import { resendInvoice } from "~/services/invoicing/send-again.server";
import { createShopifyRail } from "~/services/invoicing/shopify-rail.server";
import { DEMO_SHOP_DOMAIN } from "../../sandbox/shopify";
import { CrashError } from "../helpers/memory-gateway";
import { drain, templateInput } from "../helpers/recurring";
import { callRoute } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";
import { installDemoShop, createShopifyRailTemplate, shopifyRailWorker, withShopifyRailStandIn } from "../helpers/shopify-rail";

const TOKEN = "shpat_send_once";
const standIn = withShopifyRailStandIn(TOKEN);
const SEND = "RitournelleDraftOrderInvoiceSend";
const RUN_LEASE_MS = 60_000;
const MINUTE = 60_000;

beforeEach(() => {
  standIn().faults.clear();
});

/** A Shopify-rail template of the demo shop whose first period (Jan 15) is due. */
async function duePeriod() {
  const clock = new ManualClock("2026-01-10T10:00:00Z");
  const shop = await installDemoShop(clock);
  const template = await createShopifyRailTemplate(shop, templateInput({ customer: { ...templateInput().customer, shopifyCustomerId: "gid://shopify/Customer/7410000000101" } }), clock);
  clock.set("2026-01-15T09:00:00Z");
  return { clock, shop, template };
}

function worker(clock: ManualClock, rail: BillingGateway = createShopifyRail({ clock }), workerId = "w1") {
  return shopifyRailWorker(clock, { shopifyGateway: rail, workerId, retry: { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8 }, runLeaseMs: RUN_LEASE_MS });
}

const firstRun = (templateId: string) => prisma.invoiceRun.findFirstOrThrow({ where: { templateId, periodIndex: 0 } });
const emailsOf = (draftId: string | null) => standIn().control.invoiceEmails(DEMO_SHOP_DOMAIN).filter((e) => e.draftId === draftId).length;
const trail = async (runId: string, prefix: string) =>
  (await prisma.runEvent.findMany({ where: { runId, type: { startsWith: prefix } }, orderBy: [{ at: "asc" }, { id: "asc" }] })).map((e) => [e.type, e.cause]);

describe("the period's first send, through the worker", () => {
  it("answer lost after Shopify e-mailed: the draft's invoiceSentAt shows it, so the run is sent with one e-mail", async () => {
    const { clock, template } = await duePeriod();
    standIn().faults.loseAnswer(SEND, "after");
    await drain(worker(clock));
    const run = await firstRun(template.id);
    expect(run.state).toBe("sent");
    expect(emailsOf(run.invoiceId)).toBe(1);
    expect(await trail(run.id, "run.send_claimed")).toEqual([["run.send_claimed", null]]);
  });

  it("answer lost before Shopify e-mailed: not asked again while it may still land, then sent once", async () => {
    const { clock, template } = await duePeriod();
    standIn().faults.loseAnswer(SEND, "before");
    const w = worker(clock);
    await drain(w);
    let run = await firstRun(template.id);
    expect(run).toMatchObject({ state: "issuing", step: "send", lastErrorCode: "shopify_send_in_doubt" });
    expect(run.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(clock.nowDate().getTime() + SEND_SETTLE_MS);
    expect(emailsOf(run.invoiceId)).toBe(0);

    clock.advance(SEND_SETTLE_MS + 1);
    await drain(w);
    run = await firstRun(template.id);
    expect(run.state).toBe("sent");
    expect(emailsOf(run.invoiceId)).toBe(1);
    expect(await trail(run.id, "run.send_claimed")).toHaveLength(2);
  });

  it("Shopify applies the send only after the app read the draft again: the retry sees it, and e-mails nothing more", async () => {
    const { clock, template } = await duePeriod();
    standIn().faults.loseAnswer(SEND, "held");
    const w = worker(clock);
    await drain(w);
    const run = await firstRun(template.id);
    expect(run).toMatchObject({ state: "issuing", lastErrorCode: "shopify_send_in_doubt" });
    expect(standIn().faults.held()).toBe(1);

    await standIn().faults.releaseHeld(); // Shopify finishes the request: the customer gets the e-mail
    clock.advance(SEND_SETTLE_MS + 1);
    await drain(w);
    expect(await firstRun(template.id)).toMatchObject({ state: "sent" });
    expect(emailsOf(run.invoiceId)).toBe(1);
  });

  it("the worker dies while Shopify is still applying the send: the worker that takes the run over waits for it, then finds it sent", async () => {
    const { clock, template } = await duePeriod();
    const rail = createShopifyRail({ clock });
    let armed = true;
    const dying = new Proxy(rail, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== "send" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<BillingGateway["send"]>) => {
          if (!armed) return rail.send(...args);
          armed = false;
          standIn().faults.loseAnswer(SEND, "held");
          await rail.send(...args).catch(() => undefined);
          throw new CrashError("send", false); // the process died while the request was out
        };
      },
    });
    await expect(worker(clock, dying, "dies").runOnce()).rejects.toThrow(CrashError);

    clock.advance(RUN_LEASE_MS + 1); // the lease expires: another worker takes the run over
    const next = worker(clock, createShopifyRail({ clock }), "takes-over");
    await drain(next);
    const run = await firstRun(template.id);
    expect(run).toMatchObject({ state: "issuing", lastErrorCode: "shopify_send_in_doubt" });
    expect(emailsOf(run.invoiceId)).toBe(0);

    await standIn().faults.releaseHeld();
    clock.advance(SEND_SETTLE_MS);
    await drain(next);
    expect(await firstRun(template.id)).toMatchObject({ state: "sent" });
    expect(emailsOf(run.invoiceId)).toBe(1);
  });
});

describe("the merchant's Send again", () => {
  async function sentRun() {
    const { clock, shop, template } = await duePeriod();
    await drain(worker(clock));
    const run = await firstRun(template.id);
    expect(run.state).toBe("sent");
    expect(emailsOf(run.invoiceId)).toBe(1);
    return { clock, shop, run };
  }

  it("answer lost after Shopify e-mailed (within the same second as the first e-mail): recorded sent, one e-mail; the next click is one more", async () => {
    // The period's e-mail goes out at the start of one of Shopify's whole seconds, and the click follows at once:
    // without waiting for the next second, the click's e-mail would carry the same invoiceSentAt and not be told apart.
    const now = standIn().api.state.clock.now();
    standIn().control.advanceClock(1_000 - (now % 1_000));
    const { clock, shop, run } = await sentRun();
    standIn().faults.loseAnswer(SEND, "after");
    const done = await resendInvoice(shop, run.id, { requestId: "click-1", clock });
    expect(done).toMatchObject({ state: "sent", changed: true });
    expect(emailsOf(run.invoiceId)).toBe(2);
    expect(await trail(run.id, "run.resen")).toEqual([
      ["run.resend_requested", "resend"],
      ["run.resent", "confirmed_by_shopify"],
    ]);

    await resendInvoice(shop, run.id, { requestId: "click-2", clock });
    expect(emailsOf(run.invoiceId)).toBe(3);
  });

  it("answer lost before Shopify e-mailed: the next clicks send nothing until it has settled, then one sends once", async () => {
    const { clock, shop, run } = await sentRun();
    standIn().faults.loseAnswer(SEND, "before");
    await expect(resendInvoice(shop, run.id, { requestId: "click-1", clock })).rejects.toMatchObject({ code: "resend_in_doubt" });
    clock.advance(3 * MINUTE);
    await expect(resendInvoice(shop, run.id, { requestId: "click-2", clock })).rejects.toMatchObject({ code: "resend_in_doubt" });
    expect(emailsOf(run.invoiceId)).toBe(1);

    clock.advance(SEND_SETTLE_MS);
    await resendInvoice(shop, run.id, { requestId: "click-3", clock });
    expect(emailsOf(run.invoiceId)).toBe(2);
    expect(await trail(run.id, "run.resen")).toEqual([
      ["run.resend_requested", "resend"],
      ["run.resend_unconfirmed", "resend"],
      ["run.resend_failed", "not_sent"],
      ["run.resend_requested", "resend"],
      ["run.resent", "resend"],
    ]);
  });

  it("Shopify e-mails only after the app read the draft again: the next click finds it sent and sends nothing; the one after sends", async () => {
    const { clock, shop, run } = await sentRun();
    standIn().faults.loseAnswer(SEND, "held");
    await expect(resendInvoice(shop, run.id, { requestId: "click-1", clock })).rejects.toMatchObject({ code: "resend_in_doubt" });
    await standIn().faults.releaseHeld();
    expect(emailsOf(run.invoiceId)).toBe(2);

    clock.advance(MINUTE);
    const again = await resendInvoice(shop, run.id, { requestId: "click-2", clock });
    expect(again).toMatchObject({ changed: false, resendConfirmedEarlier: true });
    expect(emailsOf(run.invoiceId)).toBe(2);
    expect(await trail(run.id, "run.resen")).toEqual([
      ["run.resend_requested", "resend"],
      ["run.resend_unconfirmed", "resend"],
      ["run.resent", "confirmed_by_shopify"],
    ]);

    await resendInvoice(shop, run.id, { requestId: "click-3", clock });
    expect(emailsOf(run.invoiceId)).toBe(3);
  });

  it("the page says so in the merchant's language, and the trail names each outcome (English and French)", async () => {
    const { shop, run } = await sentRun();
    const post = async (requestId: string, locale: string) => {
      const request = adminFetchRequest(`/app/templates/${run.templateId}?locale=${locale}`, mintSessionToken(DEMO_SHOP_DOMAIN), {
        method: "POST",
        body: new URLSearchParams({ intent: "resend", runId: run.id, requestId }),
      });
      const answer = (await callRoute(pageAction, request, { id: run.templateId })) as { data: { code?: string; message: string }; init: ResponseInit | null };
      return { status: answer.init?.status ?? 200, ...answer.data };
    };
    standIn().faults.loseAnswer(SEND, "before");
    expect(await post("page-1", "en")).toMatchObject({ status: 409, code: "resend_in_doubt", message: expect.stringMatching(/^Nothing was sent: Shopify did not answer your previous “Send again”.*Try again in 10 min/) });
    expect(await post("page-2", "fr")).toMatchObject({ status: 409, code: "resend_in_doubt", message: expect.stringMatching(/^Rien n’a été envoyé : Shopify n’a pas répondu.*Réessayez dans 10 min/) });
    expect(emailsOf(run.invoiceId)).toBe(1);
    expect(shop.id).toBe(run.shopId);

    const label = (locale: "en" | "fr", type: string, cause: string) => eventText(translator(locale), { type, toState: "sent", cause });
    expect(label("en", "run.resend_unconfirmed", "resend")).toMatch(/not confirmed: Shopify did not answer/);
    expect(label("fr", "run.resend_unconfirmed", "resend")).toMatch(/non confirmé : Shopify n’a pas répondu/);
    expect(label("en", "run.resent", "confirmed_by_shopify")).toMatch(/Shopify’s draft order shows the e-mail/);
    expect(label("fr", "run.resent", "confirmed_by_shopify")).toMatch(/la commande provisoire Shopify montre l’envoi/);
    expect(label("en", "run.resend_failed", "not_sent")).toMatch(/Shopify shows no e-mail/);
    expect(label("fr", "run.resend_failed", "not_sent")).toMatch(/Shopify ne montre aucun envoi/);
    expect(label("en", "run.send_claimed", "")).toBe("Shopify asked to e-mail the invoice");
    expect(label("fr", "run.send_claimed", "")).toBe("Envoi de la facture demandé à Shopify");
  });
});
