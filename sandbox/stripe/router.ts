// Where each request is handled.
//
// Surfaces (dispatched by path prefix in core.ts):
//   /__control/*                          control.ts   (tests and the demo; local only)
//   /hosted/:invoiceId[/pdf|/pay]         hosted.ts    (the customer's invoice page)
//   /oauth/authorize, /oauth/token,
//   /oauth/deauthorize                    oauth.ts     (Connect OAuth)
//   anything else                         pipeline.ts  (the API: auth → account → faults →
//                                                        idempotency → the handler below)
//
// The API: method + path → the handler in resources/<resource>.ts. Handlers are
// named after the SDK method that calls them (`stripe.invoices.finalizeInvoice`
// → `invoices.finalizeInvoice`), in the file of the resource Stripe's API
// reference lists the endpoint under (`stripe.invoices.addLines` is an
// "Invoice Line Item" endpoint → `invoiceLineItems.addLines`). First match wins, so fixed segments
// (`/search`) come before `:id`. Any other path: 404 `Unrecognized request URL`.

import { StripeApiError } from "./errors.js";
import * as accounts from "./resources/accounts.js";
import type { Handler } from "./resources/context.js";
import * as coupons from "./resources/coupons.js";
import * as creditNotes from "./resources/credit-notes.js";
import * as customers from "./resources/customers.js";
import * as events from "./resources/events.js";
import * as invoiceItems from "./resources/invoice-items.js";
import * as invoiceLineItems from "./resources/invoice-line-items.js";
import * as invoices from "./resources/invoices.js";
import * as products from "./resources/products.js";
import * as taxRates from "./resources/tax-rates.js";

interface Route {
  method: "GET" | "POST" | "DELETE";
  pattern: RegExp;
  handler: Handler;
}

const ID = "([^/]+)";

function route(method: Route["method"], path: string, handler: Handler): Route {
  return { method, pattern: new RegExp(`^${path.replace(/:id/g, ID)}$`), handler };
}

export const ROUTES: Route[] = [
  route("GET", "/v1/account", accounts.retrieveCurrent),
  route("GET", "/v1/accounts/:id", accounts.retrieve),

  route("POST", "/v1/customers", customers.create),
  route("GET", "/v1/customers", customers.list),
  route("GET", "/v1/customers/search", customers.search),
  route("GET", "/v1/customers/:id", customers.retrieve),
  route("POST", "/v1/customers/:id", customers.update),
  route("DELETE", "/v1/customers/:id", customers.del),

  route("POST", "/v1/tax_rates", taxRates.create),
  route("GET", "/v1/tax_rates", taxRates.list),
  route("GET", "/v1/tax_rates/:id", taxRates.retrieve),
  route("POST", "/v1/tax_rates/:id", taxRates.update),

  route("POST", "/v1/coupons", coupons.create),
  route("GET", "/v1/coupons", coupons.list),
  route("GET", "/v1/coupons/:id", coupons.retrieve),

  route("POST", "/v1/products", products.create),
  route("GET", "/v1/products", products.list),
  route("GET", "/v1/products/:id", products.retrieve),

  route("POST", "/v1/invoiceitems", invoiceItems.create),
  route("GET", "/v1/invoiceitems", invoiceItems.list),
  route("GET", "/v1/invoiceitems/:id", invoiceItems.retrieve),
  route("POST", "/v1/invoiceitems/:id", invoiceItems.update),
  route("DELETE", "/v1/invoiceitems/:id", invoiceItems.del),

  route("POST", "/v1/invoices", invoices.create),
  route("GET", "/v1/invoices", invoices.list),
  route("GET", "/v1/invoices/search", invoices.search),
  route("GET", "/v1/invoices/:id", invoices.retrieve),
  route("POST", "/v1/invoices/:id", invoices.update),
  route("DELETE", "/v1/invoices/:id", invoices.del),
  route("POST", "/v1/invoices/:id/finalize", invoices.finalizeInvoice),
  route("POST", "/v1/invoices/:id/send", invoices.sendInvoice),
  route("POST", "/v1/invoices/:id/void", invoices.voidInvoice),
  route("POST", "/v1/invoices/:id/mark_uncollectible", invoices.markUncollectible),
  route("POST", "/v1/invoices/:id/pay", invoices.pay),
  route("GET", "/v1/invoices/:id/lines", invoiceLineItems.listLineItems),
  route("POST", "/v1/invoices/:id/add_lines", invoiceLineItems.addLines),

  route("POST", "/v1/credit_notes", creditNotes.create),
  route("GET", "/v1/credit_notes", creditNotes.list),
  route("GET", "/v1/credit_notes/preview", creditNotes.preview),
  route("GET", "/v1/credit_notes/preview/lines", creditNotes.previewLines),
  route("GET", "/v1/credit_notes/:id", creditNotes.retrieve),
  route("POST", "/v1/credit_notes/:id", creditNotes.update),
  route("GET", "/v1/credit_notes/:id/lines", creditNotes.listLines),
  route("POST", "/v1/credit_notes/:id/void", creditNotes.voidCreditNote),

  route("GET", "/v1/events", events.list),
  route("GET", "/v1/events/:id", events.retrieve),
];

/** The handler for `method path`, with the decoded `:id` segments; null when no route matches. */
export function findRoute(method: string, path: string): { handler: Handler; pathParams: string[] } | null {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return { handler: r.handler, pathParams: m.slice(1).map((s) => decodeURIComponent(s)) };
  }
  return null;
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    },
    { beforeExecution: true },
  );
}
