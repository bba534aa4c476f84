import { describe, expect, it } from "vitest";
import { ENGLISH_PERSONAL_WORDS, detailWithoutPersonalData, withPersonalData, withoutPersonalData } from "~/domain/personal-text";

const CUSTOMER = { name: "Claire Martin", email: "claire.martin@example.fr", address: { line1: "12 rue des Lilas", city: "Lyon", postalCode: "69003", country: "FR" } };

describe("personal data in stored text", () => {
  it("stores the customer's values as placeholders, and any other e-mail address as a neutral one", () => {
    const stored = withoutPersonalData("Claire Martin (CLAIRE.MARTIN@example.fr, 12 rue des Lilas, Lyon) and bob@other.example refused; FR", CUSTOMER);
    expect(stored).toBe("{customer.name} ({customer.email}, {customer.address}, {customer.address}) and {email} refused; FR");
    expect(detailWithoutPersonalData({ step: "customer", message: "x claire.martin@example.fr", attempt: 2 }, CUSTOMER)).toEqual({
      step: "customer",
      message: "x {customer.email}",
      attempt: 2,
    });
  });

  it("scrubs every text of the same snapshot alike, and another customer's texts with that customer's values only", () => {
    // The patterns are compiled once per snapshot object and reused: each text starts from its beginning.
    const texts = ["Claire Martin", "again Claire Martin, Lyon", "Claire Martin"];
    expect(texts.map((text) => withoutPersonalData(text, CUSTOMER))).toEqual(["{customer.name}", "again {customer.name}, {customer.address}", "{customer.name}"]);
    const other = { name: "Jules Petit", email: "jules@example.fr" };
    expect(withoutPersonalData("Claire Martin paid for Jules Petit", other)).toBe("Claire Martin paid for {customer.name}");
  });

  it("renders the placeholders from the live snapshot, or as erased once the customer is redacted", () => {
    const stored = "The customer's email \"{customer.email}\" ({customer.name}) was refused; also {email}.";
    expect(withPersonalData(stored, CUSTOMER, ENGLISH_PERSONAL_WORDS)).toBe("The customer's email \"claire.martin@example.fr\" (Claire Martin) was refused; also an e-mail address.");
    expect(withPersonalData(stored, { name: "[redacted]", email: "[redacted]" }, ENGLISH_PERSONAL_WORDS)).toBe(
      "The customer's email \"[redacted]\" ([redacted]) was refused; also an e-mail address.",
    );
  });
});
