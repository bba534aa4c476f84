import { describe, expect, it } from "vitest";
import { buildEInvoice, canonicalRate, einvoiceProblems, processOf } from "~/domain/einvoice";
import { draftInvoice } from "~/domain/invoice-draft";
import { patchXml } from "~/services/documents/facturx-kit.server";
import { SCENARIOS } from "../../sandbox/demo/facturx-scenarios";

describe("the e-invoice's amounts", () => {
  for (const { name, input } of SCENARIOS) {
    it(`${name}: the total with VAT is the Stripe arithmetic's total, to the cent`, () => {
      const invoice = buildEInvoice(input);
      const stripe = draftInvoice({
        currency: "EUR",
        taxesIncluded: true,
        lines: input.lines.map((l) => ({ title: l.description, quantity: l.quantity, unitAmount: l.unitAmount, discountAmount: l.discountAmount, taxLines: l.taxes })),
      });
      expect(invoice.grandTotal).toBe(stripe.expectedTotal);
      expect(invoice.taxTotal).toBe(stripe.totalTax);
      expect(invoice.breakdown.reduce((acc, group) => acc + group.basis + group.tax, 0)).toBe(stripe.expectedTotal);
    });
  }

  it("splits 5.5 % and 20 % into two VAT groups", () => {
    const invoice = buildEInvoice(SCENARIOS.find((s) => s.name === "two-vat-rates")!.input);
    expect(invoice.breakdown).toEqual([
      { rate: "5.5", basis: 2360, tax: 130 },
      { rate: "20", basis: 5000, tax: 1000 },
    ]);
  });
});

describe("the billing process code (BT-23)", () => {
  it("is B1 for goods, S1 for services, M1 for both", () => {
    expect(processOf(["goods", "goods"])).toBe("B1");
    expect(processOf(["services"])).toBe("S1");
    expect(processOf(["services", "goods"])).toBe("M1");
  });
});

describe("VAT rates as BR-FR-16 wants them", () => {
  it("drops trailing zeros, in our rates and in the generator's XML", () => {
    expect(canonicalRate("20.00")).toBe("20");
    expect(canonicalRate("5.50")).toBe("5.5");
    expect(patchXml("<ram:RateApplicablePercent>20.0000</ram:RateApplicablePercent><ram:RateApplicablePercent>5.5000</ram:RateApplicablePercent>")).toBe(
      "<ram:RateApplicablePercent>20</ram:RateApplicablePercent><ram:RateApplicablePercent>5.5</ram:RateApplicablePercent>",
    );
  });
});

describe("the pre-flight check names the field to fix", () => {
  const input = SCENARIOS[0]!.input;
  it("a SIREN with a wrong key (no official validator checks it)", () => {
    expect(einvoiceProblems({ ...input, buyer: { ...input.buyer, siren: "443061842", electronicAddress: "443061842" } })).toContainEqual(
      expect.objectContaining({ field: "buyer.siren", code: "siren_key" }),
    );
  });
  it("a VAT number whose key does not match", () => {
    expect(einvoiceProblems({ ...input, seller: { ...input.seller, vatNumber: "FR45732829320" } })).toContainEqual(
      expect.objectContaining({ field: "seller.vatNumber", code: "vat_number_key" }),
    );
  });
  it("missing payment terms, which the validators no longer check (BR-CO-25 left CII)", () => {
    expect(einvoiceProblems({ ...input, paymentTerms: " " })).toContainEqual(expect.objectContaining({ field: "paymentTerms", code: "required" }));
  });
  it("a line with two taxes", () => {
    const line = { ...input.lines[0]!, taxes: [...input.lines[0]!.taxes, { title: "Autre", ratePercent: "5.5", inclusive: true }] };
    expect(einvoiceProblems({ ...input, lines: [line] })).toContainEqual(expect.objectContaining({ field: "lines.0.taxes", code: "one_vat_rate_per_line" }));
  });
});
