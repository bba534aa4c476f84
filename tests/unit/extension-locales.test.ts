// The admin action's locale files (extensions/make-recurring/locales) must
// say the same things in English and French, and hold every key the
// extension asks for: the admin shows a missing key as nothing useful.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FREQUENCY_PRESETS } from "~/domain/schedule";

const EXTENSION = path.resolve("extensions/make-recurring");
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(EXTENSION, "locales", file), "utf8")) as Record<string, unknown>;

/** { a: { b: "x" } } → { "a.b": "x" } */
function flatten(messages: Record<string, unknown>, prefix = ""): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === "string") flat[prefix + key] = value;
    else Object.assign(flat, flatten(value as Record<string, unknown>, `${prefix}${key}.`));
  }
  return flat;
}

const en = flatten(read("en.default.json"));
const fr = flatten(read("fr.json"));
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();

describe("extensions/make-recurring locales", () => {
  it("has the same keys and placeholders in English and French, none empty", () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const [key, english] of Object.entries(en)) {
      expect({ key, placeholders: placeholders(fr[key] ?? "") }).toEqual({ key, placeholders: placeholders(english) });
      expect(english.trim()).not.toBe("");
      expect((fr[key] ?? "").trim()).not.toBe("");
    }
  });

  it("names itself in the language the app speaks with it (the `language` key the extension sends)", () => {
    expect([en.language, fr.language]).toEqual(["en", "fr"]);
  });

  it("has a label for every frequency the app offers", () => {
    for (const id of Object.keys(FREQUENCY_PRESETS)) expect(en[`frequency.${id}`], id).toBeTruthy();
  });

  it("holds every key the extension's source translates", () => {
    const source = fs.readFileSync(path.join(EXTENSION, "src/ActionExtension.tsx"), "utf8");
    const used = [...source.matchAll(/\bt\("([^"]+)"/g)].map((match) => match[1]!);
    expect(used.length).toBeGreaterThan(10);
    for (const key of used) expect(en[key], key).toBeDefined();
  });
});

describe("extensions/print-recurring locales", () => {
  const PRINT = path.resolve("extensions/print-recurring");
  const readPrint = (file: string) => flatten(JSON.parse(fs.readFileSync(path.join(PRINT, "locales", file), "utf8")) as Record<string, unknown>);
  const printEn = readPrint("en.default.json");
  const printFr = readPrint("fr.json");

  it("has the same keys and placeholders in English and French, none empty, and names its language", () => {
    expect(Object.keys(printFr).sort()).toEqual(Object.keys(printEn).sort());
    for (const [key, english] of Object.entries(printEn)) {
      expect({ key, placeholders: placeholders(printFr[key] ?? "") }).toEqual({ key, placeholders: placeholders(english) });
      expect(english.trim()).not.toBe("");
      expect((printFr[key] ?? "").trim()).not.toBe("");
    }
    expect([printEn.language, printFr.language]).toEqual(["en", "fr"]);
  });

  it("holds every key the extension's source translates", () => {
    const source = fs.readFileSync(path.join(PRINT, "src/PrintExtension.tsx"), "utf8");
    const used = [...source.matchAll(/\bt\("([^"]+)"/g)].map((match) => match[1]!);
    expect(used.length).toBeGreaterThan(8);
    for (const key of used) expect(printEn[key], key).toBeDefined();
  });
});
