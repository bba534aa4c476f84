/**
 * A French B2B e-invoice (EN 16931, CII) as numbers and codes, computed from
 * the same run lines the Stripe invoice is made of — pure, minor units only.
 *
 * How the invoice's amounts become EN 16931 amounts (which are net of VAT):
 * - each line is computed by {@link draftInvoice}, Stripe's arithmetic, so its
 *   tax and total are the Stripe invoice's to the cent;
 * - BT-131 (line net amount) = the line's amount net of VAT: the Stripe net
 *   minus its VAT when prices include VAT, the Stripe net otherwise;
 * - BG-23 (VAT breakdown) per rate: basis = Σ BT-131, tax = Σ the lines' VAT
 *   (Stripe rounds per line; CEN's BR-S-09 accepts that within one unit);
 * - BT-112 (total with VAT) = Σ basis + Σ tax = the Stripe invoice's total.
 * A credit note (type 381) carries the same lines and positive amounts.
 *
 * {@link einvoiceProblems} is the pre-flight check: what the reform's rules
 * would refuse, found before any provider call, each with the field to fix.
 */
import { draftInvoice, type TemplateLine } from "./invoice-draft";
import { siretProblem, sirenProblem, vatNumberProblem, compactIdentifier, type IdentifierProblem } from "./french-identifiers";

export type LineNature = "goods" | "services";

/** BT-23 of the French reform (cadre de facturation): goods B1, services S1, both M1. */
export type BusinessProcess = "B1" | "S1" | "M1";

export type PostalAddress = { line1: string; line2?: string; postalCode: string; city: string; country: string };

/** The seller's legal identity (Settings → Legal identity). */
export type SellerIdentity = {
  name: string;
  /** "SAS au capital de 10 000 €": printed with the identity, BT-33. */
  legalForm: string;
  siren: string;
  siret: string;
  vatNumber: string;
  address: PostalAddress;
  /** BT-34, scheme 0225 (the French directory's address: SIREN or SIREN_suffix). */
  electronicAddress: string;
  /** "Option pour le paiement de la taxe d'après les débits" (CGI art. 269-2-c), printed when chosen. */
  vatOnDebits: boolean;
};

/** The buyer's company identity (template → French business customer). */
export type BuyerCompany = {
  name: string;
  siren: string;
  vatNumber?: string;
  address: PostalAddress;
  electronicAddress: string;
  /** Only when it differs from `address`. */
  deliveryAddress?: PostalAddress;
};

export type EInvoiceLineInput = {
  description: string;
  quantity: number;
  unitAmount: number;
  discountAmount: number;
  taxes: { title: string; ratePercent: string; inclusive: boolean }[];
  nature: LineNature;
};

export type EInvoiceInput = {
  kind: "invoice" | "credit_note";
  /** BT-1: the Stripe invoice's (or credit note's) number. */
  number: string;
  /** Civil dates YYYY-MM-DD. */
  issueDate: string;
  dueDate: string;
  /** The billing period of every line (BT-134/135) and of the invoice (BT-73/74). */
  periodStart: string;
  periodEnd: string;
  currency: string;
  seller: SellerIdentity;
  buyer: BuyerCompany;
  lines: EInvoiceLineInput[];
  /** BT-20, e.g. "Payable sous 14 jours, au plus tard le 15/01/2027." */
  paymentTerms: string;
  /** Where the buyer pays (Stripe's hosted invoice page), when known. */
  paymentUrl?: string;
  /** A credit note's invoice (BG-3). */
  precedingInvoice?: { number: string; issueDate: string };
};

export type EInvoiceLine = EInvoiceLineInput & {
  id: string;
  /** Percent as written in the document ("20", "5.5"). */
  vatRate: string;
  /** BT-131, minor units, net of VAT. */
  netAmount: number;
  /** This line's VAT, minor units (Stripe's). */
  vatAmount: number;
  /** What Stripe charges for the line (VAT included). */
  grossTotal: number;
};

export type VatBreakdown = { rate: string; basis: number; tax: number };

export type EInvoice = {
  input: EInvoiceInput;
  typeCode: "380" | "381";
  process: BusinessProcess;
  lines: EInvoiceLine[];
  breakdown: VatBreakdown[];
  /** BT-106 = BT-109. */
  lineTotal: number;
  /** BT-110. */
  taxTotal: number;
  /** BT-112 = BT-115. */
  grandTotal: number;
};

/** The three notes every French B2B invoice carries (BR-FR-05), by subject code. */
export const MANDATORY_NOTES = {
  PMT: "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € (art. L441-10 du Code de commerce).",
  PMD: "Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de la date d'échéance.",
  AAB: "Pas d'escompte pour paiement anticipé.",
} as const;

