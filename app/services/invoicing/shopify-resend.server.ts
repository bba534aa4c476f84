// The merchant's "Send again" on the Shopify invoice rail. Shopify has no
// idempotency key: every draftOrderInvoiceSend is one more e-mail to the
// customer. What tells whether one was sent is the draft's `invoiceSentAt`,
// "the date and time when the invoice was last emailed to the customer"
// (https://shopify.dev/docs/api/admin-graphql/2026-01/objects/DraftOrder):
// Shopify moves it at every send.
//
// So each click is, on the run's trail, under the run's row lock:
//   run.resend_requested  claimed, with the draft's invoiceSentAt read just before;
//   run.resent            sent (Shopify answered; or, its answer lost, the draft's
//                         invoiceSentAt later than the one read before: cause
//                         `confirmed_by_shopify`);
//   run.resend_unconfirmed  the answer was lost and the draft shows no new e-mail yet;
//   run.resend_failed     not sent: Shopify refused, or still no new e-mail
//                         SEND_SETTLE_MS after the claim (cause `not_sent`).
// A click left unresolved (in doubt, or a process that died while asking) is
// settled by the next click, whatever its key, before anything is sent:
// confirmed sent → that next click sends nothing and says so (the merchant
// clicked again because the first one's outcome was unknown: one e-mail per
// click that took effect); no new e-mail after the window → recorded not sent,
// and the next click sends; still within the window → refused, "try again in
// N minutes". At most one click per run is unresolved at a time.
//
// Comparing two of Shopify's own timestamps (before and after) rather than
// Shopify's with ours keeps clock skew out of it. Shopify's DateTime has
// whole seconds: a send within the same second as the previous one would not
// move it, so when the previous send may be that recent, the send waits until
// a second has passed since the read that saw it.
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { targetOfStatus, type InvoiceTarget } from "~/domain/invoice-status";
import { readEventDetail } from "~/domain/run-event";
import { isUnknownOutcome, SEND_SETTLE_MS, toIssued } from "~/gateways/shopify/billing-adapter.server";
import { readDraftOrder, sendDraftOrderInvoice, type DraftOrder } from "~/gateways/shopify/draft-orders.server";
import type { AdminGraphql } from "~/gateways/shopify/graphql.server";
import { findRunForShop, lockRunForShop, RUN_STATES, type Run } from "~/models/invoice-run.server";
import { appendRunEvents, listRunEventsOfType, type NewRunEvent } from "~/models/run-event.server";
import { inTransaction } from "~/models/transaction.server";
import { backgroundAdmin } from "~/services/shopify/background-admin.server";

/** An earlier "Send again" of this run lost Shopify's answer and may still be applied: nothing is sent before `retryAt`. */
export class ShopifyResendInDoubt extends Error {
  override readonly name = "ShopifyResendInDoubt";
  constructor(readonly retryAt: Date) {
    super(`Shopify has not confirmed whether the earlier request e-mailed the invoice; try again after ${retryAt.toISOString()}`);
  }
}

export type ShopifyResendOutcome =
  /** This click's e-mail left (`confirmed`: its answer was lost, the draft shows it). */
  | { kind: "sent"; target: InvoiceTarget | null; confirmed: boolean }
  /** This click is already sent, or being sent by a request still waiting for Shopify: nothing more. */
  | { kind: "repeat" }
  /** An earlier click whose outcome was unknown did e-mail the invoice: this one sends nothing. */
  | { kind: "earlier_confirmed" };

/** Within this distance of our clock, the previous send may share a second with ours: wait a second (a generous bound on skew). */
const RECENT_SEND_MS = 10 * 60_000;
/** One second of Shopify's whole-second timestamps, and a margin for Shopify's own servers' clocks. */
const DISTINCT_SECOND_MS = 1_500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends the draft `invoiceId` of the shop's `run` again, once for the click `key` (see the top of this file).
 * @throws ShopifyResendInDoubt; Shopify's errors as thrown by the gateway (the caller translates them).
 */
export async function resendOnShopify(args: {
  run: Run;
  shopDomain: string;
  invoiceId: string;
  key: string;
  at: Date;
  adminFor?: (shop: string) => Promise<AdminGraphql>;
}): Promise<ShopifyResendOutcome> {
  const { run, invoiceId, key, at } = args;
  const admin = await (args.adminFor ?? ((shop: string) => backgroundAdmin(shop)))(args.shopDomain);
  const before = await readDraftOrder(admin, invoiceId);
  const readAt = performance.now();
  if (!before) return { kind: "sent", target: "void", confirmed: false }; // deleted in Shopify's admin: nothing left to pay
  const sentBefore = before.invoiceSentAt;

  const claim = await claimResend(run, invoiceId, key, at, sentBefore);
  if (claim !== "claimed") return { kind: claim };

  if (sentBefore !== null && Math.abs(Date.now() - Date.parse(sentBefore)) < RECENT_SEND_MS) {
    await sleep(DISTINCT_SECOND_MS - (performance.now() - readAt));
  }
  try {
    const sent = await sendDraftOrderInvoice(admin, invoiceId, {});
    return { kind: "sent", target: targetOfStatus(toIssued(sent).status), confirmed: false };
  } catch (error) {
    if (!isUnknownOutcome(error)) {
      // Refused (or throttled) before anything was e-mailed: the same click may be tried again.
      await record(run, "run.resend_failed", invoiceId, key, at);
      throw error;
    }
    const after: DraftOrder | null = await readDraftOrder(admin, invoiceId).catch(() => null);
    if (after && sentSince(after.invoiceSentAt, sentBefore)) return { kind: "sent", target: targetOfStatus(toIssued(after).status), confirmed: true };
    await record(run, "run.resend_unconfirmed", invoiceId, key, at, { invoiceSentAtBefore: sentBefore });
    throw new ShopifyResendInDoubt(new Date(at.getTime() + SEND_SETTLE_MS));
  }
}

