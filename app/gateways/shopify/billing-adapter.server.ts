// The billing port (app/domain/billing.ts) implemented with Shopify draft
// orders: the customer pays through Shopify's own checkout (App Store
// requirement 1.1.2), from the link in the invoice e-mail Shopify sends.
//
// The pipeline's steps on this rail:
//   customer  the order's Shopify customer (no call: drafts take a customer id);
//   draft     draftOrderCreate with every line (variant lines for variants that
//             still exist, custom lines otherwise), the shipping line, the
//             addresses, a note (period, signing link), payment terms, and the
//             run id as a tag and a metafield; for a B2B template, the company
//             location (company-draft.server.ts);
//   lines     reads the draft back: Shopify's total (Shopify applies its own
//             taxes: `totals = "provider"`);
//   finalize  reads it again: its name (#D12) and invoice link;
//   send      draftOrderInvoiceSend, once.
//
// Exactly once without idempotency keys (Shopify's Admin API has none for
// these mutations):
// - every draft carries the run id (tag `ritournelle-run-<id>`, metafield
//   ritournelle.run_id), so findInvoiceForRun finds it: a tag search, which
//   lags behind writes, and the shop's drafts made since the index may lag,
//   read page by page from a listing that does not lag (as the Stripe adapter
//   pairs search with a list; Shopify has no index-free list of a customer's
//   drafts: draft-orders.server.ts, recentDraftOrders);
// - a draft creation whose answer was lost looks for the draft before the
//   error goes back to the pipeline, which retries (and looks again) later;
// - the invoice e-mail is sent only while the draft shows no `invoiceSentAt`
//   ("the date and time when the invoice was last emailed to the customer",
//   https://shopify.dev/docs/api/admin-graphql/2026-01/objects/DraftOrder):
//   after a lost answer the draft is read again, and a send Shopify recorded
//   is never repeated; each send is first claimed on the run's trail
//   (StepContext.claimSend), and one whose answer was lost and which the
//   draft does not show yet is not asked again for SEND_SETTLE_MS (Shopify
//   may still apply it), then only if the draft still shows no e-mail.
import type { BillingGateway, BillingLine, InvoiceRequest, IssuedInvoice, StepContext } from "~/domain/billing";
import { BillingError, MAX_INVOICE_LINES } from "~/domain/billing";
import { formatMinor } from "~/domain/money";
import type { RunErrorCode } from "~/domain/run-errors";
import {
  calculateDraftOrder,
  createDraftOrder,
  deleteDraftOrder,
  DraftOrderUserError,
  paymentTermsTemplates,
  readDraftOrder,
  recentDraftOrders,
  RUN_METAFIELD,
  runTag,
  searchDraftOrdersOfRun,
  sendDraftOrderInvoice,
  type DraftOrder,
  type DraftOrderInput,
} from "./draft-orders.server";
import { isAccessDenied, isNoResponse, ShopifyGraphqlError, ShopifyThrottledError, type AdminGraphql, type RunAdminQueryOptions } from "./graphql.server";
import { companyDraftFields, companyRefusal } from "./company-draft.server";
import { fetchExistingVariantIds } from "./variants.server";

/** The Admin client of a shop, for work without a merchant in front of the app (the service passes background-admin). */
export type ShopAdminFor = (shopDomain: string) => Promise<AdminGraphql>;

/** Words the rail writes on the customer's document, in the customer's or the shop's language. */
const WORDS = {
  en: { period: (date: string) => `Recurring invoice for the period of ${date}.`, sign: "Sign online", message: (date: string) => `Your invoice for the period of ${date}. Pay it securely from the link below.` },
  fr: { period: (date: string) => `Facture récurrente pour la période du ${date}.`, sign: "Signer en ligne", message: (date: string) => `Votre facture pour la période du ${date}. Réglez-la en toute sécurité depuis le lien ci-dessous.` },
} as const;

function wordsFor(locale: string | undefined) {
  return locale?.toLowerCase().startsWith("fr") ? WORDS.fr : WORDS.en;
}

