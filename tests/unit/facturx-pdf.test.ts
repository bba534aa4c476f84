/**
 * The Factur-X PDF's structure, as far as it can be checked offline (no
 * PDF/A validator is reachable here, see the README): the CII XML embedded
 * as factur-x.xml and referenced from the catalog's /AF with
 * /AFRelationship /Alternative, the XMP declaring PDF/A-3 and the Factur-X
 * extension schema with the EN 16931 profile, every font embedded.
 */
import { describe, expect, it } from "vitest";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFStream, decodePDFRawStream } from "pdf-lib";
import { buildEInvoice } from "~/domain/einvoice";
import { facturXPdf } from "~/services/documents/facturx-kit.server";
import { SCENARIOS } from "../../sandbox/demo/facturx-scenarios";

function text(stream: unknown): string {
  if (!(stream instanceof PDFRawStream)) throw new Error("expected a stream");
  return new TextDecoder().decode(decodePDFRawStream(stream).decode());
}

describe("the Factur-X PDF/A-3", () => {
  it("embeds the CII XML as factur-x.xml, declared in /AF and in the XMP", async () => {
    const { pdf, xml } = await facturXPdf(buildEInvoice(SCENARIOS.find((s) => s.name === "two-vat-rates")!.input));
    const doc = await PDFDocument.load(pdf);
    const catalog = doc.catalog;

    const af = catalog.lookup(PDFName.of("AF"), PDFArray);
    expect(af.size()).toBe(1);
    const spec = af.lookup(0, PDFDict);
    expect(spec.get(PDFName.of("AFRelationship"))).toBe(PDFName.of("Alternative"));
    expect(spec.lookup(PDFName.of("F"))?.toString()).toContain("factur-x.xml");
    const embedded = spec.lookup(PDFName.of("EF"), PDFDict).lookup(PDFName.of("F"));
    expect(text(embedded)).toBe(xml);

    const xmp = text(catalog.lookup(PDFName.of("Metadata")));
    expect(xmp).toContain("<pdfaid:part>3</pdfaid:part>");
    expect(xmp).toMatch(/<fx:DocumentFileName>factur-x\.xml<\/fx:DocumentFileName>/);
    expect(xmp).toMatch(/<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
    expect(xmp).toContain("urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#");

    const fonts = doc.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFDict => object instanceof PDFDict && !(object instanceof PDFStream) && object.get(PDFName.of("Type")) === PDFName.of("FontDescriptor"));
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font.has(PDFName.of("FontFile2")) || font.has(PDFName.of("FontFile3"))).toBe(true);
    expect(catalog.has(PDFName.of("OutputIntents"))).toBe(true);
  });
});