/** The VAT rates of France, metropolitan and overseas (BR-FR-16 accepts these only). */
export const FRENCH_VAT_RATES: ReadonlySet<string> = new Set(["0", "0.9", "1.05", "1.75", "2.1", "5.5", "7", "8.5", "9.2", "9.6", "10", "13", "19.6", "20", "20.6"]);

/** "20.00" → "20", "5.50" → "5.5": how BR-FR-16 wants a rate written. */
export function canonicalRate(ratePercent: string): string {
  if (!/^\d+(\.\d+)?$/.test(ratePercent)) return ratePercent;
  const [whole = "0", fraction = ""] = ratePercent.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  return `${whole.replace(/^0+(?=\d)/, "")}${trimmed ? `.${trimmed}` : ""}`;
}

export function processOf(natures: readonly LineNature[]): BusinessProcess {
  const goods = natures.includes("goods");
  const services = natures.includes("services");
  return goods && services ? "M1" : goods ? "B1" : "S1";
}

/** Computes the document. Call {@link einvoiceProblems} first: this assumes one VAT rate per line. */
export function buildEInvoice(input: EInvoiceInput): EInvoice {
  const inclusive = input.lines.some((line) => line.taxes.some((tax) => tax.inclusive));
  const draft = draftInvoice({ currency: input.currency, lines: input.lines.map(templateLineOf), taxesIncluded: inclusive });
  const lines: EInvoiceLine[] = input.lines.map((line, index) => {
    const drafted = draft.lines[index]!;
    const vatAmount = drafted.taxes.reduce((acc, tax) => acc + tax.amount, 0);
    return {
      ...line,
      id: String(index + 1),
      vatRate: canonicalRate(line.taxes[0]?.ratePercent ?? "0"),
      netAmount: inclusive ? drafted.net - vatAmount : drafted.net,
      vatAmount,
      grossTotal: drafted.total,
    };
  });
  const rates = [...new Set(lines.map((line) => line.vatRate))];
  const breakdown = rates.map((rate) => {
    const atRate = lines.filter((line) => line.vatRate === rate);
    return { rate, basis: atRate.reduce((acc, l) => acc + l.netAmount, 0), tax: atRate.reduce((acc, l) => acc + l.vatAmount, 0) };
  });
  const lineTotal = lines.reduce((acc, l) => acc + l.netAmount, 0);
  const taxTotal = lines.reduce((acc, l) => acc + l.vatAmount, 0);
  return {
    input,
    typeCode: input.kind === "credit_note" ? "381" : "380",
    process: processOf(input.lines.map((line) => line.nature)),
    lines,
    breakdown,
    lineTotal,
    taxTotal,
    grandTotal: lineTotal + taxTotal,
  };
}

function templateLineOf(line: EInvoiceLineInput): TemplateLine {
  return {
    title: line.description,
    quantity: line.quantity,
    unitAmount: line.unitAmount,
    discountAmount: line.discountAmount,
    taxLines: line.taxes.map((tax) => ({ title: tax.title, ratePercent: tax.ratePercent })),
  };
}

// ---------------------------------------------------------------------------
// Pre-flight: what the reform's rules refuse, with the field to fix
// ---------------------------------------------------------------------------

export type EInvoiceProblemCode =
  | "required"
  | "siren_invalid"
  | "siren_key"
  | "siret_invalid"
  | "siret_key"
  | "siret_not_of_siren"
  | "vat_number_invalid"
  | "vat_number_key"
  | "vat_number_not_of_siren"
  | "electronic_address_not_of_siren"
  | "invoice_number_too_long"
  | "invoice_number_characters"
  | "vat_rate_not_french"
  | "one_vat_rate_per_line"
  | "currency_not_eur"
  | "date_invalid";

/** A field to fix: `field` is a path ("seller.siret", "buyer.siren", "lines.2.taxes"). */
export type EInvoiceProblem = { field: string; code: EInvoiceProblemCode; rule: string };

const INVOICE_NUMBER = /^[A-Za-z0-9+\-_/]+$/;

/**
 * Everything in `input` that the CEN, Factur-X or BR-FR rules (or the keys
 * they do not check) would refuse. Empty when the invoice may be issued.
 * `number` may be omitted before the provider assigned it.
 */
