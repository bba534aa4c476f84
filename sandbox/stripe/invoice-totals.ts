// Invoice math: what an invoice's lines, discounts and taxes add up to.
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
// Everything here is recomputed from the stored items on every render, so an
// edit can never leave a stale total behind.

import type Stripe from "stripe";
import { parseDecimal, roundHalfUp, type Ratio } from "./money.js";
import type { AccountData } from "./store.js";
import type { InvoiceItemRecord, InvoiceRecord, TaxRateRecord } from "./types.js";

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

/** Stripe's `amount_due`: the total, never negative (`amount_remaining` is what subtracts payments). */
/**
 * What the customer owes: the total, less the credit notes issued before
 * payment ("A credit note will first reduce the invoice's amount_remaining
 * (and amount_due)", https://docs.stripe.com/api/credit_notes/create).
 */
export function amountDue(totals: Totals, inv?: Pick<InvoiceRecord, "creditedPrePayment">): number {
  return Math.max(0, totals.total - (inv?.creditedPrePayment ?? 0));
}