/**
 * How long after a draftOrderInvoiceSend whose answer was lost Ritournelle
 * still expects Shopify may apply it (a request Shopify was still working on
 * when the connection dropped). Shopify documents no bound; no Admin request
 * takes minutes, so a send not visible on the draft (`invoiceSentAt`) ten
 * minutes after it was asked for is taken as never made, and asked again.
 * Measured on Ritournelle's own clock, from the moment the send was claimed
 * on the run's trail to the moment it is looked at again: two instants of the
 * same clock, so no skew with Shopify's enters.
 */
export const SEND_SETTLE_MS = 10 * 60_000;

/** The transient error of a send whose outcome is not known yet: retried once it has settled. */
export function sendInDoubt(claimedAt: Date | null, cause?: unknown): BillingError {
  return new BillingError(
    "transient",
    "shopify_send_in_doubt" satisfies RunErrorCode,
    "Shopify did not answer the request to e-mail the invoice, and the draft order does not show it sent yet. Ritournelle looks again once Shopify has finished, and e-mails it only if it was not sent.",
    { cause, ...(claimedAt ? { retryAt: new Date(claimedAt.getTime() + SEND_SETTLE_MS) } : {}) },
  );
}

/** The customer id the customer step stores when the order had no Shopify customer (the draft is addressed by e-mail). */
export const NO_SHOPIFY_CUSTOMER = "shopify:none";

export class ShopifyBillingAdapter implements BillingGateway {
  readonly totals = "provider" as const;

  constructor(
    private readonly adminFor: ShopAdminFor,
    private readonly queryOptions: RunAdminQueryOptions = {},
  ) {}

  async ensureCustomer(request: InvoiceRequest, _context: StepContext): Promise<{ customerId: string }> {
    return { customerId: request.customer.shopifyCustomerId ?? NO_SHOPIFY_CUSTOMER };
  }

  async createDraft(request: InvoiceRequest, customerId: string, _context: StepContext): Promise<IssuedInvoice> {
    return this.guard(request, async (admin) => {
      const input = await this.draftInput(admin, request, customerId);
      try {
        return toIssued(await createDraftOrder(admin, input, this.queryOptions));
      } catch (error) {
        const byEmail = withoutDeletedCustomer(input, error);
        if (byEmail) return toIssued(await createDraftOrder(admin, byEmail, this.queryOptions));
        const b2b = request.customer.company && error instanceof DraftOrderUserError ? companyRefusal(request.customer.company, error.userErrors) : null;
        if (b2b) throw b2b; // the location or the contact's role changed since the read: never billed to the person instead
        if (!isUnknownOutcome(error)) throw error;
        // The answer was lost: Shopify may have created the draft. Adopt it if so; else the pipeline retries later.
        const existing = await this.findDraft(admin, request);
        if (existing) return toIssued(existing);
        throw error;
      }
    });
  }

  async addLines(request: InvoiceRequest, invoiceId: string, _context: StepContext): Promise<IssuedInvoice> {
    return this.guard(request, async (admin) => toIssued(await this.existingDraft(admin, invoiceId)));
  }

  async finalize(request: InvoiceRequest, invoiceId: string, _context: StepContext): Promise<IssuedInvoice> {
    return this.guard(request, async (admin) => {
      const draft = await this.existingDraft(admin, invoiceId);
      // A draft order needs no finalization: it has its name and checkout link from creation on.
      return { ...toIssued(draft), status: draft.status === "OPEN" ? "open" : toIssued(draft).status };
    });
  }

  async send(request: InvoiceRequest, invoiceId: string, context: StepContext): Promise<IssuedInvoice> {
    return this.guard(request, async (admin) => {
      const draft = await this.existingDraft(admin, invoiceId);
      // Sent (or paid) already: never twice. A draft this run created was never e-mailed before its
      // first send, so any invoiceSentAt at all is a send made for it (ours, or the merchant's from Shopify's admin).
      if (draft.invoiceSentAt !== null || draft.status === "COMPLETED") return toIssued(draft);
      // Recorded before Shopify is asked; refuses while an earlier send whose answer was lost may still land.
      const claimedAt = (await context.claimSend?.()) ?? null;
      const words = wordsFor(request.shopLocale ?? request.customer.locale);
      try {
        return toIssued(await sendDraftOrderInvoice(admin, invoiceId, { customMessage: words.message(request.periodDate) }, this.queryOptions));
      } catch (error) {
        if (!isUnknownOutcome(error)) throw error;
        const now = await readDraftOrder(admin, invoiceId, this.queryOptions).catch(() => null);
        if (now && now.invoiceSentAt !== null) return toIssued(now);
        // Not applied yet — or not yet visible: Shopify may still be working on the request. Not asked again before it settles.
        throw sendInDoubt(claimedAt, error);
      }
    });
  }

