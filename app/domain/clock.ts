import { Temporal } from "temporal-polyfill";

/**
 * The one way domain and service code asks "what time is it?".
 *
 * Injected rather than read from `Date.now()` so the scheduler, tests and the
 * demo can run at any instant (including across DST changes) deterministically.
 */
export interface Clock {
  now(): Temporal.Instant;
  /** The same instant as a JavaScript `Date` (millisecond precision), for Prisma columns and SDKs. */
  nowDate(): Date;
}

/** A `Clock` from its `now()`: `nowDate()` is always derived from it, never read separately. */
export function clockOf(now: () => Temporal.Instant): Clock {
  return { now, nowDate: () => new Date(now().epochMilliseconds) };
}

/** The real wall clock of the machine. */
export const systemClock: Clock = clockOf(() => Temporal.Now.instant());

/**
 * An amount of time to move a {@link ManualClock} by: milliseconds, a
 * `Temporal.Duration`, a duration-like object (`{ hours: 1 }`) or an ISO 8601
 * duration string (`"PT90M"`, `"P1D"`). Days count as exactly 24 hours;
 * weeks, months and years are refused because their length depends on a
 * calendar and a time zone (advance to a computed instant with `set` instead).
 */
export type ClockStep = number | Temporal.Duration | Temporal.DurationLike | string;

const DEFAULT_START = "2026-01-01T00:00:00Z";

/**
 * A clock that only moves when told to. For tests and the offline demo.
 *
 * Time never runs backwards through {@link ManualClock.advance}; use
 * {@link ManualClock.set} to jump anywhere, including into the past.
 */
export class ManualClock implements Clock {
  private current: Temporal.Instant;

  constructor(start: Temporal.Instant | string = DEFAULT_START) {
    this.current = toInstant(start);
  }

  now(): Temporal.Instant {
    return this.current;
  }

  nowDate(): Date {
    return new Date(this.current.epochMilliseconds);
  }

  /** Jumps to `instant` (a `Temporal.Instant` or an ISO string with `Z` or an offset). */
  set(instant: Temporal.Instant | string): Temporal.Instant {
    this.current = toInstant(instant);
    return this.current;
  }

  /**
   * Moves forward by `step` and returns the new instant.
   * @throws RangeError for a negative step or a calendar unit (weeks, months, years).
   */
  advance(step: ClockStep): Temporal.Instant {
    const nanoseconds = stepToNanoseconds(step);
    if (nanoseconds < 0n) {
      throw new RangeError("ManualClock.advance cannot move backwards; use set() to jump to an earlier instant.");
    }
    this.current = Temporal.Instant.fromEpochNanoseconds(this.current.epochNanoseconds + nanoseconds);
    return this.current;
  }
}

function toInstant(value: Temporal.Instant | string): Temporal.Instant {
  return typeof value === "string" ? Temporal.Instant.from(value) : value;
}

function stepToNanoseconds(step: ClockStep): bigint {
  if (typeof step === "number") {
    if (!Number.isFinite(step)) throw new RangeError(`Cannot advance a clock by ${step} ms.`);
    // Sub-millisecond fractions are kept down to the nanosecond.
    return BigInt(Math.round(step * 1_000_000));
  }
  const duration = Temporal.Duration.from(step);
  if (duration.years !== 0 || duration.months !== 0 || duration.weeks !== 0) {
    throw new RangeError(
      `Cannot advance a clock by ${duration.toString()}: weeks, months and years have no fixed length. Use days or smaller units.`,
    );
  }
  const { days, hours, minutes, seconds, milliseconds, microseconds, nanoseconds } = duration;
  return (
    BigInt(days) * 86_400_000_000_000n +
    BigInt(hours) * 3_600_000_000_000n +
    BigInt(minutes) * 60_000_000_000n +
    BigInt(seconds) * 1_000_000_000n +
    BigInt(milliseconds) * 1_000_000n +
    BigInt(microseconds) * 1_000n +
    BigInt(nanoseconds)
  );
}
