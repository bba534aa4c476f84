// Draft orders in the Shopify stand-in: the store, the mutations
// (draftOrderCreate / Update / Delete / Calculate / InvoiceSend) and the
// draftOrders(query:) search with its lagging index.
//
// What Shopify does, and this imitates:
// - A draft order's amounts are Shopify's: the app gives lines (a variant, or
//   a custom title and price), a shipping line and addresses; Shopify applies
//   the shop's taxes for the destination (taxes included or added as the shop
//   is set up) — the input has no tax lines
//   (https://shopify.dev/docs/api/admin-graphql/latest/input-objects/DraftOrderInput).
//   The stand-in derives them with the order arithmetic of order-build.ts and
//   the seed's tax regimes (FR VAT included; New York City sales tax added;
//   none for export).
// - `draftOrderInvoiceSend` e-mails the invoice with its secure checkout link
//   (`invoiceUrl`), sets `invoiceSentAt` and the status INVOICE_SENT
//   (https://shopify.dev/docs/api/admin-graphql/latest/mutations/draftOrderInvoiceSend).
//   Nothing makes it idempotent: a second call sends a second e-mail (the
//   stand-in logs every e-mail, so tests can count them). A completed draft
//   refuses it.
// - `draftOrders(query:)` is Shopify's search syntax
//   (https://shopify.dev/docs/api/usage/search-syntax; filters tag, status,
//   customer_id, id: https://shopify.dev/docs/api/admin-graphql/latest/queries/draftOrders).
//   Search reads an index that lags behind writes: a draft created a moment
//   ago is not found by a query for `indexLagMs` (default 5 s). A listing
//   without `query` reads the drafts themselves and is current.
// - A completed draft cannot be updated or deleted; a deleted draft is gone
//   (draftOrder(id:) answers null).
import { randomBytes } from "node:crypto";
import { checkPurchasingCompany, type SeedPurchasingCompany } from "./companies";
import { ShopifyResolverError } from "./errors";
import { formatShopifyDecimal, parseDecimalToMinor } from "./money";
import { addressFromInput } from "./order-create";
import { deriveAmounts, taxLineDraft, ZERO, type LineDraft, type OrderAmounts, type Pair, type ShippingLineDraft } from "./order-build";
import type { SeedAddress, SeedOrder } from "./seed";
import { REGIME_TAXES, type TaxRegime } from "./seed-build";
import type { ShopState } from "./state";

/** How long the search index lags behind a draft's creation or change (Shopify: seconds). */
export const DEFAULT_INDEX_LAG_MS = 5_000;

export type DraftStatus = "OPEN" | "INVOICE_SENT" | "COMPLETED";

