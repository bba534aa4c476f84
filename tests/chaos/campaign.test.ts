// `npm run test:chaos` (tests/chaos/main.ts) and CI (inside `npm test`, at the
// CI size, on PostgreSQL when the run has a cluster): the chaos campaign must
// keep the promise. CHAOS_SEED replays a campaign; CHAOS_SIZE=full is the
// 500-template campaign.
import { describe, expect, it } from "vitest";
import { runCampaign, type CampaignReport } from "./campaign";
import type { CampaignSize } from "./plan";

const size: CampaignSize = process.env.CHAOS_SIZE === "full" ? "full" : "ci";
const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);

function summary(report: CampaignReport): string {
  const rows: [string, string | number][] = [
    ["seed", `${report.seed}   (replay: npm run test:chaos -- --seed ${report.seed}${report.size === "full" ? " --size full" : ""})`],
    ["size / database", `${report.size} / ${report.database}`],
    ["invoices finalized (Stripe)", report.invoices],
    ["runs", report.runs],
    ["periods expected (untouched templates)", report.periodsExpected],
    ["duplicates", report.duplicates],
    ["misses", report.misses],
    ["runs failed", report.failedRuns],
    ["finalized by a call in flight at a stop", report.finalizedInFlightAtStop],
    ["e-mails", report.emails],
    ["workers SIGKILLed (and restarted)", `${report.kills} (${report.restarts})`],
    ["worker start, median / max", `${(report.workerStartMs.median / 1000).toFixed(1)} s / ${(report.workerStartMs.max / 1000).toFixed(1)} s`],
    ["faults injected", Object.entries(report.faults).map(([kind, count]) => `${kind} ${count}`).join(", ") || "none"],
    ["Shopify rail: templates / runs", `${report.shopify.templates} / ${report.shopify.runs}`],
    ["Shopify draft orders (invoice e-mails)", `${report.shopify.drafts} (${report.shopify.emails})`],
    ["Shopify duplicates / misses", `${report.shopify.duplicates} / ${report.shopify.misses}`],
    ["Shopify e-mailed by a send in flight at a stop", report.shopify.emailedInFlightAtStop],
    [
      "Shopify answers lost (before / after applied)",
      `${report.shopifyFaults.before} / ${report.shopifyFaults.after}${Object.keys(report.shopifyFaults.byOperation).length ? ` — ${Object.entries(report.shopifyFaults.byOperation).map(([kind, count]) => `${kind} ${count}`).join(", ")}` : ""}`,
    ],
    ["Stripe webhook deliveries (duplicates)", `${report.stripeWebhooks.deliveries} (${report.stripeWebhooks.duplicates})`],
    ["Shopify webhooks over HTTP (duplicates)", `${report.shopifyWebhooks.sent} (${report.shopifyWebhooks.duplicates})`],
    ["merchant actions", Object.entries(report.merchantActions).filter(([kind]) => !kind.endsWith(" (Shopify)")).map(([kind, count]) => `${kind} ${count}`).join(", ")],
    ["  of which on the Shopify rail", Object.entries(report.merchantActions).filter(([kind]) => kind.endsWith(" (Shopify)")).map(([kind, count]) => `${kind.replace(" (Shopify)", "")} ${count}`).join(", ") || "none"],
    ["violations", report.violations.length],
    ["duration", `${Math.round(report.durationMs / 1000)} s`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return ["", "chaos campaign", ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`), ...report.violations.slice(0, 30).map((line) => `  ✗ ${line}`), ...report.details.slice(0, 5)].join("\n");
}

/** Straight to the terminal (the seed and the table are for whoever reads the run, pass or fail). */
const print = (line: string) => process.stdout.write(`${line}\n`);

describe("chaos campaign", () => {
  it(
    `keeps the promise under kills, faults, webhook storms and merchant actions (seed ${seed}, ${size})`,
    async () => {
      print(`chaos campaign seed ${seed} (${size})`);
      const report = await runCampaign({ seed, size, log: (line) => print(`[chaos] ${line}`) });
      print(summary(report));
      expect(report.invoices).toBeGreaterThan(0);
      expect(report.kills).toBeGreaterThan(0);
      expect(report.violations).toEqual([]);
      expect({ duplicates: report.duplicates, misses: report.misses }).toEqual({ duplicates: 0, misses: 0 });
    },
    // CI: ~2 minutes on a quiet 2-core machine; the bound leaves room for a loaded one.
    size === "full" ? 3_600_000 : 600_000,
  );
});
