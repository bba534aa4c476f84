// What a bench section reports: each figure with its target, so `npm run bench`
// can print them side by side, write them to bench/results.json and exit
// non-zero when any target is missed (a gate that cannot fail is a defect).

export type Check = {
  section: string;
  figure: string;
  /** The measured value, formatted for people (units included). */
  measured: string;
  /** The target in words ("≤ 1.50×", "≥ 85 %", "0"). */
  target: string;
  ok: boolean;
  /** The raw number, for bench/results.json. */
  value: number;
};

/** A check that the measured `value` is at most `limit`. */
export function atMost(section: string, figure: string, value: number, limit: number, format: (n: number) => string): Check {
  return { section, figure, measured: format(value), target: `≤ ${format(limit)}`, ok: value <= limit, value };
}

/** A check that the measured `value` is at least `limit`. */
export function atLeast(section: string, figure: string, value: number, limit: number, format: (n: number) => string): Check {
  return { section, figure, measured: format(value), target: `≥ ${format(limit)}`, ok: value >= limit, value };
}

/** A check that the measured `value` equals `expected` (counts: duplicates 0, every run sent…). */
export function exactly(section: string, figure: string, value: number, expected: number): Check {
  return { section, figure, measured: String(value), target: `= ${expected}`, ok: value === expected, value };
}

export const ratio = (n: number) => `${n.toFixed(2)}×`;
export const percent = (n: number) => `${(n * 100).toFixed(1)} %`;

/** Bench 3 (bench/lag.ts): due→sent p99 of 10,000 invoices due in one minute, as a ratio of the rate-limit lower bound. */
export const LAG_P99_TARGET = 1.2;

/** Bench 4 (bench/backlog-memory.ts): RSS, and JS heap used, at the end of a 100k-run backlog ÷ after warm-up (20 % of it), each after a full collection. */
export const BACKLOG_MEMORY_LIMIT = 1.2;