export interface DraftMetafield {
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface PaymentTermsTemplate {
  id: string;
  name: string;
  description: string;
  dueInDays: number | null;
  paymentTermsType: "NET" | "RECEIPT" | "FIXED" | "FULFILLMENT";
}

/** Shopify's payment terms templates (https://shopify.dev/docs/api/admin-graphql/latest/queries/paymentTermsTemplates). */
export const PAYMENT_TERMS_TEMPLATES: readonly PaymentTermsTemplate[] = [
  { id: "gid://shopify/PaymentTermsTemplate/1", name: "Due on receipt", description: "Due on receipt", dueInDays: null, paymentTermsType: "RECEIPT" },
  { id: "gid://shopify/PaymentTermsTemplate/2", name: "Net 7", description: "Within 7 days", dueInDays: 7, paymentTermsType: "NET" },
  { id: "gid://shopify/PaymentTermsTemplate/3", name: "Net 15", description: "Within 15 days", dueInDays: 15, paymentTermsType: "NET" },
  { id: "gid://shopify/PaymentTermsTemplate/4", name: "Net 30", description: "Within 30 days", dueInDays: 30, paymentTermsType: "NET" },
  { id: "gid://shopify/PaymentTermsTemplate/8", name: "Net 45", description: "Within 45 days", dueInDays: 45, paymentTermsType: "NET" },
  { id: "gid://shopify/PaymentTermsTemplate/5", name: "Net 60", description: "Within 60 days", dueInDays: 60, paymentTermsType: "NET" },
  { id: "gid://shopify/PaymentTermsTemplate/6", name: "Net 90", description: "Within 90 days", dueInDays: 90, paymentTermsType: "NET" },
  { id: "gid://shopify/PaymentTermsTemplate/7", name: "Fixed", description: "Fixed date", dueInDays: null, paymentTermsType: "FIXED" },
];

export interface InvoiceEmail {
  draftId: string;
  to: string;
  subject: string;
  customMessage: string | null;
  invoiceUrl: string;
  at: number;
}

export interface DraftOrderRecord {
  legacyId: number;
  id: string;
  name: string;
  status: DraftStatus;
  createdAt: number;
  updatedAt: number;
  /** When the search index sees the draft as it is now. */
  indexedAt: number;
  tags: string[];
  metafields: DraftMetafield[];
  note: string | null;
  email: string | null;
  customerId: string | null;
  /** B2B: the company location the draft is for (companies.ts); null: D2C. */
  purchasingCompany: SeedPurchasingCompany | null;
  lines: LineDraft[];
  shipping: ShippingLineDraft | null;
  billingAddress: SeedAddress | null;
  shippingAddress: SeedAddress | null;
  paymentTerms: { template: PaymentTermsTemplate; issuedAt: number; dueAt: number | null } | null;
  taxesIncluded: boolean;
  currency: string;
  amounts: OrderAmounts;
  invoiceToken: string;
  invoiceSentAt: number | null;
  orderId: string | null;
  completedAt: number | null;
}

export interface DraftStore {
  drafts: DraftOrderRecord[];
  emails: InvoiceEmail[];
  nextLegacyId: number;
  nextNumber: number;
  indexLagMs: number;
}

const stores = new WeakMap<ShopState, DraftStore>();

/** The shop's drafts (a fresh store for each shop state: a reset forgets them). */
export function draftStore(shop: ShopState): DraftStore {
  let store = stores.get(shop);
  if (!store) {
    store = { drafts: [], emails: [], nextLegacyId: 1_000_001, nextNumber: 1, indexLagMs: DEFAULT_INDEX_LAG_MS };
    stores.set(shop, store);
  }
  return store;
}

export interface UserError {
  field: string[] | null;
  message: string;
}

type Input = Record<string, unknown>;
const obj = (v: unknown): Input | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Input) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function regimeOf(address: SeedAddress | null): TaxRegime {
  if (!address) return "EXPORT";
  if (address.countryCodeV2 === "FR") return "FR";
  if (address.countryCodeV2 === "US" && address.provinceCode === "NY") return "NY";
  return "EXPORT";
}

/** Where the store is set up to charge taxes: the seed's shops, EUR ones with prices including VAT. */
function shopTaxesIncluded(shop: ShopState): boolean {
  return shop.shop.currencyCode === "EUR";
}

function moneyInput(value: unknown, currency: string, field: string[], errors: UserError[]): number | null {
  const m = obj(value);
  if (!m) return null;
  const code = str(m.currencyCode);
  if (code && code !== currency) {
    errors.push({ field, message: `Currency ${code} does not match the draft order's currency ${currency}.` });
    return null;
  }
  const minor = parseDecimalToMinor(String(m.amount ?? ""), currency);
  if (minor === null || minor < 0) {
    errors.push({ field, message: "Amount is invalid." });
    return null;
  }
  return minor;
}

interface ParsedDraft {
  lines: LineDraft[];
  shipping: ShippingLineDraft | null;
  billingAddress: SeedAddress | null;
  shippingAddress: SeedAddress | null;
  email: string | null;
  customerId: string | null;
  purchasingCompany: SeedPurchasingCompany | null;
  note: string | null;
  tags: string[];
  metafields: DraftMetafield[];
  paymentTerms: DraftOrderRecord["paymentTerms"];
}

