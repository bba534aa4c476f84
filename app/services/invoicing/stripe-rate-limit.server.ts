// One Stripe rate limit per account across every process (web, embedded
// worker, worker processes): the process's Stripe client takes each request's
// slot from the database (app/models/stripe-request-slot.server.ts; a slot
// each for the requests of one account waiting together), so N
// processes together send an account's requests one slot apart, never more
// than its limit in a second, and each can use the whole limit when the
// others are idle. The gateway only knows the port (RequestSlots); this binds
// it to the table.
import { shareRequestSlots, type RequestSlots } from "~/gateways/stripe/client.server";
import { reserveStripeRequestSlot } from "~/models/stripe-request-slot.server";

/** The request slots of every account, in the database every process shares. */
export const databaseRequestSlots: RequestSlots = reserveStripeRequestSlot;

/** Makes this process's Stripe client share each account's limit through the database. Call at start, before any Stripe call. */
export function shareStripeRateLimits(): void {
  shareRequestSlots(databaseRequestSlots);
}
