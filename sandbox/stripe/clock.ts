// The stand-in's notion of "now". Object timestamps (`created`, `due_date`,
// status transitions), idempotency-key expiry, OAuth code expiry and the
// overdue sweep all read it. It follows a base clock (Date.now by default)
// plus an offset, or stays frozen at a set instant.

export interface ClockSource {
  now(): number;
}

export class StandInClock implements ClockSource {
  private base: ClockSource;
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(base?: ClockSource) {
    this.base = base ?? { now: () => Date.now() };
  }

  now(): number {
    return this.frozenAt ?? this.base.now() + this.offsetMs;
  }

  /** Seconds since the epoch, as Stripe timestamps are. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Freeze at `ms` (epoch milliseconds). */
  set(ms: number): void {
    this.frozenAt = ms;
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /** Follow the base clock again (dropping any offset). */
  unfreeze(): void {
    this.frozenAt = null;
    this.offsetMs = 0;
  }

  setSource(source: ClockSource): void {
    this.base = source;
    this.frozenAt = null;
    this.offsetMs = 0;
  }

  isFrozen(): boolean {
    return this.frozenAt !== null;
  }
}