/** Reads a DraftOrderInput over `base` (an update keeps what the input leaves out), or returns userErrors. */
function parseDraftInput(shop: ShopState, now: number, input: Input, base: ParsedDraft | null): { draft: ParsedDraft } | { errors: UserError[] } {
  const errors: UserError[] = [];
  const currency = shop.shop.currencyCode;
  const presentment = str(input.presentmentCurrencyCode);
  if (presentment && presentment !== currency) {
    errors.push({ field: ["presentmentCurrencyCode"], message: `The stand-in issues drafts in the shop's currency (${currency}) only.` });
  }
  let lines = base?.lines ?? [];
  if (input.lineItems !== undefined) {
    lines = [];
    arr(input.lineItems).forEach((raw, index) => {
      const li = obj(raw) ?? {};
      const field = ["lineItems", String(index)];
      const quantity = typeof li.quantity === "number" ? li.quantity : 0;
      if (!Number.isInteger(quantity) || quantity < 1) errors.push({ field: [...field, "quantity"], message: "Quantity must be greater than or equal to 1" });
      const variantId = str(li.variantId);
      const discountInput = obj(li.appliedDiscount);
      let discount: LineDraft["discount"];
      if (discountInput) {
        const amount = moneyInput(discountInput.amountWithCurrency, currency, [...field, "appliedDiscount"], errors) ?? 0;
        discount = { kind: "manual", title: str(discountInput.title) ?? str(discountInput.description) ?? "Discount", value: { amount: { shop: amount, pres: amount } } };
      }
      if (variantId) {
        const variant = shop.shop.variants.find((v) => v.id === variantId && !v.deleted);
        if (!variant) {
          errors.push({ field: [...field, "variantId"], message: "Product variant does not exist" });
          return;
        }
        const product = shop.shop.products.find((p) => p.id === variant.productId);
        const override = moneyInput(li.priceOverride, currency, [...field, "priceOverride"], errors);
        const unit = override ?? parseDecimalToMinor(variant.price, currency) ?? 0;
        lines.push({
          title: product?.title ?? variant.title,
          variantTitle: variant.title === "Default Title" ? null : variant.title,
          sku: variant.sku,
          vendor: product?.vendor ?? null,
          variantId: variant.id,
          productId: variant.productId,
          quantity,
          unit: { shop: unit, pres: unit },
          requiresShipping: variant.requiresShipping,
          taxable: variant.taxable,
          taxLines: [],
          ...(discount ? { discount } : {}),
          customAttributes: [],
        });
        return;
      }
      const title = str(li.title);
      if (!title) errors.push({ field: [...field, "title"], message: "Title can't be blank" });
      const unit = moneyInput(li.originalUnitPriceWithCurrency, currency, [...field, "originalUnitPriceWithCurrency"], errors);
      if (unit === null) errors.push({ field: [...field, "originalUnitPriceWithCurrency"], message: "Custom line items need a price" });
      lines.push({
        title: title ?? "",
        variantTitle: null,
        sku: str(li.sku) ?? null,
        vendor: null,
        variantId: null,
        productId: null,
        quantity,
        unit: { shop: unit ?? 0, pres: unit ?? 0 },
        requiresShipping: li.requiresShipping !== false,
        taxable: li.taxable !== false,
        taxLines: [],
        ...(discount ? { discount } : {}),
        customAttributes: [],
      });
    });
    if (lines.length === 0 && errors.length === 0) errors.push({ field: ["lineItems"], message: "Add at least 1 product" });
  }
  let shipping = base?.shipping ?? null;
  if (input.shippingLine !== undefined) {
    const s = obj(input.shippingLine);
    if (s) {
      const price = moneyInput(s.priceWithCurrency, currency, ["shippingLine", "priceWithCurrency"], errors) ?? 0;
      shipping = { title: str(s.title) ?? "Shipping", code: null, source: null, price: { shop: price, pres: price }, taxLines: [] };
    } else shipping = null;
  }
  const billingAddress = input.billingAddress !== undefined ? addressFromInput(obj(input.billingAddress)) : (base?.billingAddress ?? null);
  const shippingAddress = input.shippingAddress !== undefined ? addressFromInput(obj(input.shippingAddress)) : (base?.shippingAddress ?? null);
  let customerId = base?.customerId ?? null;
  const purchasing = obj(input.purchasingEntity);
  const requestedCustomer = str(purchasing?.customerId) ?? str(input.customerId);
  if (requestedCustomer) {
    if (!shop.shop.customers.some((c) => c.id === requestedCustomer)) errors.push({ field: ["purchasingEntity", "customerId"], message: "Customer does not exist" });
    else customerId = requestedCustomer;
  }
  let purchasingCompany = base?.purchasingCompany ?? null;
  const company = obj(purchasing?.purchasingCompany);
  if (company) {
    // B2B: the contact's customer is the draft's customer (companies.ts).
    const checked = checkPurchasingCompany(shop, company);
    if ("errors" in checked) errors.push(...checked.errors);
    else {
      purchasingCompany = { companyId: checked.choice.companyId, contactId: checked.choice.contactId, locationId: checked.choice.locationId };
      customerId = checked.choice.customerId;
    }
  } else if (requestedCustomer) purchasingCompany = null;
  const email = str(input.email) ?? base?.email ?? (customerId ? (shop.shop.customers.find((c) => c.id === customerId)?.email ?? null) : null);
  if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: ["email"], message: "Email is invalid" });
  const tags = input.tags !== undefined ? arr(input.tags).filter((t): t is string => typeof t === "string").map((t) => t.trim()).filter(Boolean) : (base?.tags ?? []);
  let metafields = base?.metafields ?? [];
  if (input.metafields !== undefined) {
    metafields = [...metafields];
    arr(input.metafields).forEach((raw, index) => {
      const m = obj(raw) ?? {};
      const namespace = str(m.namespace);
      const key = str(m.key);
      const value = str(m.value);
      if (!namespace || !key || value === undefined) {
        errors.push({ field: ["metafields", String(index)], message: "Metafields need a namespace, a key and a value" });
        return;
      }
      metafields = metafields.filter((f) => !(f.namespace === namespace && f.key === key));
      metafields.push({ namespace, key, value, type: str(m.type) ?? "single_line_text_field" });
    });
  }
  let paymentTerms = base?.paymentTerms ?? null;
  const terms = obj(input.paymentTerms);
  if (terms) {
    const template = PAYMENT_TERMS_TEMPLATES.find((t) => t.id === str(terms.paymentTermsTemplateId));
    if (!template) errors.push({ field: ["paymentTerms", "paymentTermsTemplateId"], message: "Payment terms template does not exist" });
    else {
      const schedule = obj(arr(terms.paymentSchedules)[0]);
      const issuedAt = str(schedule?.issuedAt) ? Date.parse(str(schedule?.issuedAt)!) : now;
      const dueAt = template.dueInDays !== null ? issuedAt + template.dueInDays * 86_400_000 : str(schedule?.dueAt) ? Date.parse(str(schedule?.dueAt)!) : null;
      if (template.paymentTermsType === "NET" && !str(schedule?.issuedAt)) {
        errors.push({ field: ["paymentTerms", "paymentSchedules"], message: "Net payment terms need a payment schedule with issuedAt" });
      }
      // A fixed date is the schedule's dueAt: without it there is no due date (PaymentScheduleInput.dueAt).
      if (template.paymentTermsType === "FIXED" && !str(schedule?.dueAt)) {
        errors.push({ field: ["paymentTerms", "paymentSchedules"], message: "Fixed payment terms need a payment schedule with dueAt" });
      }
      paymentTerms = { template, issuedAt, dueAt };
    }
  }
  if (errors.length > 0) return { errors };
  return {
    draft: { lines, shipping, billingAddress, shippingAddress, email, customerId, purchasingCompany, note: input.note !== undefined ? (str(input.note) ?? null) : (base?.note ?? null), tags, metafields, paymentTerms },
  };
}