  async findInvoiceForRun(request: InvoiceRequest): Promise<IssuedInvoice | null> {
    return this.guard(request, async (admin) => {
      const draft = await this.findDraft(admin, request);
      return draft && toIssued(draft);
    });
  }

  /**
   * Deletes the run's draft unless its invoice was e-mailed (the customer has
   * the link: from then on only the merchant decides) or it was paid.
   */
  async discardDraft(request: InvoiceRequest, invoiceId: string): Promise<IssuedInvoice | null> {
    return this.guard(request, async (admin) => {
      const draft = await readDraftOrder(admin, invoiceId, this.queryOptions);
      if (draft === null) return null;
      if (draft.invoiceSentAt !== null || draft.status !== "OPEN") return toIssued(draft);
      await deleteDraftOrder(admin, invoiceId, this.queryOptions);
      return null;
    });
  }

  /**
   * Shopify's own total for the draft this request would create
   * (draftOrderCalculate: nothing is created), for the merchant to compare
   * with the template's before saving.
   */
  async calculate(request: InvoiceRequest): Promise<{ total: number; tax: number }> {
    return this.guard(request, async (admin) => {
      const { tags: _tags, metafields: _metafields, ...input } = await this.draftInput(admin, request, request.customer.shopifyCustomerId ?? NO_SHOPIFY_CUSTOMER);
      const calculate = (draft: DraftOrderInput) => calculateDraftOrder(admin, draft, this.queryOptions);
      // Calculated as the draft would be made: by e-mail alone once the customer is deleted in Shopify (createDraft).
      const { total, tax } = await calculate(input).catch((error: unknown) => {
        const byEmail = withoutDeletedCustomer(input, error);
        if (byEmail) return calculate(byEmail);
        throw error;
      });
      return { total, tax };
    });
  }

  // -------------------------------------------------------------------------

