// Invoice math and lifecycle.
//
// Totals (per line, then summed — Stripe rounds tax per line, half away from zero):
//   amount      = quantity × unit_amount_decimal (rounded once), or `amount` as given
//   discounts   = line-level coupons first, then invoice-level coupons spread over
//                 the discountable lines in proportion to what remains of them
//                 (largest-remainder so the cents add up to the coupon's amount)
//   net         = amount − discounts
//   inclusive   = net × p / (100 + Σp)  for each inclusive rate p (extracted)
//   exclusive   = (net − inclusive) × q / 100  for each exclusive rate q (added)
// Invoice fields follow the SDK's documentation of them: `subtotal` is before
// invoice-level discounts and exclusive tax (item discounts incorporated),
// `total_excluding_tax` is after all discounts without any tax, `total` adds
// exclusive tax, `total_taxes` aggregates per tax rate.
//
// Lifecycle: draft → open (finalize) → paid | void | uncollectible;
// uncollectible → paid | void. Every transition records an Event.

import type Stripe from "stripe";
import { invalidRequest } from "./errors.js";
import { parseDecimal, roundHalfUp, type Ratio } from "./money.js";
import type { AccountData } from "./store.js";
import type {
  AccountRecord,
  CustomerSnapshot,
  InvoiceItemRecord,
  InvoiceRecord,
  TaxRateRecord,
  WireInvoice,
  WireInvoiceItem,
  WireLineItem,
} from "./types.js";
import { diffPrevious, type RequestRef, type World } from "./world.js";

export interface LineTax {
  rate: TaxRateRecord;
  amount: number;
  taxable: number;
}

export interface LineCalc {
  item: InvoiceItemRecord;
  amount: number;
  discountAmounts: { discount: string; amount: number }[];
  lineDiscountTotal: number;
  net: number;
  taxes: LineTax[];
  inclusiveTax: number;
  exclusiveTax: number;
  /** (amount − item discounts) without its inclusive tax: feeds `subtotal_excluding_tax`. */
  subtotalExcludingTax: number;
}

export interface Totals {
  lines: LineCalc[];
  subtotal: number;
  subtotalExcludingTax: number;
  totalExcludingTax: number;
  total: number;
  totalTaxes: Stripe.Invoice.TotalTax[];
  totalDiscountAmounts: { discount: string; amount: number }[];
}

function big(n: number): bigint {
  return BigInt(n);
}

function couponOf(data: AccountData, discountId: string) {
  const discount = data.discounts.get(discountId)?.obj;
  const couponId = discount?.source.coupon;
  if (typeof couponId !== "string") return undefined;
  return data.coupons.get(couponId);
}

/** Discount amount a coupon takes from `base` (≥ 0, never more than base). */
function couponTake(data: AccountData, discountId: string, base: number): number {
  const coupon = couponOf(data, discountId);
  if (!coupon || base <= 0) return 0;
  if (coupon.percentOff !== null) {
    const p = parseDecimal(coupon.percentOff);
    return Math.min(base, Number(roundHalfUp(big(base) * p.num, 100n * p.den)));
  }
  return Math.min(base, coupon.obj.amount_off ?? 0);
}

function sumRatios(rs: Ratio[]): Ratio {
  return rs.reduce((acc, r) => ({ num: acc.num * r.den + r.num * acc.den, den: acc.den * r.den }), { num: 0n, den: 1n });
}

function inclusiveTaxes(base: number, rates: TaxRateRecord[]): LineTax[] {
  if (rates.length === 0) return [];
  const ratios = rates.map((r) => parseDecimal(r.percentage));
  const total = sumRatios(ratios);
  const amounts = ratios.map((p) =>
    Number(roundHalfUp(big(base) * p.num * total.den, p.den * (100n * total.den + total.num))),
  );
  const extracted = amounts.reduce((a, b) => a + b, 0);
  return rates.map((rate, i) => ({ rate, amount: amounts[i] ?? 0, taxable: base - extracted }));
}

function exclusiveTaxes(base: number, rates: TaxRateRecord[]): LineTax[] {
  return rates.map((rate) => {
    const q = parseDecimal(rate.percentage);
    return { rate, amount: Number(roundHalfUp(big(base) * q.num, 100n * q.den)), taxable: base };
  });
}

