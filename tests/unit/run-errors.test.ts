// Every reason a run can fail with, and every field error the template form
// can show, is explained in English and French; and the codes the app writes
// are the listed ones, so a new code cannot ship without its explanation.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import fr from "~/i18n/fr.json";
import { translator, type Locale } from "~/i18n";
import { RUN_ERROR_CODES, runErrorExplanationOf } from "~/domain/run-errors";
import { FORM_ERROR_CODES } from "~/domain/template-input";
import { explainRunFailure } from "~/i18n/run-errors";
import { fieldErrorText } from "~/i18n/field-errors";
import { toBillingError } from "~/gateways/stripe/errors.server";

const MESSAGES: Record<Locale, Record<string, string>> = { en, fr };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every literal code the app hands to a run's lastErrorCode, by the ways it is written. */
function codesWrittenByTheApp(): Set<string> {
  const patterns = [
    /new BillingError\(\s*"(?:transient|permanent)",\s*"(\w+)"/g, // the gateway and pipeline's own refusals
    /\b(?:transient|permanent)\(\s*"(\w+)"/g, // errors.server.ts's Stripe mapping
    /\[\s*"(\w+)",\s*`/g, // errors.server.ts's invalid-request table
    /this\.fail\(\s*"(\w+)"/g, // the pipeline giving up
    /const code(?:: \w+)? = "(\w+)"/g, // the pipeline's waits, errors.server.ts's money refusal
    /"(\w+)" satisfies RunErrorCode/g,
    /lastErrorCode: "(\w+)"/g,
  ];
  const codes = new Set<string>();
  for (const file of sourceFiles("app")) {
    const text = readFileSync(file, "utf8");
    if (!/BillingError|lastErrorCode|RunErrorCode/.test(text)) continue;
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1]!);
  }
  return codes;
}

describe("failed run explanations", () => {
  it("explain every code the app can store, in English and French, each in its own words", () => {
    for (const locale of ["en", "fr"] as const) {
      const generic = MESSAGES[locale]["runError.unknown"];
      for (const code of [...RUN_ERROR_CODES, "stripe_refused", "unknown"]) {
        const text = MESSAGES[locale][`runError.${code}`];
        expect({ locale, code, explained: typeof text === "string" && text.trim() !== "" }).toEqual({ locale, code, explained: true });
        if (code !== "unknown") expect(text).not.toBe(generic);
      }
    }
  });

  it("covers every code the app's code paths write (a new code without a translation fails here)", () => {
    const written = codesWrittenByTheApp();
    // The scan finds the codes at all: at least the ones of each kind of writer.
    for (const sample of ["customer_email_invalid", "coupon_conflict", "total_mismatch", "attempts_exhausted", "billing_not_connected", "rate_limited", "amount_not_representable"]) {
      expect(written).toContain(sample);
    }
    expect([...written].filter((code) => runErrorExplanationOf(code) !== code)).toEqual([]);
  });

  it("explains Stripe's own refusal codes generically and keeps Stripe's words as the detail", () => {
    const refusal = toBillingError(
      new Stripe.errors.StripeInvalidRequestError({ type: "invalid_request_error", code: "parameter_unknown", message: "Received unknown parameter: foo" }),
    );
    expect(refusal.code).toBe("stripe_parameter_unknown");
    const fr = translator("fr");
    expect(explainRunFailure(fr, refusal.code, refusal.message)).toEqual({
      explanation: "Stripe a refusé cette facture. Lisez la raison donnée par Stripe ci-dessous, corrigez la facture récurrente avec Modifier, puis cliquez sur Réessayer.",
      detail: 'Détails : Stripe refused this invoice. Stripe said: "Received unknown parameter: foo"',
    });
    // A transient code is its own, not Stripe's generic refusal, although it starts with "stripe_".
    expect(explainRunFailure(fr, "stripe_unreachable", null)).toEqual({
      explanation: "Stripe n’a pas pu être joint. Ritournelle réessaie de lui-même ; s’il a abandonné, cliquez sur Réessayer dans quelques minutes.",
      detail: null,
    });
    expect(explainRunFailure(translator("en"), null, null).explanation).toBe(en["runError.unknown"]);
  });
});

describe("template field errors", () => {
  it("have an English and a French message for every code", () => {
    for (const locale of ["en", "fr"] as const) {
      for (const code of FORM_ERROR_CODES) {
        const text = MESSAGES[locale][`form.error.${code}`];
        expect({ locale, code, explained: typeof text === "string" && text.trim() !== "" }).toEqual({ locale, code, explained: true });
      }
    }
  });

  it("show dates in the merchant's language", () => {
    const problem = { code: "anchor_in_past", values: { date: { civilDate: "2026-01-03" }, earliest: { civilDate: "2026-01-10" } } } as const;
    expect(fieldErrorText(translator("en"), "en", problem)).toBe("The first invoice date, Jan 3, 2026, is in the past. Choose Jan 10, 2026 or a later date.");
    expect(fieldErrorText(translator("fr"), "fr", problem)).toBe(
      "La date de la première facture, 3 janv. 2026, est passée. Choisissez le 10 janv. 2026 ou une date ultérieure.",
    );
    expect(fieldErrorText(translator("fr"), "fr", "no_lines")).toBe(fr["form.error.no_lines"]);
  });
});
