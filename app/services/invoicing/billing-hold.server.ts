// Holding the runs Stripe refuses access for (issue 12, item 4). A revoked
// connected account or a refused platform key is not an outage: no retry can
// succeed until a person acts. So instead of retrying every run with backoff,
// the first run that meets the refusal records it — once: a marker on the
// shops of that account, or a row for the platform key — and logs it once at
// error level, naming who acts; from then on the runs concerned are held
// without calling Stripe, and the merchant sees one banner saying what to do.
//
// - Account (403): the merchant reconnects Stripe; stripe-connect/complete.server.ts
//   clears the marker and makes the held runs workable at once.
// - Platform key (401): the operator sets a valid STRIPE_SECRET_KEY and
//   restarts. The refusal is recorded per key fingerprint, so workers started
//   with another key are not held, and the banner goes with the old key. For
//   a key that works again as it is (restored, or a refusal that was Stripe's
//   own glitch), one held run tries it once per recheck interval, whatever the
//   number of workers; when Stripe accepts it, the refusal is forgotten and
//   every run it held is workable at once.
//
// A held run keeps its state and step (and its idempotency keys): resuming
// continues where it stopped. The errors come from
// app/gateways/stripe/errors.server.ts (kind `blocked`, with the codes below).
import { config } from "~/config.server";
import type { BillingError, BillingGateway } from "~/domain/billing";
import type { RunErrorCode } from "~/domain/run-errors";
import { keyFingerprint } from "~/gateways/stripe/client.server";
import type { Logger } from "~/logger.server";
import {
  appendStripeRunEvents,
  claimStripeKeyProbe,
  clearStripeKeyRefusal,
  findRefusedBillingAccounts,
  findShopBillingState,
  findStripeKeyRefusal,
  markBillingAccountRefused,
  recordStripeKeyRefusal,
} from "~/models/stripe.server";
import { inTransaction } from "~/models/transaction.server";

/** Whose fix a refusal waits for: the merchant's (their account) or the operator's (the platform's key). */
export type RefusalScope = "account" | "platform";

export type AccessRefusal = { scope: RefusalScope; code: RunErrorCode; message: string };

const REFUSALS: Record<RefusalScope, AccessRefusal> = {
  account: {
    scope: "account",
    code: "billing_account_unavailable",
    message:
      "Stripe refused Ritournelle's access to your Stripe account (it was disconnected, or no longer grants access). Reconnect Stripe in Ritournelle's settings: this invoice is held and issued then, from where it stopped.",
  },
  platform: {
    scope: "platform",
    code: "stripe_auth_failed",
    message:
      "Stripe refused Ritournelle's own key. This is Ritournelle's configuration, not your Stripe account: there is nothing to change on your side. This invoice is held and issued, from where it stopped, once it is fixed.",
  },
};

/** The name of a gateway's platform credential (one unnamed credential when it gives none, as test gateways). */
export function credentialOf(gateway: Pick<BillingGateway, "credential">): string {
  return gateway.credential ?? "default";
}

export type BillingHoldsOptions = {
  /** The platform credential of the worker's gateway ({@link credentialOf}). */
  credential: string;
  /** How often one held run tries a refused platform key again (the worker's billingRecheckMs). */
  probeEveryMs: number;
  logger: Logger;
  /** Who resumes runs on the audit trail ("worker:<id>"). */
  actor: string;
};

/**
 * Who Stripe refuses, as one worker tick knows it: read from the database for
 * each batch of runs it claims, and updated as its runs find out. A run of a
 * refused account (or any run, once the platform key is refused) is held
 * before any call; a refusal recorded by another process since the last read
 * costs each run at most one call.
 */
export class BillingHolds {
  private platformRefused = false;
  private refusedAccounts = new Set<string>();

  constructor(private readonly options: BillingHoldsOptions) {}

  /** Reads the recorded refusals of the platform key and of `accounts`. */
  async refresh(accounts: Iterable<string | null>): Promise<void> {
    const named = [...new Set([...accounts].filter((account): account is string => account !== null))];
    const [platform, refused] = await Promise.all([findStripeKeyRefusal(this.options.credential), findRefusedBillingAccounts(named)]);
    this.platformRefused = platform !== null;
    this.refusedAccounts = refused;
  }

