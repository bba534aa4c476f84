import { createHash } from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream, type PDFHexString, type PDFString } from "pdf-lib";
import { canonicalJson, DOCUMENT_ATTACHMENT_NAME, documentHash, type SignatureDocument } from "~/domain/signature-document";
import { utcStamp } from "~/domain/signing";
import { translator, type Locale } from "~/i18n";
import { UnreadableSignatureImage, assertReadablePng } from "~/services/signing/signed-pdf/readable-png.server";
import { renderSignedPdf, type SignedPdfInput } from "~/services/signing/signed-pdf/render-signed-pdf.server";
import { DOCUMENT, pdfText, png, signaturePng } from "../helpers/signing";

const SIGNED_AT = new Date("2026-11-28T09:41:07.123Z");

async function input(overrides: { locale?: Locale; document?: SignatureDocument; image?: Uint8Array; signerName?: string } = {}): Promise<SignedPdfInput> {
  const locale = overrides.locale ?? "en";
  const document = overrides.document ?? DOCUMENT;
  return {
    locale,
    t: translator(locale),
    document,
    documentHash: await documentHash(document),
    signature: {
      id: "sig_4fJk2LmQ9xTz0aBc",
      signerName: overrides.signerName ?? "Élodie Martin",
      signerEmail: "elodie@example.fr",
      ipAddress: "203.0.113.7",
      userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
      image: overrides.image ?? signaturePng(),
      consentVersion: "v1",
      consentText: translator(locale)("sign.consent.v1"),
      signedAt: SIGNED_AT,
    },
    trail: [
      { at: new Date("2026-11-27T08:00:00Z"), label: "Signing link issued" },
      { at: new Date("2026-11-27T08:00:05Z"), label: "Invoice sent" },
      { at: new Date("2026-11-28T09:38:00Z"), label: "Invoice shown for signature", detail: "203.0.113.7" },
      { at: SIGNED_AT, label: "Signed", detail: "203.0.113.7" },
    ],
    verifyUrl: "https://ritournelle.test/verify",
  };
}

/** The files attached to the PDF (its EmbeddedFiles name tree), by name. */
async function attachments(bytes: Uint8Array): Promise<Map<string, string>> {
  const pdf = await PDFDocument.load(bytes);
  const names = pdf.catalog.lookup(PDFName.of("Names"), PDFDict);
  const tree = names.lookup(PDFName.of("EmbeddedFiles"), PDFDict);
  const entries = tree.lookup(PDFName.of("Names"), PDFArray);
  const files = new Map<string, string>();
  for (let i = 0; i < entries.size(); i += 2) {
    const name = entries.lookup(i) as PDFString | PDFHexString;
    const spec = entries.lookup(i + 1, PDFDict);
    const stream = spec.lookup(PDFName.of("EF"), PDFDict).lookup(PDFName.of("F"));
    if (!(stream instanceof PDFRawStream)) throw new Error("attachment without a stream");
    files.set(name.decodeText(), Buffer.from(decodePDFRawStream(stream).decode()).toString("utf8"));
  }
  return files;
}

/** A PNG's chunks: [type, body][]. */
function chunksOf(png: Buffer): [string, Buffer][] {
  const chunks: [string, Buffer][] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    chunks.push([png.toString("latin1", offset + 4, offset + 8), png.subarray(offset + 8, offset + 8 + length)]);
    offset += 12 + length;
  }
  return chunks;
}

function chunk(type: string, body: Buffer, crcDelta = 0): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((zlib.crc32(Buffer.concat([Buffer.from(type, "latin1"), body])) + crcDelta) >>> 0);
  return Buffer.concat([length, Buffer.from(type, "latin1"), body, crc]);
}

function assemble(chunks: Buffer[]): Buffer {
  return Buffer.concat([signaturePng().subarray(0, 8), ...chunks]);
}

/** The PNG with chunk `type`'s body replaced (CRC recomputed, so only the content is wrong). */
function withChunk(png: Buffer, type: string, body: Buffer): Buffer {
  return assemble(chunksOf(png).map(([name, data]) => chunk(name, name === type ? body : data)));
}

describe("assertReadablePng", () => {
  const good = signaturePng();
  const ihdr = chunksOf(good)[0]![1];
  const ihdrWith = (index: number, value: number) => {
    const copy = Buffer.from(ihdr);
    copy[index] = value;
    return copy;
  };
  const rowBytes = 1 + 300 * 4;

  it("accepts what a canvas exports", () => {
    expect(() => assertReadablePng(good)).not.toThrow();
    expect(() => assertReadablePng(png(2, 2, () => true))).not.toThrow();
  });

  it.each([
    ["no PNG signature", Buffer.from("GIF89a............................")],
    ["a corrupted CRC", assemble(chunksOf(good).map(([name, data]) => chunk(name, data, name === "IDAT" ? 1 : 0)))],
    ["bytes after IEND", Buffer.concat([good, Buffer.from("trailing")])],
    ["a truncated file", good.subarray(0, good.length - 20)],
    ["16-bit samples", withChunk(good, "IHDR", ihdrWith(8, 16))],
    ["a palette image", withChunk(good, "IHDR", ihdrWith(9, 3))],
    ["an interlaced image", withChunk(good, "IHDR", ihdrWith(12, 1))],
    ["no IDAT", assemble(chunksOf(good).filter(([name]) => name !== "IDAT").map(([name, data]) => chunk(name, data)))],
    ["data that is not deflate", withChunk(good, "IDAT", Buffer.from("not deflate data at all"))],
    ["too few pixels for its size", withChunk(good, "IDAT", zlib.deflateSync(Buffer.alloc(rowBytes * 119)))],
    ["a decompression bomb", withChunk(good, "IDAT", zlib.deflateSync(Buffer.alloc(50_000_000)))],
    ["an unknown row filter", withChunk(good, "IDAT", zlib.deflateSync(Buffer.alloc(rowBytes * 120, 7)))],
  ])("refuses %s", (_label, bytes) => {
    expect(() => assertReadablePng(bytes)).toThrow(UnreadableSignatureImage);
  });
});

