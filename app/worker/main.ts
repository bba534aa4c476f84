// A worker process: `node --import tsx app/worker/main.ts [options]`, issuing
// with Stripe (app/services/invoicing/stripe-rail.server.ts) and Shopify draft orders (shopify-rail.server.ts), configured from
// the same environment as the app. Options and shutdown: process.ts. Start
// as many as you like against one database.
import { createShopifyRail } from "~/services/invoicing/shopify-rail.server";
import { createStripeRail } from "~/services/invoicing/stripe-rail.server";
import { shareStripeRateLimits } from "~/services/invoicing/stripe-rate-limit.server";
import { runWorkerProcess } from "./process";

// Every account's Stripe limit is shared with the other processes, through the database.
await runWorkerProcess({
  gateway: () => {
    shareStripeRateLimits();
    return createStripeRail();
  },
  shopifyGateway: () => createShopifyRail(),
});
