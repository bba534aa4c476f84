// Making an order recurring: list the shop's orders, read one, turn it into
// a template form, and create the template from the merchant's form.
//
// The order is always read again from Shopify on the server, through the
// shop's own Admin API session: an order id from the browser only ever finds
// an order of the authenticated shop, and the currency, taxes, customer
// identity and shipping come from Shopify, not from the form.
import { Temporal } from "temporal-polyfill";
import type { Shop } from "@prisma/client";
import { appClock, type Clock } from "~/domain/clock";
import { OrderSnapshotError, snapshotFromOrder, type OrderSnapshot, type OrderSnapshotErrorCode } from "~/domain/order-snapshot";
import {
  formLinesOf,
  keepKnownVariants,
  parseTemplateForm,
  scheduleFieldsOf,
  type FieldProblem,
  type FormErrors,
  type TemplateFormContext,
  type TemplateFormValues,
} from "~/domain/template-form";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { fetchOrderForTemplate, fetchOrdersPage, type OrderSummary, type PageInfo } from "~/gateways/shopify/orders.server";
import { readSettings } from "~/models/shop.server";
import { createTemplate, ValidationError, type CreateTemplateInput } from "~/services/templates.server";

export const ORDERS_PAGE_SIZE = 25;

export type OrderImportErrorCode = "invalid_order_id" | "order_not_found" | OrderSnapshotErrorCode;

/** The order cannot be made recurring; `code` + `values` let the UI say what to fix in the merchant's language. */
export class OrderImportError extends Error {
  constructor(
    readonly code: OrderImportErrorCode,
    message: string,
    readonly values: Record<string, string> = {},
  ) {
    super(message);
    this.name = "OrderImportError";
  }
}

/** "gid://shopify/Order/123" or "123" (the admin's numeric id) → the GID; null for anything else. */
export function orderGid(input: string): string | null {
  const trimmed = input.trim();
  if (/^gid:\/\/shopify\/Order\/\d+$/.test(trimmed)) return trimmed;
  if (/^\d+$/.test(trimmed)) return `gid://shopify/Order/${trimmed}`;
  return null;
}

/** One page (25) of the shop's orders, newest first, optionally filtered by Shopify's search syntax. */
export async function listOrders(
  admin: AdminGraphql,
  request: { query?: string; after?: string; before?: string },
): Promise<{ orders: OrderSummary[]; pageInfo: PageInfo }> {
  return fetchOrdersPage(admin, { ...request, pageSize: ORDERS_PAGE_SIZE });
}

/**
 * Reads the order and maps it (see app/domain/order-snapshot.ts).
 * @throws OrderImportError when the id is malformed, the shop has no such
 *   order, or the order cannot be invoiced as it is.
 */
export async function loadOrderSnapshot(admin: AdminGraphql, orderId: string): Promise<OrderSnapshot> {
  const gid = orderGid(orderId);
  if (!gid) throw new OrderImportError("invalid_order_id", `"${orderId}" is not a Shopify order id. Pick the order from the orders list.`);
  const order = await fetchOrderForTemplate(admin, gid);
  if (!order) throw new OrderImportError("order_not_found", "This order does not exist in your shop (it may have been deleted). Pick another order.");
  try {
    return snapshotFromOrder(order);
  } catch (error) {
    if (error instanceof OrderSnapshotError) throw new OrderImportError(error.code, error.message, error.values);
    throw error;
  }
}

export type TemplateFormSetup = {
  snapshot: OrderSnapshot;
  context: TemplateFormContext;
  initialValues: TemplateFormValues;
};

