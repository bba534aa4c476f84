/**
 * The body of the order page's quick create (POST /api/extension/orders/:orderId,
 * see ./order-action-contract.ts), checked. Like the template input's
 * schemas, each check says why as a code (its zod message), which the app's
 * i18n puts into the merchant's words (`orderAction.error.<code>`).
 */
import { z } from "zod";
import type { OrderActionCreateRequest } from "./order-action-contract";
import { FREQUENCY_PRESETS, type FrequencyPresetId } from "./schedule";
import { IDEMPOTENCY_KEY_PATTERN } from "./template-input";

export const ORDER_ACTION_FIELD_CODES = ["request_key_invalid", "frequency_invalid", "date_invalid", "rail_invalid", "body_invalid"] as const;
export type OrderActionFieldCode = (typeof ORDER_ACTION_FIELD_CODES)[number];

const FREQUENCIES = Object.keys(FREQUENCY_PRESETS) as [FrequencyPresetId, ...FrequencyPresetId[]];

export const orderActionCreateRequestSchema = z.object(
  {
    idempotencyKey: z.string({ error: "request_key_invalid" }).regex(IDEMPOTENCY_KEY_PATTERN, "request_key_invalid"),
    frequency: z.enum(FREQUENCIES, { error: "frequency_invalid" }),
    /** Its shape only: whether the day exists, and is today or later, the template form's checks say. */
    anchor: z.string({ error: "date_invalid" }).regex(/^\d{4}-\d{2}-\d{2}$/, "date_invalid"),
    rail: z.enum(["stripe", "shopify"], { error: "rail_invalid" }).optional(),
  },
  { error: "body_invalid" },
) satisfies z.ZodType<OrderActionCreateRequest>;

/**
 * The request, or what is wrong with it, by field ("idempotencyKey",
 * "frequency", "anchor", "rail"; "body" when it is not an object at all).
 */
export function parseOrderActionCreateRequest(
  body: unknown,
): { ok: true; request: OrderActionCreateRequest } | { ok: false; fields: Record<string, OrderActionFieldCode> } {
  const parsed = orderActionCreateRequestSchema.safeParse(body);
  if (parsed.success) return { ok: true, request: parsed.data };
  const fields: Record<string, OrderActionFieldCode> = {};
  for (const issue of parsed.error.issues) {
    const field = typeof issue.path[0] === "string" ? issue.path[0] : "body";
    fields[field] ??= isOrderActionFieldCode(issue.message) ? issue.message : "body_invalid";
  }
  return { ok: false, fields };
}

function isOrderActionFieldCode(value: string): value is OrderActionFieldCode {
  return (ORDER_ACTION_FIELD_CODES as readonly string[]).includes(value);
}