/** Shopify's taxes for the draft's destination, then the order arithmetic. */
function amountsOf(shop: ShopState, draft: ParsedDraft, legacyId: number): OrderAmounts {
  const taxesIncluded = shopTaxesIncluded(shop);
  const regime = REGIME_TAXES[regimeOf(draft.shippingAddress ?? draft.billingAddress)];
  const taxed = (taxable: boolean, taxClass: "standard" | "reduced") =>
    taxable ? regime[taxClass].map((t) => taxLineDraft(t.title, t.rate, { source: "Shopify" })) : [];
  const lines = draft.lines.map((line) => {
    const product = line.productId ? shop.shop.products.find((p) => p.id === line.productId) : undefined;
    return { ...line, taxLines: taxed(line.taxable, product?.taxClass ?? "standard") };
  });
  const shippingLines = draft.shipping ? [{ ...draft.shipping, taxLines: taxed(true, "standard") }] : [];
  const currency = shop.shop.currencyCode;
  let lineId = 0;
  return deriveAmounts(
    { shopCurrency: currency, presentmentCurrency: currency, taxesIncluded, lines, shippingLines, taxLines: [] },
    { lineItem: () => `gid://shopify/DraftOrderLineItem/${legacyId * 100 + lineId++}`, shippingLine: (i) => `gid://shopify/ShippingLine/${legacyId * 10 + i}` },
  );
}

