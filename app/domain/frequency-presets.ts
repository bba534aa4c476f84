// Merchant-facing frequencies: plain data, shared by the recurrence engine
// (./schedule.ts re-exports them) and by the browser's labels (app/i18n/format.ts),
// which must not pull the engine's Temporal polyfill and zod into every page.
import type { ScheduleUnit } from "./schedule";

/** Merchant-facing frequencies. Anything else is still expressible with `every` + `unit`. */
export const FREQUENCY_PRESETS = {
  weekly: { every: 1, unit: "week" },
  biweekly: { every: 2, unit: "week" },
  every4weeks: { every: 4, unit: "week" },
  monthly: { every: 1, unit: "month" },
  bimonthly: { every: 2, unit: "month" },
  quarterly: { every: 3, unit: "month" },
  every4months: { every: 4, unit: "month" },
  semiannual: { every: 6, unit: "month" },
  yearly: { every: 1, unit: "year" },
} as const satisfies Record<string, { every: number; unit: ScheduleUnit }>;

export type FrequencyPresetId = keyof typeof FREQUENCY_PRESETS;

/** The preset matching `every` + `unit` exactly, or null for a custom frequency. */
export function frequencyPresetOf(frequency: { every: number; unit: string }): FrequencyPresetId | null {
  for (const [id, preset] of Object.entries(FREQUENCY_PRESETS)) {
    if (preset.every === frequency.every && preset.unit === frequency.unit) return id as FrequencyPresetId;
  }
  return null;
}
