// The template form's checks and live figures: the same code runs in the
// browser (live) and on the server (submit).
import { describe, expect, it } from "vitest";
import {
  formDraft,
  formLinesOf,
  formSchedule,
  keepKnownVariants,
  parseTemplateForm,
  previewOccurrences,
  scheduleFieldsOf,
  templateFormValuesSchema,
  type TemplateFormContext,
  type TemplateFormValues,
} from "~/domain/template-form";
import { MAX_MEMO_LENGTH, MAX_TEMPLATE_LINES } from "~/domain/template-input";
import { translator } from "~/i18n";
import { fieldErrorText } from "~/i18n/field-errors";

const context: TemplateFormContext = {
  currency: "EUR",
  taxesIncluded: true,
  shipping: { title: "Colissimo", amount: 690, discountAmount: 0, taxLines: [{ title: "FR TVA", ratePercent: "20" }] },
  timeZone: "Europe/Paris",
  today: "2026-03-10",
};

function values(overrides: Partial<TemplateFormValues> = {}): TemplateFormValues {
  return {
    ...scheduleFieldsOf({ every: 1, unit: "month" }),
    anchor: "2026-03-31",
    timeOfDay: "09:00",
    lines: formLinesOf([{ title: "Location", quantity: 1, unitAmount: 4900, discountAmount: 0, taxLines: [{ title: "FR TVA", ratePercent: "20" }] }], "EUR"),
    customerEmail: "camille@example.fr",
    daysUntilDue: "14",
    catchUp: "shop",
    signatureRequested: false,
    memo: "",
    ...overrides,
  };
}

describe("parseTemplateForm", () => {
  it("turns valid fields into a schedule, lines in minor units and policies", () => {
    const result = parseTemplateForm(values({ catchUp: "latest", memo: "  Merci !  " }), context);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.schedule).toEqual({ every: 1, unit: "month", anchor: "2026-03-31", timeOfDay: "09:00", timeZone: "Europe/Paris" });
    expect(result.value.lines[0]).toMatchObject({ unitAmount: 4900, quantity: 1, discountAmount: 0 });
    expect(result.value.catchUp).toBe("latest");
    expect(result.value.memo).toBe("Merci !");
    expect(result.value.draft.expectedTotal).toBe(4900 + 690);
  });

  it("answers every problem at once, per field", () => {
    const bad = values({
      lines: [{ key: "a", title: " ", quantity: "0", unitPrice: "abc", discount: "-1", taxLines: [] }],
      customerEmail: "not-an-email",
      frequency: "custom",
      customEvery: "0",
      anchor: "2026-03-01",
      timeOfDay: "25:00",
      endMode: "after",
      endAfterCount: "0",
      daysUntilDue: "-3",
      memo: "x".repeat(501),
    });
    const result = parseTemplateForm(bad, context);
    expect(result).toEqual({
      ok: false,
      errors: {
        "lines.0.title": "title_required",
        "lines.0.quantity": "quantity_invalid",
        "lines.0.unitAmount": "price_invalid",
        "lines.0.discountAmount": "discount_invalid",
        "customer.email": "email_invalid",
        "schedule.every": "every_invalid",
        "schedule.timeOfDay": "time_invalid",
        "schedule.end.afterCount": "after_count_invalid",
        "schedule.anchor": "anchor_past",
        "policies.daysUntilDue": "days_until_due_invalid",
        memo: "memo_too_long",
      },
    });
  });

  it("refuses an end date before the first invoice, a discount above its line and no lines", () => {
    expect(parseTemplateForm(values({ endMode: "until", endUntil: "2026-03-01" }), context)).toMatchObject({
      ok: false,
      errors: { "schedule.end.until": "until_before_anchor" },
    });
    const discounted = values({ lines: [{ key: "a", title: "A", quantity: "1", unitPrice: "10.00", discount: "10.01", taxLines: [] }] });
    expect(parseTemplateForm(discounted, context)).toMatchObject({ ok: false, errors: { "lines.0.discountAmount": "discount_exceeds_amount" } });
    expect(parseTemplateForm(values({ lines: [] }), context)).toMatchObject({ ok: false, errors: { lines: "no_lines" } });
  });

  it("accepts a comma as decimal separator and refuses more decimals than the currency has", () => {
    const comma = values({ lines: [{ key: "a", title: "A", quantity: "2", unitPrice: "19,99", discount: "0", taxLines: [] }] });
    expect(formDraft(comma, { ...context, shipping: null })?.expectedTotal).toBe(3998);
    const tooPrecise = values({ lines: [{ key: "a", title: "A", quantity: "1", unitPrice: "19.999", discount: "0", taxLines: [] }] });
    expect(parseTemplateForm(tooPrecise, context)).toMatchObject({ ok: false, errors: { "lines.0.unitAmount": "price_invalid" } });
    const yen = values({ lines: [{ key: "a", title: "A", quantity: "1", unitPrice: "19800.5", discount: "0", taxLines: [] }] });
    expect(formDraft(yen, { ...context, currency: "JPY", shipping: null })).toBeNull();
  });

  it("refuses what the templates service would refuse, before the merchant submits: its e-mail rule, its line limit", () => {
    // One dot after the @ is not enough for the address the invoice is sent to: the server's rule is the form's.
    expect(parseTemplateForm(values({ customerEmail: "camille@exemple.f" }), context)).toMatchObject({ ok: false, errors: { "customer.email": "email_invalid" } });
    const line = values().lines[0]!;
    const many = Array.from({ length: MAX_TEMPLATE_LINES + 1 }, (_, index) => ({ ...line, key: `line-${index}` }));
    expect(parseTemplateForm(values({ lines: many }), context)).toMatchObject({ ok: false, errors: { lines: "too_many_lines" } });
    expect(parseTemplateForm(values({ lines: many.slice(1) }), context).ok).toBe(true);
  });

  it("says each limit with the number the rule uses, in the merchant's language", () => {
    expect(fieldErrorText(translator("en"), "en", "memo_too_long")).toBe(`Keep the note under ${MAX_MEMO_LENGTH} characters.`);
    expect(fieldErrorText(translator("fr"), "fr", "too_many_lines")).toBe(
      `Une facture récurrente peut avoir au plus ${MAX_TEMPLATE_LINES} lignes. Supprimez-en.`,
    );
  });

  it("lets an edited template keep its past first invoice date", () => {
    const edit = { ...context, currentAnchor: "2025-01-31" };
    expect(parseTemplateForm(values({ anchor: "2025-01-31" }), edit).ok).toBe(true);
    expect(parseTemplateForm(values({ anchor: "2025-02-28" }), edit)).toMatchObject({ ok: false, errors: { "schedule.anchor": "anchor_past" } });
  });
});

