// The template form refuses an invoice of nothing before the merchant
// submits (the same check the templates service makes, see
// zero-total-templates.test.ts), while its live totals keep showing the
// zero total the merchant typed.
import { describe, expect, it } from "vitest";
import { isIssuableTotal } from "~/domain/invoice-draft";
import { formDraft, formLinesOf, parseTemplateForm, scheduleFieldsOf, type TemplateFormContext, type TemplateFormValues } from "~/domain/template-form";
import { translator } from "~/i18n";
import { fieldErrorText } from "~/i18n/field-errors";

const context: TemplateFormContext = { currency: "EUR", taxesIncluded: true, shipping: null, timeZone: "Europe/Paris", today: "2026-03-10" };

function values(unitPrice: string, discount = "0"): TemplateFormValues {
  return {
    ...scheduleFieldsOf({ every: 1, unit: "month" }),
    anchor: "2026-03-31",
    timeOfDay: "09:00",
    lines: formLinesOf([{ title: "Location", quantity: 2, unitAmount: 0, discountAmount: 0, taxLines: [{ title: "TVA", ratePercent: "20" }] }], "EUR").map(
      (line) => ({ ...line, unitPrice, discount }),
    ),
    customerEmail: "camille@example.fr",
    daysUntilDue: "14",
    catchUp: "shop",
    signatureRequested: false,
    memo: "",
  };
}

describe("an invoice that asks for nothing", () => {
  it("is refused by the form on its lines, whether the prices are zero or discounted to zero", () => {
    expect(parseTemplateForm(values("0"), context)).toEqual({ ok: false, errors: { lines: "total_not_positive" } });
    expect(parseTemplateForm(values("49.00", "98.00"), context)).toEqual({ ok: false, errors: { lines: "total_not_positive" } });
    expect(parseTemplateForm(values("0.01"), context).ok).toBe(true);
  });

  it("counts the shipping: free lines with a paid delivery still make an invoice", () => {
    const shipping = { title: "Colissimo", amount: 690, discountAmount: 0, taxLines: [] };
    expect(parseTemplateForm(values("0"), { ...context, shipping })).toMatchObject({ ok: true, value: { draft: { expectedTotal: 690 } } });
  });

  it("still shows the live totals of zero while the merchant types", () => {
    expect(formDraft(values("0"), context)).toMatchObject({ subtotal: 0, totalTax: 0, expectedTotal: 0 });
  });

  it("is said in the merchant's language", () => {
    expect(fieldErrorText(translator("en"), "en", "total_not_positive")).toBe(
      "This invoice totals zero: a recurring invoice must ask for an amount. Check the prices and discounts of the lines.",
    );
    expect(fieldErrorText(translator("fr"), "fr", "total_not_positive")).toBe(
      "Cette facture a un total nul : une facture récurrente doit demander un montant. Vérifiez les prix et remises des lignes.",
    );
  });

  it("is any total of zero or less (minor units)", () => {
    expect([-1, 0, 1].map(isIssuableTotal)).toEqual([false, false, true]);
  });
});
