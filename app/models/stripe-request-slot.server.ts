// The Stripe rate limit of each account, shared by every process calling
// Stripe for it (web, embedded worker, worker processes): one row per account
// holding the instant its next request may leave. Reserving a slot is one
// atomic upsert (hot-sql.server.ts, in both dialects); the caller waits for
// it (app/gateways/stripe/client.server.ts, SharedAccountRateLimiter).
import prisma, { databaseDialect } from "~/db.server";
import { runQuery } from "~/direct-sql.server";
import { reserveRequestSlotSql, type RequestSlotRow } from "./hot-sql.server";

/**
 * Takes the next `count` request slots of `account` for whichever process
 * asks, `spacingMs` apart: the first no earlier than `leadMs` from now, and
 * `spacingMs` after the slot taken before it. Returns the first slot and the
 * database's clock at the reservation, in ms since the epoch (so processes
 * whose clocks disagree still agree on slots).
 */
export async function reserveStripeRequestSlot(account: string, spacingMs: number, leadMs: number, count = 1): Promise<{ slotAt: number; now: number }> {
  // Straight to the driver adapter (direct-sql.server.ts): one of these goes before every few Stripe requests.
  const [row] = (await runQuery(prisma, reserveRequestSlotSql(databaseDialect, account, spacingMs, leadMs, count))) as RequestSlotRow[];
  if (!row) throw new Error(`reserving a Stripe request slot for ${account} returned no row`);
  return { slotAt: Number(row.slotAt), now: Number(row.now) };
}
