// The invoice as the signing page shows it. Renders a SignatureDocument and
// nothing else, so what the customer reads is exactly what is hashed (the
// page's language only changes labels and number formatting).
import type { SignatureDocument } from "~/domain/signature-document";
import type { Locale, Translate } from "~/i18n";
import { formatAmount, formatCivilDate } from "~/i18n/format";

type Props = { document: SignatureDocument; locale: Locale; t: Translate };

export function InvoiceDocument({ document, locale, t }: Props) {
  const { invoice, customer, lines, totals } = document;
  const money = (amount: number) => formatAmount(amount, invoice.currency, locale);
  const lineDiscounts = lines.reduce((sum, line) => sum + line.discount, 0);
  const invoiceDiscount = totals.discount - lineDiscounts;
  return (
    <section className="card" data-testid="invoice-document">
      <p className="muted">{document.merchant.name}</p>
      <h1>{t("sign.invoice", { number: invoice.number })}</h1>
      {invoice.issuedOn && <p className="muted">{t("sign.issuedOn", { date: formatCivilDate(invoice.issuedOn, locale) })}</p>}
      {invoice.dueOn && <p>{t("sign.dueOn", { date: formatCivilDate(invoice.dueOn, locale) })}</p>}
      {(customer.name || customer.email) && (
        <p>
          <span className="muted">{t("sign.billedTo")} </span>
          {[customer.name, customer.email].filter(Boolean).join(" · ")}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">{t("sign.col.description")}</th>
            <th scope="col" className="num">
              {t("sign.col.quantity")}
            </th>
            <th scope="col" className="num">
              {t("sign.col.unitPrice")}
            </th>
            <th scope="col" className="num">
              {t("sign.col.amount")}
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line, index) => (
            <tr key={index}>
              <td>
                {line.description}
                {line.discount > 0 && (
                  <div className="muted">
                    {t("sign.totals.discount")} {money(-line.discount)}
                  </div>
                )}
              </td>
              <td className="num">{line.quantity}</td>
              <td className="num">{line.unitAmount === null ? "" : money(line.unitAmount)}</td>
              <td className="num">{money(line.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3} className="num">
              {t("sign.totals.subtotal")}
            </td>
            <td className="num">{money(totals.subtotal)}</td>
          </tr>
          {invoiceDiscount > 0 && (
            <tr>
              <td colSpan={3} className="num">
                {t("sign.totals.discount")}
              </td>
              <td className="num">{money(-invoiceDiscount)}</td>
            </tr>
          )}
          {totals.taxes.map((tax, index) => (
            <tr key={index}>
              <td colSpan={3} className="num">
                {t(tax.inclusive ? "sign.totals.taxIncluded" : "sign.totals.tax", { name: tax.name, rate: tax.ratePercent })}
              </td>
              <td className="num">{money(tax.amount)}</td>
            </tr>
          ))}
          <tr className="total">
            <td colSpan={3} className="num">
              {t("sign.totals.total")}
            </td>
            <td className="num" data-testid="invoice-total">
              {money(totals.total)}
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
