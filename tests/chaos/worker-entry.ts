// A worker process of the chaos campaign: the production worker process
// (app/worker/process.ts: Stripe rail, the shared per-account rate limit,
// graceful SIGTERM), on the campaign's time line (CHAOS_CLOCK_FILE), with the
// Shopify invoice rail calling the campaign's Shopify stand-in
// (CHAOS_SHOPIFY_URL: the process's Admin API calls are routed to it).
// The campaign SIGKILLs and restarts these at random, from a bundle of this
// file (worker-bundle.ts); it is told over IPC when the worker runs.
import { setAppClock } from "~/clock.server";
import { createShopifyRail } from "~/services/invoicing/shopify-rail.server";
import { createStripeRail } from "~/services/invoicing/stripe-rail.server";
import { shareStripeRateLimits } from "~/services/invoicing/stripe-rate-limit.server";
import { runWorkerProcess } from "~/worker/process";
import { routeShopifyAdminTo } from "../../sandbox/shopify/redirect";
import { FileClock } from "./clock-file";

const clockFile = process.env.CHAOS_CLOCK_FILE;
if (!clockFile) throw new Error("CHAOS_CLOCK_FILE is required");
setAppClock(new FileClock(clockFile));
const shopifyUrl = process.env.CHAOS_SHOPIFY_URL;
if (shopifyUrl) routeShopifyAdminTo(shopifyUrl);

await runWorkerProcess({
  gateway: () => {
    shareStripeRateLimits();
    return createStripeRail();
  },
  ...(shopifyUrl ? { shopifyGateway: () => createShopifyRail() } : {}),
});
// Running: the campaign's next kill is counted from here (a start is not a life).
process.send?.("ready");
