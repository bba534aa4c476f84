// Line discounts of the Stripe billing adapter, as amount-off coupons on the
// line's invoice item.
//
// Why a coupon and not a negative line: Stripe computes tax per line, each
// rounded once. Our total (app/domain/invoice-draft.ts) taxes the discounted
// line: tax(amount − discount). A negative line would be taxed separately:
// tax(amount) + tax(−discount), which differs by a unit whenever the two
// roundings do (8.875 % of 1000 and of −150: 89 − 13 = 76, but 8.875 % of 850
// is 75). An item-level coupon reduces the line before its tax, as we do.
// Coupons get a deterministic id per currency and amount, so one coupon
// serves every invoice of the account with that discount.
import { randomUUID } from "node:crypto";
import { BillingError, type InvoiceRequest } from "~/domain/billing";
import { formatMinor, toStripeAmount } from "~/domain/money";
import type { RunErrorCode } from "~/domain/run-errors";
import type { StripeClient } from "./client.server";
import { isStripeCode } from "./errors.server";
import type { SingleFlight } from "./single-flight.server";

export class StripeCoupons {
  /** Coupons known to exist, `${account}/${couponId}`: coupons are never deleted by us, so one check per process. */
  private readonly known = new Set<string>();

  constructor(
    private readonly client: StripeClient,
    private readonly flights: SingleFlight,
  ) {}

  /**
   * The account's amount-off coupon for this discount: one per currency and
   * amount, under a deterministic id, created on first use. `fresh` checks
   * again one this process believed to exist.
   * @throws BillingError `coupon_conflict` when the account has a coupon of that id that is not ours.
   */
  idFor(request: InvoiceRequest, discount: number, fresh: boolean): Promise<string> {
    const currency = request.currency.toLowerCase();
    const amountOff = toStripeAmount(discount, request.currency);
    const id = `ritournelle-${currency}-${amountOff}`;
    const known = `${request.account}/${id}`;
    if (fresh) this.known.delete(known);
    if (this.known.has(known)) return Promise.resolve(id);
    return this.flights.run(`coupon:${known}`, async () => {
      const label = `${formatMinor(discount, request.currency)} ${request.currency}`;
      try {
        const existing = await this.client.call(request.account, (stripe, options) => stripe.coupons.retrieve(id, {}, options));
        if (existing.amount_off !== amountOff || existing.currency !== currency) {
          throw new BillingError(
            "permanent",
            "coupon_conflict" satisfies RunErrorCode,
            `Your Stripe account has a coupon "${id}" that is not Ritournelle's ${label} discount. Rename or delete it in Stripe, then retry.`,
          );
        }
      } catch (error) {
        if (!isStripeCode(error, "resource_missing")) throw error;
        await this.client.call(request.account, (stripe, options) =>
          stripe.coupons.create(
            { id, amount_off: amountOff, currency, duration: "once", name: `${label} off`.slice(0, 40), metadata: { created_by: "ritournelle" } },
            { ...options, idempotencyKey: fresh ? `coupon:${id}:${randomUUID()}` : `coupon:${id}` },
          ),
        );
      }
      this.known.add(known);
      return id;
    });
  }
}
