// What the campaign issues: shops (one Stripe account each) and templates of
// every shape the scheduler must get right, drawn from the seed.
import type { CreateTemplateInput } from "~/domain/template-input";
import { Rng } from "../../sandbox/stripe/rng";

export type CampaignSize = "ci" | "full";

export const SIZES: Record<CampaignSize, { shops: number; templates: number; workers: number; killEveryMs: [number, number]; stepSettleMs: number }> = {
  // CI: inside the normal test command, ≤ 3 minutes on 2 cores.
  // A worker's start costs ~1–2 s of CPU (loading the app): kills every few seconds, not every second.
  // Kills far apart enough that a run's attempts are not all cut short (8 interrupted attempts fail a run: PROMISE.md, known gaps),
  // and close enough to land inside the campaign: on a quiet machine its six steps take about 20 s (kills every 8–15 s gave one).
  ci: { shops: 4, templates: 20, workers: 4, killEveryMs: [3_000, 6_000], stepSettleMs: 45_000 },
  full: { shops: 25, templates: 500, workers: 4, killEveryMs: [2_000, 6_000], stepSettleMs: 600_000 },
};

/** Campaign time line: 6 steps of 8 days from Mon 2 March 2026 — New York's DST (8 March), month end (31 March), Paris's DST (29 March). */
export const CAMPAIGN_START = "2026-03-02T00:00:00Z";
export const STEP_MS = 8 * 86_400_000;
export const STEPS = 6;

/** The stand-in's seeded generator (mulberry32) with the campaign's two draws: a campaign is replayed from its seed. */
export class Dice extends Rng {
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo"] as const;

export type ScheduleShape = { every: number; unit: "week" | "month"; anchor: string; timeOfDay: string; timeZone: string; end?: { afterCount: number } };

/** How a template's customer pays: a Stripe invoice, or a Shopify draft order paid through Shopify's checkout (issue 16). */
export type Rail = "stripe" | "shopify";

/** The share of templates on the Shopify invoice rail (drawn per template from the seed). */
export const SHOPIFY_RAIL_SHARE = 0.3;

/** One template: weekly, monthly, every 3 weeks or monthly on the 31st; three zones; some with an end count; some asking for a signature; about 30 % on the Shopify rail. */
export type PlannedTemplate = { shopIndex: number; rail: Rail; input: CreateTemplateInput; schedule: ScheduleShape };

/** The Shopify customer of template `index` (the stand-in holds it in the template's shop). */
export const shopifyCustomerLegacyId = (index: number) => 20_000 + index;

/** The campaign's second generator, for the templates' rails, seeded from its seed. */
export const railDiceOf = (seed: number) => new Dice((seed ^ 0x5407_1f1e) >>> 0);

export function planTemplate(dice: Dice, index: number, shops: number, railDice?: Dice): PlannedTemplate {
  const shape = dice.pick(["weekly", "monthly", "three_weeks", "month_end"] as const);
  const timeZone = dice.pick(ZONES);
  const day = dice.int(2, 9);
  const anchor = shape === "month_end" ? "2026-03-31" : `2026-03-${String(day).padStart(2, "0")}`;
  // Around 02:30 on DST nights (a time that does not exist, or happens twice, somewhere).
  const timeOfDay = dice.pick(["02:30", "09:00", "23:45", "00:00"]);
  const schedule: ScheduleShape = {
    every: shape === "three_weeks" ? 3 : 1,
    unit: shape === "weekly" || shape === "three_weeks" ? "week" : "month",
    anchor,
    timeOfDay,
    timeZone,
  };
  if (dice.chance(0.2)) schedule.end = { afterCount: dice.int(1, 3) };
  const quantity = dice.int(1, 4);
  const unitAmount = dice.int(5, 200) * 10;
  const input: CreateTemplateInput = {
    sourceOrderId: `gid://shopify/Order/${10_000 + index}`,
    currency: "EUR",
    customer: {
      shopifyCustomerId: `gid://shopify/Customer/${shopifyCustomerLegacyId(index)}`,
      name: `Client ${index}`,
      email: `client-${index}@example.test`,
      locale: dice.pick(["fr", "en"]),
      address: { line1: `${index} rue du Test`, city: "Lyon", postalCode: "69003", country: "FR" },
    },
    lines: [{ title: "Abonnement", sku: `SKU-${index}`, quantity, unitAmount, taxLines: [{ title: "TVA", ratePercent: "20" }] }],
    taxesIncluded: true,
    ...(dice.chance(0.5) ? { shipping: { title: "Colissimo", amount: 490, taxLines: [{ title: "TVA", ratePercent: "20" }] } } : {}),
    schedule,
    // Every due period is issued, however late the clock's jump finds it: the campaign counts them all.
    policies: { catchUp: "all", signatureRequested: dice.chance(0.15) },
  };
  // The rail from a generator of its own (railDice): `dice` draws what it drew before the Shopify rail joined the campaign.
  const rail: Rail = railDice?.chance(SHOPIFY_RAIL_SHARE) ? "shopify" : "stripe";
  if (rail === "shopify") input.rail = "shopify";
  return { shopIndex: index % shops, rail, input, schedule };
}
