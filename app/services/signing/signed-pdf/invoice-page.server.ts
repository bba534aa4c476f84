// The signed PDF's first page(s): the invoice as the customer saw it, then
// their signature under it.
import type { PDFImage } from "pdf-lib";
import { formatMoney } from "~/domain/money";
import type { SignatureDocument } from "~/domain/signature-document";
import { utcStamp } from "~/domain/signing";
import type { Translate } from "~/i18n";
import { formatCivilDate, intlLocale } from "~/i18n/format";
import { GREY, type PageWriter } from "./page-writer.server";
import type { SignedPdfInput } from "./render-signed-pdf.server";

/** Draws the invoice (same rows and totals as the signing page) and the signature block with `image`. */
export function drawInvoice(w: PageWriter, input: SignedPdfInput, image: PDFImage): void {
  const { document, t, locale, signature } = input;
  const money = (amount: number) => formatMoney(amount, document.invoice.currency, intlLocale(locale));
  w.text(document.merchant.name, { font: "bold", size: 18 });
  w.text(t("sign.pdf.invoice", { number: document.invoice.number }), { size: 13 });
  // The Shopify rail: the document is Shopify's draft order, and the order it became once paid.
  if (document.shopify) {
    const names = [t("sign.pdf.shopifyDraftOrder", { name: document.shopify.draftOrder }), document.shopify.order ? t("sign.pdf.shopifyOrder", { name: document.shopify.order }) : null];
    w.text(names.filter(Boolean).join(" · "), { size: 10 });
  }
  if (document.invoice.issuedOn) w.text(t("sign.issuedOn", { date: formatCivilDate(document.invoice.issuedOn, locale) }), { size: 10 });
  if (document.invoice.dueOn) w.text(t("sign.dueOn", { date: formatCivilDate(document.invoice.dueOn, locale) }), { size: 10 });
  w.gap(8);
  const customer = [document.customer.name, document.customer.email].filter(Boolean).join(" · ");
  if (customer) w.text(`${t("sign.billedTo")} ${customer}`, { size: 10 });
  w.gap(12);

  const columns = [
    { width: 0.52, align: "left" as const },
    { width: 0.1, align: "right" as const },
    { width: 0.19, align: "right" as const },
    { width: 0.19, align: "right" as const },
  ];
  w.row(columns, [t("sign.col.description"), t("sign.col.quantity"), t("sign.col.unitPrice"), t("sign.col.amount")], { font: "bold" });
  w.rule();
  for (const line of document.lines) {
    w.row(columns, [line.description, String(line.quantity), line.unitAmount === null ? "" : money(line.unitAmount), money(line.amount)]);
    if (line.discount > 0) w.row(columns, [`  ${t("sign.totals.discount")}`, "", "", money(-line.discount)], { size: 9 });
  }
  w.rule();
  const totals: [string, string][] = [[t("sign.totals.subtotal"), money(document.totals.subtotal)]];
  const lineDiscounts = document.lines.reduce((total, line) => total + line.discount, 0);
  if (document.totals.discount > lineDiscounts) {
    totals.push([t("sign.totals.discount"), money(-(document.totals.discount - lineDiscounts))]);
  }
  for (const tax of document.totals.taxes) totals.push([taxLabel(t, tax), money(tax.amount)]);
  // Totals: the label right-aligned across the first three columns, the amount under "Amount".
  const totalColumns = [
    { width: 0.81, align: "right" as const },
    { width: 0.19, align: "right" as const },
  ];
  for (const [label, value] of totals) w.row(totalColumns, [label, value]);
  w.row(totalColumns, [t("sign.totals.total"), money(document.totals.total)], { font: "bold" });

  w.gap(28);
  w.text(t("sign.pdf.signedBy", { name: signature.signerName, time: utcStamp(signature.signedAt) }), { font: "bold", size: 11 });
  w.gap(6);
  w.image(image, 240, 100);
  w.gap(6);
  w.text(t("sign.signed.id", { id: signature.id }), { size: 9 });
  w.text(t("sign.pdf.documentHashValue", { hash: input.documentHash }), { font: "mono", size: 8 });
  w.text(t("sign.pdf.seeCertificate"), { size: 9, color: GREY });
}

function taxLabel(t: Translate, tax: SignatureDocument["totals"]["taxes"][number]): string {
  return t(tax.inclusive ? "sign.totals.taxIncluded" : "sign.totals.tax", { name: tax.name, rate: tax.ratePercent });
}