  /**
   * The run's draft: by tag (the lagging search), else among the drafts the
   * index may not show yet (every draft of the shop made in the last
   * SEARCH_INDEX_LAG_BOUND_MS, a listing: recentDraftOrders); the first one made.
   */
  private async findDraft(admin: AdminGraphql, request: InvoiceRequest): Promise<DraftOrder | null> {
    let candidates = (await searchDraftOrdersOfRun(admin, request.runId, this.queryOptions)).filter((d) => d.runId === request.runId);
    if (candidates.length === 0) candidates = (await recentDraftOrders(admin, this.queryOptions)).filter((d) => d.runId === request.runId);
    return [...candidates].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0] ?? null;
  }

  private async existingDraft(admin: AdminGraphql, invoiceId: string): Promise<DraftOrder> {
    const draft = await readDraftOrder(admin, invoiceId, this.queryOptions);
    if (draft) return draft;
    throw new BillingError(
      "permanent",
      "shopify_draft_missing" satisfies RunErrorCode,
      `The draft order of this invoice (${invoiceId}) no longer exists in Shopify: it was deleted from the admin. Use Retry to create a new one.`,
    );
  }

  private async draftInput(admin: AdminGraphql, request: InvoiceRequest, customerId: string): Promise<DraftOrderInput> {
    const { currency } = request;
    const money = (minor: number) => ({ amount: formatMinor(minor, currency), currencyCode: currency as never });
    const items = request.lines.filter((line) => !line.shipping);
    const shipping = request.lines.find((line) => line.shipping);
    const variantIds = items.flatMap((line) => (line.variantId ? [line.variantId] : []));
    const existing = variantIds.length ? await fetchExistingVariantIds(admin, variantIds, this.queryOptions) : new Set<string>();
    const discount = (line: BillingLine) =>
      line.discountAmount > 0
        ? { appliedDiscount: { valueType: "FIXED_AMOUNT" as const, value: Number(formatMinor(line.discountAmount, currency)), amountWithCurrency: money(line.discountAmount), title: "Discount" } }
        : {};
    const lineItems = items.map((line) =>
      line.variantId && existing.has(line.variantId)
        ? { variantId: line.variantId, quantity: line.quantity, priceOverride: money(line.unitAmount), ...discount(line) }
        : { title: line.description, quantity: line.quantity, originalUnitPriceWithCurrency: money(line.unitAmount), taxable: line.taxes.length > 0, requiresShipping: false, ...discount(line) },
    );
    const words = wordsFor(request.customer.locale);
    const note = [words.period(request.periodDate), request.memo, request.signingUrl ? `${words.sign}: ${request.signingUrl}` : null].filter(Boolean).join("\n");
    const address = request.customer.address;
    const mailing = address && {
      address1: address.line1 ?? null,
      address2: address.line2 ?? null,
      city: address.city ?? null,
      provinceCode: address.state ?? null,
      zip: address.postalCode ?? null,
      countryCode: (address.country ?? null) as never,
    };
    const input: DraftOrderInput = {
      email: request.customer.email,
      lineItems,
      note,
      tags: [runTag(request.runId)],
      metafields: [{ ...RUN_METAFIELD, type: "single_line_text_field", value: request.runId }],
      ...(customerId.startsWith("gid://shopify/Customer/") ? { purchasingEntity: { customerId } } : {}),
      ...(mailing ? { billingAddress: mailing, shippingAddress: mailing } : {}),
      ...(shipping ? { shippingLine: { title: shipping.description, priceWithCurrency: money(shipping.unitAmount - shipping.discountAmount) } } : {}),
    };
    if (request.customer.company) {
      // B2B: the company location's purchasing entity and addresses; its payment terms unless the template has a due delay (company-draft.server.ts).
      const { locationPaymentTerms, ...company } = await companyDraftFields(admin, request.customer.company, request.periodDate, this.queryOptions);
      Object.assign(input, company);
      if (request.daysUntilDue === 0 && locationPaymentTerms) input.paymentTerms = locationPaymentTerms;
    }
    if (request.daysUntilDue > 0) input.paymentTerms = await this.paymentTerms(admin, request);
    return input;
  }

  /**
   * Net N days from the period's date: Shopify's NET template for N when it
   * has one (7, 15, 30, 45, 60, 90), else its FIXED template with the due
   * date. Issued on the period's date, so every attempt sends the same input.
   */
  private async paymentTerms(admin: AdminGraphql, request: InvoiceRequest): Promise<NonNullable<DraftOrderInput["paymentTerms"]>> {
    const templates = await paymentTermsTemplates(admin, this.queryOptions);
    const issuedAt = `${request.periodDate}T00:00:00Z`;
    const net = templates.find((t) => t.type === "NET" && t.dueInDays === request.daysUntilDue);
    if (net) return { paymentTermsTemplateId: net.id, paymentSchedules: [{ issuedAt }] };
    const fixed = templates.find((t) => t.type === "FIXED");
    if (!fixed) throw new BillingError("permanent", "shopify_refused" satisfies RunErrorCode, "Shopify offers no payment terms template for a due date on this shop; set the recurring invoice's due delay to 0.");
    const dueAt = new Date(Date.parse(issuedAt) + request.daysUntilDue * 86_400_000).toISOString();
    return { paymentTermsTemplateId: fixed.id, paymentSchedules: [{ issuedAt, dueAt }] };
  }

  /** Runs `work` with the shop's Admin client, translating what Shopify answered into a BillingError. */
  private async guard<T>(request: InvoiceRequest, work: (admin: AdminGraphql) => Promise<T>): Promise<T> {
    if (request.lines.length > MAX_INVOICE_LINES) {
      throw new BillingError(
        "permanent",
        "too_many_lines" satisfies RunErrorCode,
        `This invoice has ${request.lines.length} lines; a recurring invoice can have at most ${MAX_INVOICE_LINES} (shipping included). Nothing was sent to Shopify: remove lines from the recurring invoice.`,
      );
    }
    try {
      return await work(await this.adminFor(request.shopDomain));
    } catch (error) {
      throw toBillingError(error);
    }
  }
}

