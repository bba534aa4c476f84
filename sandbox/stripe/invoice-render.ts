// Invoices, their lines and invoice items as the API returns them (Stripe's
// wire shape for the SDK's pinned version), from the stored records and the
// totals of ./invoice-totals.ts.

import type Stripe from "stripe";
import { computeTotals, amountDue, type LineCalc } from "./invoice-totals.js";
import type { AccountData } from "./store.js";
import type { AccountRecord, CustomerSnapshot, InvoiceItemRecord, InvoiceRecord, WireInvoice, WireInvoiceItem, WireLineItem } from "./types.js";
import type { World } from "./world.js";

export function customerSnapshot(data: AccountData, customerId: string): CustomerSnapshot {
  const c = data.customers.get(customerId)?.obj;
  return {
    email: c?.email ?? null,
    name: c?.name ?? null,
    phone: c?.phone ?? null,
    address: c?.address ?? null,
    shipping: c?.shipping ?? null,
    tax_exempt: c?.tax_exempt ?? "none",
  };
}

function integerPart(decimal: string): number {
  return Math.trunc(Number(decimal));
}

function renderLine(inv: InvoiceRecord, calc: LineCalc): WireLineItem {
  const item = calc.item;
  const pricing: WireLineItem["pricing"] = { type: "price_details", unit_amount_decimal: item.unitAmountDecimal };
  if (item.product && item.priceId) pricing.price_details = { price: item.priceId, product: item.product };
  return {
    id: item.lineId,
    object: "line_item",
    amount: calc.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: calc.discountAmounts.map((d) => ({ amount: d.amount, discount: d.discount })),
    discountable: item.discountable,
    discounts: [...item.discountIds],
    invoice: inv.id,
    livemode: false,
    metadata: { ...item.metadata },
    parent: {
      type: "invoice_item_details",
      invoice_item_details: {
        invoice_item: item.id,
        proration: false,
        proration_details: { credited_items: null },
        subscription: null,
      },
      subscription_item_details: null,
    },
    period: { ...item.period },
    pretax_credit_amounts: calc.discountAmounts.map((d) => ({ amount: d.amount, discount: d.discount, type: "discount" })),
    pricing,
    quantity: integerPart(item.quantity),
    quantity_decimal: item.quantity,
    subscription: null,
    subtotal: calc.amount,
    taxes: calc.taxes.map((t) => ({
      amount: t.amount,
      tax_behavior: t.rate.obj.inclusive ? "inclusive" : "exclusive",
      tax_rate_details: { tax_rate: t.rate.obj.id },
      taxability_reason: "not_available",
      taxable_amount: t.taxable,
      type: "tax_rate_details",
    })),
  };
}

export function renderLines(data: AccountData, inv: InvoiceRecord, totals = computeTotals(data, inv)): WireLineItem[] {
  return totals.lines.map((l) => renderLine(inv, l));
}

export function renderInvoice(world: World, account: AccountRecord, inv: InvoiceRecord): WireInvoice {
  const data = world.store.of(account.id);
  const totals = computeTotals(data, inv);
  const lines = renderLines(data, inv, totals);
  const cust = inv.customerSnapshot ?? customerSnapshot(data, inv.customer);
  const due = amountDue(totals, inv);
  const finalized = inv.status !== "draft";
  return {
    id: inv.id,
    object: "invoice",
    account_country: account.country,
    account_name: account.businessName,
    account_tax_ids: null,
    amount_due: due,
    amount_overpaid: 0,
    amount_paid: inv.amountPaid,
    amount_paid_off_stripe: inv.amountPaidOffStripe,
    amount_remaining: inv.status === "paid" || inv.status === "void" ? 0 : Math.max(0, due - inv.amountPaid),
    amount_shipping: 0,
    application: inv.application,
    attempt_count: inv.attemptCount,
    attempted: inv.attempted,
    auto_advance: inv.autoAdvance,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: inv.status === "draft" ? inv.automaticallyFinalizesAt : null,
    billing_reason: "manual",
    collection_method: inv.collectionMethod,
    created: inv.created,
    currency: inv.currency,
    custom_fields: inv.customFields ? inv.customFields.map((f) => ({ ...f })) : null,
    customer: inv.customer,
    customer_account: null,
    customer_address: cust.address,
    customer_email: cust.email,
    customer_name: cust.name,
    customer_phone: cust.phone,
    customer_shipping: cust.shipping,
    customer_tax_exempt: cust.tax_exempt,
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: inv.defaultTaxRateIds
      .map((id) => data.taxRates.get(id)?.obj)
      .filter((r): r is Stripe.TaxRate => r !== undefined)
      .map((r) => structuredClone(r)),
    description: inv.description,
    discounts: [...inv.discountIds],
    due_date: inv.dueDate,
    effective_at: inv.effectiveAt,
    ending_balance: finalized ? 0 : null,
    footer: inv.footer,
    from_invoice: null,
    hosted_invoice_url: finalized ? inv.hostedUrl : null,
    invoice_pdf: finalized ? inv.pdfUrl : null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: "list",
      data: lines.slice(0, 10),
      has_more: lines.length > 10,
      url: `/v1/invoices/${inv.id}/lines`,
    },
    livemode: false,
    metadata: { ...inv.metadata },
    next_payment_attempt: null,
    number: inv.number,
    on_behalf_of: null,
    parent: null,
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: inv.paymentMethodTypes ? [...inv.paymentMethodTypes] : null,
    },
    period_end: inv.created,
    period_start: inv.created,
    post_payment_credit_notes_amount: inv.creditedPostPayment,
    pre_payment_credit_notes_amount: inv.creditedPrePayment,
    receipt_number: null,
    rendering: { amount_tax_display: null, pdf: { page_size: "auto" }, template: null, template_version: null },
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: inv.statementDescriptor,
    status: inv.status,
    status_transitions: { ...inv.transitions },
    subtotal: totals.subtotal,
    subtotal_excluding_tax: totals.subtotalExcludingTax,
    test_clock: null,
    total: totals.total,
    total_discount_amounts: totals.totalDiscountAmounts.map((d) => ({ amount: d.amount, discount: d.discount })),
    total_excluding_tax: totals.totalExcludingTax,
    total_pretax_credit_amounts: totals.totalDiscountAmounts.map((d) => ({
      amount: d.amount,
      discount: d.discount,
      type: "discount",
    })),
    total_taxes: totals.totalTaxes,
    webhooks_delivered_at: inv.created,
  };
}

export function renderInvoiceItem(data: AccountData, item: InvoiceItemRecord): WireInvoiceItem {
  const pricing: WireInvoiceItem["pricing"] = { type: "price_details", unit_amount_decimal: item.unitAmountDecimal };
  if (item.product && item.priceId) pricing.price_details = { price: item.priceId, product: item.product };
  return {
    id: item.id,
    object: "invoiceitem",
    amount: item.amount,
    currency: item.currency,
    customer: item.customer,
    customer_account: null,
    date: item.created,
    description: item.description,
    discountable: item.discountable,
    discounts: [...item.discountIds],
    invoice: item.invoice,
    livemode: false,
    metadata: { ...item.metadata },
    parent: null,
    period: { ...item.period },
    pricing,
    proration: false,
    quantity: integerPart(item.quantity),
    quantity_decimal: item.quantity,
    tax_rates: item.taxRateIds
      .map((id) => data.taxRates.get(id)?.obj)
      .filter((r): r is Stripe.TaxRate => r !== undefined)
      .map((r) => structuredClone(r)),
    test_clock: null,
  };
}
