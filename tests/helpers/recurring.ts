// Fixtures for recurring-invoice tests: shops, template inputs, workers.
import type { Shop } from "@prisma/client";
import prisma from "~/db.server";
import type { ManualClock } from "~/domain/clock";
import type { CreateTemplateInput } from "~/domain/template-input";
import { Worker, type TickReport, type WorkerOptions } from "~/worker/worker";
import type { MemoryGateway } from "./memory-gateway";

let shopCount = 0;

/**
 * A shop row. On the Pro plan unless `plan` says otherwise: the engine's
 * tests make as many recurring invoices as they need; the Free plan's limit
 * has its own tests (tests/integration/pricing-plan.test.ts).
 */
export function createShop(
  overrides: { domain?: string; timeZone?: string; billingAccountId?: string | null; settings?: Record<string, unknown>; plan?: "free" | "pro" } = {},
): Promise<Shop> {
  shopCount += 1;
  return prisma.shop.create({
    data: {
      domain: overrides.domain ?? `shop-${shopCount}.myshopify.com`,
      timeZone: overrides.timeZone ?? "Europe/Paris",
      currency: "EUR",
      billingAccountId: overrides.billingAccountId === undefined ? `acct_${shopCount}` : overrides.billingAccountId,
      settings: JSON.stringify(overrides.settings ?? {}),
      plan: overrides.plan ?? "pro",
    },
  });
}

/** A monthly EUR template: 2 × 24.90 coffee + shipping 4.90, VAT 20% included → 54.70 per period. */
export function templateInput(overrides: Partial<CreateTemplateInput> = {}): CreateTemplateInput {
  return {
    sourceOrderId: "gid://shopify/Order/1001",
    currency: "EUR",
    customer: {
      shopifyCustomerId: "gid://shopify/Customer/7001",
      name: "Claire Martin",
      email: "claire.martin@example.fr",
      locale: "fr",
      address: { line1: "12 rue des Lilas", city: "Lyon", postalCode: "69003", country: "FR" },
    },
    lines: [{ title: "Café en grains", variantTitle: "1 kg", sku: "CAFE-1K", quantity: 2, unitAmount: 2490, taxLines: [{ title: "TVA", ratePercent: "20" }] }],
    taxesIncluded: true,
    shipping: { title: "Colissimo", amount: 490, taxLines: [{ title: "TVA", ratePercent: "20" }] },
    schedule: { every: 1, unit: "month", anchor: "2026-01-15", timeOfDay: "09:00", timeZone: "Europe/Paris" },
    ...overrides,
  };
}

export const PERIOD_TOTAL = 2 * 2490 + 490;

export function testWorker(gateway: MemoryGateway, clock: ManualClock, options: Partial<WorkerOptions> = {}): Worker {
  return new Worker({
    gateway,
    clock,
    random: () => 0.5,
    retry: { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8 },
    // One run at a time: these tests follow runs step by step in claim order.
    // Concurrent lanes have their own tests (worker.test.ts).
    concurrency: 1,
    ...options,
  });
}

/** Ticks until a tick finds nothing to claim; returns every tick's report. */
export async function drain(worker: Worker, maxTicks = 50): Promise<TickReport[]> {
  const reports: TickReport[] = [];
  for (let tick = 0; tick < maxTicks; tick++) {
    const report = await worker.runOnce();
    reports.push(report);
    if (report.templates.claimed === 0 && report.runs.claimed === 0) return reports;
  }
  throw new Error(`worker still busy after ${maxTicks} ticks`);
}

/** Every run of the template, by period: [periodDate, state]. */
export async function runStates(templateId: string): Promise<[string, string][]> {
  const runs = await prisma.invoiceRun.findMany({ where: { templateId }, orderBy: { periodIndex: "asc" } });
  return runs.map((run) => [run.periodDate, run.state]);
}
