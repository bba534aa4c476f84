// What every worker process does around the loop: read its options from the
// command line, connect to DATABASE_URL, run the Worker until SIGTERM or
// SIGINT, then finish the step in progress, give back its leases and exit 0.
//
// Shared by the production entry (main.ts, always Stripe) and the test entry
// (tests/helpers/worker-process.ts, a provider stand-in): the gateway is
// chosen by the entry in code, never by an argument.
//
// Options (see WorkerOptions in worker.ts):
//   --worker-id <id>    default host:pid:random
//   --tick-ms, --template-batch, --run-batch, --concurrency (default
//   WORKER_CONCURRENCY), --template-lease-ms, --run-lease-ms   positive whole numbers
//
// The PostgreSQL pool is sized from --concurrency (app/db-pool.server.ts);
// a DATABASE_POOL_SIZE too small for it exits 2 saying so.
//   --shutdown-timeout-ms   default SHUTDOWN_TIMEOUT_MS (30 s)
//   --metrics-port          default WORKER_METRICS_PORT (none): /metrics and /healthz of this process;
//                           0 lets the OS pick a free port, logged as "worker metrics listening" {port}
//                           (how the bench and the tests start several workers without a port race)
//
// SIGTERM: no new step starts; the steps in flight finish and are stored;
// runs claimed but not started and every lease still held are given back;
// the heartbeat is removed; exit 0. A step still running after the shutdown
// timeout (a provider call that hangs) is abandoned: the process exits 1
// and its runs are taken over once their leases expire, as after a crash.
import { parseArgs } from "node:util";
import { appClock } from "~/clock.server";
import { config } from "~/config.server";
import prisma, { configureDatabase, openDatabasePool, sizeDatabasePool } from "~/db.server";
import type { BillingGateway } from "~/domain/billing";
import { logger } from "~/logger.server";
import { startWorkerMetricsServer, type WorkerMetricsServer } from "./metrics-server";
import { Worker } from "./worker";

const OPTIONS = {
  "worker-id": { type: "string" },
  "tick-ms": { type: "string" },
  "template-batch": { type: "string" },
  "run-batch": { type: "string" },
  concurrency: { type: "string" },
  "template-lease-ms": { type: "string" },
  "run-lease-ms": { type: "string" },
  "shutdown-timeout-ms": { type: "string" },
  "metrics-port": { type: "string" },
} as const;

export type WorkerProcessOptions = {
  /** Makes the process's gateway; a throw (a missing or bad variable) ends the process with its message. */
  gateway: () => BillingGateway | Promise<BillingGateway>;
  /** The Shopify rail (draft orders), for templates that collect through Shopify's checkout. */
  shopifyGateway?: () => BillingGateway;
  /** Default: the process's arguments. */
  argv?: string[];
};

/**
 * Starts this process's worker and returns it once it runs; the process
 * exits 0 after a graceful stop on SIGTERM or SIGINT.
 * Exits 2, with a one-line message and no stack trace, on an unknown or
 * malformed option, or when the gateway cannot be made.
 */
export async function runWorkerProcess(options: WorkerProcessOptions): Promise<Worker> {
  const values = parseOptions(options.argv ?? process.argv.slice(2));
  // Before any query: one connection per lane, and one for the worker's claims and heartbeat (app/db-pool.server.ts).
  const concurrency = positiveInteger(values, "concurrency") ?? config().WORKER_CONCURRENCY;
  try {
    sizeDatabasePool({ lanes: concurrency, web: false });
  } catch (error) {
    exitWith(error instanceof Error ? error.message : String(error));
  }
  let gateway: BillingGateway;
  try {
    gateway = await options.gateway();
  } catch (error) {
    exitWith(error instanceof Error ? error.message : String(error));
  }
  await configureDatabase(prisma);
  await openDatabasePool();
  const worker = new Worker({
    gateway,
    ...(options.shopifyGateway ? { shopifyGateway: options.shopifyGateway() } : {}),
    workerId: values["worker-id"],
    tickMs: positiveInteger(values, "tick-ms"),
    templateBatchSize: positiveInteger(values, "template-batch"),
    runBatchSize: positiveInteger(values, "run-batch"),
    concurrency,
    templateLeaseMs: positiveInteger(values, "template-lease-ms"),
    runLeaseMs: positiveInteger(values, "run-lease-ms"),
  });

  const shutdownTimeoutMs = positiveInteger(values, "shutdown-timeout-ms") ?? config().SHUTDOWN_TIMEOUT_MS;
  const metricsPort = values["metrics-port"] === undefined ? config().WORKER_METRICS_PORT : portNumber(values, "metrics-port");
  let metricsServer: WorkerMetricsServer | null = null;
  if (metricsPort !== undefined) {
    metricsServer = await startWorkerMetricsServer({
      host: config().WORKER_METRICS_HOST,
      port: metricsPort,
      clock: appClock,
      lastTickAt: () => worker.lastTickAt,
      startedAt: appClock.nowDate(),
    });
    logger.info({ worker: worker.id, port: metricsServer.port }, "worker metrics listening");
  }

  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return; // a second signal changes nothing: the bound below still holds
      stopping = true;
      logger.info({ signal, worker: worker.id, shutdownTimeoutMs }, "shutting down");
      setTimeout(() => {
        logger.error({ worker: worker.id, shutdownTimeoutMs }, "shutdown timed out: exiting with steps in flight (their leases expire and other workers take them over)");
        process.exit(1);
      }, shutdownTimeoutMs).unref();
      void worker
        .stop()
        .then(() => metricsServer?.close())
        .then(() => prisma.$disconnect())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error, worker: worker.id }, "shutdown failed");
            process.exit(1);
          },
        );
    });
  }
  worker.start();
  return worker;
}

type Values = { [name in keyof typeof OPTIONS]?: string };

function parseOptions(argv: string[]): Values {
  try {
    return parseArgs({ args: argv, options: OPTIONS }).values;
  } catch (error) {
    // An unknown option (`--gateway` included: the production worker always uses Stripe) or one without its value.
    exitWith(error instanceof Error ? error.message : String(error));
  }
}

function positiveInteger(values: Values, name: keyof typeof OPTIONS): number | undefined {
  return wholeNumber(values, name, (value) => value > 0, "a positive whole number");
}

/** 0 (the OS picks a free port) to 65535. */
function portNumber(values: Values, name: keyof typeof OPTIONS): number | undefined {
  return wholeNumber(values, name, (value) => value >= 0 && value <= 65535, "a port number from 0 (any free port) to 65535");
}

/** The option `name` as a whole number that `accepts`; exits 2 saying it must be `mustBe` otherwise. */
function wholeNumber(values: Values, name: keyof typeof OPTIONS, accepts: (value: number) => boolean, mustBe: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || !accepts(value)) exitWith(`--${name} must be ${mustBe}; got ${JSON.stringify(raw)}.`);
  return value;
}

/** A mistake of whoever started the process: say what, without a stack trace. */
function exitWith(message: string): never {
  console.error(message);
  process.exit(2);
}
