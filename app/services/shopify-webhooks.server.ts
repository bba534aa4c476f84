// Effects of Shopify's app and compliance webhooks. Each runs inside the
// delivery's transaction (see processDeliveryOnce), so it happens once.
import { z } from "zod";
import type { Prisma } from "@prisma/client";
import { appClock } from "~/domain/clock";
import { processDeliveryOnce, type DeliveryOutcome } from "~/models/webhook-delivery.server";
import { collectCustomerData, eraseCustomerData, eraseShop, type CustomerSubject } from "./redact.server";
import { pauseTemplatesOfUninstalledShop } from "./templates.server";

export type VerifiedWebhook = { webhookId: string; topic: string; shop: string; payload: unknown };

/** A payload that passed HMAC but not our schema: answered 400 with what was wrong. */
export class WebhookPayloadError extends Error {
  constructor(topic: string, issues: z.core.$ZodIssue[]) {
    super(
      `${topic} payload rejected: ${issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}`,
    );
    this.name = "WebhookPayloadError";
  }
}

function parsePayload<T>(schema: z.ZodType<T>, webhook: VerifiedWebhook): T {
  const result = schema.safeParse(webhook.payload);
  if (!result.success) throw new WebhookPayloadError(webhook.topic, result.error.issues);
  return result.data;
}

const customerPayload = z.object({
  customer: z.object({
    id: z.union([z.number(), z.string()]).transform(String),
    email: z.string().nullish(),
  }),
});

function subjectOf(payload: z.infer<typeof customerPayload>): CustomerSubject {
  return { shopifyCustomerId: payload.customer.id, email: payload.customer.email ?? undefined };
}

function deliveryKey(webhook: VerifiedWebhook) {
  return { webhookId: webhook.webhookId, topic: webhook.topic, shopDomain: webhook.shop };
}

/**
 * Stops work for a shop that removed the app: sessions deleted, schedules
 * held (active templates paused with the reason `shop_uninstalled`; the
 * merchant can resume them after reinstalling).
 */
async function stopShop(tx: Prisma.TransactionClient, domain: string, at: Date) {
  await tx.shop.updateMany({ where: { domain, uninstalledAt: null }, data: { uninstalledAt: at } });
  await tx.session.deleteMany({ where: { shop: domain } });
  await pauseTemplatesOfUninstalledShop(tx, domain, at);
}

export function handleAppUninstalled(webhook: VerifiedWebhook, now = nowDate()): Promise<DeliveryOutcome> {
  return processDeliveryOnce(deliveryKey(webhook), (tx) => stopShop(tx, webhook.shop, now));
}

const scopesUpdatePayload = z.object({ current: z.array(z.string()) });

/** Keeps stored sessions' scope in step with what the merchant granted. */
export function handleScopesUpdate(webhook: VerifiedWebhook): Promise<DeliveryOutcome> {
  const payload = parsePayload(scopesUpdatePayload, webhook);
  return processDeliveryOnce(deliveryKey(webhook), async (tx) => {
    await tx.session.updateMany({ where: { shop: webhook.shop }, data: { scope: payload.current.join(",") } });
  });
}

const dataRequestPayload = customerPayload.extend({
  data_request: z.object({ id: z.union([z.number(), z.string()]) }).optional(),
});

/** Assembles what is held about the customer and records it for the merchant. */
export function handleCustomersDataRequest(webhook: VerifiedWebhook, now = nowDate()): Promise<DeliveryOutcome> {
  const payload = parsePayload(dataRequestPayload, webhook);
  const subject = subjectOf(payload);
  return processDeliveryOnce(deliveryKey(webhook), async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: webhook.shop } });
    if (!shop) return; // nothing held for an unknown shop
    const report = await collectCustomerData(tx, shop, subject, now);
    await tx.customerDataRequest.create({
      data: {
        shopId: shop.id,
        shopifyCustomerId: subject.shopifyCustomerId ?? null,
        customerEmail: subject.email ?? null,
        report: JSON.stringify(report),
      },
    });
  });
}

export function handleCustomersRedact(webhook: VerifiedWebhook): Promise<DeliveryOutcome> {
  const subject = subjectOf(parsePayload(customerPayload, webhook));
  return processDeliveryOnce(deliveryKey(webhook), async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: webhook.shop } });
    if (shop) await eraseCustomerData(tx, shop.id, subject);
  });
}

export function handleShopRedact(webhook: VerifiedWebhook): Promise<DeliveryOutcome> {
  return processDeliveryOnce(deliveryKey(webhook), (tx) => eraseShop(tx, webhook.shop, webhook.webhookId));
}

function nowDate(): Date {
  return new Date(appClock.now().epochMilliseconds);
}