/** Whether the draft was e-mailed after the send that `before` (an invoiceSentAt read earlier) recorded. */
function sentSince(now: string | null, before: string | null): boolean {
  if (now === null) return false;
  return before === null || Date.parse(now) > Date.parse(before);
}

/**
 * Under the run's row lock: settles the run's unresolved click (if any) with
 * what the draft showed (`sentNow`), then claims `key`. Of two requests with
 * the same key at the same instant one claims and the other finds the claim
 * (on PostgreSQL it waits for the first to commit; SQLite runs one write
 * transaction at a time). Nothing is held while Shopify is called.
 */
async function claimResend(run: Run, invoiceId: string, key: string, at: Date, sentNow: string | null): Promise<"claimed" | "repeat" | "earlier_confirmed"> {
  return inTransaction(async (tx) => {
    if (!(await lockRunForShop(run.shopId, run.id, RUN_STATES, tx))) return "repeat";
    const fresh = (await findRunForShop(run.shopId, run.id, tx)) ?? run;
    if (await wasResentWith(run.shopId, run.id, key, tx)) return "repeat";
    const open = await unresolvedClick(run.shopId, run.id, tx);
    if (open) {
      if (sentSince(sentNow, open.sentBefore)) {
        await appendRunEvents([resendEvent(fresh, "run.resent", invoiceId, open.key, at, { invoiceSentAt: sentNow }, "confirmed_by_shopify")], tx);
        return open.key === key ? "repeat" : "earlier_confirmed";
      }
      if (at.getTime() - open.at.getTime() < SEND_SETTLE_MS) {
        if (open.key === key && !open.unconfirmed) return "repeat"; // the same click, still being sent by the request that claimed it
        throw new ShopifyResendInDoubt(new Date(open.at.getTime() + SEND_SETTLE_MS));
      }
      await appendRunEvents([resendEvent(fresh, "run.resend_failed", invoiceId, open.key, at, {}, "not_sent")], tx);
    }
    await appendRunEvents([resendEvent(fresh, "run.resend_requested", invoiceId, key, at, { invoiceSentAtBefore: sentNow })], tx);
    return "claimed";
  });
}

type OpenClick = { key: string; at: Date; sentBefore: string | null; unconfirmed: boolean };

/** The run's click claimed and neither sent nor failed since (requested more often than it was settled). */
async function unresolvedClick(shopId: string, runId: string, tx: Prisma.TransactionClient): Promise<OpenClick | null> {
  const of = async (type: string) => (await listRunEventsOfType(shopId, runId, type, tx)).map((event) => ({ at: event.at, ...detailOf(event.detail) }));
  const [requested, settled, unconfirmed] = [await of("run.resend_requested"), [...(await of("run.resent")), ...(await of("run.resend_failed"))], await of("run.resend_unconfirmed")];
  for (const claim of [...requested].reverse()) {
    if (claim.requestKey === null) continue;
    const claims = requested.filter((c) => c.requestKey === claim.requestKey).length;
    if (settled.filter((s) => s.requestKey === claim.requestKey).length >= claims) continue;
    return { key: claim.requestKey, at: claim.at, sentBefore: claim.invoiceSentAtBefore, unconfirmed: unconfirmed.some((u) => u.requestKey === claim.requestKey && u.at >= claim.at) };
  }
  return null;
}

function resendEvent(run: Run, type: NewRunEvent["type"], invoiceId: string, key: string, at: Date, extra: Record<string, unknown> = {}, cause = "resend"): NewRunEvent {
  return { shopId: run.shopId, templateId: run.templateId, runId: run.id, type, fromState: run.state, toState: run.state, actor: "merchant", cause, detail: { invoiceId, requestKey: key, ...extra }, at };
}

async function record(run: Run, type: NewRunEvent["type"], invoiceId: string, key: string, at: Date, extra: Record<string, unknown> = {}): Promise<void> {
  await inTransaction((tx) => appendRunEvents([resendEvent(run, type, invoiceId, key, at, extra)], tx));
}

const detailSchema = z.object({ requestKey: z.string(), invoiceSentAtBefore: z.string().nullable().optional() });

/** A resend entry's click key and the invoiceSentAt read before it; nulls for an entry not written by a resend. */
function detailOf(detail: string | null): { requestKey: string | null; invoiceSentAtBefore: string | null } {
  const parsed = readEventDetail(detail, detailSchema);
  return { requestKey: parsed?.requestKey ?? null, invoiceSentAtBefore: parsed?.invoiceSentAtBefore ?? null };
}

/** Whether the run's trail already records a resend made under `key`. */
export async function wasResentWith(shopId: string, runId: string, key: string, db?: Prisma.TransactionClient): Promise<boolean> {
  const events = await listRunEventsOfType(shopId, runId, "run.resent", db);
  return events.some((event) => detailOf(event.detail).requestKey === key);
}