function recordOf(shop: ShopState, draft: ParsedDraft, legacyId: number): Pick<DraftOrderRecord, keyof ParsedDraft | "amounts" | "taxesIncluded" | "currency"> {
  return { ...draft, amounts: amountsOf(shop, draft, legacyId), taxesIncluded: shopTaxesIncluded(shop), currency: shop.shop.currencyCode };
}

export function findDraft(shop: ShopState, id: unknown): DraftOrderRecord | null {
  return draftStore(shop).drafts.find((d) => d.id === id) ?? null;
}

export function draftOrderCreate(shop: ShopState, now: number, input: unknown): { draft: DraftOrderRecord | null; userErrors: UserError[] } {
  const parsed = parseDraftInput(shop, now, obj(input) ?? {}, null);
  if ("errors" in parsed) return { draft: null, userErrors: parsed.errors.map((e) => ({ ...e, field: e.field && ["input", ...e.field] })) };
  if (!parsed.draft.lines.length) return { draft: null, userErrors: [{ field: ["input", "lineItems"], message: "Add at least 1 product" }] };
  const store = draftStore(shop);
  const legacyId = store.nextLegacyId++;
  const draft: DraftOrderRecord = {
    legacyId,
    id: `gid://shopify/DraftOrder/${legacyId}`,
    name: `#D${store.nextNumber++}`,
    status: "OPEN",
    createdAt: now,
    updatedAt: now,
    indexedAt: now + store.indexLagMs,
    ...recordOf(shop, parsed.draft, legacyId),
    invoiceToken: randomBytes(16).toString("hex"),
    invoiceSentAt: null,
    orderId: null,
    completedAt: null,
  };
  store.drafts.push(draft);
  return { draft, userErrors: [] };
}

