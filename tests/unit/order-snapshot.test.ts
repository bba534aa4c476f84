// Order → template snapshot on hand-written orders shaped exactly like the
// Admin API answer to RitournelleOrderForTemplate.
import { describe, expect, it } from "vitest";
import { draftInvoice } from "~/domain/invoice-draft";
import {
  OrderSnapshotError,
  ratePercentOf,
  shiftDecimal,
  snapshotFromOrder,
  type SourceLineItem,
  type SourceMoneyBag,
  type SourceOrder,
  type SourceShippingLine,
  type SourceTaxLine,
} from "~/domain/order-snapshot";
import { thrown } from "../helpers/expect-error";

function bag(shop: string, shopCurrency: string, presentment = shop, presentmentCurrency = shopCurrency): SourceMoneyBag {
  return { shopMoney: { amount: shop, currencyCode: shopCurrency }, presentmentMoney: { amount: presentment, currencyCode: presentmentCurrency } };
}

function tax(title: string, rate: number, amount: SourceMoneyBag): SourceTaxLine {
  return { title, rate, ratePercentage: Math.round(rate * 100 * 1e6) / 1e6, priceSet: amount };
}

let lineCounter = 0;
function line(parts: Partial<SourceLineItem> & Pick<SourceLineItem, "title" | "quantity" | "originalUnitPriceSet">): SourceLineItem {
  lineCounter += 1;
  return {
    id: `gid://shopify/LineItem/${lineCounter}`,
    variantTitle: null,
    sku: null,
    variant: { id: `gid://shopify/ProductVariant/${lineCounter}` },
    taxLines: [],
    discountAllocations: [],
    ...parts,
  };
}

function order(parts: Partial<SourceOrder> & Pick<SourceOrder, "lineItems" | "totalPriceSet">): SourceOrder {
  return {
    id: "gid://shopify/Order/1",
    name: "#1001",
    createdAt: "2026-01-05T09:15:00Z",
    currencyCode: "EUR",
    presentmentCurrencyCode: "EUR",
    taxesIncluded: true,
    email: "camille@example.fr",
    customerLocale: "fr",
    customer: {
      id: "gid://shopify/Customer/7",
      displayName: "Camille Dubois",
      locale: "fr",
      defaultEmailAddress: { emailAddress: "camille@example.fr" },
    },
    billingAddress: {
      name: "Camille Dubois",
      company: null,
      address1: "12 rue des Lilas",
      address2: null,
      city: "Lyon",
      provinceCode: null,
      zip: "69003",
      countryCodeV2: "FR",
    },
    shippingLines: { nodes: [] },
    ...parts,
  };
}

const lines = (...nodes: SourceLineItem[]) => ({ nodes, pageInfo: { hasNextPage: false } });
const shipping = (...nodes: SourceShippingLine[]) => ({ nodes });
const eur = (amount: string) => bag(amount, "EUR");

function draftTotal(snapshot: ReturnType<typeof snapshotFromOrder>): number {
  return draftInvoice(snapshot).expectedTotal;
}

