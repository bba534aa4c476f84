// Invoice line items, Stripe's "Invoice Line Item" resource
// (https://docs.stripe.com/api/invoice-line-item): the lines of an invoice,
// paged (`GET /v1/invoices/:id/lines`), and bulk adding them to a draft
// (`POST /v1/invoices/:id/add_lines`, `stripe.invoices.addLines`). Each line
// is an invoice item: every line goes through the same derivation as
// `POST /v1/invoiceitems` (./invoice-items.ts), so amounts, tax rates and
// discounts come out identical whichever way the lines were added.

import { invalidRequest, noSuch, paramError } from "../errors.js";
import { notEditable } from "../invoice-lifecycle.js";
import { renderInvoiceItem, renderLines } from "../invoice-render.js";
import { LIST_PARAMS, paginate } from "../list.js";
import { validateParams, type Spec } from "../params.js";
import type { InvoiceRecord } from "../types.js";
import { data, emit, pathId, type ApiContext, type Handler } from "./context.js";
import { METADATA, S, mergeMetadata } from "./fields.js";
import {
  ITEM_FIELDS,
  TAX_BEHAVIOR,
  checkItemLimit,
  prepareItemUpdate,
  prepareNewItem,
  resolvePricing,
  type ItemFields,
  type ParamNames,
  type PreparedItem,
} from "./invoice-items.js";
import { getInvoice, invoiceSnapshot, withInvoiceUpdate } from "./invoices.js";
import { PRODUCT_DATA } from "./products.js";

/** `tax_amounts[]` of a line, as the SDK types it (accepted in shape, refused as not modelled). */
const TAX_AMOUNTS = {
  t: "array",
  emptyable: true,
  max: 20,
  of: {
    t: "object",
    fields: {
      amount: { t: "int", req: true },
      taxable_amount: { t: "int", req: true },
      taxability_reason: S,
      tax_rate_data: {
        t: "object",
        req: true,
        fields: {
          country: S,
          description: S,
          display_name: { t: "string", req: true },
          inclusive: { t: "bool", req: true },
          jurisdiction: S,
          jurisdiction_level: S,
          percentage: { t: "decimal", req: true },
          state: S,
          tax_type: S,
        },
      },
    },
  },
} as const satisfies Spec;

/**
 * One `lines[n]` of add_lines, for the pinned API version: the SDK's
 * `InvoiceAddLinesParams.Line`. Unlike an invoice item there is no top-level
 * `unit_amount_decimal`, `currency` or `tax_behavior`: a unit price × quantity
 * goes through `price_data` (with `product` or an inline `product_data`), and
 * the currency is the invoice's.
 */
const LINE = {
  t: "object",
  fields: {
    ...ITEM_FIELDS,
    invoice_item: S,
    price_data: {
      t: "object",
      fields: {
        currency: { t: "string", req: true },
        product: S,
        product_data: PRODUCT_DATA,
        tax_behavior: TAX_BEHAVIOR,
        unit_amount: { t: "int", min: 0 },
        unit_amount_decimal: { t: "decimal" },
      },
    },
    tax_amounts: TAX_AMOUNTS,
  },
} as const satisfies Spec;

