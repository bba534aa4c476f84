// One web process for tests/helpers/app-process.ts: the app's HTTP server
// (server/app-server.ts, production build) on DATABASE_URL, already migrated
// by the test's setup. Not server/start.ts: these tests start web processes
// without the embedded worker that start.ts runs beside them.
import { startAppServer } from "../../server/app-server";

const app = await startAppServer({ host: "127.0.0.1", port: Number(process.env.PORT), mode: "production", root: process.cwd() });
process.stdout.write(`${JSON.stringify({ level: "info", msg: "ritournelle listening", url: app.url })}\n`);
process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
