// The embedded default runs the scheduler in the web process. Several
// processes may do so against one database: they coordinate through leases.
import type { Clock } from "../app/domain/clock";
import { config } from "../app/config.server";
import { logger } from "../app/logger.server";
import { Worker } from "../app/worker/worker";

export type EmbeddedWorker = { runOnce(): Promise<unknown>; stop(): Promise<void> };

/**
 * Starts the worker loop with the Stripe gateway, or explains why not:
 * without STRIPE_SECRET_KEY there is nothing to issue invoices with, and the
 * web app still serves (runs wait, visibly, until Stripe is configured).
 */
export async function startEmbeddedWorker(options: { clock?: Clock; tickMs?: number } = {}): Promise<EmbeddedWorker | null> {
  if (!config().STRIPE_SECRET_KEY) {
    logger.warn("STRIPE_SECRET_KEY is not set: the scheduler is not running, so no invoice will be issued.");
    return null;
  }
  const { createStripeRail } = await import("../app/services/invoicing/stripe-rail.server");
  const { createShopifyRail } = await import("../app/services/invoicing/shopify-rail.server");
  const { resumePendingWriteBacks } = await import("../app/services/write-back/resume-pending-write-backs.server");
  const { stampPendingSignatures } = await import("../app/services/signing/stamp-pending-signatures.server");
  await (await import("../app/db.server")).openDatabasePool();
  const clock = options.clock;
  const worker = new Worker({
    gateway: createStripeRail(),
    // Templates that collect through Shopify's checkout (draft orders), with each shop's offline token.
    shopifyGateway: createShopifyRail({ clock }),
    clock,
    tickMs: options.tickMs,
    concurrency: config().WORKER_CONCURRENCY,
    // Paid runs whose Shopify order is still pending, signatures whose Stripe
    // stamp failed: both are idempotent and picked up here until done.
    afterTick: async () => {
      await resumePendingWriteBacks({ clock });
      await stampPendingSignatures(20, { clock });
    },
  });
  worker.start();
  return worker;
}
