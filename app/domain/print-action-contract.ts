// The wire contract between the order page's print action
// (extensions/print-recurring, target admin.order-details.print-action.render)
// and the app (app/routes/api.extension.print.$orderId.ts).
//
// Types only: the extension imports this file with `import type`, so nothing
// of the app ends up in its bundle.

/** The documents the print action offers for an order that has a recurring invoice. */
export const PRINT_DOCUMENTS = ["invoice", "schedule"] as const;
export type PrintDocument = (typeof PRINT_DOCUMENTS)[number];

/** GET /api/extension/print/:orderId — what can be printed for the order. */
export type PrintSummary = {
  template: { id: string; customerName: string; status: string };
  /** The latest invoice sent for it (its PDF, from Stripe); null before the first one. */
  latestInvoice: { number: string | null; periodDate: string } | null;
  /** Each document and whether it can be printed now, in the order the action lists them. */
  documents: { id: PrintDocument; available: boolean }[];
};

/** A refusal, in the merchant's language: 400 bad id or document, 401, 404 no recurring invoice for this order / no invoice yet, 502 Stripe did not give the PDF. */
export type PrintActionError = {
  error: "invalid_input" | "unauthorized" | "no_template" | "no_invoice" | "invoice_unavailable" | "method_not_allowed";
  message: string;
};
