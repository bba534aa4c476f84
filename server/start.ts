// `npm start`: check the configuration, migrate the database, serve the app.
import path from "node:path";
import { fileURLToPath } from "node:url";
import "dotenv/config";
import { ConfigError, parseConfig } from "../app/config.server";
import { migrateDatabase } from "./migrate";
import { startAppServer } from "./app-server";
import { startEmbeddedWorker } from "./embedded-worker";

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

await migrateDatabase(settings.DATABASE_URL);
const app = await startAppServer({
  host: settings.HOST,
  port: settings.PORT,
  mode: settings.NODE_ENV === "production" ? "production" : "development",
  root: ROOT,
  trustProxy: settings.TRUST_PROXY,
});
console.log(JSON.stringify({ level: "info", msg: "ritournelle listening", url: app.url }));
const worker = await startEmbeddedWorker();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    // The worker finishes its current step and gives back its leases first.
    void (worker?.stop() ?? Promise.resolve())
      .then(() => app.close())
      .then(() => process.exit(0));
  });
}
