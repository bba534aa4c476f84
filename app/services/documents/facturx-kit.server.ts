/**
 * The one place that speaks factur-x-kit (MIT, https://github.com/NikolaiMe/factur-x-kit):
 * our {@link EInvoice} → its EN 16931 ("Comfort") profile object → a PDF/A-3
 * with `factur-x.xml` embedded (`/AF`, AFRelationship Alternative, XMP
 * `pdfaid` + Factur-X extension schema, OpenSans embedded, sRGB output intent).
 *
 * Gaps of factur-x-kit 0.3.1 patched here (each covered by a test that runs
 * the official validators, tests/integration/facturx-validation.test.ts;
 * upstream-worthy, listed in the README):
 * 1. VAT rates are written with two decimals ("20.00", "5.50"); BR-FR-16
 *    compares the text with its list ("20", "5.5"): {@link patchXml} rewrites
 *    every `RateApplicablePercent` to its canonical spelling.
 * 2. The XMP packet interpolates the seller's name and the invoice number
 *    without escaping: a "&" in a shop's name makes the metadata invalid XML
 *    (a broken PDF/A). We pass them XML-escaped.
 */
import { FacturX, PROFILES, type ComfortProfile } from "factur-x-kit";
import { canonicalRate, MANDATORY_NOTES, type EInvoice, type PostalAddress } from "~/domain/einvoice";
import { compactIdentifier } from "~/domain/french-identifiers";

type Profile = ComfortProfile;
type KitDate = { year: number; month: number; day: number };

/** The CII XML (patched) of an e-invoice. */
export async function facturXml(invoice: EInvoice): Promise<string> {
  const kit = await FacturX.fromObject(profileOf(invoice));
  return patchXml(await kit.getXML());
}

/** The Factur-X PDF/A-3 of an e-invoice, with its visible page in French. */
export async function facturXPdf(invoice: EInvoice): Promise<{ pdf: Uint8Array; xml: string }> {
  const kit = await FacturX.fromObject(profileOf(invoice));
  const xml = patchXml(await kit.getXML());
  // getPDF embeds what getXML returns: hand it the patched document.
  Object.assign(kit, { getXML: () => Promise.resolve(xml) });
  const pdf = await kit.getPDF({ locale: "fr-FR" });
  return { pdf, xml };
}

/** Gap 1: "20.00" → "20" in every VAT rate (BR-FR-16 compares text). */
export function patchXml(xml: string): string {
  return xml.replace(/<ram:RateApplicablePercent>([^<]*)<\/ram:RateApplicablePercent>/g, (_, rate: string) => `<ram:RateApplicablePercent>${canonicalRate(rate.trim())}</ram:RateApplicablePercent>`);
}

