// The merchant is told, in English and French, that voiding a French
// e-invoice issues a credit note: in the confirmation, after it, and on the
// activity list.
import { describe, expect, it } from "vitest";
import { confirmBodyKey } from "~/components/template/ConfirmRunActionModal";
import { eventKey } from "~/components/template/event-labels";
import { translator } from "~/i18n";

describe("voiding a French e-invoice, in the merchant's words", () => {
  const values = { period: "1 Dec 2026", amount: "€144.00", number: "ATDUP-0001-CN-01" };

  it("the confirmation says a credit note is issued instead, in English and French; other invoices keep the plain void", () => {
    const key = confirmBodyKey({ action: "void", creditNote: true });
    expect(translator("en")(key, values)).toMatch(/is not voided: Ritournelle issues a credit note \(avoir\) for its full amount/);
    expect(translator("fr")(key, values)).toMatch(/n’est pas annulée en silence : Ritournelle émet un avoir de son montant total/);
    expect(translator("en")(confirmBodyKey({ action: "void", creditNote: false }), values)).toContain("will be voided in your Stripe account");
  });

  it("the result names the credit note, and the activity list says the invoice was cancelled by one", () => {
    expect(translator("en")("template.done.void_credit_note", values)).toContain("cancelled by credit note ATDUP-0001-CN-01");
    expect(translator("fr")("template.done.void_credit_note", values)).toContain("annulée par l’avoir ATDUP-0001-CN-01");
    const key = eventKey("run.closed", "void", "credit_note");
    expect(translator("en")(key)).toBe("Invoice cancelled by a credit note");
    expect(translator("fr")(key)).toBe("Facture annulée par un avoir");
    expect(eventKey("run.closed", "void", "void")).toBe("event.run.closed.void");
  });
});