function lineParams(i: number): ParamNames {
  return { at: (name) => name.replace(/^([^[]+)/, `lines[${i}][$1]`), pricingGroup: "amount, price_data, pricing" };
}

interface PreparedLine extends PreparedItem {
  /** A new invoice item (false: an existing pending item assigned to the invoice). */
  created: boolean;
}

/** Checks one line against the invoice and everything it refers to; nothing is stored until `commit`. */
function prepareLine(ctx: ApiContext, inv: InvoiceRecord, line: ItemFields & { invoice_item?: string; tax_amounts?: unknown[] | null }, names: ParamNames, assigned: Set<string>): PreparedLine {
  const at = names.at;
  if (line.tax_amounts) {
    throw invalidRequest("The stand-in does not model `tax_amounts` (taxes you computed yourself): use `tax_rates`.", { param: at("tax_amounts") });
  }
  if (line.invoice_item !== undefined) {
    // "ID of an unassigned invoice item to assign to this invoice" (the SDK's InvoiceAddLinesParams.Line.invoice_item).
    const item = data(ctx).invoiceItems.get(line.invoice_item);
    if (!item) throw noSuch("invoiceitem", line.invoice_item, at("invoice_item"));
    if (item.invoice !== null || assigned.has(item.id)) {
      throw invalidRequest(`Invoice item ${item.id} is already on invoice ${item.invoice ?? inv.id}: only pending invoice items can be added.`, {
        param: at("invoice_item"),
      });
    }
    if (item.customer !== inv.customer) {
      throw invalidRequest(`The invoice item's customer (${item.customer}) must match the invoice's customer (${inv.customer}).`, { param: at("invoice_item") });
    }
    if (item.currency !== inv.currency) {
      throw invalidRequest(`The currency of the invoice item (${item.currency}) must match the currency of the invoice (${inv.currency}).`, {
        param: at("invoice_item"),
      });
    }
    assigned.add(item.id);
    const update = prepareItemUpdate(ctx, item, line, names);
    return {
      item,
      created: false,
      commit() {
        update.commit();
        item.invoice = inv.id;
      },
    };
  }
  const pricing = resolvePricing(ctx, line, null, names);
  if (!pricing) {
    throw paramError("Each line needs one of `amount`, `price_data` or `pricing`, or an `invoice_item` to add.", at("amount"), "parameter_missing");
  }
  if (pricing.currency !== null && pricing.currency !== inv.currency) {
    throw invalidRequest(`The currency of the line (${pricing.currency}) must match the currency of the invoice (${inv.currency}).`, {
      param: at("price_data[currency]"),
    });
  }
  return { ...prepareNewItem(ctx, line, pricing, { customer: inv.customer, currency: inv.currency, invoice: inv }, names), created: true };
}

/**
 * `POST /v1/invoices/:id/add_lines`: "Adds multiple line items to an invoice.
 * This is only possible when an invoice is still a draft" (the SDK's doc of
 * `invoices.addLines`; https://docs.stripe.com/api/invoice-line-item/bulk,
 * https://docs.stripe.com/invoicing/bulk-update-line-item). All or nothing:
 * every line is checked before any is stored. Each new line is an invoice item
 * (`invoiceitem.created`), the invoice changes once (`invoice.updated`), and
 * the answer is the invoice — totals, and its `lines` as a retrieve shows
 * them (the first 10, `has_more`, the lines URL). Not on a finalized invoice:
 * 400 `invoice_not_editable` (https://docs.stripe.com/error-codes#invoice-not-editable).
 */
export const addLines: Handler = (ctx) => {
  const p = validateParams({ lines: { t: "array", req: true, of: LINE }, invoice_metadata: METADATA }, ctx.raw);
  const inv = getInvoice(ctx, pathId(ctx));
  if (inv.status !== "draft") throw notEditable(inv);
  const assigned = new Set<string>();
  const lines = p.lines.map((line, i) => prepareLine(ctx, inv, line, lineParams(i), assigned));
  checkItemLimit(ctx, inv, lines.length, "lines");
  const d = data(ctx);
  withInvoiceUpdate(
    ctx,
    inv,
    () => {
      for (const line of lines) line.commit();
      inv.metadata = mergeMetadata(inv.metadata, p.invoice_metadata);
    },
    () => {
      for (const line of lines) if (line.created) emit(ctx, "invoiceitem.created", renderInvoiceItem(d, line.item));
    },
  );
  return { body: invoiceSnapshot(ctx, inv) };
};

/**
 * `GET /v1/invoices/:id/lines`: the invoice's lines in invoice order, paged
 * like every list (`limit` 1–100, default 10; `starting_after` /
 * `ending_before`; `has_more`) — https://docs.stripe.com/api/invoice-line-item/retrieve.
 */
export const listLineItems: Handler = (ctx) => {
  const p = validateParams(LIST_PARAMS, ctx.raw);
  const inv = getInvoice(ctx, pathId(ctx));
  const lines = renderLines(data(ctx), inv);
  return { body: paginate(lines, (l) => l.id, p, `/v1/invoices/${inv.id}/lines`, (l) => l) };
};
