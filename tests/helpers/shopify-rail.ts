// The Shopify invoice rail in integration tests: the stand-in and the demo
// shop's access to it, the demo shop installed, a
// template on the rail (the merchant's choice of "Shopify invoice" is
// rail-choice.test.ts's), and a worker that issues it through the app's
// background Admin client and the Shopify stand-in (the Stripe rail a
// MemoryGateway that no test of this rail expects to be called).
import { beforeAll, beforeEach } from "vitest";
import prisma from "~/db.server";
import type { BillingGateway, InvoiceRequest, StepContext } from "~/domain/billing";
import type { Clock } from "~/domain/clock";
import { upsertInstalledShop } from "~/models/shop.server";
import { createShopifyRail } from "~/services/invoicing/shopify-rail.server";
import { createTemplate } from "~/services/templates/create.server";
import { Worker, type WorkerOptions } from "~/worker/worker";
import { DEMO_SHOP_DOMAIN, type ShopifyStandIn } from "../../sandbox/shopify";
import { CrashError, MemoryGateway } from "./memory-gateway";
import { storeOfflineSession } from "./shopify";
import { withShopifyStandIn } from "./shopify-stand-in";

/** What the app holds on the demo shop when the merchant granted the rail's optional scope. */
export const SHOPIFY_RAIL_SCOPES = "read_orders,read_customers,write_orders,read_products,write_draft_orders";

/**
 * The Shopify stand-in for a test file of this rail (withShopifyStandIn), the
 * demo shop's offline session `token` stored, and before each test: the
 * stand-in reset, `token` holding the rail's scope there, no shop in our
 * tables. Call at the top of the file.
 */
export function withShopifyRailStandIn(token: string): () => ShopifyStandIn {
  const standIn = withShopifyStandIn();
  beforeAll(async () => {
    await storeOfflineSession(DEMO_SHOP_DOMAIN, token);
  });
  beforeEach(async () => {
    standIn().control.reset();
    standIn().control.addAccessToken(DEMO_SHOP_DOMAIN, token, SHOPIFY_RAIL_SCOPES);
    await prisma.shop.deleteMany();
  });
  return standIn;
}

/** The demo shop, installed (its Paris zone and euros are what the rail's expectations assume). */
export function installDemoShop(clock: Clock) {
  return upsertInstalledShop(DEMO_SHOP_DOMAIN, { name: "Atelier Ritournelle", timeZone: "Europe/Paris", currency: "EUR" }, clock.nowDate());
}

/** A template of `shop` whose periods are issued on the Shopify rail. */
export async function createShopifyRailTemplate(shop: Parameters<typeof createTemplate>[0], input: unknown, clock: Clock) {
  const template = await createTemplate(shop, input, { clock });
  await prisma.recurringTemplate.update({ where: { id: template.id }, data: { rail: "shopify" } });
  return template;
}

/** A one-lane worker on `clock` whose Shopify rail is the real adapter (or `shopifyGateway`). */
export function shopifyRailWorker(clock: Clock, options: Partial<Omit<WorkerOptions, "clock">> = {}): Worker {
  return new Worker({ gateway: new MemoryGateway(), shopifyGateway: createShopifyRail({ clock }), clock, random: () => 0.5, concurrency: 1, ...options });
}

/** The port's calls, by the pipeline step (or the recovery) they serve. */
export type RailCall = "customer" | "draft" | "lines" | "finalize" | "send" | "find" | "discard";

type RailHook = { call: RailCall; when: "before" | "during" | "after"; periodIndex: number | undefined; times: number; run: () => Promise<unknown> };

/**
 * A Shopify rail (the real adapter, calling the stand-in over HTTP) with
 * hooks run at chosen calls: `before` the adapter is called, `during` its
 * call (started, not yet answered), or `after` it returned and before the
 * pipeline stores it. A hook that throws CrashError is the worker dying
 * there: `crash`.
 */
export class HookedShopifyRail implements BillingGateway {
  private readonly hooks: RailHook[] = [];

  constructor(private readonly inner: BillingGateway) {}

  get totals() {
    return this.inner.totals;
  }

  /** Runs `run` at `when` of the next `times` (default 1) calls of `call` for `periodIndex` (default: any period). */
  on(call: RailCall, when: RailHook["when"], run: () => Promise<unknown>, options: { periodIndex?: number; times?: number } = {}): this {
    this.hooks.push({ call, when, run, periodIndex: options.periodIndex, times: options.times ?? 1 });
    return this;
  }

  /** The worker dies (CrashError) before the adapter is called, or after Shopify applied the call. */
  crash(call: RailCall, kind: "crash_before" | "crash_after", options: { periodIndex?: number; times?: number } = {}): this {
    return this.on(call, kind === "crash_before" ? "before" : "after", async () => {
      throw new CrashError(call === "find" || call === "discard" ? "draft" : call, kind === "crash_after");
    }, options);
  }

  private async call<T>(call: RailCall, request: InvoiceRequest, real: () => Promise<T>): Promise<T> {
    const index = this.hooks.findIndex((hook) => hook.call === call && (hook.periodIndex === undefined || hook.periodIndex === request.periodIndex));
    const hook = index < 0 ? undefined : this.hooks[index]!;
    if (hook && --hook.times === 0) this.hooks.splice(index, 1);
    if (hook?.when === "before") await hook.run();
    if (hook?.when === "during") {
      const pending = real();
      pending.catch(() => {}); // awaited below, once the hook is done
      await hook.run();
      return pending;
    }
    const result = await real();
    if (hook?.when === "after") await hook.run();
    return result;
  }

  ensureCustomer = (request: InvoiceRequest, context: StepContext) => this.call("customer", request, () => this.inner.ensureCustomer(request, context));
  createDraft = (request: InvoiceRequest, customerId: string, context: StepContext) => this.call("draft", request, () => this.inner.createDraft(request, customerId, context));
  addLines = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.call("lines", request, () => this.inner.addLines(request, invoiceId, context));
  finalize = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.call("finalize", request, () => this.inner.finalize(request, invoiceId, context));
  send = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.call("send", request, () => this.inner.send(request, invoiceId, context));
  findInvoiceForRun = (request: InvoiceRequest) => this.call("find", request, () => this.inner.findInvoiceForRun(request));
  discardDraft = (request: InvoiceRequest, invoiceId: string) => this.call("discard", request, () => this.inner.discardDraft(request, invoiceId));
}