describe("renderSignedPdf", () => {
  it("parses back with pdf-lib: the invoice with its signature, then the certificate with the audit trail", async () => {
    const given = await input();
    const { bytes, sha256 } = await renderSignedPdf(given);
    expect(sha256).toBe(createHash("sha256").update(bytes).digest("hex"));

    const pages = await pdfText(bytes);
    expect(pages).toHaveLength(2);
    const [invoice = "", certificate = ""] = pages;
    expect(invoice).toContain("Atelier Dupont");
    expect(invoice).toContain("Invoice ATEL-0001");
    expect(invoice).toContain("Due on Dec 11, 2026");
    expect(invoice).toContain("Entretien chaudière");
    expect(invoice).toContain("€120.00");
    expect(invoice).toContain("TVA 20% (included)");
    expect(invoice).toContain("€110.00");
    expect(invoice).toContain("Signed electronically by Élodie Martin on 2026-11-28 09:41:07 UTC");

    expect(certificate).toContain("Certificate of electronic signature");
    expect(certificate).toContain("sig_4fJk2LmQ9xTz0aBc");
    expect(certificate).toContain(given.documentHash);
    expect(certificate).toContain("203.0.113.7");
    expect(certificate).toContain("elodie@example.fr");
    expect(certificate).toContain("Mobile/15E148"); // the user agent, wrapped over lines
    expect(certificate).toContain("v1 (en): I have read this invoice");
    for (const entry of given.trail) {
      expect(certificate).toContain(entry.label);
      expect(certificate).toContain(utcStamp(entry.at));
    }
    expect(certificate).toContain("https://ritournelle.test/verify");

    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getSubject()).toBe(`sig_4fJk2LmQ9xTz0aBc sha256:${given.documentHash}`);
    expect(pdf.getCreationDate()?.toISOString()).toBe("2026-11-28T09:41:07.000Z");
  });

  it("attaches the canonical document, whose SHA-256 is the hash printed on the certificate", async () => {
    const given = await input();
    const files = await attachments((await renderSignedPdf(given)).bytes);
    const json = files.get(DOCUMENT_ATTACHMENT_NAME);
    expect(json).toBe(canonicalJson(DOCUMENT));
    expect(createHash("sha256").update(json ?? "", "utf8").digest("hex")).toBe(given.documentHash);
  });

  it("is deterministic: the same signature gives the same bytes", async () => {
    const first = await renderSignedPdf(await input());
    const second = await renderSignedPdf(await input());
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it("speaks the signer's language", async () => {
    const [invoice = "", certificate = ""] = await pdfText((await renderSignedPdf(await input({ locale: "fr" }))).bytes);
    expect(invoice).toContain("Facture ATEL-0001");
    expect(invoice).toContain("À régler avant le 11 déc. 2026");
    expect(invoice).toContain("110,00 €");
    expect(invoice).toContain("TVA 20 % (incluse)");
    expect(certificate).toContain("Certificat de signature électronique");
    expect(certificate).toContain("v1 (fr): J'ai lu cette facture");
  });

  it("draws characters the standard fonts lack as '?' and keeps them exact in the attached document", async () => {
    const document: SignatureDocument = { ...DOCUMENT, customer: { name: "山田太郎", email: "taro@example.jp" }, merchant: { name: "Café ☕ Paris" } };
    const { bytes } = await renderSignedPdf(await input({ document, signerName: "山田 太郎" }));
    const [invoice = ""] = await pdfText(bytes);
    expect(invoice).toContain("Café ? Paris");
    expect(invoice).toContain("Signed electronically by ?? ?? on");
    expect((await attachments(bytes)).get(DOCUMENT_ATTACHMENT_NAME)).toContain("山田太郎");
  });

  it("continues on new pages when the lines do not fit on one", async () => {
    const lines = Array.from({ length: 90 }, (_, i) => ({ description: `Intervention n°${i + 1}`, quantity: 1, unitAmount: 1000, amount: 1000, discount: 0 }));
    const document: SignatureDocument = { ...DOCUMENT, lines, totals: { subtotal: 90_000, discount: 0, taxes: [], total: 90_000 } };
    const pages = await pdfText((await renderSignedPdf(await input({ document }))).bytes);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.join("\n")).toContain("Intervention n°90");
    expect(pages.at(-1)).toContain("Certificate of electronic signature");
  });

  it("refuses a PNG whose header is right but whose image data is not, quickly (pdf-lib's decoder would loop forever on it)", async () => {
    const started = Date.now();
    await expect(renderSignedPdf(await input({ image: withChunk(signaturePng(), "IDAT", Buffer.from("not deflate data at all")) }))).rejects.toBeInstanceOf(
      UnreadableSignatureImage,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

});
