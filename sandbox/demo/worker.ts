// The demo's worker: the app's embedded worker on the demo clock, with the
// demo shop already connected to its Stripe stand-in account (so a newcomer
// can issue an invoice without the Connect dance; Settings still shows it).
import type { Clock } from "~/domain/clock";
import { startEmbeddedWorker as startAppWorker, type EmbeddedWorker } from "../../server/embedded-worker";

export type { EmbeddedWorker };

export async function startEmbeddedWorker(options: {
  clock: Clock;
  tickMs: number;
  shop: string;
  stripeAccount: string;
}): Promise<EmbeddedWorker> {
  const { default: prisma } = await import("~/db.server");
  await prisma.shop.upsert({
    where: { domain: options.shop },
    create: { domain: options.shop, billingAccountId: options.stripeAccount },
    update: { billingAccountId: options.stripeAccount, billingDisconnectedAt: null },
  });
  const worker = await startAppWorker({ clock: options.clock, tickMs: options.tickMs });
  if (!worker) throw new Error("The demo sets STRIPE_SECRET_KEY; the worker should have started.");
  return worker;
}
