// The recurring invoice's schedule as a printable page (the order page's
// print action prints it): a plain HTML document for paper — A4/Letter,
// black on white, no script, no external resource — in the merchant's
// language. Rendered to static markup by app/routes/api.extension.print.$orderId.tsx.
import type { RunState } from "~/domain/run-state";
import type { Locale, MessageKey, Translate } from "~/i18n";
import { formatAmount, formatCivilDate, frequencyLabel } from "~/i18n/format";
import type { PrintScheduleView } from "~/services/orders/order-print.server";

const STYLE = `
@page { size: auto; margin: 16mm; }
body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #000; background: #fff; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 12pt; margin: 16pt 0 6pt; }
p { margin: 0 0 4pt; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4pt 6pt; border-bottom: 0.5pt solid #999; vertical-align: top; }
th { font-weight: 600; }
td.amount, th.amount { text-align: right; white-space: nowrap; }
.muted { color: #444; }
ol { margin: 0; padding-left: 18pt; columns: 2; }
`;

const STATE_KEYS: Record<RunState, MessageKey> = {
  planned: "run.state.planned",
  issuing: "run.state.issuing",
  sent: "run.state.sent",
  paid: "run.state.paid",
  overdue: "run.state.overdue",
  void: "run.state.void",
  uncollectible: "run.state.uncollectible",
  failed: "run.state.failed",
  skipped: "run.state.skipped",
};

function statusKey(status: string): MessageKey {
  if (status === "active" || status === "paused" || status === "ended" || status === "cancelled") return `template.status.${status}`;
  return "template.status.active";
}

export function SchedulePrint({ view, t, locale }: { view: PrintScheduleView; t: Translate; locale: Locale }) {
  const money = (minor: number) => formatAmount(minor, view.currency, locale);
  const ends = view.end?.afterCount
    ? t("print.schedule.endsAfter", { count: view.end.afterCount })
    : view.end?.until
      ? t("print.schedule.endsOn", { date: formatCivilDate(view.end.until, locale) })
      : t("print.schedule.endsNever");
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <title>{t("print.schedule.title", { customer: view.customer.name })}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <h1>{t("print.schedule.title", { customer: view.customer.name })}</h1>
        <p className="muted">
          {view.shopName} · {t(statusKey(view.status))}
        </p>
        <p>{t("print.schedule.customer", { name: view.customer.name, email: view.customer.email })}</p>
        <p>
          {t("print.schedule.terms", {
            frequency: frequencyLabel(t, view.frequency.every, view.frequency.unit),
            anchor: formatCivilDate(view.anchor, locale),
            time: view.timeOfDay,
            timeZone: view.timeZone,
          })}{" "}
          {ends}
        </p>
        {view.memo && <p className="muted">{view.memo}</p>}

        <h2>{t("print.schedule.eachInvoice")}</h2>
        <table>
          <thead>
            <tr>
              <th>{t("print.schedule.line")}</th>
              <th className="amount">{t("print.schedule.quantity")}</th>
              <th className="amount">{t("print.schedule.unitPrice")}</th>
              <th className="amount">{t("print.schedule.total")}</th>
            </tr>
          </thead>
          <tbody>
            {view.lines.map((line, index) => (
              <tr key={index}>
                <td>{line.description}</td>
                <td className="amount">{line.quantity}</td>
                <td className="amount">{money(line.unitAmount)}</td>
                <td className="amount">{money(line.total)}</td>
              </tr>
            ))}
            <tr>
              <th colSpan={3}>{t("print.schedule.invoiceTotal")}</th>
              <th className="amount">{money(view.periodTotal)}</th>
            </tr>
          </tbody>
        </table>

        <h2>{t("print.schedule.issued")}</h2>
        {view.issued.length === 0 ? (
          <p className="muted">{t("print.schedule.noneIssued")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t("print.schedule.period")}</th>
                <th>{t("print.schedule.number")}</th>
                <th>{t("print.schedule.state")}</th>
                <th className="amount">{t("print.schedule.total")}</th>
              </tr>
            </thead>
            <tbody>
              {view.issued.map((invoice) => (
                <tr key={invoice.periodDate}>
                  <td>{formatCivilDate(invoice.periodDate, locale)}</td>
                  <td>{invoice.invoiceNumber ?? "—"}</td>
                  <td>{t(STATE_KEYS[invoice.state])}</td>
                  <td className="amount">{money(invoice.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}

        <h2>{t("print.schedule.upcoming", { count: view.upcoming.length })}</h2>
        {view.upcoming.length === 0 ? (
          <p className="muted">{t("print.schedule.noneUpcoming")}</p>
        ) : (
          <ol>
            {view.upcoming.map((date) => (
              <li key={date}>{formatCivilDate(date, locale)}</li>
            ))}
          </ol>
        )}
      </body>
    </html>
  );
}