/** Gap 2: the library writes some values into XMP unescaped. */
function xmpSafe(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const dateOf = (civil: string): KitDate => {
  const [year, month, day] = civil.split("-").map(Number) as [number, number, number];
  return { year, month, day };
};

/** Minor units of EUR → the library's decimal number (the only float crossing, at serialisation). */
const eur = (minor: number): number => minor / 100;

function addressOf(address: PostalAddress) {
  return {
    addressLineOne: address.line1,
    ...(address.line2 ? { addressLineTwo: address.line2 } : {}),
    postcode: address.postalCode,
    city: address.city,
    country: address.country,
  } as Profile["seller"]["postalAddress"];
}

function profileOf(invoice: EInvoice): Profile {
  const { input } = invoice;
  const seller = input.seller;
  const buyer = input.buyer;
  const notes: Profile["document"]["notes"] = [
    { content: MANDATORY_NOTES.PMT, subject: "PMT" as never },
    { content: MANDATORY_NOTES.PMD, subject: "PMD" as never },
    { content: MANDATORY_NOTES.AAB, subject: "AAB" as never },
    // The French treatment (BR-FR-20/31): business to business, so BR-FR-11/21 apply.
    { content: "B2B", subject: "BAR" as never },
  ];
  if (seller.vatOnDebits) notes.push({ content: "Option pour le paiement de la taxe d'après les débits.", subject: "TXD" as never });
  const hasServices = input.lines.some((line) => line.nature === "services");
  const dueDateTypeCode = seller.vatOnDebits ? "5" : hasServices ? "72" : undefined;
  const period = { startDate: dateOf(input.periodStart), endDate: dateOf(input.periodEnd) };

  return {
    profile: PROFILES.COMFORT,
    businessProcessType: invoice.process,
    document: {
      id: xmpSafe(input.number),
      type: invoice.typeCode as never,
      dateOfIssue: dateOf(input.issueDate),
      currency: "EUR" as never,
      notes,
    },
    seller: {
      name: xmpSafe(seller.name),
      globalId: [{ id: compactIdentifier(seller.siret), scheme: "0009" as never }],
      specifiedLegalOrganization: { id: { id: compactIdentifier(seller.siren), scheme: "0002" as never } },
      postalAddress: addressOf(seller.address),
      universalCommunicationAddressURI: { id: compactIdentifier(seller.electronicAddress), scheme: "0225" as never },
      taxIdentification: { vatId: compactIdentifier(seller.vatNumber) },
      ...(seller.legalForm ? { otherLegalInformation: seller.legalForm } : {}),
    },
    buyer: {
      name: buyer.name,
      specifiedLegalOrganization: { id: { id: compactIdentifier(buyer.siren), scheme: "0002" as never } },
      postalAddress: addressOf(buyer.address),
      universalCommunicationAddressURI: { id: compactIdentifier(buyer.electronicAddress), scheme: "0225" as never },
      ...(buyer.vatNumber ? { taxIdentification: { vatId: compactIdentifier(buyer.vatNumber) } } : {}),
    },
    ...(input.precedingInvoice
      ? { referencedDocuments: { referencedInvoice: [{ documentId: input.precedingInvoice.number, issueDate: dateOf(input.precedingInvoice.issueDate) }] } }
      : {}),
    delivery: {
      ...(buyer.deliveryAddress ? { recipient: { name: buyer.name, postalAddress: addressOf(buyer.deliveryAddress) } } : {}),
      billingPeriod: period,
    },
    paymentInformation: {
      paymentMeans: [{ paymentType: "68" as never, description: input.paymentUrl ? `Paiement en ligne : ${input.paymentUrl}` : "Paiement en ligne" }],
      paymentTerms: { description: input.paymentTerms, dueDate: dateOf(input.dueDate) },
    },
    totals: {
      sumWithoutAllowancesAndCharges: eur(invoice.lineTotal),
      netTotal: eur(invoice.lineTotal),
      taxBreakdown: invoice.breakdown.map((group) => ({
        calculatedAmount: eur(group.tax),
        typeCode: "VAT" as never,
        basisAmount: eur(group.basis),
        categoryCode: "S" as never,
        rateApplicablePercent: Number(group.rate),
        ...(dueDateTypeCode ? { dueDateTypeCode: dueDateTypeCode as never } : {}),
      })),
      taxTotal: [{ amount: eur(invoice.taxTotal), currency: "EUR" as never }],
      grossTotal: eur(invoice.grandTotal),
      openAmount: eur(invoice.grandTotal),
    },
    invoiceLines: invoice.lines.map((line) => ({
      generalLineData: { lineId: line.id },
      productDescription: { name: line.description },
      productPriceAgreement: { productNetPricing: { netPricePerItem: unitPrice(line.netAmount, line.quantity) } },
      delivery: { itemQuantity: { quantity: line.quantity, unit: (line.nature === "goods" ? "H87" : "C62") as never } },
      settlement: {
        tax: { typeCode: "VAT" as never, categoryCode: "S" as never, rateApplicablePercent: Number(line.vatRate) },
        billingPeriod: period,
        lineTotals: { netTotal: eur(line.netAmount) },
      },
    })),
  } as Profile;
}

/** BT-146 net price per unit, net of VAT and discount, to 4 decimals (EN 16931 allows them). */
function unitPrice(netMinor: number, quantity: number): number {
  return Math.round((netMinor * 100) / quantity) / 10000;
}
