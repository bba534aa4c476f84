/** @jsxImportSource preact */
// "Print recurring invoice" in the Print menu of an order's page in the
// Shopify admin (target admin.order-details.print-action.render, API 2026-01,
// Preact + Polaris web components).
//
// A print action names one document for the admin to preview and print: the
// `src` of <s-admin-print-action> (https://shopify.dev/docs/api/admin-extensions/latest/web-components/settings-and-templates/admin-print-action).
// It asks the app what the order has (its recurring invoice, the latest
// invoice sent), lets the merchant choose the latest invoice (Stripe's PDF)
// or the schedule, and points `src` at the app, which serves the document.
// Relative URLs are the app's; the admin adds the session token.
// The app's side: app/routes/api.extension.print.$orderId.tsx; the wire
// contract: app/domain/print-action-contract.ts (types only).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { PrintActionError, PrintDocument, PrintSummary } from "../../../app/domain/print-action-contract";

export default async () => {
  render(<PrintRecurring />, document.body);
};

type Loaded = { state: "loading" } | { state: "ready"; summary: PrintSummary } | { state: "refused"; message: string };

function PrintRecurring() {
  const t = shopify.i18n.translate;
  const orderId = shopify.data.selected[0]?.id;
  const base = orderId ? `/api/extension/print/${encodeURIComponent(orderId.split("/").pop() ?? "")}` : null;
  const language = t("language");

  const [loaded, setLoaded] = useState<Loaded>(() => (base ? { state: "loading" } : { state: "refused", message: t("error.noOrder") }));
  const [selected, setSelected] = useState<PrintDocument>("schedule");

  useEffect(() => {
    if (!base) return;
    void (async () => {
      try {
        const response = await fetch(`${base}?locale=${language}`);
        const body: unknown = await response.json().catch(() => null);
        if (response.ok && body) {
          const summary = body as PrintSummary;
          // The latest invoice when there is one: what a merchant prints most.
          setSelected(summary.documents.find((document) => document.id === "invoice")?.available ? "invoice" : "schedule");
          return setLoaded({ state: "ready", summary });
        }
        const refusal = body as Partial<PrintActionError> | null;
        setLoaded({ state: "refused", message: typeof refusal?.message === "string" ? refusal.message : t("error.unexpected", { status: response.status }) });
      } catch {
        setLoaded({ state: "refused", message: t("error.network") });
      }
    })();
    // Loaded once, when the print action opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // No `src` until there is something to print: the admin then disables its Print button.
  const src = loaded.state === "ready" && base ? `${base}?document=${selected}&locale=${language}` : undefined;

  return (
    <s-admin-print-action src={src}>
      <s-stack direction="block" gap="base">
        {loaded.state === "loading" && <s-spinner accessibilityLabel={t("loading")} />}
        {loaded.state === "refused" && <s-banner tone="warning">{loaded.message}</s-banner>}
        {loaded.state === "ready" && (
          <>
            <s-text>{t("recurringFor", { customer: loaded.summary.template.customerName })}</s-text>
            <s-choice-list
              label={t("documentLabel")}
              name="document"
              values={[selected]}
              onChange={(event) => {
                const value = event.currentTarget.values[0];
                if (value === "invoice" || value === "schedule") setSelected(value);
              }}
            >
              <s-choice value="invoice" selected={selected === "invoice"} disabled={!loaded.summary.latestInvoice}>
                {loaded.summary.latestInvoice?.number
                  ? t("document.invoiceNumbered", { number: loaded.summary.latestInvoice.number })
                  : loaded.summary.latestInvoice
                    ? t("document.invoice")
                    : t("document.invoiceNone")}
              </s-choice>
              <s-choice value="schedule" selected={selected === "schedule"}>
                {t("document.schedule")}
              </s-choice>
            </s-choice-list>
          </>
        )}
      </s-stack>
    </s-admin-print-action>
  );
}
