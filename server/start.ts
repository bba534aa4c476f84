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

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    // The worker finishes its current step and gives back its leases first.
    void (worker?.stop() ?? Promise.resolve())
      .then(() => app.close())
      .then(() => process.exit(0));
  });
}