export function einvoiceProblems(input: Omit<EInvoiceInput, "number"> & { number?: string }): EInvoiceProblem[] {
  const { problems, add, required } = collector();
  if (input.number !== undefined) {
    if (input.number.length > 35) add("number", "invoice_number_too_long", "BR-FR-01");
    else if (!INVOICE_NUMBER.test(input.number)) add("number", "invoice_number_characters", "BR-FR-02");
  }
  if (input.currency !== "EUR") add("currency", "currency_not_eur", "BR-FR (EUR)");
  for (const [field, date] of [["issueDate", input.issueDate], ["dueDate", input.dueDate], ["periodStart", input.periodStart], ["periodEnd", input.periodEnd]] as const) {
    if (!/^20\d\d-\d\d-\d\d$/.test(date)) add(field, "date_invalid", "BR-FR-03");
  }

  for (const problem of sellerProblems(input.seller)) add(`seller.${problem.field}`, problem.code, problem.rule);
  for (const problem of buyerProblems(input.buyer)) add(`buyer.${problem.field}`, problem.code, problem.rule);

  if (input.lines.length === 0) add("lines", "required", "BR-16");
  input.lines.forEach((line, index) => {
    if (line.taxes.length !== 1) add(`lines.${index}.taxes`, "one_vat_rate_per_line", "BR-CO-04");
    else if (!FRENCH_VAT_RATES.has(canonicalRate(line.taxes[0]!.ratePercent))) add(`lines.${index}.taxes`, "vat_rate_not_french", "BR-FR-16");
  });
  required("paymentTerms", input.paymentTerms, "BR-CO-25");
  return problems;
}

type Add = (field: string, code: EInvoiceProblemCode, rule: string) => void;

function collector(): { problems: EInvoiceProblem[]; add: Add; required: (field: string, value: string | undefined, rule: string) => boolean } {
  const problems: EInvoiceProblem[] = [];
  const add: Add = (field, code, rule) => problems.push({ field, code, rule });
  const required = (field: string, value: string | undefined, rule: string) => {
    const present = Boolean(value && value.trim() !== "");
    if (!present) add(field, "required", rule);
    return present;
  };
  return { problems, add, required };
}

/** The seller identity's problems, by field ("siren", "address.city"): what Settings refuses. */
export function sellerProblems(seller: SellerIdentity): EInvoiceProblem[] {
  const { problems, add, required } = collector();
  required("name", seller.name, "BR-06");
  if (required("siren", seller.siren, "BR-FR-10")) identifier(add, "siren", sirenProblem(seller.siren), "siren", "BR-FR-10");
  if (required("siret", seller.siret, "BR-FR-09")) identifier(add, "siret", siretProblem(seller.siret, seller.siren), "siret", "BR-FR-09");
  if (required("vatNumber", seller.vatNumber, "BR-CO-26")) identifier(add, "vatNumber", vatNumberProblem(seller.vatNumber, seller.siren), "vat_number", "BR-CO-26");
  address(required, "address", seller.address);
  if (required("electronicAddress", seller.electronicAddress, "BR-FR-13") && !compactIdentifier(seller.electronicAddress).startsWith(compactIdentifier(seller.siren))) {
    // The directory (annuaire) gives each company addresses that start with its SIREN.
    add("electronicAddress", "electronic_address_not_of_siren", "annuaire");
  }
  return problems;
}

/** The buyer company's problems, by field: what the template form refuses. */
export function buyerProblems(buyer: BuyerCompany): EInvoiceProblem[] {
  const { problems, add, required } = collector();
  required("name", buyer.name, "BR-07");
  if (required("siren", buyer.siren, "BR-FR-11")) identifier(add, "siren", sirenProblem(buyer.siren), "siren", "BR-FR-11");
  if (buyer.vatNumber) identifier(add, "vatNumber", vatNumberProblem(buyer.vatNumber, buyer.siren), "vat_number", "BR-CO-26");
  address(required, "address", buyer.address);
  if (buyer.deliveryAddress) address(required, "deliveryAddress", buyer.deliveryAddress);
  if (required("electronicAddress", buyer.electronicAddress, "BR-FR-12") && !compactIdentifier(buyer.electronicAddress).startsWith(compactIdentifier(buyer.siren))) {
    add("electronicAddress", "electronic_address_not_of_siren", "BR-FR-21");
  }
  return problems;
}

function identifier(add: Add, field: string, problem: IdentifierProblem | null, kind: "siren" | "siret" | "vat_number", rule: string): void {
  if (problem === null) return;
  if (problem === "format") add(field, `${kind}_invalid`, rule);
  else if (problem === "key") add(field, `${kind}_key`, rule);
  else add(field, kind === "siret" ? "siret_not_of_siren" : "vat_number_not_of_siren", rule);
}

function address(required: (field: string, value: string | undefined, rule: string) => boolean, field: string, value: PostalAddress): void {
  required(`${field}.line1`, value.line1, "BR-FR (address)");
  required(`${field}.postalCode`, value.postalCode, "BR-FR (address)");
  required(`${field}.city`, value.city, "BR-FR (address)");
  if (!/^[A-Z]{2}$/.test(value.country)) required(`${field}.country`, "", "BR-09");
}
