// Several workers save the same Stripe mapping at the same moment: two runs
// of one customer, or two invoices with the same tax, issued by different
// processes. With a compound key Prisma's upsert reads then inserts, so on
// PostgreSQL the slower writer met a unique violation, a crash for its lane,
// and its run waited out its whole lease (found by the workers bench, 4
// processes). SQLite runs these one at a time (one connection); they matter
// on PostgreSQL (`npm run vitest:postgres`, and CI).
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { findStripeCustomer, findStripeTaxRate, saveStripeCustomer, saveStripeTaxRate } from "~/models/stripe.server";
import { createShop } from "../helpers/recurring";

const AT_ONCE = 12;

describe("Stripe mappings saved by several workers at once", () => {
  it("the same tax rate saved 12 times at once: none fails, one id is kept, and a later save does not replace it", async () => {
    const key = { account: "acct_concurrent", percentage: "20", inclusive: true, displayName: "TVA" };
    const saves = await Promise.allSettled(Array.from({ length: AT_ONCE }, (_, index) => saveStripeTaxRate(key, `txr_${index}`)));

    expect(saves.filter((save) => save.status === "rejected")).toEqual([]);
    const kept = await findStripeTaxRate(key);
    expect(kept).toMatch(/^txr_\d+$/);
    await saveStripeTaxRate(key, "txr_later");
    expect(await findStripeTaxRate(key)).toBe(kept);
    expect(await prisma.stripeTaxRate.count({ where: key })).toBe(1);
  });

  it("the same customer saved 12 times at once: none fails, one mapping is kept, and a later save replaces it", async () => {
    const shop = await createShop();
    const key = { shopDomain: shop.domain, account: "acct_concurrent", customerKey: "shopify:gid://shopify/Customer/42" };
    const row = (index: number) => ({ stripeCustomerId: `cus_${index}`, fingerprint: `fp_${index}`, email: "claire@example.fr", shopifyCustomerId: "gid://shopify/Customer/42" });
    const saves = await Promise.allSettled(Array.from({ length: AT_ONCE }, (_, index) => saveStripeCustomer(key, row(index))));

    expect(saves.filter((save) => save.status === "rejected")).toEqual([]);
    expect((await findStripeCustomer(key))?.stripeCustomerId).toMatch(/^cus_\d+$/);
    await saveStripeCustomer(key, row(99));
    expect(await findStripeCustomer(key)).toEqual({ stripeCustomerId: "cus_99", fingerprint: "fp_99" });
    expect(await prisma.stripeCustomer.count({ where: { shopId: shop.id } })).toBe(1);
  });
});
