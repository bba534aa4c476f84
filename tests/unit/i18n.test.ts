// English and French must say the same things: same keys, same placeholders.
import { describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import fr from "~/i18n/fr.json";
import { resolveLocale, translator } from "~/i18n";
import { formatAmount, formatCivilDate, formatDateTime, formatPercent } from "~/i18n/format";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("app/i18n", () => {
  it("has the same keys in English and French", () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it("uses the same placeholders in both languages, and no empty string", () => {
    for (const [key, english] of Object.entries(en)) {
      const french = (fr as Record<string, string>)[key] ?? "";
      expect({ key, placeholders: placeholders(french) }).toEqual({ key, placeholders: placeholders(english) });
      expect(english.trim()).not.toBe("");
      expect(french.trim()).not.toBe("");
    }
  });

  it("fills placeholders and picks the merchant's language", () => {
    expect(translator(resolveLocale("fr-CA"))("frequency.everyN.day", { count: 10 })).toBe("Tous les 10 jours");
    expect(translator(resolveLocale("de"))("frequency.everyN.day", { count: 10 })).toBe("Every 10 days");
  });

  it("formats dates in the shop's time zone and money exactly, per language", () => {
    // 23:30 UTC on March 30 is already March 31 in Paris.
    expect(formatDateTime("2026-03-30T23:30:00Z", "fr", "Europe/Paris")).toMatch(/31 mars 2026.*01:30/);
    expect(formatDateTime("2026-03-30T23:30:00Z", "en", "America/New_York")).toMatch(/Mar 30, 2026.*7:30/);
    // A civil date never moves, whatever the zone of the machine.
    expect(formatCivilDate("2026-01-31", "en")).toBe("Jan 31, 2026");
    expect(formatAmount(1999, "EUR", "fr")).toBe("19,99\u00a0€");
    expect(formatAmount(19800, "JPY", "en")).toBe("¥19,800");
    expect(formatPercent("5.5", "fr")).toBe("5,5\u00a0%");
    expect(formatPercent("8.875", "en")).toBe("8.875%");
  });
});