describe("product variants", () => {
  const coffee = "gid://shopify/ProductVariant/45100000000011";
  const imported = [
    { title: "Café 1 kg", variantId: coffee, quantity: 1, unitAmount: 2100, discountAmount: 0, taxLines: [] },
    { title: "Réglage sur mesure", quantity: 1, unitAmount: 1500, discountAmount: 0, taxLines: [] },
  ];

  it("carry each line's variant through the form, even when the merchant renames the line; an added line has none", () => {
    const formLines = formLinesOf(imported, "EUR");
    expect(formLines.map((line) => line.variantId)).toEqual([coffee, undefined]);
    const edited = values({
      lines: [{ ...formLines[0]!, title: "Café du mois" }, formLines[1]!, { key: "new-1", title: "Détartrant", quantity: "1", unitPrice: "9.90", discount: "0", taxLines: [] }],
    });
    // What the browser posts is what the server parses.
    expect(templateFormValuesSchema.parse(JSON.parse(JSON.stringify(edited)))).toEqual(edited);
    const result = parseTemplateForm(edited, context);
    expect(result.ok && result.value.lines.map((line) => [line.title, line.variantId])).toEqual([
      ["Café du mois", coffee],
      ["Réglage sur mesure", undefined],
      ["Détartrant", undefined],
    ]);
  });

  it("refuse a posted variant id that is not a Shopify variant's", () => {
    const posted = values({ lines: [{ ...formLinesOf(imported, "EUR")[0]!, variantId: "gid://shopify/Product/1" }] });
    expect(templateFormValuesSchema.safeParse(posted).success).toBe(false);
  });

  it("keep only the variants the order or the template already had: a line never gains a product from the browser", () => {
    const posted = [
      { ...imported[0]!, title: "Café du mois" },
      { ...imported[1]!, variantId: "gid://shopify/ProductVariant/45100000000061" },
    ];
    expect(keepKnownVariants(posted, imported).map((line) => line.variantId)).toEqual([coffee, undefined]);
    expect(keepKnownVariants(posted, imported)[1]).not.toHaveProperty("variantId");
  });
});

describe("live preview", () => {
  it("lists the next dates from the anchor, clamped to month ends, in the shop's time zone", () => {
    const schedule = formSchedule(values(), context);
    expect(schedule).not.toBeNull();
    const dates = previewOccurrences(schedule!, 12).map((o) => o.date);
    expect(dates.slice(0, 4)).toEqual(["2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"]);
    expect(dates).toHaveLength(12);
    // 09:00 in Paris is 07:00Z in summer time, 08:00Z in winter.
    expect(previewOccurrences(schedule!, 1)[0]!.runAt).toBe("2026-03-31T07:00:00Z");
  });

  it("stops at the end the merchant chose and starts from now for an existing template", () => {
    const schedule = formSchedule(values({ endMode: "after", endAfterCount: "3" }), context)!;
    expect(previewOccurrences(schedule, 12)).toHaveLength(3);
    expect(previewOccurrences(schedule, 12, "2026-05-01T00:00:00Z").map((o) => o.index)).toEqual([2]);
    expect(previewOccurrences(schedule, 12, "2027-01-01T00:00:00Z")).toEqual([]);
  });

  it("maps a schedule back to the form's frequency fields", () => {
    expect(scheduleFieldsOf({ every: 2, unit: "week" })).toMatchObject({ frequency: "biweekly", endMode: "never" });
    expect(scheduleFieldsOf({ every: 10, unit: "day", end: { until: "2026-12-31" } })).toMatchObject({
      frequency: "custom",
      customEvery: "10",
      customUnit: "day",
      endMode: "until",
      endUntil: "2026-12-31",
    });
  });
});
