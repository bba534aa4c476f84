/**
 * A template's line snapshot → the invoice lines and totals the invoicing
 * provider will compute, to the minor unit.
 *
 * Stripe's arithmetic, reproduced exactly (see ARCHITECTURE.md, invariant 4):
 * - per line: amount = quantity × unit amount; net = amount − the line's discount;
 * - taxes per line and per rate, each rounded once, half away from zero:
 *   - inclusive rates (EU VAT: the price contains the tax) are extracted:
 *     tax = net × p / (100 + Σp), Σp being the sum of the line's inclusive rates;
 *   - exclusive rates (US sales tax) are added on top of the untaxed amount:
 *     tax = (net − inclusive taxes) × q / 100;
 * - line total = net + exclusive taxes; invoice total = Σ line totals.
 * A Shopify order's taxes are either all inclusive or all exclusive
 * (`taxesIncluded`), so a line never mixes both kinds.
 * Shipping is one more line. Integer (BigInt) arithmetic only, never floats.
 *
 * Pure: no I/O. The lines have the shape of the BillingGateway's `BillingLine`
 * (plus computed amounts), without importing it: the domain depends on nothing.
 */
import { DomainError } from "./errors";
import { currencyExponent, multiply, percentOf, sum, type MinorUnits } from "./money";

export type TemplateTaxLine = {
  /** "TVA", "NY State Tax". */
  title: string;
  /** Exact decimal percentage: "20", "8.875". */
  ratePercent: string;
};

export type TemplateLine = {
  title: string;
  variantTitle?: string;
  sku?: string;
  /**
   * The Shopify product variant (GID) the line was imported from, so a paid
   * invoice is written back to Shopify as that product. Absent for custom
   * items, lines the merchant added by hand, and templates made before lines
   * recorded their variant. Not part of the invoice: the arithmetic ignores it.
   */
  variantId?: string;
  quantity: number;
  unitAmount: MinorUnits;
  /** Discount on the whole line (all units), >= 0. */
  discountAmount: MinorUnits;
  taxLines: TemplateTaxLine[];
};

export type ShippingSnapshot = {
  title: string;
  amount: MinorUnits;
  discountAmount: MinorUnits;
  taxLines: TemplateTaxLine[];
};

export type InvoiceDraftInput = {
  currency: string;
  lines: TemplateLine[];
  /** Shopify's `taxesIncluded`: every tax line of the order is inclusive (true) or exclusive (false). */
  taxesIncluded: boolean;
  shipping?: ShippingSnapshot | null;
};

export type DraftTax = {
  title: string;
  ratePercent: string;
  inclusive: boolean;
  /** This tax on this line, rounded half up. */
  amount: MinorUnits;
};

export type DraftLine = {
  description: string;
  quantity: number;
  unitAmount: MinorUnits;
  discountAmount: MinorUnits;
  taxes: DraftTax[];
  /** quantity × unit amount. */
  amount: MinorUnits;
  /** amount − discount: what the customer is charged before exclusive taxes. */
  net: MinorUnits;
  /** net + exclusive taxes. */
  total: MinorUnits;
};

export type InvoiceDraft = {
  currency: string;
  lines: DraftLine[];
  /** Σ net (inclusive taxes are inside it). */
  subtotal: MinorUnits;
  /** Σ of every tax, inclusive and exclusive. */
  totalTax: MinorUnits;
  /** The invoice total the provider must compute: Σ line totals. */
  expectedTotal: MinorUnits;
};

export type InvoiceDraftErrorCode = "no_lines" | "discount_exceeds_amount" | "invalid_line" | "total_not_positive";

/** A snapshot that cannot become an invoice; `field` points at the line ("lines.2.discountAmount", "shipping.amount") or at "lines" as a whole. */
export class InvoiceDraftError extends DomainError {
  override readonly name = "InvoiceDraftError";

