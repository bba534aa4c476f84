// Worker processes for tests: spawned from the test entry
// (worker-process-main.ts: the production process issuing through the
// file-ledger stand-in) or from the production entry itself
// (app/worker/main.ts, the Stripe SDK), their output kept for assertions,
// and every one still alive killed after each test (killWorkerProcesses).
import { spawn, type ChildProcess } from "node:child_process";
import { ManualClock } from "~/domain/clock";
import { createTemplate } from "~/services/templates/create.server";
import { createShop, templateInput } from "./recurring";

/** The production worker process issuing through the file-ledger stand-in (LEDGER_FILE). */
export const TEST_WORKER_ENTRY = "tests/helpers/worker-process-main.ts";
/** The production entry, as deployed: issues through Stripe (STRIPE_API_URL pointed at the stand-in). */
export const PRODUCTION_WORKER_ENTRY = "app/worker/main.ts";

export type WorkerProcess = {
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const spawned: ChildProcess[] = [];

/**
 * Starts a worker process with `--worker-id workerId` and `args` (the
 * options of app/worker/process.ts), the test run's environment plus `env`,
 * at log level info.
 */
export function spawnWorkerProcess(workerId: string, options: { args?: string[]; env?: Record<string, string>; entry?: string } = {}): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", options.entry ?? TEST_WORKER_ENTRY, "--worker-id", workerId, ...(options.args ?? [])], {
    env: { ...process.env, LOG_LEVEL: "info", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

/** SIGKILLs every process spawnWorkerProcess started that is still running (for afterEach). */
export function killWorkerProcesses(): void {
  for (const child of spawned.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** `count` templates due now (real time: the processes run on the machine's clock): anchored today at 00:00 UTC, in a UTC shop. */
export async function dueNowTemplates(count: number): Promise<string[]> {
  const clock = new ManualClock(new Date().toISOString());
  const shop = await createShop({ timeZone: "UTC" });
  const today = new Date().toISOString().slice(0, 10);
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const input = templateInput({ schedule: { every: 1, unit: "month", anchor: today, timeOfDay: "00:00", timeZone: "UTC" } });
    ids.push((await createTemplate(shop, input, { clock })).id);
  }
  return ids;
}
