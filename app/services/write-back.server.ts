// Write-back: when a run is paid and the shop asked for it, record the
// payment in Shopify as one order (customer, lines, taxes, paid, tagged,
// Stripe invoice number in the note). Each line is written back as the
// product variant it was imported with (carried by the template line into the
// run's snapshot) when Shopify still has it, else as a custom line.
//
// Exactly once per run, even when `invoice.paid` arrives twice, concurrently,
// or after a crash:
// 1. a WriteBack row, UNIQUE(runId), is inserted before Shopify is called;
// 2. one caller wins the row's lease (a conditional UPDATE); the others
//    answer "in progress" or "already done" without calling Shopify;
// 3. each order carries the tag `ritournelle-run-<runId>`; an attempt that
//    follows an attempt of unknown outcome (the create call was sent, the
//    answer was lost) first searches Shopify by that tag and adopts the order
//    it finds. The lease of an unknown outcome is kept until it expires
//    (WRITE_BACK_LEASE_MS), so Shopify's search index has caught up by the
//    time anyone looks.
import { randomUUID } from "node:crypto";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { draftInvoice, type TemplateLine } from "~/domain/invoice-draft";
import { formatMinor, parseDecimal, type MinorUnits } from "~/domain/money";
import { shiftDecimal, type SourceOrder } from "~/domain/order-snapshot";
import { isAccessDenied, ShopifyGraphqlError, type AdminGraphql } from "~/gateways/shopify/graphql.server";
import {
  createOrder,
  fetchOrderForTemplate,
  findOrderBySearch,
  type CurrencyCode,
  type MoneyBagInput,
  type OrderCreateOrderInput,
  type OrderCreateTaxLineInput,
} from "~/gateways/shopify/orders.server";
import { fetchExistingVariantIds } from "~/gateways/shopify/variants.server";
import { logger } from "~/logger.server";
import { readSettings } from "~/models/shop.server";
import {
  abandonWriteBack,
  claimWriteBack,
  completeWriteBack,
  ensureWriteBack,
  failWriteBack,
  findRunForWriteBack,
  findWriteBack,
  noteUnknownOutcome,
  pendingWriteBackRunIds,
  releaseWriteBack,
  type RunForWriteBack,
} from "~/models/write-back.server";
import { REDACTED } from "~/domain/template-content";
import { unauthenticated } from "~/shopify.server";

/** Tag every written-back order carries. */
export const WRITE_BACK_TAG = "ritournelle";
/** How long a caller owns a write-back; also the wait before an unknown outcome is looked up. */
export const WRITE_BACK_LEASE_MS = 5 * 60_000;

/** The per-run tag used to find the order again. */
export function runTag(runId: string): string {
  return `ritournelle-run-${runId}`;
}

export type WriteBackOutcome =
  | { status: "created" | "found_existing" | "already_done"; order: { id: string; name: string } }
  | { status: "in_progress" }
  | { status: "skipped"; reason: "unknown_run" | "not_paid" | "disabled" }
  | { status: "failed"; message: string };

export type WriteBackOptions = {
  clock?: Clock;
  /** Names this caller's lease (default: a random id). */
  owner?: string;
  /** The shop's Admin API client; default: `unauthenticated.admin` with the stored offline session. */
  adminFor?: (shopDomain: string) => Promise<AdminGraphql>;
};

const backgroundAdmin = async (shopDomain: string): Promise<AdminGraphql> => (await unauthenticated.admin(shopDomain)).admin;

/**
 * Writes a paid run back to Shopify as one order, if the shop's setting
 * `writeBackOrders` is on. Idempotent and safe to call any number of times,
 * concurrently, from any process: at most one order is ever created per run.
 *
 * For the Stripe webhook handler (`invoice.paid`), after the run is recorded
 * paid. Throws when Shopify could not be reached (the caller retries: the
 * webhook answers 5xx and Stripe delivers it again); a refusal by Shopify is
 * final and returned as `failed` with the reason.
 */
