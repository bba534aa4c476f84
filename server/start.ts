// `npm start`: check the configuration, migrate the database, serve the app.
//
// Production unless told otherwise: without NODE_ENV the configuration says
// "production" (app/config.server.ts), and this sets NODE_ENV to it before
// anything else is loaded — React, Express and Remix each read NODE_ENV
// themselves, and would otherwise run their development builds (React's
// checks, Express's stack traces in error pages) in a production process.
// Development (Vite's middleware, no build needed) is NODE_ENV=development.
import path from "node:path";
import { fileURLToPath } from "node:url";
import "dotenv/config";
import { ConfigError, parseConfig } from "../app/config.server";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

let settings;
try {
  settings = parseConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
process.env.NODE_ENV = settings.NODE_ENV;

// Before any query: the PostgreSQL pool holds the requests' connections and one per lane of the embedded worker (app/db-pool.server.ts).
try {
  (await import("../app/db.server")).sizeDatabasePool({ lanes: settings.STRIPE_SECRET_KEY ? settings.WORKER_CONCURRENCY : 0, web: true }, settings.DATABASE_URL);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const { migrateDatabase } = await import("./migrate");
const { startAppServer } = await import("./app-server");
const { startEmbeddedWorker } = await import("./embedded-worker");

const mode = settings.NODE_ENV === "production" ? "production" : "development";
await migrateDatabase(settings.DATABASE_URL);
// Before any Stripe call: this process shares each account's Stripe limit with the worker processes.
(await import("../app/services/invoicing/stripe-rate-limit.server")).shareStripeRateLimits();
const app = await startAppServer({
  host: settings.HOST,
  port: settings.PORT,
  mode,
  root: ROOT,
  trustProxy: settings.TRUST_PROXY,
});
console.log(JSON.stringify({ level: "info", msg: "ritournelle listening", url: app.url, mode }));
const worker = await startEmbeddedWorker();

// SIGTERM (a deploy, a scale-down): stop accepting connections at once and
// let the requests in flight finish, while the embedded worker finishes its
// current step and gives back its leases; exit 0 when both are done, or 1
// after SHUTDOWN_TIMEOUT_MS whatever is still running (the load balancer has
// stopped sending by then; a step cut short is taken over after its lease).
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ level: "info", msg: "shutting down", signal, shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS }));
    setTimeout(() => {
      console.error(JSON.stringify({ level: "error", msg: "shutdown timed out: exiting with requests or steps in flight" }));
      process.exit(1);
    }, settings.SHUTDOWN_TIMEOUT_MS).unref();
    void Promise.all([app.close(), worker?.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
