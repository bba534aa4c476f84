import { describe, expect, it } from "vitest";
import { frenchVatNumber, luhnValid, sirenProblem, siretProblem, vatNumberProblem } from "~/domain/french-identifiers";

describe("French company identifiers", () => {
  it("accepts a SIREN whose Luhn key is right, typed with spaces or not", () => {
    expect(sirenProblem("732829320")).toBeNull();
    expect(sirenProblem("732 829 320")).toBeNull();
  });

  it("refuses a SIREN with one digit wrong, or of the wrong length", () => {
    expect(sirenProblem("732829321")).toBe("key");
    expect(sirenProblem("73282932")).toBe("format");
    expect(sirenProblem("73282932A")).toBe("format");
  });

  it("accepts a SIRET of its SIREN and refuses one of another company", () => {
    expect(siretProblem("732 829 320 00074", "732829320")).toBeNull();
    expect(siretProblem("55210055400013", "732829320")).toBe("siren_mismatch");
    expect(siretProblem("73282932000075")).toBe("key");
  });

  it("applies La Poste's exception: digit sum a multiple of 5 rather than Luhn", () => {
    expect(luhnValid("35600000049837")).toBe(false);
    expect(siretProblem("35600000049837", "356000000")).toBeNull();
    expect(siretProblem("35600000049838", "356000000")).toBe("key");
  });

  it("computes and checks the French VAT key", () => {
    expect(frenchVatNumber("732829320")).toBe("FR44732829320");
    expect(vatNumberProblem("FR 44 732829320", "732829320")).toBeNull();
    expect(vatNumberProblem("FR45732829320")).toBe("key");
    expect(vatNumberProblem("FR96552100554", "732829320")).toBe("siren_mismatch");
    expect(vatNumberProblem("44732829320")).toBe("format");
  });

  it("checks only the shape of another EU country's VAT number", () => {
    expect(vatNumberProblem("DE123456789")).toBeNull();
    expect(vatNumberProblem("DE1")).toBe("format");
  });
});
