// The Shopify invoice rail in the chaos campaign (issue 16): the Shopify
// stand-in's shops (one per chaos shop, holding an offline token with the
// rail's scope and the templates' customers), its answer faults drawn on a
// share of every Admin GraphQL request, and the stand-in's own state read
// back for the checks (checks.ts).
import type { AnswerLoss, FaultPicker } from "../../sandbox/shopify/faults";
import type { DraftOrderRecord, InvoiceEmail } from "../../sandbox/shopify/draft-orders";
import type { Seed, SeedShop } from "../../sandbox/shopify/seed";
import { addr, customer } from "../../sandbox/shopify/seed-build";
import { demoShop } from "../../sandbox/shopify/seed-demo-shop";
import type { ShopifyStandIn } from "../../sandbox/shopify/server";
import { Rng } from "../../sandbox/stripe/rng";
import { SHOPIFY_RAIL_SCOPES } from "../helpers/shopify-rail";
import { shopifyCustomerLegacyId, type PlannedTemplate } from "./plan";

export const chaosShopDomain = (index: number) => `chaos-${index}.myshopify.com`;
export const chaosShopToken = (index: number) => `shpat_chaos_${String(index).padStart(2, "0")}`;

/**
 * The stand-in's seed: one shop per chaos shop (the demo shop's catalogue,
 * taxes and payment terms; its own domain, id and token, with the rail's
 * scope), holding the Shopify customer of each of its templates.
 */
export function chaosShopifySeed(shops: number, planned: PlannedTemplate[]): Seed {
  const base = demoShop();
  return {
    shops: Array.from({ length: shops }, (_, index): SeedShop => {
      const customers = planned.flatMap((template, templateIndex) => {
        if (template.shopIndex !== index) return [];
        const { customer: c } = template.input;
        const address = c.address!;
        return [
          customer(shopifyCustomerLegacyId(templateIndex), {
            firstName: "Client",
            lastName: String(templateIndex),
            email: c.email ?? null,
            phone: null,
            locale: c.locale ?? "fr",
            createdAt: "2026-01-02T10:00:00Z",
            defaultAddress: addr({ firstName: "Client", lastName: String(templateIndex), address1: address.line1 ?? null, city: address.city ?? null, zip: address.postalCode ?? null, country: "France", countryCodeV2: "FR" }),
          }),
        ];
      });
      return {
        ...structuredClone(base),
        myshopifyDomain: chaosShopDomain(index),
        id: `gid://shopify/Shop/${69_000_000_000 + index}`,
        name: `Chaos ${index}`,
        primaryDomain: { id: `gid://shopify/Domain/${98_000_000_000 + index}`, host: `chaos-${index}.example`, url: `https://chaos-${index}.example` },
        accessToken: chaosShopToken(index),
        scopes: SHOPIFY_RAIL_SCOPES,
        plan: "pro",
        customers,
        orders: [],
        companies: [],
      };
    }),
  };
}

export type ShopifyFaultCounts = { before: number; after: number; byOperation: Record<string, number> };

/**
 * Lost answers on a share of the stand-in's Admin GraphQL requests: `before`
 * (the connection drops before Shopify applies it) and `after` (Shopify
 * applied it, then the connection dropped: the case no idempotency key
 * covers), each with its ratio, drawn from a generator of its own seeded from
 * the campaign's seed (the campaign's dice stay the same whatever the number
 * of Shopify requests). Faults armed by hand (faults.loseAnswer) still come
 * first. `stop()` ends the injection (the campaign's settle).
 */
export function injectShopifyAnswerFaults(standIn: ShopifyStandIn, seed: number, ratios: { before: number; after: number }): { counts: ShopifyFaultCounts; stop(): void } {
  const rng = new Rng((seed ^ 0x5e0f_1f75) >>> 0);
  const faults = standIn.faults as ShopifyStandIn["faults"] & { take: FaultPicker };
  const armed = faults.take;
  const counts: ShopifyFaultCounts = { before: 0, after: 0, byOperation: {} };
  let enabled = true;
  faults.take = (operationText) => {
    const explicit = armed(operationText);
    if (explicit || !enabled) return explicit;
    const draw = rng.next();
    const when: AnswerLoss | null = draw < ratios.before ? "before" : draw < ratios.before + ratios.after ? "after" : null;
    if (when === "before" || when === "after") {
      counts[when] += 1;
      const operation = /\b(?:query|mutation)\s+(\w+)/.exec(operationText)?.[1] ?? "anonymous";
      const key = `${operation.replace(/^Ritournelle/, "")} ${when}`;
      counts.byOperation[key] = (counts.byOperation[key] ?? 0) + 1;
    }
    return when;
  };
  return {
    counts,
    stop: () => {
      enabled = false;
    },
  };
}

/** The stand-in's state for the checks: every live draft and every invoice e-mail of the chaos shops, and whether an order is paid or cancelled. */
export type ShopifyLedger = {
  drafts: (DraftOrderRecord & { shop: string })[];
  emails: (InvoiceEmail & { shop: string })[];
  order: (shop: string, orderId: string) => { paid: boolean; cancelled: boolean } | null;
  /** Each template's shop domain (draft ids are numbered per shop by the stand-in). */
  shopOfTemplate: Map<string, string>;
};

export function shopifyLedger(standIn: ShopifyStandIn, shops: number, planned: (PlannedTemplate & { id: string })[]): ShopifyLedger {
  const domains = Array.from({ length: shops }, (_, index) => chaosShopDomain(index));
  return {
    shopOfTemplate: new Map(planned.map((template) => [template.id, chaosShopDomain(template.shopIndex)])),
    drafts: domains.flatMap((shop) => standIn.control.draftOrders(shop).map((draft) => ({ ...draft, shop }))),
    emails: domains.flatMap((shop) => standIn.control.invoiceEmails(shop).map((email) => ({ ...email, shop }))),
    order: (shop, orderId) => {
      const order = standIn.control.orders(shop).find((candidate) => candidate.id === orderId);
      return order ? { paid: order.displayFinancialStatus === "PAID", cancelled: order.cancelledAt !== null } : null;
    },
  };
}

/** The run id a draft carries (metafield ritournelle.run_id, else its tag). */
export function runIdOfDraft(draft: DraftOrderRecord): string | null {
  const metafield = draft.metafields.find((field) => field.namespace === "ritournelle" && field.key === "run_id");
  if (metafield) return metafield.value;
  const tag = draft.tags.find((candidate) => candidate.startsWith("ritournelle-run-"));
  return tag ? tag.slice("ritournelle-run-".length) : null;
}

/** The draft's total in minor units (EUR: cents), as Shopify computed it. */
export function draftTotal(draft: DraftOrderRecord): number {
  return Math.round(Number(draft.amounts.totalPriceSet.shopMoney.amount) * 100);
}
