/**
 * The demo shop's French B2B invoices, as e-invoice inputs: the scenarios
 * `npm run facturx:samples` writes and the validation tests check. The
 * identities are real-shaped (SIREN/SIRET/VAT keys valid) and fictitious.
 */
import type { BuyerCompany, EInvoiceInput, EInvoiceLineInput, SellerIdentity } from "../../app/domain/einvoice";
import { creditNoteOf } from "../../app/domain/einvoice-credit-note";

export const DEMO_SELLER: SellerIdentity = {
  name: "Atelier Ritournelle",
  legalForm: "SAS au capital de 10 000 €, RCS Paris 732 829 320",
  siren: "732829320",
  siret: "73282932000074",
  vatNumber: "FR44732829320",
  address: { line1: "12 rue des Petites Écuries", postalCode: "75010", city: "Paris", country: "FR" },
  electronicAddress: "732829320",
  vatOnDebits: false,
};

export const DEMO_BUYER: BuyerCompany = {
  name: "Librairie des Canuts SARL",
  siren: "443061841",
  vatNumber: "FR64443061841",
  address: { line1: "4 place Sathonay", postalCode: "69001", city: "Lyon", country: "FR" },
  electronicAddress: "443061841",
};

const vat = (rate: string) => [{ title: "TVA", ratePercent: rate, inclusive: true }];
const line = (description: string, unitAmount: number, nature: EInvoiceLineInput["nature"], extra: Partial<EInvoiceLineInput> = {}): EInvoiceLineInput => ({
  description,
  quantity: 1,
  unitAmount,
  discountAmount: 0,
  taxes: vat("20"),
  nature,
  ...extra,
});

const base = (number: string, lines: EInvoiceLineInput[]): EInvoiceInput => ({
  kind: "invoice",
  number,
  issueDate: "2026-12-01",
  dueDate: "2026-12-15",
  periodStart: "2026-12-01",
  periodEnd: "2026-12-31",
  currency: "EUR",
  seller: DEMO_SELLER,
  buyer: DEMO_BUYER,
  lines,
  paymentTerms: "Paiement à 14 jours, au plus tard le 15/12/2026, par carte ou prélèvement sur la page de la facture.",
  paymentUrl: "https://invoice.stripe.com/i/acct_demo/inv_demo",
});

export type Scenario = { name: string; input: EInvoiceInput };

export const SCENARIOS: Scenario[] = [
  { name: "services-only", input: base("RIT-2026-0001", [line("Abonnement atelier — décembre", 12000, "services")]) },
  { name: "goods-only", input: base("RIT-2026-0002", [line("Café en grains — 1 kg", 2490, "goods", { quantity: 3, taxes: vat("5.5") })]) },
  {
    name: "mixed",
    input: base("RIT-2026-0003", [line("Machine à café — location", 4500, "services"), line("Filtres papier", 890, "goods", { quantity: 2 })]),
  },
  { name: "line-discount", input: base("RIT-2026-0004", [line("Formation barista", 30000, "services", { quantity: 2, discountAmount: 6000 })]) },
  {
    name: "shipping",
    input: base("RIT-2026-0005", [line("Thé vert — 500 g", 1850, "goods", { quantity: 2, taxes: vat("5.5") }), line("Livraison Colissimo", 690, "goods")]),
  },
  {
    name: "two-vat-rates",
    input: base("RIT-2026-0006", [line("Café en grains — 1 kg", 2490, "goods", { taxes: vat("5.5") }), line("Tasse émaillée", 1500, "goods", { quantity: 4 })]),
  },
  {
    // The merchant voided RIT-2026-0001 (services-only) on 4 December: what Ritournelle issues instead of a silent void.
    name: "credit-note",
    input: creditNoteOf(base("RIT-2026-0001", [line("Abonnement atelier — décembre", 12000, "services")]), { number: "RIT-2026-0001", issueDate: "2026-12-01" }, "RIT-2026-0001-CN-01", "2026-12-04"),
  },
];
