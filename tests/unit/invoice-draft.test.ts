// Template lines → invoice lines and totals, as Stripe computes them: per line,
// per rate, rounded half up; inclusive taxes extracted, exclusive ones added.
import { describe, expect, it } from "vitest";
import { draftInvoice, InvoiceDraftError, type TemplateLine } from "~/domain/invoice-draft";
import { MoneyError } from "~/domain/money";

function line(overrides: Partial<TemplateLine> = {}): TemplateLine {
  return { title: "Coffee beans", quantity: 1, unitAmount: 1000, discountAmount: 0, taxLines: [], ...overrides };
}

const VAT_20 = [{ title: "TVA", ratePercent: "20" }];

describe("draftInvoice", () => {
  it("extracts EU 20% VAT from inclusive prices, rounding the half cent up (5997 × 20/120 = 999.5 → 1000)", () => {
    const draft = draftInvoice({
      currency: "EUR",
      taxesIncluded: true,
      lines: [line({ quantity: 3, unitAmount: 1999, taxLines: VAT_20 })],
      shipping: { title: "Colissimo", amount: 490, discountAmount: 0, taxLines: VAT_20 },
    });
    expect(draft.lines.map((l) => [l.description, l.amount, l.net, l.taxes.map((t) => t.amount), l.total])).toEqual([
      ["Coffee beans", 5997, 5997, [1000], 5997],
      // 490 × 20 / 120 = 81.67 → 82
      ["Colissimo", 490, 490, [82], 490],
    ]);
    expect(draft.totalTax).toBe(1082);
    expect(draft.expectedTotal).toBe(6487);
    expect(draft.lines[0]!.taxes[0]).toMatchObject({ inclusive: true, ratePercent: "20", title: "TVA" });
  });

  it("adds US 8.875% sales tax on top, rounded per line and not per invoice", () => {
    // Each 4-cent line has 0.355 cent of tax → 0; rounding the invoice's sum (1.065) would give 1.
    const cheap = line({ unitAmount: 4, taxLines: [{ title: "NY", ratePercent: "8.875" }] });
    const draft = draftInvoice({ currency: "USD", taxesIncluded: false, lines: [cheap, cheap, cheap] });
    expect(draft.lines.map((l) => l.taxes[0]!.amount)).toEqual([0, 0, 0]);
    expect(draft.expectedTotal).toBe(12);

    const single = draftInvoice({
      currency: "USD",
      taxesIncluded: false,
      lines: [line({ unitAmount: 1999, taxLines: [{ title: "NY", ratePercent: "8.875" }] })],
    });
    // 1999 × 8.875% = 177.41 → 177
    expect(single.totalTax).toBe(177);
    expect(single.expectedTotal).toBe(2176);
  });

  it("rounds each exclusive rate of a line separately", () => {
    const draft = draftInvoice({
      currency: "USD",
      taxesIncluded: false,
      lines: [
        line({
          unitAmount: 1999,
          taxLines: [
            { title: "NY State", ratePercent: "4" }, // 79.96 → 80
            { title: "NYC", ratePercent: "4.5" }, // 89.955 → 90
            { title: "MCTD", ratePercent: "0.375" }, // 7.496 → 7
          ],
        }),
      ],
    });
    expect(draft.lines[0]!.taxes.map((t) => t.amount)).toEqual([80, 90, 7]);
    expect(draft.expectedTotal).toBe(1999 + 177);
  });

  it("rounds an exact half up for exclusive taxes (50 × 5% = 2.5 → 3)", () => {
    const draft = draftInvoice({ currency: "EUR", taxesIncluded: false, lines: [line({ unitAmount: 50, taxLines: [{ title: "T", ratePercent: "5" }] })] });
    expect(draft.totalTax).toBe(3);
    expect(draft.expectedTotal).toBe(53);
  });

  it("extracts several inclusive rates over their sum (Quebec GST 5% + QST 9.975%)", () => {
    const draft = draftInvoice({
      currency: "CAD",
      taxesIncluded: true,
      lines: [line({ taxLines: [{ title: "GST", ratePercent: "5" }, { title: "QST", ratePercent: "9.975" }] })],
    });
    // 1000 × 5 / 114.975 = 43.49 → 43; 1000 × 9.975 / 114.975 = 86.76 → 87
    expect(draft.lines[0]!.taxes.map((t) => t.amount)).toEqual([43, 87]);
    expect(draft.expectedTotal).toBe(1000);
  });

  it("works in whole yen for JPY (no minor unit)", () => {
    const inclusive = draftInvoice({
      currency: "JPY",
      taxesIncluded: true,
      lines: [line({ quantity: 3, unitAmount: 1200, taxLines: [{ title: "消費税", ratePercent: "10" }] })],
    });
    // 3600 × 10 / 110 = 327.27 → 327
    expect(inclusive.totalTax).toBe(327);
    expect(inclusive.expectedTotal).toBe(3600);

    const exclusive = draftInvoice({
      currency: "JPY",
      taxesIncluded: false,
      lines: [line({ unitAmount: 1333, taxLines: [{ title: "消費税", ratePercent: "10" }] })],
    });
    expect(exclusive.expectedTotal).toBe(1333 + 133);
  });

  it("takes the line's discount off before tax", () => {
    const draft = draftInvoice({
      currency: "EUR",
      taxesIncluded: true,
      lines: [line({ quantity: 2, unitAmount: 1000, discountAmount: 250, taxLines: VAT_20 })],
    });
    // net 1750; 1750 × 20 / 120 = 291.67 → 292
    expect(draft.lines[0]).toMatchObject({ amount: 2000, net: 1750, total: 1750 });
    expect(draft.totalTax).toBe(292);
    expect(draft.subtotal).toBe(1750);
    expect(draft.expectedTotal).toBe(1750);
  });

  it("treats shipping as one more line, with its own discount and tax", () => {
    const draft = draftInvoice({
      currency: "USD",
      taxesIncluded: false,
      lines: [line({ unitAmount: 2000 })],
      shipping: { title: "UPS Ground", amount: 999, discountAmount: 999, taxLines: [{ title: "NY", ratePercent: "8.875" }] },
    });
    expect(draft.lines).toHaveLength(2);
    expect(draft.lines[1]).toMatchObject({ description: "UPS Ground", quantity: 1, net: 0, total: 0 });
    expect(draft.expectedTotal).toBe(2000);
  });

  it("describes a line by title, variant and SKU", () => {
    const draft = draftInvoice({
      currency: "EUR",
      taxesIncluded: true,
      lines: [line({ title: "Coffee beans", variantTitle: "1 kg", sku: "BEAN-1K" })],
    });
    expect(draft.lines[0]!.description).toBe("Coffee beans — 1 kg (SKU BEAN-1K)");
  });

  it("refuses a discount larger than the line, naming the field", () => {
    const attempt = () =>
      draftInvoice({ currency: "EUR", taxesIncluded: true, lines: [line(), line({ unitAmount: 100, discountAmount: 101 })] });
    expect(attempt).toThrow(InvoiceDraftError);
    expect(attempt).toThrow(expect.objectContaining({ field: "lines.1.discountAmount", code: "discount_exceeds_amount" }));
  });

  it("refuses an invoice without lines, a bad rate and an unknown currency", () => {
    expect(() => draftInvoice({ currency: "EUR", taxesIncluded: true, lines: [] })).toThrow(
      expect.objectContaining({ code: "no_lines" }),
    );
    expect(() =>
      draftInvoice({ currency: "EUR", taxesIncluded: true, lines: [line({ taxLines: [{ title: "T", ratePercent: "20%" }] })] }),
    ).toThrow(MoneyError);
    expect(() => draftInvoice({ currency: "EURO", taxesIncluded: true, lines: [line()] })).toThrow(MoneyError);
  });
});