export function draftOrderUpdate(shop: ShopState, now: number, id: unknown, input: unknown): { draft: DraftOrderRecord | null; userErrors: UserError[] } {
  const draft = findDraft(shop, id);
  if (!draft) return { draft: null, userErrors: [{ field: ["id"], message: "Draft order does not exist" }] };
  if (draft.status === "COMPLETED") return { draft: null, userErrors: [{ field: ["id"], message: "This order has been paid" }] };
  const parsed = parseDraftInput(shop, now, obj(input) ?? {}, draft);
  if ("errors" in parsed) return { draft: null, userErrors: parsed.errors.map((e) => ({ ...e, field: e.field && ["input", ...e.field] })) };
  Object.assign(draft, recordOf(shop, parsed.draft, draft.legacyId), { updatedAt: now, indexedAt: now + draftStore(shop).indexLagMs });
  return { draft, userErrors: [] };
}

export function draftOrderDelete(shop: ShopState, id: unknown): { deletedId: string | null; userErrors: UserError[] } {
  const store = draftStore(shop);
  const draft = findDraft(shop, id);
  if (!draft) return { deletedId: null, userErrors: [{ field: ["id"], message: "Draft order does not exist" }] };
  if (draft.status === "COMPLETED") return { deletedId: null, userErrors: [{ field: ["id"], message: "Completed draft orders can't be deleted" }] };
  store.drafts = store.drafts.filter((d) => d !== draft);
  return { deletedId: draft.id, userErrors: [] };
}

/** What draftOrderCalculate answers: the draft's amounts, nothing stored. */
export function draftOrderCalculate(shop: ShopState, now: number, input: unknown): { calculated: (ParsedDraft & { amounts: OrderAmounts; currency: string; taxesIncluded: boolean }) | null; userErrors: UserError[] } {
  const parsed = parseDraftInput(shop, now, obj(input) ?? {}, null);
  if ("errors" in parsed) return { calculated: null, userErrors: parsed.errors.map((e) => ({ ...e, field: e.field && ["input", ...e.field] })) };
  return { calculated: { ...recordOf(shop, parsed.draft, 0), ...parsed.draft }, userErrors: [] };
}

export function invoiceUrlOf(publicUrl: string, shop: ShopState, draft: DraftOrderRecord): string {
  return `${publicUrl}/${shop.shop.myshopifyDomain}/${shop.shop.id.split("/").pop()}/invoices/${draft.invoiceToken}`;
}

/** Sends the invoice e-mail (every call sends one) and marks the draft INVOICE_SENT. */
export function draftOrderInvoiceSend(shop: ShopState, now: number, publicUrl: string, id: unknown, email: unknown): { draft: DraftOrderRecord | null; userErrors: UserError[] } {
  const draft = findDraft(shop, id);
  if (!draft) return { draft: null, userErrors: [{ field: ["id"], message: "Draft order does not exist" }] };
  if (draft.status === "COMPLETED") return { draft: null, userErrors: [{ field: ["id"], message: "This order has been paid" }] };
  const e = obj(email) ?? {};
  const to = str(e.to) ?? draft.email;
  if (!to) return { draft: null, userErrors: [{ field: ["email", "to"], message: "To can't be blank" }] };
  draftStore(shop).emails.push({
    draftId: draft.id,
    to,
    subject: str(e.subject) ?? `Invoice ${draft.name}`,
    customMessage: str(e.customMessage) ?? null,
    invoiceUrl: invoiceUrlOf(publicUrl, shop, draft),
    at: now,
  });
  draft.invoiceSentAt = now;
  draft.status = "INVOICE_SENT";
  draft.updatedAt = now;
  draft.indexedAt = now + draftStore(shop).indexLagMs;
  return { draft, userErrors: [] };
}

// ---------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------

/**
 * The drafts a `draftOrders(query:)` search finds: terms `tag:`, `status:`,
 * `customer_id:`, `id:` (AND-ed; values bare or quoted), over the index as it
 * stood `indexLagMs` ago. Unknown fields are refused loudly rather than
 * matched loosely. Without a query: every draft, current.
 */