/**
 * The input without its customer when Shopify refused it (the order's
 * customer was deleted in Shopify since): the draft goes to the e-mail
 * address and the addresses alone, and Shopify e-mails its invoice there.
 * Null for any other refusal.
 */
function withoutDeletedCustomer(input: DraftOrderInput, error: unknown): DraftOrderInput | null {
  if (!(error instanceof DraftOrderUserError) || !input.purchasingEntity || !error.userErrors.some((e) => e.field?.includes("customerId"))) return null;
  const { purchasingEntity: _gone, ...byEmail } = input;
  return byEmail;
}

export function toIssued(draft: DraftOrder): IssuedInvoice {
  const issued: IssuedInvoice = { invoiceId: draft.id, number: draft.name, status: statusOf(draft), total: draft.total };
  if (draft.invoiceUrl) issued.hostedInvoiceUrl = draft.invoiceUrl;
  return issued;
}

/**
 * The port's statuses: an OPEN draft not yet e-mailed is still ours to
 * change or delete ("draft"); e-mailed, it is issued ("open"); completed, it
 * is an order: "paid" when paid, "void" when that order was cancelled, else
 * "open" (completed with payment terms, payment pending).
 */
function statusOf(draft: DraftOrder): IssuedInvoice["status"] {
  if (draft.status === "COMPLETED") {
    if (draft.order?.cancelled) return "void";
    return draft.order?.paid ? "paid" : "open";
  }
  return draft.status === "INVOICE_SENT" || draft.invoiceSentAt !== null ? "open" : "draft";
}

/** A failure after which Shopify may or may not have applied the mutation: a lost connection, a timeout, a 5xx. */
export function isUnknownOutcome(error: unknown): boolean {
  if (error instanceof ShopifyGraphqlError) return hasCode(error.errors, "INTERNAL_SERVER_ERROR");
  if (isNoResponse(error)) return true; // the library's client: the connection failed or dropped, no answer came back
  if (!error || typeof error !== "object") return false;
  const response = (error as { response?: { code?: unknown } }).response;
  if (typeof response?.code === "number") return response.code >= 500;
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
  // undici's fetch rejects every network failure with TypeError("fetch failed") (the cause says which);
  // any other TypeError is a bug in our code, which must show as one, not as Shopify being down.
  if (error instanceof TypeError && error.message === "fetch failed") return true;
  return typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|UND_ERR_|EPIPE)/.test(code);
}

function hasCode(errors: unknown, code: string): boolean {
  return Array.isArray(errors) && errors.some((e: { extensions?: { code?: unknown } } | null) => e?.extensions?.code === code);
}

/** What the pipeline (and the merchant's actions) make of a failure; anything unrecognised (a bug, a test's crash) propagates unchanged. */
export function toBillingError(error: unknown): unknown {
  if (error instanceof BillingError) return error;
  if (error instanceof DraftOrderUserError) return new BillingError("permanent", "shopify_refused" satisfies RunErrorCode, `${error.message}. Nothing was e-mailed: correct the recurring invoice and use Retry.`, { cause: error });
  if (error instanceof ShopifyThrottledError) return new BillingError("transient", "rate_limited" satisfies RunErrorCode, "Shopify's API limit was reached; the invoice is issued as soon as it allows.", { cause: error });
  if (isAccessDenied(error)) {
    return new BillingError(
      "permanent",
      "shopify_scope_missing" satisfies RunErrorCode,
      "Shopify refuses Ritournelle access to draft orders: open Ritournelle in your Shopify admin and approve the new permission (draft orders), then use Retry.",
      { cause: error },
    );
  }
  if (isUnknownOutcome(error) || (error instanceof Error && error.name === "ShopAccessLostError")) {
    return new BillingError("transient", "shopify_unreachable" satisfies RunErrorCode, "Shopify could not be reached; Ritournelle tries again shortly.", { cause: error });
  }
  if (error instanceof ShopifyGraphqlError) return new BillingError("permanent", "shopify_refused" satisfies RunErrorCode, error.message, { cause: error });
  return error;
}
