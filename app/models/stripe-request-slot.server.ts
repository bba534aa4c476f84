// The Stripe rate limit of each account, shared by every process calling
// Stripe for it (web, embedded worker, worker processes): one row per account
// holding the instant its next request may leave. Reserving a slot is one
// atomic upsert (hot-sql.server.ts, in both dialects); the caller waits for
// it (app/gateways/stripe/client.server.ts, SharedAccountRateLimiter).
import prisma, { databaseDialect } from "~/db.server";
import { reserveRequestSlotSql, type RequestSlotRow } from "./hot-sql.server";

/**
 * Takes the next request slot of `account`, `spacingMs` after the previous
 * one (or now, if that one is past), for whichever process asks. Returns how
 * many milliseconds the caller must wait for it, by the database's clock (so
 * processes whose clocks disagree still space their requests).
 */
export async function reserveStripeRequestSlot(account: string, spacingMs: number): Promise<number> {
  const [row] = await prisma.$queryRaw<RequestSlotRow[]>(reserveRequestSlotSql(databaseDialect, account, spacingMs));
  if (!row) throw new Error(`reserving a Stripe request slot for ${account} returned no row`);
  return Math.max(0, Number(row.slotAt) - Number(row.now));
}