  /**
   * The refusal that holds a run of `account` now, if any. While the platform
   * key is refused, one run per `probeEveryMs` is let through to try it.
   */
  async refusalFor(account: string, at: Date): Promise<AccessRefusal | null> {
    if (this.platformRefused) {
      return (await claimStripeKeyProbe(this.options.credential, at, this.options.probeEveryMs)) ? null : REFUSALS.platform;
    }
    return this.refusedAccounts.has(account) ? REFUSALS.account : null;
  }

  /**
   * Records the refusal a run of `account` just met at Stripe and returns what
   * to hold the run with. Recorded once (per connected account, or per
   * platform key) whatever the number of runs and workers that meet it; the
   * one that records it logs it at error level, naming who has to act.
   */
  async record(error: BillingError, account: string, at: Date): Promise<AccessRefusal> {
    const { credential, logger } = this.options;
    const scope: RefusalScope = error.code === REFUSALS.platform.code ? "platform" : "account";
    const refusal = REFUSALS[scope];
    const stripe = describeCause(error.cause);
    if (scope === "platform") {
      this.platformRefused = true;
      if (await recordStripeKeyRefusal(credential, at)) {
        logger.error(
          { code: refusal.code, keyFingerprint: credential, stripe },
          "Stripe refused the platform's secret key (401): every shop's invoices are held. Operator action: set a valid STRIPE_SECRET_KEY (Stripe Dashboard > Developers > API keys) on every web and worker process and restart them; the held invoices then resume on their own.",
        );
      }
    } else {
      this.refusedAccounts.add(account);
      const shops = await markBillingAccountRefused(account, refusal.code, at);
      if (shops.length > 0) {
        logger.error(
          { code: refusal.code, account, shops: shops.map((shop) => shop.domain), stripe },
          "Stripe refused access to a connected account (403): its invoices are held until the merchant reconnects Stripe in Ritournelle's settings (the merchant is shown a banner saying so).",
        );
      }
    }
    return refusal;
  }

  /**
   * Stripe accepted a call made with the worker's key: a refusal of that key
   * read or recorded here is over. Forgets it and makes the runs it held
   * workable at once (one `run.resumed` each). Nothing to do otherwise.
   */
  async accepted(at: Date): Promise<void> {
    if (!this.platformRefused) return;
    this.platformRefused = false;
    const { credential, actor, logger } = this.options;
    const resumed = await inTransaction(async (tx) => {
      const runs = await clearStripeKeyRefusal(credential, at, tx);
      await appendStripeRunEvents(runs.map((run) => ({ run, type: "run.resumed" as const, actor, cause: "stripe_key_accepted", at })), tx);
      return runs.length;
    });
    logger.warn({ keyFingerprint: credential, resumed }, "Stripe accepts the platform's secret key again: the invoices it held resume");
  }
}

/** What the merchant's pages show about a refusal: whose fix, and since when. */
export type BillingHoldView = { scope: RefusalScope; since: string } | null;

/**
 * The refusal holding this shop's invoices, if any: of the platform key this
 * process is configured with (every shop), else of the shop's own account.
 */
export async function currentBillingHold(shopId: string): Promise<BillingHoldView> {
  const secretKey = config().STRIPE_SECRET_KEY;
  const [platform, shop] = await Promise.all([
    secretKey ? findStripeKeyRefusal(keyFingerprint(secretKey)) : Promise.resolve(null),
    findShopBillingState(shopId),
  ]);
  if (platform) return { scope: "platform", since: platform.toISOString() };
  if (shop?.billingAccountId && shop.billingBlockedAt) return { scope: "account", since: shop.billingBlockedAt.toISOString() };
  return null;
}

/** Stripe's own words for the log: what the SDK's error carries, without its headers or raw body. */
function describeCause(cause: unknown): Record<string, unknown> | undefined {
  if (!cause || typeof cause !== "object") return undefined;
  const { message, code, statusCode, requestId, type } = cause as Record<string, unknown>;
  return { type, statusCode, code, requestId, message };
}
