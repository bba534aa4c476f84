/**
 * Every Factur-X the app generates passes the official validators (CEN EN
 * 16931 CII, Factur-X 1.09 EN 16931, BR-FR Flux 2 1.4, the Factur-X XSD),
 * run independently of the generator (tests/helpers/einvoice-validator.ts);
 * and each French rule the merchant's data can break is reported by the
 * validator and refused by the app's pre-flight check, naming the field.
 */
import { describe, expect, it } from "vitest";
import { buildEInvoice, einvoiceProblems, type EInvoiceInput } from "~/domain/einvoice";
import { facturXml } from "~/services/documents/facturx-kit.server";
import { SCENARIOS } from "../../sandbox/demo/facturx-scenarios";
import { describeFindings, errorsOf, validateCii } from "../helpers/einvoice-validator";

const services = SCENARIOS.find((s) => s.name === "services-only")!.input;

async function errorsFor(input: EInvoiceInput) {
  return errorsOf(await validateCii(await facturXml(buildEInvoice(input))));
}

describe("generated Factur-X documents pass the official validators", () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: no error from the XSD, CEN, Factur-X or BR-FR rules`, async () => {
      expect(einvoiceProblems(scenario.input)).toEqual([]);
      const errors = await errorsFor(scenario.input);
      expect(errors, describeFindings(errors)).toEqual([]);
    });
  }
});

type BrokenCase = { name: string; input: EInvoiceInput; rule: RegExp; field: string };

const broken: BrokenCase[] = [
  {
    name: "SIRET not starting with the SIREN",
    input: { ...services, seller: { ...services.seller, siret: "55210055400013" } },
    rule: /BR-FR-09/,
    field: "seller.siret",
  },
  { name: "invoice number over 35 characters", input: { ...services, number: "RIT-" + "9".repeat(32) }, rule: /BR-FR-01/, field: "number" },
  { name: "invoice number with a forbidden character", input: { ...services, number: "RIT 2026#1" }, rule: /BR-FR-02/, field: "number" },
  {
    name: "a VAT rate France does not have",
    input: { ...services, lines: [{ ...services.lines[0]!, taxes: [{ title: "TVA", ratePercent: "19", inclusive: true }] }] },
    rule: /BR-FR-16/,
    field: "lines.0.taxes",
  },
  {
    name: "buyer electronic address not of the buyer's SIREN",
    input: { ...services, buyer: { ...services.buyer, electronicAddress: "552100554" } },
    rule: /BR-FR-21/,
    field: "buyer.electronicAddress",
  },
];

describe("data that breaks a French rule: the validator reports it and the pre-flight refuses it", () => {
  for (const testCase of broken) {
    it(testCase.name, async () => {
      const errors = await errorsFor(testCase.input);
      expect(errors.map((e) => `${e.id} ${e.text}`).join("\n")).toMatch(testCase.rule);
      expect(einvoiceProblems(testCase.input).map((problem) => problem.field)).toContain(testCase.field);
    });
  }

  // factur-x-kit refuses to write an empty legal id at all, so the validator is shown the document without it.
  const withoutLegalId = (xml: string, party: "SellerTradeParty" | "BuyerTradeParty") =>
    xml.replace(new RegExp(`(<ram:${party}>[\\s\\S]*?)<ram:SpecifiedLegalOrganization>[\\s\\S]*?</ram:SpecifiedLegalOrganization>`), "$1");

  for (const [party, side, rule] of [["SellerTradeParty", "seller", /BR-FR-10/], ["BuyerTradeParty", "buyer", /BR-FR-11/]] as const) {
    it(`missing ${side} SIREN`, async () => {
      const xml = await facturXml(buildEInvoice(services));
      const tampered = withoutLegalId(xml, party);
      expect(tampered).not.toBe(xml);
      const errors = errorsOf(await validateCii(tampered));
      expect(errors.map((e) => `${e.id} ${e.text}`).join("\n")).toMatch(rule);
      const input = { ...services, [side]: { ...services[side], siren: "" } };
      expect(einvoiceProblems(input).map((problem) => problem.field)).toContain(`${side}.siren`);
    });
  }

  it("a total off by one cent is reported by the CEN rules (BR-CO-15)", async () => {
    const xml = await facturXml(buildEInvoice(services));
    const tampered = xml.replace(/<ram:GrandTotalAmount>([\d.]+)<\/ram:GrandTotalAmount>/, (_, amount: string) => `<ram:GrandTotalAmount>${(Number(amount) + 0.01).toFixed(2)}</ram:GrandTotalAmount>`);
    expect(tampered).not.toBe(xml);
    const errors = errorsOf(await validateCii(tampered));
    expect(errors.map((e) => e.id)).toContain("BR-CO-15");
  });
});
