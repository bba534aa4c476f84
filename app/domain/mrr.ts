/**
 * Monthly recurring revenue: every active template's period total, brought
 * to one month, summed per currency (amounts in different currencies are
 * never added together).
 *
 * The formula, for a template billing `total` every `every` units:
 *
 *   monthly = total × perMonth(unit) / every
 *
 *   perMonth(month) = 1
 *   perMonth(year)  = 1/12
 *   perMonth(week)  = 52/12     (52 weeks in a year, 12 months)
 *   perMonth(day)   = 365/12    (a common year)
 *
 * so "every 2 weeks, 100.00" is 100.00 × 52 / 12 / 2 = 216.67 a month, and
 * "yearly, 1,200.00" is 100.00. Each template's contribution is kept as an
 * exact fraction; the per-currency sum is rounded once, half up, to the
 * currency's minor unit. Rounding per template first would let the total
 * drift by up to half a minor unit per template.
 *
 * Pure: BigInt arithmetic, no floats.
 */
import type { MinorUnits } from "./money";
import type { ScheduleUnit } from "./schedule";

/** perMonth(unit) as numerator / denominator. */
const PER_MONTH: Record<ScheduleUnit, { numerator: bigint; denominator: bigint }> = {
  month: { numerator: 1n, denominator: 1n },
  year: { numerator: 1n, denominator: 12n },
  week: { numerator: 52n, denominator: 12n },
  day: { numerator: 365n, denominator: 12n },
};

export type RecurringAmount = { currency: string; total: MinorUnits; every: number; unit: ScheduleUnit };

/** MRR per currency, in minor units, currencies in alphabetical order. */
export function monthlyRecurringRevenue(templates: readonly RecurringAmount[]): { currency: string; monthly: MinorUnits }[] {
  // Per currency, Σ total × n / (d × every) over a common denominator:
  // every denominator divides 12 × lcm(every…), kept exact as a fraction.
  const sums = new Map<string, { numerator: bigint; denominator: bigint }>();
  for (const template of templates) {
    if (!Number.isSafeInteger(template.every) || template.every < 1) throw new RangeError(`every must be >= 1, got ${template.every}`);
    const rate = PER_MONTH[template.unit];
    const numerator = BigInt(template.total) * rate.numerator;
    const denominator = rate.denominator * BigInt(template.every);
    const current = sums.get(template.currency) ?? { numerator: 0n, denominator: 1n };
    sums.set(template.currency, reduce(current.numerator * denominator + numerator * current.denominator, current.denominator * denominator));
  }
  return [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, fraction]) => ({ currency, monthly: Number(roundHalfUp(fraction.numerator, fraction.denominator)) }));
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduce(numerator: bigint, denominator: bigint) {
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

/** numerator / denominator (denominator > 0), halves away from zero. */
function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  const sign = numerator < 0n ? -1n : 1n;
  const magnitude = numerator < 0n ? -numerator : numerator;
  return sign * ((2n * magnitude + denominator) / (2n * denominator));
}
