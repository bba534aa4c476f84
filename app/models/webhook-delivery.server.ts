// Deduplication of Shopify webhooks by X-Shopify-Webhook-Id.
import { Prisma } from "@prisma/client";
import prisma from "~/db.server";

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