/** Today's civil date in the shop's time zone. */
export function todayIn(timeZone: string, clock: Clock = appClock): string {
  return clock.now().toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/**
 * Everything the template form needs for an order: the snapshot, what the
 * form cannot change, and initial values from the shop's defaults (monthly,
 * first invoice one period after today's date, so the customer who just paid
 * is not invoiced again today).
 * @throws OrderImportError
 */
export async function prepareTemplateFromOrder(
  admin: AdminGraphql,
  shop: Pick<Shop, "timeZone" | "settings">,
  orderId: string,
  clock: Clock = appClock,
): Promise<TemplateFormSetup> {
  return setupFromSnapshot(await loadOrderSnapshot(admin, orderId), shop, clock);
}

function setupFromSnapshot(snapshot: OrderSnapshot, shop: Pick<Shop, "timeZone" | "settings">, clock: Clock): TemplateFormSetup {
  const settings = readSettings(shop);
  const today = todayIn(shop.timeZone, clock);
  return {
    snapshot,
    context: formContextOf(snapshot, shop.timeZone, today),
    initialValues: {
      ...scheduleFieldsOf({ every: 1, unit: "month" }),
      anchor: Temporal.PlainDate.from(today).add({ months: 1 }).toString(),
      timeOfDay: settings.timeOfDay,
      lines: formLinesOf(snapshot.lines, snapshot.currency),
      customerEmail: snapshot.customer.email,
      daysUntilDue: String(settings.daysUntilDue),
      catchUp: "shop",
      signatureRequested: settings.signatureRequested,
      memo: "",
    },
  };
}

function formContextOf(snapshot: OrderSnapshot, timeZone: string, today: string): TemplateFormContext {
  return { currency: snapshot.currency, taxesIncluded: snapshot.taxesIncluded, shipping: snapshot.shipping, timeZone, today };
}

export type CreateFromOrderResult =
  | { ok: true; templateId: string }
  /** `errors`: codes for fields the form checks; `messages`: what the templates service refused, as it said it. */
  | { ok: false; errors: FormErrors; messages: Record<string, FieldProblem> };

/**
 * Creates an active template from the order and the merchant's form. The
 * form's values are checked exactly as the browser checked them; the
 * templates service then checks them again with the rest of its rules.
 * @throws OrderImportError when the order itself cannot be used.
 */
export async function createTemplateFromOrder(
  admin: AdminGraphql,
  shop: Pick<Shop, "id" | "timeZone" | "settings">,
  orderId: string,
  values: TemplateFormValues,
  clock: Clock = appClock,
): Promise<CreateFromOrderResult> {
  return createFromSnapshot(shop, await loadOrderSnapshot(admin, orderId), values, { clock });
}

/** What the order page's action lets the merchant choose; everything else is the form's initial values. */
export type QuickTemplateChoices = Pick<TemplateFormValues, "frequency" | "anchor">;

/**
 * The order page's "Make recurring" action: the template the full form would
 * create if the merchant changed only the frequency and the first invoice
 * date. Same initial values, same checks ({@link parseTemplateForm}), same
 * templates service; `idempotencyKey` makes a repeated call return the first
 * call's template.
 * @throws OrderImportError when the order itself cannot be used.
 */
export async function createTemplateFromOrderDefaults(
  admin: AdminGraphql,
  shop: Pick<Shop, "id" | "timeZone" | "settings">,
  orderId: string,
  choices: QuickTemplateChoices,
  options: { clock?: Clock; idempotencyKey?: string } = {},
): Promise<CreateFromOrderResult> {
  const clock = options.clock ?? appClock;
  const snapshot = await loadOrderSnapshot(admin, orderId);
  const { initialValues } = setupFromSnapshot(snapshot, shop, clock);
  return createFromSnapshot(shop, snapshot, { ...initialValues, frequency: choices.frequency, anchor: choices.anchor }, { ...options, clock });
}

async function createFromSnapshot(
  shop: Pick<Shop, "id" | "timeZone" | "settings">,
  snapshot: OrderSnapshot,
  values: TemplateFormValues,
  options: { clock: Clock; idempotencyKey?: string },
): Promise<CreateFromOrderResult> {
  const { clock } = options;
  const parsed = parseTemplateForm(values, formContextOf(snapshot, shop.timeZone, todayIn(shop.timeZone, clock)));
  if (!parsed.ok) return { ok: false, errors: parsed.errors, messages: {} };

  const form = parsed.value;
  const input: CreateTemplateInput = {
    sourceOrderId: snapshot.sourceOrderId,
    currency: snapshot.currency,
    customer: { ...snapshot.customer, email: form.customerEmail },
    lines: keepKnownVariants(form.lines, snapshot.lines),
    taxesIncluded: snapshot.taxesIncluded,
    shipping: snapshot.shipping,
    memo: form.memo,
    schedule: form.schedule,
    policies: { catchUp: form.catchUp, daysUntilDue: form.daysUntilDue, signatureRequested: form.signatureRequested },
  };
  try {
    const template = await createTemplate(shop, input, { clock, idempotencyKey: options.idempotencyKey });
    return { ok: true, templateId: template.id };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, errors: {}, messages: error.problems };
    throw error;
  }
}