export function invoiceLines(data: AccountData, invoiceId: string): InvoiceItemRecord[] {
  return [...data.invoiceItems.values()].filter((i) => i.invoice === invoiceId).sort((a, b) => a.seq - b.seq);
}

export function computeTotals(data: AccountData, inv: InvoiceRecord): Totals {
  const lines: (LineCalc & { remaining: number })[] = invoiceLines(data, inv.id).map((item) => ({
    item,
    amount: item.amount,
    discountAmounts: [],
    lineDiscountTotal: 0,
    net: 0,
    taxes: [],
    inclusiveTax: 0,
    exclusiveTax: 0,
    subtotalExcludingTax: 0,
    remaining: item.amount,
  }));

  // Item (line-level) discounts first.
  for (const line of lines) {
    for (const di of line.item.discountIds) {
      const take = couponTake(data, di, line.remaining);
      line.discountAmounts.push({ discount: di, amount: take });
      line.lineDiscountTotal += take;
      line.remaining -= take;
    }
  }
  const afterItemDiscounts = lines.map((l) => l.remaining);

  // Invoice-level discounts, allocated across discountable lines.
  for (const di of inv.discountIds) {
    const eligible = lines.filter((l) => l.item.discountable && l.remaining > 0);
    const base = eligible.reduce((a, l) => a + l.remaining, 0);
    const total = couponTake(data, di, base);
    const shares = eligible.map((l) => {
      const exact = big(total) * big(l.remaining);
      return { line: l, share: Number(exact / big(base)), rem: exact % big(base) };
    });
    let leftover = total - shares.reduce((a, s) => a + s.share, 0);
    const byRemainder = [...shares].sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : 0));
    for (const s of byRemainder) {
      if (leftover <= 0) break;
      s.share += 1;
      leftover -= 1;
    }
    for (const s of shares) {
      s.line.discountAmounts.push({ discount: di, amount: s.share });
      s.line.remaining -= s.share;
    }
    for (const l of lines) {
      if (!eligible.includes(l)) l.discountAmounts.push({ discount: di, amount: 0 });
    }
  }

  // Taxes per line.
  lines.forEach((line, idx) => {
    const rateIds = line.item.taxRateIds.length > 0 ? line.item.taxRateIds : inv.defaultTaxRateIds;
    const rates = rateIds.map((id) => data.taxRates.get(id)).filter((r): r is TaxRateRecord => r !== undefined);
    const incl = rates.filter((r) => r.obj.inclusive);
    const excl = rates.filter((r) => !r.obj.inclusive);
    line.net = line.remaining;
    const inclusive = inclusiveTaxes(line.net, incl);
    line.inclusiveTax = inclusive.reduce((a, t) => a + t.amount, 0);
    const exclusive = exclusiveTaxes(line.net - line.inclusiveTax, excl);
    line.exclusiveTax = exclusive.reduce((a, t) => a + t.amount, 0);
    line.taxes = rates.map((r) => [...inclusive, ...exclusive].find((t) => t.rate === r) as LineTax);
    const beforeInvoiceDiscounts = afterItemDiscounts[idx] ?? line.amount;
    const inclBefore = inclusiveTaxes(beforeInvoiceDiscounts, incl).reduce((a, t) => a + t.amount, 0);
    line.subtotalExcludingTax = beforeInvoiceDiscounts - inclBefore;
  });

  const taxAgg = new Map<string, Stripe.Invoice.TotalTax>();
  const discAgg = new Map<string, number>();
  for (const line of lines) {
    for (const t of line.taxes) {
      const prev = taxAgg.get(t.rate.obj.id);
      if (prev) {
        prev.amount += t.amount;
        prev.taxable_amount = (prev.taxable_amount ?? 0) + t.taxable;
      } else {
        taxAgg.set(t.rate.obj.id, {
          amount: t.amount,
          tax_behavior: t.rate.obj.inclusive ? "inclusive" : "exclusive",
          tax_rate_details: { tax_rate: t.rate.obj.id },
          taxability_reason: "not_available",
          taxable_amount: t.taxable,
          type: "tax_rate_details",
        });
      }
    }
    for (const d of line.discountAmounts) discAgg.set(d.discount, (discAgg.get(d.discount) ?? 0) + d.amount);
  }

  const sum = (f: (l: LineCalc) => number) => lines.reduce((a, l) => a + f(l), 0);
  const totalExcludingTax = sum((l) => l.net - l.inclusiveTax);
  return {
    lines,
    subtotal: sum((l) => l.amount - l.lineDiscountTotal),
    subtotalExcludingTax: sum((l) => l.subtotalExcludingTax),
    totalExcludingTax,
    total: sum((l) => l.net + l.exclusiveTax),
    totalTaxes: [...taxAgg.values()],
    totalDiscountAmounts: [...discAgg.entries()].map(([discount, amount]) => ({ discount, amount })),
  };
}

