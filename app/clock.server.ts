// The process's clock: what services and the worker use when their caller
// passes no `options.clock`. The machine's clock in production; the offline
// demo injects its own once, at start-up (`setAppClock` in
// sandbox/demo/stack.ts), so merchant actions, webhook-driven events and the
// worker share one time line. Domain code never reads it: it is handed a
// Clock or an instant.
import { clockOf, systemClock, type Clock } from "~/domain/clock";

declare global {
  // On globalThis because the Remix build bundles its own copy of this
  // module: the demo's injection, made from its own copy, must reach it.
  var __ritournelleAppClock: Clock | undefined;
}

/** The clock of the app's code paths, read at every call. */
export const appClock: Clock = clockOf(() => (globalThis.__ritournelleAppClock ?? systemClock).now());

/** At start-up only (the offline demo): every default clock of the process follows `clock`; undefined: the machine's again. */
export function setAppClock(clock: Clock | undefined): void {
  globalThis.__ritournelleAppClock = clock;
}