describe("snapshotFromOrder", () => {
  it("keeps EU VAT inside the prices (tax-inclusive), with shipping as the template's shipping", () => {
    const snapshot = snapshotFromOrder(
      order({
        lineItems: lines(
          line({
            title: "Location machine espresso",
            variantTitle: "Mensuel",
            sku: "RENT-ESP-M",
            variant: { id: "gid://shopify/ProductVariant/45100000000011" },
            quantity: 1,
            originalUnitPriceSet: eur("49.00"),
            taxLines: [tax("FR TVA", 0.2, eur("8.17"))],
          }),
          line({
            title: "Contrat d'entretien",
            sku: "MAINT-STD",
            variant: { id: "gid://shopify/ProductVariant/45100000000021" },
            quantity: 1,
            originalUnitPriceSet: eur("19.90"),
            taxLines: [tax("FR TVA", 0.2, eur("3.32"))],
          }),
        ),
        shippingLines: shipping({
          title: "Colissimo Domicile",
          originalPriceSet: eur("6.90"),
          discountedPriceSet: eur("6.90"),
          taxLines: [tax("FR TVA", 0.2, eur("1.15"))],
        }),
        totalPriceSet: eur("75.80"),
      }),
    );
    expect(snapshot.currency).toBe("EUR");
    expect(snapshot.taxesIncluded).toBe(true);
    expect(snapshot.lines).toEqual([
      {
        title: "Location machine espresso",
        variantTitle: "Mensuel",
        sku: "RENT-ESP-M",
        variantId: "gid://shopify/ProductVariant/45100000000011",
        quantity: 1,
        unitAmount: 4900,
        discountAmount: 0,
        taxLines: [{ title: "FR TVA", ratePercent: "20" }],
      },
      {
        title: "Contrat d'entretien",
        sku: "MAINT-STD",
        variantId: "gid://shopify/ProductVariant/45100000000021",
        quantity: 1,
        unitAmount: 1990,
        discountAmount: 0,
        taxLines: [{ title: "FR TVA", ratePercent: "20" }],
      },
    ]);
    expect(snapshot.shipping).toEqual({ title: "Colissimo Domicile", amount: 690, discountAmount: 0, taxLines: [{ title: "FR TVA", ratePercent: "20" }] });
    expect(snapshot.customer).toEqual({
      shopifyCustomerId: "gid://shopify/Customer/7",
      name: "Camille Dubois",
      email: "camille@example.fr",
      locale: "fr",
      address: { line1: "12 rue des Lilas", city: "Lyon", postalCode: "69003", country: "FR" },
    });
    expect(snapshot.orderTotal).toBe(7580);
    const draft = draftInvoice(snapshot);
    expect(draft.expectedTotal).toBe(7580);
    expect(draft.totalTax).toBe(817 + 332 + 115);
  });

  it("keeps US sales tax on top of the prices (tax-exclusive), with exact rates such as 8.875 % split in three", () => {
    const usd = (amount: string) => bag(amount, "USD");
    const nyTaxes = [tax("New York State Tax", 0.04, usd("3.56")), tax("New York City Tax", 0.045, usd("4.01")), tax("Metropolitan Commuter Transportation District", 0.00375, usd("0.33"))];
    const snapshot = snapshotFromOrder(
      order({
        currencyCode: "USD",
        presentmentCurrencyCode: "USD",
        taxesIncluded: false,
        lineItems: lines(line({ title: "Espresso Machine Rental", quantity: 1, originalUnitPriceSet: usd("89.00"), taxLines: nyTaxes })),
        totalPriceSet: usd("96.90"),
      }),
    );
    expect(snapshot.taxesIncluded).toBe(false);
    expect(snapshot.lines[0]!.taxLines.map((t) => t.ratePercent)).toEqual(["4", "4.5", "0.375"]);
    expect(draftTotal(snapshot)).toBe(9690);
    expect(snapshot.orderTotal).toBe(9690);
  });

  it("puts every discount allocated to a line (manual, automatic, order-level code) on that line", () => {
    const snapshot = snapshotFromOrder(
      order({
        lineItems: lines(
          line({
            title: "Adhésion annuelle",
            quantity: 2,
            originalUnitPriceSet: eur("120.00"),
            taxLines: [tax("FR TVA", 0.2, eur("34.20"))],
            discountAllocations: [{ allocatedAmountSet: eur("20.00") }, { allocatedAmountSet: eur("14.80") }],
          }),
        ),
        totalPriceSet: eur("205.20"),
      }),
    );
    expect(snapshot.lines[0]).toMatchObject({ quantity: 2, unitAmount: 12000, discountAmount: 3480 });
    expect(draftTotal(snapshot)).toBe(20520);
  });

  it("keeps a shipping discount, drops free shipping lines and turns a second priced shipping line into a line", () => {
    const snapshot = snapshotFromOrder(
      order({
        lineItems: lines(line({ title: "Café 1 kg", quantity: 1, originalUnitPriceSet: eur("21.00") })),
        shippingLines: shipping(
          { title: "Retrait en magasin", originalPriceSet: eur("0.00"), discountedPriceSet: eur("0.00"), taxLines: [] },
          { title: "Colissimo", originalPriceSet: eur("6.90"), discountedPriceSet: eur("3.45"), taxLines: [] },
          { title: "Assurance colis", originalPriceSet: eur("2.00"), discountedPriceSet: eur("2.00"), taxLines: [] },
        ),
        totalPriceSet: eur("26.45"),
      }),
    );
    expect(snapshot.shipping).toEqual({ title: "Colissimo", amount: 690, discountAmount: 345, taxLines: [] });
    expect(snapshot.lines.map((l) => l.title)).toEqual(["Café 1 kg", "Assurance colis"]);
    // The product's variant stays with its line; shipping turned into a line has none.
    expect(snapshot.lines.map((l) => l.variantId)).toEqual([expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\/\d+$/), undefined]);
    expect(draftTotal(snapshot)).toBe(2645);
  });

  it("leaves out the variant of a custom item and of a variant deleted since the order (both null in Shopify's answer)", () => {
    const snapshot = snapshotFromOrder(
      order({
        lineItems: lines(
          line({ title: "Réglage sur mesure", quantity: 1, variant: null, originalUnitPriceSet: eur("15.00") }),
          line({ title: "Café 1 kg", quantity: 2, variant: { id: "gid://shopify/ProductVariant/45100000000011" }, originalUnitPriceSet: eur("21.00") }),
        ),
        totalPriceSet: eur("57.00"),
      }),
    );
    expect(snapshot.lines[0]).not.toHaveProperty("variantId");
    expect(snapshot.lines[1]).toMatchObject({ title: "Café 1 kg", variantId: "gid://shopify/ProductVariant/45100000000011" });
  });

  it("reads zero-decimal JPY amounts exactly (\"19800.0\" is 19800 yen)", () => {
    const jpy = (amount: string) => bag(String(Number(amount) * 0.0062), "EUR", amount, "JPY");
    const snapshot = snapshotFromOrder(
      order({
        presentmentCurrencyCode: "JPY",
        taxesIncluded: false,
        lineItems: lines(line({ title: "Membership", quantity: 1, originalUnitPriceSet: jpy("19800.0") })),
        shippingLines: shipping({ title: "EMS", originalPriceSet: jpy("4500.0"), discountedPriceSet: jpy("4500.0"), taxLines: [] }),
        totalPriceSet: jpy("24300.0"),
      }),
    );
    expect(snapshot.currency).toBe("JPY");
    expect(snapshot.lines[0]!.unitAmount).toBe(19800);
    expect(snapshot.shipping!.amount).toBe(4500);
    expect(draftTotal(snapshot)).toBe(24300);
  });

  it("invoices in the presentment currency the customer paid in, not the shop currency", () => {
    const usdInEurShop = (presentment: string, shop: string) => bag(shop, "EUR", presentment, "USD");
    const snapshot = snapshotFromOrder(
      order({
        currencyCode: "EUR",
        presentmentCurrencyCode: "USD",
        taxesIncluded: false,
        lineItems: lines(line({ title: "Espresso rental", quantity: 1, originalUnitPriceSet: usdInEurShop("54.00", "49.68") })),
        totalPriceSet: usdInEurShop("54.00", "49.68"),
      }),
    );
    expect(snapshot.currency).toBe("USD");
    expect(snapshot.lines[0]!.unitAmount).toBe(5400);
    expect(snapshot.orderTotal).toBe(5400);
  });

  it("falls back to the order's e-mail when the customer record has none", () => {
    const snapshot = snapshotFromOrder(
      order({
        email: "orders@brasserie.example",
        customer: { id: "gid://shopify/Customer/9", displayName: "Brasserie", locale: null, defaultEmailAddress: null },
        lineItems: lines(line({ title: "Café", quantity: 1, originalUnitPriceSet: eur("10.00") })),
        totalPriceSet: eur("10.00"),
      }),
    );
    expect(snapshot.customer.email).toBe("orders@brasserie.example");
    expect(snapshot.customer.locale).toBe("fr");
  });

  it("refuses an order whose customer has no e-mail address, saying what to fix", () => {
    const refusal = refusalOf(
      order({
        name: "#1006",
        email: null,
        customer: { id: "gid://shopify/Customer/6", displayName: "Lucas Martin", locale: "fr", defaultEmailAddress: null },
        lineItems: lines(line({ title: "Entretien", quantity: 1, originalUnitPriceSet: eur("19.90") })),
        totalPriceSet: eur("19.90"),
      }),
    );
    expect(refusal.code).toBe("no_email");
    expect(refusal.values).toEqual({ order: "#1006" });
    expect(refusal.message).toMatch(/Add an e-mail address to the customer in Shopify/);
  });

  it("refuses an order without customer (a point-of-sale sale)", () => {
    const refusal = refusalOf(
      order({ customer: null, email: null, lineItems: lines(line({ title: "Détartrant", quantity: 2, originalUnitPriceSet: eur("9.90") })), totalPriceSet: eur("19.80") }),
    );
    expect(refusal.code).toBe("no_customer");
  });

  it("refuses a currency Stripe cannot invoice, naming it", () => {
    const ves = (amount: string) => bag(amount, "EUR", amount, "VES");
    const refusal = refusalOf(
      order({ presentmentCurrencyCode: "VES", lineItems: lines(line({ title: "Café", quantity: 1, originalUnitPriceSet: ves("10.00") })), totalPriceSet: ves("10.00") }),
    );
    expect(refusal.code).toBe("unsupported_currency");
    expect(refusal.values).toMatchObject({ currency: "VES", shopCurrency: "EUR" });
  });

  it("refuses an order with more lines than one page could read", () => {
    const refusal = refusalOf(
      order({ lineItems: { nodes: [line({ title: "A", quantity: 1, originalUnitPriceSet: eur("1.00") })], pageInfo: { hasNextPage: true } }, totalPriceSet: eur("1.00") }),
    );
    expect(refusal.code).toBe("too_many_lines");
  });
});

