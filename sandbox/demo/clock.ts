// The demo's clock: real time plus an offset the person (or a browser test)
// moves forward with the admin host's clock control. The worker reads it;
// the stand-ins keep their own clocks and are advanced alongside.
import { Temporal } from "temporal-polyfill";
import type { Clock } from "~/domain/clock";

export class DemoClock implements Clock {
  private offsetMs = 0;

  now(): Temporal.Instant {
    return Temporal.Instant.fromEpochMilliseconds(Date.now() + this.offsetMs);
  }

  nowDate(): Date {
    return new Date(this.now().epochMilliseconds);
  }

  advance(milliseconds: number): void {
    if (!(milliseconds > 0)) throw new RangeError(`The demo clock only moves forward; got ${milliseconds} ms.`);
    this.offsetMs += milliseconds;
  }
}