export async function writeBackPaidRun(runId: string, options: WriteBackOptions = {}): Promise<WriteBackOutcome> {
  const clock = options.clock ?? appClock;
  const run = await findRunForWriteBack(runId);
  if (!run) return { status: "skipped", reason: "unknown_run" };
  if (run.state !== "paid") return { status: "skipped", reason: "not_paid" };
  if (!readSettings(run.shop).writeBackOrders) return { status: "skipped", reason: "disabled" };

  await ensureWriteBack(run.shop.id, run.id);
  const owner = options.owner ?? `write-back:${randomUUID()}`;
  const now = new Date(clock.now().epochMilliseconds);
  const claimed = await claimWriteBack(run.id, owner, now, new Date(now.getTime() + WRITE_BACK_LEASE_MS));
  if (!claimed) return outcomeOfExisting(run.id);

  const admin = await (options.adminFor ?? backgroundAdmin)(run.shop.domain);
  let order: OrderCreateOrderInput;
  try {
    if (claimed.attempts > 1) {
      const existing = await findOrderBySearch(admin, `tag:${runTag(run.id)}`);
      if (existing) {
        await completeWriteBack(run, owner, existing, "found", now);
        return { status: "found_existing", order: existing };
      }
    }
    // The source order is read only for its exchange rate: the lines carry their own variants.
    const sourceOrderId = run.currency !== run.shop.currency ? run.template.sourceOrderId : null;
    const source = sourceOrderId ? await fetchOrderForTemplate(admin, sourceOrderId) : null;
    const existingVariants = await variantsStillInCatalogue(admin, run);
    const built = buildWriteBackOrder(run, source, existingVariants);
    if (!built.ok) {
      await failWriteBack(run.id, owner, built.message);
      return { status: "failed", message: built.message };
    }
    order = built.order;
  } catch (error) {
    // Only reads happened: no order can exist, the next caller may start over.
    await releaseWriteBack(run.id, owner, errorMessage(error));
    throw error;
  }

  let result: Awaited<ReturnType<typeof createOrder>>;
  try {
    result = await createOrder(admin, order);
  } catch (error) {
    if (error instanceof ShopifyGraphqlError) {
      // Shopify answered with errors (throttled, invalid): the mutation did not run.
      await releaseWriteBack(run.id, owner, errorMessage(error));
    } else {
      // The call may have reached Shopify: keep the lease; the next attempt searches first.
      await noteUnknownOutcome(run.id, owner, errorMessage(error));
    }
    throw error;
  }
  if (!result.order) {
    const message = result.userErrors.map((userError) => userError.message).join("; ") || "Shopify refused the order.";
    await failWriteBack(run.id, owner, message);
    return { status: "failed", message };
  }
  await completeWriteBack(run, owner, result.order, "created", now);
  return { status: "created", order: result.order };
}

/**
 * Finishes write-backs left pending (an unknown outcome whose lease expired,
 * or a caller that crashed): for the worker's loop. Returns how many were
 * attempted; errors of one run do not stop the others.
 */
export async function resumePendingWriteBacks(options: WriteBackOptions & { limit?: number } = {}): Promise<number> {
  const now = new Date((options.clock ?? appClock).now().epochMilliseconds);
  const runIds = await pendingWriteBackRunIds(now, options.limit ?? 50);
  for (const runId of runIds) {
    const outcome = await writeBackPaidRun(runId, options).catch(() => null);
    // A row that no longer applies must not be picked again forever, ahead of the others.
    if (outcome?.status === "skipped") await abandonWriteBack(runId, now, `Not written back: ${outcome.reason.replace("_", " ")}.`);
  }
  return runIds.length;
}

/**
 * The run's line variants that Shopify still has (one query for all lines).
 *
 * A shop that has not granted read_products (installed before Ritournelle
 * asked for it, and the merchant has not approved the update yet) cannot be
 * asked: its lines are all written back as custom lines, rather than the
 * payment not being recorded at all, and a warning says why.
 */
async function variantsStillInCatalogue(admin: AdminGraphql, run: RunForWriteBack): Promise<ReadonlySet<string>> {
  const variantIds = run.snapshot.lines.flatMap((line) => (line.variantId ? [line.variantId] : []));
  if (variantIds.length === 0) return new Set();
  try {
    return await fetchExistingVariantIds(admin, variantIds);
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    logger.warn({ runId: run.id, shop: run.shop.domain }, "write-back: read_products not granted; lines written back as custom lines");
    return new Set();
  }
}

