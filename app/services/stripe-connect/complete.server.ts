// Stripe's redirect back after the consent page: the second leg of Stripe
// Connect OAuth (oauth.server.ts says what the state guarantees).
import { inTransaction } from "~/models/transaction.server";
import { appClock } from "~/clock.server";
import { stripeClient } from "~/gateways/stripe/client.server";
import { ConnectCodeError, exchangeAuthorizationCode } from "~/gateways/stripe/connect.server";
import { logger as rootLogger } from "~/logger.server";
import { appendStripeRunEvents, consumeOAuthState, resumeHeldRunsOfShop, setShopBillingAccount } from "~/models/stripe.server";
import { embeddedSettingsUrl, hashState, type ConnectOptions } from "./oauth.server";

export type ConnectFailure = "invalid_state" | "expired" | "used" | "other_browser" | "denied" | "code_refused";

export type ConnectResult =
  | { ok: true; shopDomain: string; account: string; resumedRuns: number; redirectTo: string }
  | { ok: false; reason: ConnectFailure; message: string };

const FAILURES: Record<ConnectFailure, string> = {
  invalid_state: "This link does not come from a connection started in Ritournelle. Open Ritournelle's settings in your Shopify admin and click “Connect with Stripe”.",
  expired: "This connection request expired (they last 10 minutes). Open Ritournelle's settings in your Shopify admin and click “Connect with Stripe” again.",
  other_browser:
    "This connection was started in another browser (or this browser did not keep its cookie), so it cannot be completed here. Open Ritournelle's settings in your Shopify admin in this browser and click “Connect with Stripe” again.",
  used: "This connection request was already used. If Stripe is not shown as connected in Ritournelle's settings, click “Connect with Stripe” again.",
  denied: "The connection was declined on Stripe, so Ritournelle cannot issue invoices yet. To connect, click “Connect with Stripe” in Ritournelle's settings again.",
  code_refused: "Stripe refused to complete the connection (the authorization was already used or has expired). Click “Connect with Stripe” in Ritournelle's settings again.",
};

/**
 * Completes the connection from Stripe's redirect (`code` and `state`, or
 * `error` and `state`), in the browser the state was bound to (`browserSecret`,
 * from its cookie; another browser is "other_browser" and uses nothing up).
 * Uses up the state whatever happens next (a second presentation is "used"); on success stores the account on the state's
 * shop, ends a refusal of access recorded for the shop (billing-hold.server.ts
 * in services/invoicing: its banner goes), makes the runs held for lack of an
 * account or by that refusal workable at once, each from where it stopped
 * (one `run.resumed` event each), and says where to send the merchant (the
 * embedded settings page). Nothing in the URL but the state is trusted.
 * @returns a failure with the merchant's message for a bad, expired, used
 *   or declined request.
 * @throws the SDK's error when Stripe cannot be reached (the page says to retry).
 */
export async function completeStripeConnect(params: URLSearchParams, options: ConnectOptions & { browserSecret?: string | null } = {}): Promise<ConnectResult> {
  const log = options.logger ?? rootLogger;
  const failure = (reason: ConnectFailure): ConnectResult => {
    log.warn({ reason }, "stripe connect callback refused");
    return { ok: false, reason, message: FAILURES[reason] };
  };
  const state = params.get("state");
  if (!state) return failure("invalid_state");
  const at = (options.clock ?? appClock).nowDate();
  const browserHash = options.browserSecret ? hashState(options.browserSecret) : null;
  const consumed = await consumeOAuthState(hashState(state), browserHash, at);
  if (consumed.outcome === "unknown") return failure("invalid_state");
  if (consumed.outcome !== "consumed") return failure(consumed.outcome);
  const code = params.get("code");
  if (params.get("error") || !code) return failure("denied");

  let account: string;
  try {
    ({ account } = await exchangeAuthorizationCode(options.client ?? stripeClient(), code));
  } catch (error) {
    if (error instanceof ConnectCodeError) return failure("code_refused");
    throw error;
  }
  const shop = consumed.shop;
  const resumed = await inTransaction(async (tx) => {
    await setShopBillingAccount(shop.id, account, tx);
    const runs = await resumeHeldRunsOfShop(shop.id, at, tx);
    await appendStripeRunEvents(
      runs.map((run) => ({ run, type: "run.resumed" as const, actor: "merchant", cause: "billing_connected", detail: { account }, at })),
      tx,
    );
    return runs.length;
  });
  log.info({ shop: shop.domain, account, resumed, userId: consumed.userId }, "stripe connected");
  return { ok: true, shopDomain: shop.domain, account, resumedRuns: resumed, redirectTo: embeddedSettingsUrl(shop.domain) };
}
