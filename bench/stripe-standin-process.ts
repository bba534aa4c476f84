// Starts the Stripe stand-in in a process of its own (bench/stripe-standin.ts),
// for the benches that drive Stripe (stripe, lag, workers): Stripe is another
// machine, so its CPU must not be taken from the app's processes — nor theirs
// from it. It runs ahead of them on the machine's scheduler (niceness −10,
// when this process may raise a priority): the stand-in timestamps each
// request when its event loop reads it, and a stand-in kept waiting for a
// core while the workers it measures run reads several at once. Seen in the
// workers bench: after a 76 ms stall, three requests of one account stamped
// within 3 ms though they left 23 ms or more apart, so one sliding second
// held 26 requests of an account the workers had held to 25.
import { fork } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { SeedAccount } from "../sandbox/stripe/server";

export type StandInProcess = Awaited<ReturnType<typeof startStandInProcess>>;

/** The stand-in with `accounts` connected, its URL and its control API. */
export async function startStandInProcess(accounts: SeedAccount[]) {
  const child = fork(fileURLToPath(new URL("./stripe-standin.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_STRIPE_ACCOUNTS: JSON.stringify(accounts) },
  });
  try {
    os.setPriority(child.pid!, -10);
  } catch {
    // Not permitted (not root, no CAP_SYS_NICE): the stand-in shares the cores as an equal.
  }
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`the Stripe stand-in exited (${code})`)));
  });
  return {
    url,
    /** One call of the control API (`/__control<path>`): its JSON answer. */
    async control<T = unknown>(method: string, controlPath: string, body?: unknown): Promise<T> {
      const send = () => fetch(`${url}/__control${controlPath}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      // Every control call is idempotent. Once more on a dropped keep-alive
      // socket: after a long pause the stand-in may close it as fetch reuses it.
      const response = await send().catch(send);
      if (!response.ok) throw new Error(`stand-in control ${method} ${controlPath}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    close: () => child.disconnect(),
  };
}