// ---------------------------------------------------------------------------
// Rendering

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

/** Amount still owed: what the totals say, less what was paid. */
export function amountDue(totals: Totals): number {
  return Math.max(0, totals.total);
}

export function renderInvoice(world: World, account: AccountRecord, inv: InvoiceRecord): WireInvoice {
  const data = world.store.of(account.id);
  const totals = computeTotals(data, inv);
  const lines = renderLines(data, inv, totals);
  const cust = inv.customerSnapshot ?? customerSnapshot(data, inv.customer);
  const due = amountDue(totals);
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
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
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

// ---------------------------------------------------------------------------
// Lifecycle

function transitionError(message: string) {
  return invalidRequest(message, { code: "status_transition_invalid", status: 400 });
}

export function notEditable(inv: InvoiceRecord, param?: string) {
  return invalidRequest(
    `This invoice (${inv.id}) is ${inv.status}: only draft invoices can be edited this way.` +
      (param ? ` You can't update \`${param}\` on a finalized invoice.` : ""),
    { code: "invoice_not_editable", ...(param ? { param } : {}) },
  );
}

interface Op {
  world: World;
  account: AccountRecord;
  request: RequestRef;
}

/** Run `change` and emit `invoice.updated` (with previous_attributes) followed by the given events. */
function transition(op: Op, inv: InvoiceRecord, change: () => void, events: Parameters<World["emit"]>[1][]): void {
  const before = renderInvoice(op.world, op.account, inv);
  change();
  const after = renderInvoice(op.world, op.account, inv);
  const previous = diffPrevious(before, after);
  for (const type of events) op.world.emit(op.account.id, type, after, { request: op.request });
  if (Object.keys(previous).length > 0) {
    op.world.emit(op.account.id, "invoice.updated", after, { previous, request: op.request });
  }
}

export function assignNumber(account: AccountRecord): string {
  const n = account.nextInvoiceNumber++;
  return `${account.invoicePrefix}-${String(n).padStart(4, "0")}`;
}

export function finalizeInvoice(op: Op, inv: InvoiceRecord): void {
  if (inv.status !== "draft") {
    throw transitionError("This invoice is already finalized, you can't re-finalize a non-draft invoice.");
  }
  if (inv.collectionMethod === "send_invoice" && inv.dueDate === null) {
    throw invalidRequest("Invoices with `collection_method=send_invoice` need a `due_date` or `days_until_due` to be finalized.", {
      param: "due_date",
    });
  }
  const data = op.world.store.of(op.account.id);
  const now = op.world.clock.seconds();
  transition(
    op,
    inv,
    () => {
      inv.status = "open";
      inv.number ??= assignNumber(op.account);
      inv.transitions.finalized_at = now;
      inv.effectiveAt ??= now;
      inv.customerSnapshot = customerSnapshot(data, inv.customer);
      inv.hostedUrl = `${op.world.baseUrl()}/hosted/${inv.id}`;
      inv.pdfUrl = `${op.world.baseUrl()}/hosted/${inv.id}/pdf`;
      inv.automaticallyFinalizesAt = null;
    },
    ["invoice.finalized"],
  );
  // Stripe closes invoices with nothing to collect as soon as they are finalized.
  if (amountDue(computeTotals(data, inv)) === 0) {
    settlePaid(op, inv, { outOfBand: false, zeroAmount: true });
  }
}

function settlePaid(op: Op, inv: InvoiceRecord, opts: { outOfBand: boolean; zeroAmount?: boolean }): void {
  const data = op.world.store.of(op.account.id);
  const due = amountDue(computeTotals(data, inv));
  const events: Parameters<World["emit"]>[1][] = opts.outOfBand ? ["invoice.paid"] : ["invoice.paid", "invoice.payment_succeeded"];
  transition(
    op,
    inv,
    () => {
      inv.status = "paid";
      inv.amountPaid = due;
      if (opts.outOfBand) inv.amountPaidOffStripe = due;
      inv.transitions.paid_at = op.world.clock.seconds();
      if (!opts.outOfBand && !opts.zeroAmount) {
        inv.attempted = true;
        inv.attemptCount = Math.max(1, inv.attemptCount);
      }
      if (opts.zeroAmount) inv.attempted = true;
    },
    events,
  );
}

export function payInvoice(op: Op, inv: InvoiceRecord, opts: { outOfBand: boolean }): void {
  if (inv.status === "paid") throw transitionError("Invoice is already paid");
  if (inv.status === "void") throw transitionError(`Invoice ${inv.id} has been voided and can no longer be paid.`);
  if (inv.status === "draft") {
    throw transitionError(`Invoice ${inv.id} is a draft. Finalize it before paying it.`);
  }
  settlePaid(op, inv, opts);
}

/** A customer's payment attempt that failed (hosted page): the invoice stays open. */
export function failPayment(op: Op, inv: InvoiceRecord): void {
  if (inv.status !== "open" && inv.status !== "uncollectible") {
    throw transitionError(`Invoice ${inv.id} is ${inv.status}; only open invoices can be paid.`);
  }
  transition(
    op,
    inv,
    () => {
      inv.attempted = true;
      inv.attemptCount += 1;
    },
    ["invoice.payment_failed"],
  );
}

export function voidInvoice(op: Op, inv: InvoiceRecord): void {
  if (inv.status !== "open" && inv.status !== "uncollectible") {
    throw transitionError(`You can only void open or uncollectible invoices; invoice ${inv.id} is ${inv.status}.` +
        (inv.status === "draft" ? " Delete the draft instead." : ""),
    );
  }
  transition(
    op,
    inv,
    () => {
      inv.status = "void";
      inv.transitions.voided_at = op.world.clock.seconds();
    },
    ["invoice.voided"],
  );
}

export function markUncollectible(op: Op, inv: InvoiceRecord): void {
  if (inv.status !== "open") {
    throw transitionError(`You can only mark open invoices as uncollectible; invoice ${inv.id} is ${inv.status}.`);
  }
  transition(
    op,
    inv,
    () => {
      inv.status = "uncollectible";
      inv.transitions.marked_uncollectible_at = op.world.clock.seconds();
    },
    ["invoice.marked_uncollectible"],
  );
}

/** `/send`: finalizes a draft first; in test mode Stripe sends no email, only `invoice.sent`. */
export function sendInvoice(op: Op, inv: InvoiceRecord): void {
  if (inv.status === "void") throw transitionError(`Invoice ${inv.id} has been voided and can't be sent.`);
  if (inv.collectionMethod !== "send_invoice") {
    throw invalidRequest("You can only manually send an invoice if its collection method is 'send_invoice'.", {
      param: "collection_method",
    });
  }
  if (inv.status === "draft") finalizeInvoice(op, inv);
  op.world.emit(op.account.id, "invoice.sent", renderInvoice(op.world, op.account, inv), { request: op.request });
}

/**
 * Time-driven transitions, run whenever the clock moves or a request arrives:
 * scheduled finalization of auto-advancing drafts, and `invoice.overdue` once
 * an open `send_invoice` invoice passes its due date.
 */
export function sweepInvoices(world: World): void {
  const now = world.clock.seconds();
  for (const account of world.store.accounts.values()) {
    const data = world.store.of(account.id);
    for (const inv of [...data.invoices.values()].sort((a, b) => a.seq - b.seq)) {
      const op: Op = { world, account, request: { id: null, idempotencyKey: null } };
      if (inv.status === "draft" && inv.automaticallyFinalizesAt !== null && inv.automaticallyFinalizesAt <= now) {
        try {
          finalizeInvoice(op, inv);
          const status: string = inv.status;
          if (inv.autoAdvance && inv.collectionMethod === "send_invoice" && status === "open") {
            world.emit(account.id, "invoice.sent", renderInvoice(world, account, inv));
          }
        } catch {
          inv.automaticallyFinalizesAt = null;
        }
      }
      if (inv.status === "open" && inv.collectionMethod === "send_invoice" && inv.dueDate !== null && inv.dueDate <= now && !inv.overdueNotified) {
        inv.overdueNotified = true;
        world.emit(account.id, "invoice.overdue", renderInvoice(world, account, inv));
      }
    }
  }
}
