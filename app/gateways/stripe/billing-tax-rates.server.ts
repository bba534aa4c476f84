// Tax rates of the Stripe billing adapter: one Stripe tax rate per account,
// percentage, inclusive flag and name, shared by every invoice of the
// account. Stripe tax rates are immutable in those fields, so a rate once
// found is remembered: in the database (the store, across processes) and in
// this process.
import { randomUUID } from "node:crypto";
import type { BillingTax } from "~/domain/billing";
import { fingerprintOf, type StripeTaxRateStore, type TaxRateKey } from "./billing-stores.server";
import type { StripeClient } from "./client.server";
import type { SingleFlight } from "./single-flight.server";

const TAX_RATE_NAME_MAX = 50;

export class StripeTaxRates {
  /** Tax rate ids already resolved, by identity: a tax rate never changes, so one lookup per process. */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly client: StripeClient,
    private readonly store: StripeTaxRateStore,
    private readonly flights: SingleFlight,
  ) {}

  /**
   * The account's tax rate for this percentage, inclusive flag and name:
   * remembered in the database, else found among the account's active tax
   * rates, else created (once: the key is the rate's identity). `fresh`
   * skips the remembered one, which Stripe refused.
   */
  idFor(account: string, tax: BillingTax, fresh: boolean): Promise<string> {
    const key = taxRateKey(account, tax);
    const identity = fingerprintOf(key);
    if (fresh) this.known.delete(identity);
    const memo = this.known.get(identity);
    if (memo) return Promise.resolve(memo);
    return this.flights.run(`tax_rate:${identity}:${fresh}`, async () => {
      if (fresh) await this.store.forget(key);
      let id = await this.store.find(key);
      if (!id) {
        const created = (await this.find(key)) ?? (await this.create(key, fresh ? `tax_rate:${identity}:${randomUUID()}` : `tax_rate:${identity}`));
        await this.store.save(key, created);
        // Another process may have recorded its own equivalent rate first: use the same one.
        id = (await this.store.find(key)) ?? created;
      }
      this.known.set(identity, id);
      return id;
    });
  }

  private async find(key: TaxRateKey): Promise<string | undefined> {
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.client.call(key.account, (stripe, options) =>
        stripe.taxRates.list({ active: true, inclusive: key.inclusive, limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }, options),
      );
      const match = page.data.find((rate) => normalizePercentage(String(rate.percentage)) === key.percentage && rate.display_name === key.displayName);
      if (match) return match.id;
      if (!page.has_more || page.data.length === 0) return undefined;
      startingAfter = page.data.at(-1)!.id;
    }
  }

  private async create(key: TaxRateKey, idempotencyKey: string): Promise<string> {
    const rate = await this.client.call(key.account, (stripe, options) =>
      stripe.taxRates.create(
        { display_name: key.displayName, percentage: Number(key.percentage), inclusive: key.inclusive, metadata: { created_by: "ritournelle" } },
        { ...options, idempotencyKey },
      ),
    );
    return rate.id;
  }
}

function taxRateKey(account: string, tax: BillingTax): TaxRateKey {
  return {
    account,
    percentage: normalizePercentage(tax.ratePercent),
    inclusive: tax.inclusive,
    displayName: (tax.title.trim() || "Tax").slice(0, TAX_RATE_NAME_MAX),
  };
}

/** "20.000" → "20", "8.8750" → "8.875": one spelling per rate. */
function normalizePercentage(percent: string): string {
  return percent.includes(".") ? percent.replace(/0+$/, "").replace(/\.$/, "") : percent;
}
