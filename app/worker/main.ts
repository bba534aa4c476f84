// A worker process: `node --import tsx app/worker/main.ts --gateway <module> [options]`.
//
// Runs the scheduler loop against DATABASE_URL until SIGTERM or SIGINT, then
// finishes the step in progress, gives back its leases and exits 0. Start as
// many as you like against one database.
//
// --gateway <module>  a module whose default export returns the BillingGateway
//                     (or a promise of it). Default: Stripe
//                     (app/services/invoicing/stripe-rail.server.ts, configured from
//                     the same environment as the app); tests pass
//                     tests/helpers/file-ledger-gateway.ts.
// --worker-id <id>    default host:pid:random
// --tick-ms, --template-batch, --run-batch, --concurrency,
// --template-lease-ms, --run-lease-ms
//                     see WorkerOptions in app/worker/worker.ts
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import prisma, { configureDatabase } from "~/db.server";
import { logger } from "~/logger.server";
import type { BillingGateway } from "~/domain/billing";
import { Worker } from "./worker";

const { values } = parseArgs({
  options: {
    gateway: { type: "string" },
    "worker-id": { type: "string" },
    "tick-ms": { type: "string" },
    "template-batch": { type: "string" },
    "run-batch": { type: "string" },
    concurrency: { type: "string" },
    "template-lease-ms": { type: "string" },
    "run-lease-ms": { type: "string" },
  },
});

function positiveInteger(name: string): number | undefined {
  const raw = values[name as keyof typeof values];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    console.error(`--${name} must be a positive whole number; got ${JSON.stringify(raw)}.`);
    process.exit(2);
  }
  return value;
}

async function loadGateway(modulePath: string | undefined): Promise<BillingGateway> {
  if (!modulePath) {
    const { createStripeRail } = await import("~/services/invoicing/stripe-rail.server");
    try {
      return createStripeRail();
    } catch (error) {
      // A missing or bad variable: say which and how to fix it, without a stack trace.
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    }
  }
  const module = (await import(pathToFileURL(path.resolve(modulePath)).href)) as { default: () => BillingGateway | Promise<BillingGateway> };
  return module.default();
}

const gateway = await loadGateway(values.gateway);
await configureDatabase(prisma);
const worker = new Worker({
  gateway,
  workerId: values["worker-id"],
  tickMs: positiveInteger("tick-ms"),
  templateBatchSize: positiveInteger("template-batch"),
  runBatchSize: positiveInteger("run-batch"),
  concurrency: positiveInteger("concurrency"),
  templateLeaseMs: positiveInteger("template-lease-ms"),
  runLeaseMs: positiveInteger("run-lease-ms"),
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    logger.info({ signal, worker: worker.id }, "shutting down");
    void worker
      .stop()
      .then(() => prisma.$disconnect())
      .then(() => process.exit(0));
  });
}
worker.start();