describe("B2B: an order placed for a company location", () => {
  const simple = { lineItems: lines(line({ title: "Café", quantity: 1, originalUnitPriceSet: eur("24.00") })), totalPriceSet: eur("24.00") };
  const b2b = {
    __typename: "PurchasingCompany" as const,
    company: { id: "gid://shopify/Company/3", name: "Brasserie du Port" },
    contact: { id: "gid://shopify/CompanyContact/4" },
    location: { id: "gid://shopify/CompanyLocation/5", name: "Nantes" },
  };

  it("keeps the location, its company and the contact who placed it on the customer", () => {
    const snapshot = snapshotFromOrder(order({ ...simple, purchasingEntity: b2b }));
    expect(snapshot.customer.company).toEqual({
      companyId: "gid://shopify/Company/3",
      companyName: "Brasserie du Port",
      contactId: "gid://shopify/CompanyContact/4",
      locationId: "gid://shopify/CompanyLocation/5",
      locationName: "Nantes",
    });
    expect(snapshot.customer.shopifyCustomerId).toBe("gid://shopify/Customer/7");
  });

  it("gives the location's terms in days for the form to start from: net N → N, due on receipt or fulfillment → 0, none → the shop's", () => {
    const withTerms = (paymentTermsType: string, dueInDays: number | null) =>
      snapshotFromOrder(order({ ...simple, purchasingEntity: { ...b2b, location: { ...b2b.location, buyerExperienceConfiguration: { paymentTermsTemplate: { paymentTermsType, dueInDays } } } } })).companyTermsDays;
    expect([withTerms("NET", 30), withTerms("FULFILLMENT", null), withTerms("RECEIPT", null)]).toEqual([30, 0, 0]);
    expect(snapshotFromOrder(order({ ...simple, purchasingEntity: b2b })).companyTermsDays).toBeUndefined();
  });

  it("bills the customer for a D2C order, and for a location's order without a contact (a draft for a company needs one)", () => {
    expect(snapshotFromOrder(order({ ...simple, purchasingEntity: { __typename: "Customer" } })).customer.company).toBeUndefined();
    expect(snapshotFromOrder(order(simple)).customer.company).toBeUndefined();
    expect(snapshotFromOrder(order({ ...simple, purchasingEntity: { ...b2b, contact: null } })).customer.company).toBeUndefined();
  });
});

describe("exact tax rates", () => {
  it.each([
    [0.2, "20"],
    [0.055, "5.5"],
    [0.08875, "8.875"],
    [0.00375, "0.375"],
    [0, "0"],
    [1e-7, "0.00001"],
    [1.5, "150"],
  ])("rate %s is %s %%", (rate, expected) => {
    expect(ratePercentOf({ rate, ratePercentage: null })).toBe(expected);
  });

  it("uses ratePercentage when the rate is missing", () => {
    expect(ratePercentOf({ rate: null, ratePercentage: 8.875 })).toBe("8.875");
  });

  it("shifts exponent spellings without floats", () => {
    expect(shiftDecimal("1.25e-3", 2)).toBe("0.125");
    expect(shiftDecimal("12.5", 0)).toBe("12.5");
  });
});

const refusalOf = (source: SourceOrder) => thrown(OrderSnapshotError, () => snapshotFromOrder(source));