async function outcomeOfExisting(runId: string): Promise<WriteBackOutcome> {
  const row = await findWriteBack(runId);
  if (row?.state === "done") return { status: "already_done", order: { id: row.shopifyOrderId ?? "", name: row.shopifyOrderName ?? "" } };
  if (row?.state === "failed") return { status: "failed", message: row.lastError ?? "" };
  return { status: "in_progress" };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------
// The order (pure)
// ---------------------------------------------------------------------------

type Built = { ok: true; order: OrderCreateOrderInput } | { ok: false; message: string };

/**
 * The orderCreate input for a paid run: its snapshot's lines (what the
 * customer was invoiced), each with its own product variant if the line has
 * one and `existingVariants` says Shopify still has it (else a custom line
 * with the invoiced description), tax lines with their exact amounts, the
 * invoice's discounts as one fixed discount, shipping as a shipping line,
 * financial status PAID.
 *
 * Lines of templates made before lines recorded their variant have none, and
 * are written back as custom lines.
 *
 * Amounts are in the run's currency (the presentment currency) and, for the
 * shop currency Shopify also requires, converted at the source order's own
 * exchange rate (its shop total / presentment total); a foreign-currency run
 * whose source order is gone cannot be converted and is refused.
 */
export function buildWriteBackOrder(run: RunForWriteBack, source: SourceOrder | null, existingVariants: ReadonlySet<string>): Built {
  // Both codes came from Shopify (the source order's presentment currency, the shop's currency).
  const currency = run.currency as CurrencyCode;
  const shopCurrency = run.shop.currency as CurrencyCode;
  let toShop: (minor: MinorUnits) => MinorUnits = (minor) => minor;
  if (currency !== shopCurrency) {
    const totals = source?.totalPriceSet;
    if (!totals || totals.presentmentMoney.currencyCode !== currency || totals.shopMoney.currencyCode !== shopCurrency) {
      return {
        ok: false,
        message: `This invoice is in ${currency} and your shop's currency is ${shopCurrency}; the order it was made from, which gave the exchange rate, is no longer available. Record this payment in Shopify by hand.`,
      };
    }
    const shopTotal = BigInt(parseDecimal(totals.shopMoney.amount, shopCurrency));
    const presentmentTotal = BigInt(parseDecimal(totals.presentmentMoney.amount, currency));
    if (presentmentTotal === 0n) return { ok: false, message: "The source order's total is zero: no exchange rate can be derived from it." };
    toShop = (minor) => Number(divideHalfUp(BigInt(minor) * shopTotal, presentmentTotal));
  }
  const money = (minor: MinorUnits): MoneyBagInput => ({
    shopMoney: { amount: formatMinor(toShop(minor), shopCurrency), currencyCode: shopCurrency },
    presentmentMoney: { amount: formatMinor(minor, currency), currencyCode: currency },
  });

  const lines = run.snapshot.lines;
  const taxesIncluded = lines.find((line) => line.taxes.length > 0)?.taxes[0]?.inclusive ?? run.template.taxesIncluded;
  // The same arithmetic as the invoice: each tax amount exactly as Stripe was asked to charge it.
  const draft = draftInvoice({
    currency,
    taxesIncluded,
    lines: lines.map(
      (line): TemplateLine => ({
        title: line.description,
        quantity: line.quantity,
        unitAmount: line.unitAmount,
        discountAmount: line.discountAmount,
        taxLines: line.taxes.map(({ title, ratePercent }) => ({ title, ratePercent })),
      }),
    ),
  });
  const taxLinesOf = (index: number): OrderCreateTaxLineInput[] =>
    (draft.lines[index]?.taxes ?? []).map((tax) => ({ title: tax.title, rate: shiftDecimal(tax.ratePercent, -2), priceSet: money(tax.amount) }));

  const shippingTitle = run.template.shipping ? (JSON.parse(run.template.shipping) as { title: string }).title : null;
  const lastIndex = lines.length - 1;
  const isShipping = (index: number) => index === lastIndex && shippingTitle !== null && lines[index]?.description === shippingTitle && lines[index]?.quantity === 1;

  const lineItems: OrderCreateOrderInput["lineItems"] = [];
  let discount = 0;
  lines.forEach((line, index) => {
    if (isShipping(index)) return;
    discount += line.discountAmount;
    const variantId = line.variantId && existingVariants.has(line.variantId) ? line.variantId : null;
    lineItems.push({
      ...(variantId ? { variantId } : { title: line.description, requiresShipping: false }),
      quantity: line.quantity,
      priceSet: money(line.unitAmount),
      taxLines: taxLinesOf(index),
    });
  });
  const shippingLines = lines.flatMap((line, index) =>
    isShipping(index) ? [{ title: line.description, priceSet: money(line.unitAmount - line.discountAmount), taxLines: taxLinesOf(index) }] : [],
  );

  const customer = run.snapshot.customer;
  const knownCustomer = customer.email !== REDACTED;
  const invoice = run.invoiceNumber ?? run.invoiceId ?? run.id;
  return {
    ok: true,
    order: {
      currency: shopCurrency,
      presentmentCurrency: currency,
      ...(knownCustomer
        ? {
            customer: customer.shopifyCustomerId ? { toAssociate: { id: customer.shopifyCustomerId } } : { toUpsert: { email: customer.email } },
            email: customer.email,
          }
        : {}),
      financialStatus: "PAID",
      taxesIncluded,
      lineItems,
      ...(shippingLines.length > 0 ? { shippingLines } : {}),
      ...(discount > 0 ? { discountCode: { itemFixedDiscountCode: { code: "RITOURNELLE", amountSet: money(discount) } } } : {}),
      tags: [WRITE_BACK_TAG, runTag(run.id)],
      note: `Ritournelle: Stripe invoice ${invoice}, period of ${run.periodDate}.`,
    },
  };
}

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * n + d) / (2n * d);
  return negative ? -quotient : quotient;
}