export function searchDrafts(shop: ShopState, now: number, query: string | null): DraftOrderRecord[] {
  const drafts = draftStore(shop).drafts;
  if (query === null || query.trim() === "") return drafts;
  const terms = [...query.matchAll(/(\w+):(?:'([^']*)'|"([^"]*)"|(\S+))/g)].map((m) => ({ field: m[1]!.toLowerCase(), value: m[2] ?? m[3] ?? m[4] ?? "" }));
  const leftover = query.replace(/(\w+):(?:'([^']*)'|"([^"]*)"|(\S+))/g, "").replace(/\bAND\b/g, "").trim();
  if (leftover) throw new ShopifyResolverError(`The stand-in's draft order search does not understand '${leftover}'.`, "NOT_IMPLEMENTED_IN_STAND_IN");
  return drafts.filter((d) => {
    if (d.indexedAt > now) return false; // not in the index yet (or its last change is not)
    return terms.every(({ field, value }) => {
      switch (field) {
        case "tag":
          return d.tags.some((t) => t.toLowerCase() === value.toLowerCase());
        case "status":
          return d.status.toLowerCase() === value.toLowerCase();
        case "customer_id":
          return d.customerId !== null && d.customerId.split("/").pop() === value.split("/").pop();
        case "id":
          return String(d.legacyId) === value.split("/").pop();
        default:
          throw new ShopifyResolverError(`The stand-in's draft order search does not implement the filter '${field}'.`, "NOT_IMPLEMENTED_IN_STAND_IN");
      }
    });
  });
}

// ---------------------------------------------------------------------------
// Checkout: the customer pays the draft's invoice
// ---------------------------------------------------------------------------

/** The draft behind an invoice link's token, if any. */
export function draftByToken(shop: ShopState, token: string): DraftOrderRecord | null {
  return draftStore(shop).drafts.find((d) => d.invoiceToken === token) ?? null;
}

/** Completes the draft as paid at checkout: a new order, the draft COMPLETED and linked to it. */
export function completeDraftAsPaid(shop: ShopState, now: number, draft: DraftOrderRecord): SeedOrder {
  if (draft.status === "COMPLETED") {
    const existing = shop.shop.orders.find((o) => o.id === draft.orderId);
    if (existing) return existing;
  }
  const legacy = shop.nextOrderLegacyId++;
  const number = shop.nextOrderNumber++;
  const iso = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
  const customer = draft.customerId ? shop.shop.customers.find((c) => c.id === draft.customerId) : undefined;
  const order: SeedOrder = {
    id: `gid://shopify/Order/${legacy}`,
    legacyResourceId: String(legacy),
    name: `#${number}`,
    number: number - 1000,
    createdAt: iso,
    processedAt: iso,
    updatedAt: iso,
    cancelledAt: null,
    closedAt: null,
    currencyCode: draft.currency,
    presentmentCurrencyCode: draft.currency,
    taxesIncluded: draft.taxesIncluded,
    taxExempt: false,
    test: false,
    displayFinancialStatus: "PAID",
    displayFulfillmentStatus: "UNFULFILLED",
    email: draft.email,
    phone: null,
    customerId: draft.customerId,
    purchasingCompany: draft.purchasingCompany,
    customerLocale: customer?.locale ?? null,
    billingAddress: draft.billingAddress,
    shippingAddress: draft.shippingAddress,
    note: draft.note,
    tags: [...draft.tags],
    sourceName: "shopify_draft_order",
    poNumber: null,
    confirmationNumber: null,
    paymentGatewayNames: ["shopify_payments"],
    ...draft.amounts,
    peculiarities: [`completed from draft order ${draft.name}`],
  };
  shop.shop.orders.push(order);
  draft.status = "COMPLETED";
  draft.orderId = order.id;
  draft.completedAt = now;
  draft.updatedAt = now;
  draft.indexedAt = now + draftStore(shop).indexLagMs;
  return order;
}

export function money(pair: Pair, currency: string): string {
  return formatShopifyDecimal(pair.shop, currency);
}

export const NO_AMOUNT = ZERO;
