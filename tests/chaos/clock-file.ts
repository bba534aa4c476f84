// The campaign's one time line across processes: the machine's clock plus an
// offset kept in a file. The campaign moves the offset forward (periods, a
// DST night, a month end); every process reads it at each `now()`, so the
// web process, the workers and the Stripe stand-in agree on "now" (the
// stand-in's rate limit and latency stay on wall time, as real Stripe's do).
import fs from "node:fs";
import { Temporal } from "temporal-polyfill";
import type { Clock } from "~/domain/clock";

export class FileClock implements Clock {
  constructor(private readonly file: string) {}

  static create(file: string, startsAt: string): FileClock {
    fs.writeFileSync(file, String(Date.parse(startsAt) - Date.now()));
    return new FileClock(file);
  }

  offsetMs(): number {
    return Number(fs.readFileSync(this.file, "utf8"));
  }

  nowMs(): number {
    return Date.now() + this.offsetMs();
  }

  now(): Temporal.Instant {
    return Temporal.Instant.fromEpochMilliseconds(this.nowMs());
  }

  nowDate(): Date {
    return new Date(this.nowMs());
  }

  /** Moves every process's "now" forward by `ms` (written atomically: a reader never sees half a number). */
  advance(ms: number): void {
    const next = `${this.file}.next`;
    fs.writeFileSync(next, String(this.offsetMs() + ms));
    fs.renameSync(next, this.file);
  }
}
