// Shopify webhook deliveries, one row per X-Shopify-Webhook-Id received: the
// deduplication of webhooks, and the receipt that each was honoured.
import { Prisma } from "@prisma/client";
import prisma from "~/db.server";

type Tx = Prisma.TransactionClient;

export type WebhookDeliveryKey = { webhookId: string; topic: string; shopDomain: string };
export type DeliveryOutcome = "processed" | "duplicate";

/**
 * Runs `effect` exactly once per webhook id: the delivery row and the effect
 * commit in one transaction, so a crash leaves neither (Shopify redelivers)
 * and a redelivery finds the row and does nothing.
 */
export async function processDeliveryOnce(
  key: WebhookDeliveryKey,
  effect: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<DeliveryOutcome> {
  try {
    await prisma.$transaction(async (tx) => {
      await tx.webhookDelivery.create({ data: key });
      await effect(tx);
    });
    return "processed";
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return "duplicate";
    throw error;
  }
}

/** Deletes the shop's delivery rows except the one of `keepWebhookId`. */
export async function deleteDeliveriesOfShopExcept(shopDomain: string, keepWebhookId: string, db: Tx = prisma): Promise<void> {
  await db.webhookDelivery.deleteMany({ where: { shopDomain, NOT: { webhookId: keepWebhookId } } });
}
