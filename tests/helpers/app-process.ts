// The app's web server in a process of its own (server/app-server.ts serving
// the production build, through tests/helpers/app-server-process.ts) on the
// test file's database: several of them are several web processes sharing
// one database.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { freePort } from "../../sandbox/demo/free-port";
import { sealEnv } from "./seal";

export type AppProcess = { url: string; output: () => string; stop(): Promise<void> };

/** Starts one web process on this test file's DATABASE_URL. */
export async function startAppProcess(extra: Record<string, string> = {}): Promise<AppProcess> {
  if (!fs.existsSync("build/server/index.js")) throw new Error("Run `npm run build` first: the app process serves the production build.");
  const port = await freePort();
  const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/tmp", NODE_ENV: "production", LOG_LEVEL: "warn", PORT: String(port), ...(await sealEnv()), ...extra };
  for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "SCOPES", "DATABASE_URL"]) env[name] = process.env[name]!;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "tests/helpers/app-server-process.ts"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!output.includes("ritournelle listening")) {
    if (child.exitCode !== null) throw new Error(`the app process exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the app process did not start within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
