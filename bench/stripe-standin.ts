// The Stripe stand-in in a process of its own, for bench/stripe.ts: Stripe is
// another machine, so its CPU must not be taken from the app's. Started with
// `fork`; sends `{ url }` once listening; driven through its control API.
//   BENCH_STRIPE_ACCOUNTS  JSON array of the connected accounts to create
import { startStripeStandIn, type SeedAccount } from "../sandbox/stripe/server";

const accounts = JSON.parse(process.env.BENCH_STRIPE_ACCOUNTS ?? "[]") as SeedAccount[];
const standIn = await startStripeStandIn({ accounts, requestLogLimit: 500_000 });
process.send?.({ url: standIn.url });
process.on("disconnect", () => void standIn.close().then(() => process.exit(0)));