  constructor(
    readonly field: string,
    readonly code: InvoiceDraftErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Computes the invoice a template issues for one period.
 * @throws InvoiceDraftError for an empty or inconsistent snapshot; MoneyError
 *   for an unknown currency, a malformed rate or an amount too large to be exact.
 */
export function draftInvoice(input: InvoiceDraftInput): InvoiceDraft {
  currencyExponent(input.currency);
  if (input.lines.length === 0) {
    throw new InvoiceDraftError("lines", "no_lines", "An invoice needs at least one line.");
  }
  const lines = input.lines.map((line, index) =>
    draftLine(
      {
        description: describeLine(line),
        quantity: line.quantity,
        unitAmount: line.unitAmount,
        discountAmount: line.discountAmount,
        taxLines: line.taxLines,
      },
      input.taxesIncluded,
      `lines.${index}`,
    ),
  );
  if (input.shipping) {
    const shipping = input.shipping;
    lines.push(
      draftLine(
        {
          description: shipping.title,
          quantity: 1,
          unitAmount: shipping.amount,
          discountAmount: shipping.discountAmount,
          taxLines: shipping.taxLines,
        },
        input.taxesIncluded,
        "shipping",
      ),
    );
  }
  return {
    currency: input.currency,
    lines,
    subtotal: sum(lines.map((line) => line.net)),
    totalTax: sum(lines.flatMap((line) => line.taxes.map((tax) => tax.amount))),
    expectedTotal: sum(lines.map((line) => line.total)),
  };
}

/**
 * Whether an invoice of `total` may be issued: it must ask the customer for
 * something. (A Stripe invoice of nothing is marked paid as it is finalized,
 * then written back to Shopify as a paid order of nothing.)
 */
export function isIssuableTotal(total: MinorUnits): boolean {
  return total > 0;
}

/**
 * The draft, if a template may issue it: its total is above zero. What the
 * form, the templates service (create, edit) and the order page's action
 * accept; the pipeline refuses a run of a template saved before the rule
 * (app/services/invoicing/issue-run.server.ts), and drafts computed for
 * anything else (plans of existing templates, write-backs) are not checked.
 * @throws InvoiceDraftError `total_not_positive` on "lines".
 */
export function requireIssuableTotal(draft: InvoiceDraft): InvoiceDraft {
  if (isIssuableTotal(draft.expectedTotal)) return draft;
  throw new InvoiceDraftError("lines", "total_not_positive", `The invoice total is ${draft.expectedTotal}: an invoice must ask for more than zero.`);
}

type LineParts = {
  description: string;
  quantity: number;
  unitAmount: MinorUnits;
  discountAmount: MinorUnits;
  taxLines: TemplateTaxLine[];
};

function draftLine(parts: LineParts, taxesIncluded: boolean, field: string): DraftLine {
  if (!Number.isSafeInteger(parts.quantity) || parts.quantity < 1) {
    throw new InvoiceDraftError(`${field}.quantity`, "invalid_line", `The quantity must be a whole number of at least 1.`);
  }
  if (!Number.isSafeInteger(parts.unitAmount) || parts.unitAmount < 0) {
    throw new InvoiceDraftError(`${field}.unitAmount`, "invalid_line", `The price must be zero or more.`);
  }
  if (!Number.isSafeInteger(parts.discountAmount) || parts.discountAmount < 0) {
    throw new InvoiceDraftError(`${field}.discountAmount`, "invalid_line", `The discount must be zero or more.`);
  }
  const amount = multiply(parts.unitAmount, parts.quantity);
  if (parts.discountAmount > amount) {
    throw new InvoiceDraftError(
      `${field}.discountAmount`,
      "discount_exceeds_amount",
      `The discount (${parts.discountAmount}) is larger than the line amount (${amount}).`,
    );
  }
  const net = amount - parts.discountAmount;
  const rates = parts.taxLines.map((tax) => ({ ...tax, rate: parseRate(tax.ratePercent) }));

  let taxes: DraftTax[];
  if (taxesIncluded) {
    const scale = commonScale(rates.map((tax) => tax.rate));
    const rateSum = rates.reduce((acc, tax) => acc + scaled(tax.rate, scale), 0n);
    taxes = rates.map((tax) => ({
      title: tax.title,
      ratePercent: tax.ratePercent,
      inclusive: true,
      amount: Number(divideHalfUp(BigInt(net) * scaled(tax.rate, scale), 100n * 10n ** scale + rateSum)),
    }));
  } else {
    taxes = rates.map((tax) => ({
      title: tax.title,
      ratePercent: tax.ratePercent,
      inclusive: false,
      amount: percentOf(net, tax.ratePercent),
    }));
  }
  const exclusiveTotal = taxesIncluded ? 0 : sum(taxes.map((tax) => tax.amount));
  return {
    description: parts.description,
    quantity: parts.quantity,
    unitAmount: parts.unitAmount,
    discountAmount: parts.discountAmount,
    taxes,
    amount,
    net,
    total: sum([net, exclusiveTotal]),
  };
}

/** "Coffee beans — 1 kg (SKU BEAN-1K)": the variant and SKU help the customer recognise the line. */
function describeLine(line: TemplateLine): string {
  let description = line.title;
  if (line.variantTitle) description += ` — ${line.variantTitle}`;
  if (line.sku) description += ` (SKU ${line.sku})`;
  return description;
}

/** A decimal percentage as digits / 10^fractionDigits. */
type Rate = { digits: bigint; fractionDigits: bigint };

const RATE_PATTERN = /^(\d+)(?:\.(\d+))?$/;

function parseRate(ratePercent: string): Rate {
  // percentOf validates the rate with the exact same grammar and throws the
  // domain's MoneyError("invalid_rate") with a message for the merchant.
  percentOf(0, ratePercent);
  const [, whole = "", fraction = ""] = RATE_PATTERN.exec(ratePercent) ?? [];
  return { digits: BigInt(whole + fraction), fractionDigits: BigInt(fraction.length) };
}

function commonScale(rates: Rate[]): bigint {
  return rates.reduce((max, rate) => (rate.fractionDigits > max ? rate.fractionDigits : max), 0n);
}

/** The rate × 10^scale, an integer. */
function scaled(rate: Rate, scale: bigint): bigint {
  return rate.digits * 10n ** (scale - rate.fractionDigits);
}

/** numerator / denominator for numerator >= 0, denominator > 0, halves rounded up. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}
