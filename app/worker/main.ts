// A worker process: `node --import tsx app/worker/main.ts [options]`, issuing
// with Stripe (app/services/invoicing/stripe-rail.server.ts), configured from
// the same environment as the app. Options and shutdown: process.ts. Start
// as many as you like against one database.
import { createStripeRail } from "~/services/invoicing/stripe-rail.server";
import { runWorkerProcess } from "./process";

await runWorkerProcess({ gateway: () => createStripeRail() });
