// One line limit (MAX_TEMPLATE_LINES), and the limits around it agree with
// it: what the order import reads always fits a template, and a template with
// its shipping line always fits one Stripe invoice. (The form and the
// templates service share the limit through the template input's schema:
// template-form.test.ts and templates.test.ts test it there; the gateway's
// refusal beyond it is in stripe-lines.test.ts.)
import { describe, expect, it } from "vitest";
import { MAX_INVOICE_LINES } from "~/domain/billing";
import { createTemplateInput, MAX_TEMPLATE_LINES } from "~/domain/template-input";
import { STRIPE_MAX_INVOICE_ITEMS } from "~/gateways/stripe/billing-adapter.server";
import { MAX_ORDER_LINES, ORDER_FOR_TEMPLATE_QUERY } from "~/gateways/shopify/orders.server";

describe("the line limit", () => {
  it("is the templates service's: it accepts a template of exactly that many lines, not one more", () => {
    const line = { title: "Article", quantity: 1, unitAmount: 100, taxLines: [] };
    const input = (count: number) => ({
      currency: "EUR",
      customer: { name: "Claire Martin", email: "claire.martin@example.fr" },
      lines: Array.from({ length: count }, () => line),
      taxesIncluded: true,
      schedule: { every: 1, unit: "month", anchor: "2026-01-15" },
    });
    expect(createTemplateInput.safeParse(input(MAX_TEMPLATE_LINES)).success).toBe(true);
    expect(createTemplateInput.safeParse(input(MAX_TEMPLATE_LINES + 1)).error?.issues).toMatchObject([{ path: ["lines"], message: "too_many_lines" }]);
  });

  it("with the shipping line, fits one Stripe invoice", () => {
    expect(MAX_INVOICE_LINES).toBe(MAX_TEMPLATE_LINES + 1);
    expect(MAX_INVOICE_LINES).toBeLessThanOrEqual(STRIPE_MAX_INVOICE_ITEMS);
  });

  it("holds any order the import can read: its lines, and its shipping lines beyond the first (which become lines)", () => {
    // The import reads one page of MAX_ORDER_LINES lines (an order with more is refused) and this many shipping lines.
    const shippingLinesRead = Number(/shippingLines\(first: (\d+)\)/.exec(ORDER_FOR_TEMPLATE_QUERY)?.[1]);
    expect(shippingLinesRead).toBeGreaterThan(0);
    expect(MAX_ORDER_LINES + shippingLinesRead - 1).toBeLessThanOrEqual(MAX_TEMPLATE_LINES);
  });
});
