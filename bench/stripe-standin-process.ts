// Starts the Stripe stand-in in a process of its own (bench/stripe-standin.ts),
// for the benches that drive Stripe (stripe, lag, workers): Stripe is another
// machine, so its CPU must not be taken from the app's processes.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SeedAccount } from "../sandbox/stripe/server";

export type StandInProcess = Awaited<ReturnType<typeof startStandInProcess>>;

/** The stand-in with `accounts` connected, its URL and its control API. */
export async function startStandInProcess(accounts: SeedAccount[]) {
  const child = fork(fileURLToPath(new URL("./stripe-standin.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_STRIPE_ACCOUNTS: JSON.stringify(accounts) },
  });
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
