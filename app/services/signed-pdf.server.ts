// The signed PDF: the invoice as the customer saw it, their signature, and a
// certificate page with the audit trail. Made once, at signing, with pdf-lib;
// the bytes are stored with their SHA-256 so /verify can tell an untouched
// copy from an altered one.
//
// The canonical invoice document (the JSON whose SHA-256 the signature is
// bound to) is attached to the PDF as `invoice-document.json`, so anyone
// holding the file can recompute the document hash printed on the certificate.
//
// Fonts: the PDF standard fonts (no font file to ship or embed). They encode
// WinAnsi only (Latin-1 plus a few signs, € included): any other character is
// drawn as "?" in the PDF. The attached JSON and the stored data keep the
// exact text; the hash never depends on the rendering.
import zlib from "node:zlib";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFImage, type PDFPage } from "pdf-lib";
import type { SignatureDocument } from "~/domain/signature-document";
import { sha256Hex, canonicalJson } from "~/domain/signature-document";
import { formatMoney } from "~/domain/money";
import { formatCivilDate, intlLocale } from "~/i18n/format";
import type { Locale, Translate } from "~/i18n";

export const ATTACHMENT_NAME = "invoice-document.json";

/** One line of the certificate's audit trail. */
export type TrailEntry = { at: Date; label: string; detail?: string };

export type SignedPdfInput = {
  locale: Locale;
  t: Translate;
  document: SignatureDocument;
  documentHash: string;
  signature: {
    id: string;
    signerName: string;
    signerEmail: string | null;
    ipAddress: string;
    userAgent: string;
    /** PNG bytes from the pad. */
    image: Uint8Array;
    consentVersion: string;
    consentText: string;
    signedAt: Date;
  };
  trail: TrailEntry[];
  /** Where the file can be checked: `${appUrl}/verify`. */
  verifyUrl: string;
};

export type SignedPdf = { bytes: Uint8Array<ArrayBuffer>; sha256: string };

/** The pad's PNG could not be decoded (its header looked right, its body did not). */
export class UnreadableSignatureImage extends Error {
  override readonly name = "UnreadableSignatureImage";
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Channels per colour type a canvas exports: 2 = RGB, 6 = RGBA. */
const CHANNELS: Record<number, number> = { 2: 3, 6: 4 };

/**
 * Proves a PNG is well formed before pdf-lib decodes it: pdf-lib's decoder
 * loops forever on some corrupt compressed data, so a hostile upload must
 * never reach it. Accepts what a canvas exports — 8-bit RGB or RGBA, not
 * interlaced — and checks every chunk's length and CRC, IHDR first and IEND
 * last, and that the image data inflates (zlib, capped) to exactly one
 * filter byte (0–4) plus the pixels of each row.
 * @throws UnreadableSignatureImage naming the first problem.
 */
export function assertReadablePng(bytes: Uint8Array): void {
  const png = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (problem: string): never => {
    throw new UnreadableSignatureImage(`the signature image is not a readable PNG: ${problem}`);
  };
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) fail("no PNG signature");
  let offset = 8;
  let header: { width: number; height: number; channels: number } | null = null;
  const data: Buffer[] = [];
  let ended = false;
  while (offset < png.length) {
    if (ended) fail("bytes after IEND");
    if (offset + 12 > png.length) fail("truncated chunk");
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    if (offset + 12 + length > png.length) fail(`truncated ${type}`);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (zlib.crc32(png.subarray(offset + 4, offset + 8 + length)) !== png.readUInt32BE(offset + 8 + length)) fail(`bad CRC in ${type}`);
    if (header === null && type !== "IHDR") fail("IHDR is not first");
    if (type === "IHDR") {
      if (header !== null || length !== 13) fail("bad IHDR");
      const [depth, colour, compression, filter, interlace] = body.subarray(8, 13);
      const channels = CHANNELS[colour ?? -1];
      if (depth !== 8 || channels === undefined || compression !== 0 || filter !== 0 || interlace !== 0) fail("not an 8-bit RGB(A), non-interlaced PNG");
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), channels: channels as number };
    } else if (type === "IDAT") {
      data.push(body);
    } else if (type === "IEND") {
      ended = true;
    }
    offset += 12 + length;
  }
  if (!header || !ended || data.length === 0) fail("missing IHDR, IDAT or IEND");
  const { width, height, channels } = header as { width: number; height: number; channels: number };
  const rowBytes = 1 + width * channels;
  const expected = rowBytes * height;
  let pixels: Buffer = Buffer.alloc(0);
  try {
    // Capped one byte past the expected size: a decompression bomb stops there.
    pixels = zlib.inflateSync(Buffer.concat(data), { maxOutputLength: expected + 1 });
  } catch {
    fail("image data does not inflate");
  }
  if (pixels.length !== expected) fail("image data does not match its size");
  for (let row = 0; row < height; row += 1) if ((pixels[row * rowBytes] as number) > 4) fail("unknown row filter");
}

/** "2026-11-27 09:41:07 UTC": certificate times are UTC, to the second, whatever the page's language. */
export function utcStamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * Renders the signed PDF and hashes it. Deterministic: the same input gives
 * the same bytes (document dates are the signing time, not "now").
 * @throws UnreadableSignatureImage when the PNG does not decode (see {@link assertReadablePng}).
 */
export async function renderSignedPdf(input: SignedPdfInput): Promise<SignedPdf> {
  assertReadablePng(input.signature.image);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  let image: PDFImage;
  try {
    image = await pdf.embedPng(input.signature.image);
  } catch (error) {
    throw new UnreadableSignatureImage("the signature image is not a readable PNG", { cause: error });
  }
  const fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    mono: await pdf.embedFont(StandardFonts.Courier),
  };
  const writer = new Writer(pdf, fonts);
  drawInvoice(writer, input, image);
  writer.newPage();
  drawCertificate(writer, input);

  const { document, signature, t } = input;
  const signedAt = signature.signedAt;
  await pdf.attach(new TextEncoder().encode(canonicalJson(document)), ATTACHMENT_NAME, {
    mimeType: "application/json",
    description: t("sign.pdf.attachment"),
    creationDate: signedAt,
    modificationDate: signedAt,
  });
  pdf.setTitle(t("sign.pdf.title", { number: document.invoice.number }));
  pdf.setSubject(`${signature.id} sha256:${input.documentHash}`);
  pdf.setKeywords(["ritournelle-signature", signature.id, input.documentHash]);
  pdf.setAuthor(document.merchant.name);
  pdf.setProducer("Ritournelle");
  pdf.setCreator("Ritournelle");
  pdf.setCreationDate(signedAt);
  pdf.setModificationDate(signedAt);
  pdf.setLanguage(input.locale);
  // A copy on a plain ArrayBuffer: what a Bytes column and a Response body take.
  const bytes = new Uint8Array(await pdf.save());
  return { bytes, sha256: await sha256Hex(bytes) };
}

function drawInvoice(w: Writer, input: SignedPdfInput, image: PDFImage): void {
  const { document, t, locale, signature } = input;
  const money = (amount: number) => formatMoney(amount, document.invoice.currency, intlLocale(locale));
  w.text(document.merchant.name, { font: "bold", size: 18 });
  w.text(t("sign.pdf.invoice", { number: document.invoice.number }), { size: 13 });
  if (document.invoice.issuedOn) w.text(t("sign.issuedOn", { date: formatCivilDate(document.invoice.issuedOn, locale) }), { size: 10 });
  if (document.invoice.dueOn) w.text(t("sign.dueOn", { date: formatCivilDate(document.invoice.dueOn, locale) }), { size: 10 });
  w.gap(8);
  const customer = [document.customer.name, document.customer.email].filter(Boolean).join(" · ");
  if (customer) w.text(`${t("sign.billedTo")} ${customer}`, { size: 10 });
  w.gap(12);

  const columns = [
    { width: 0.52, align: "left" as const },
    { width: 0.1, align: "right" as const },
    { width: 0.19, align: "right" as const },
    { width: 0.19, align: "right" as const },
  ];
  w.row(columns, [t("sign.col.description"), t("sign.col.quantity"), t("sign.col.unitPrice"), t("sign.col.amount")], { font: "bold" });
  w.rule();
  for (const line of document.lines) {
    w.row(columns, [line.description, String(line.quantity), line.unitAmount === null ? "" : money(line.unitAmount), money(line.amount)]);
    if (line.discount > 0) w.row(columns, [`  ${t("sign.totals.discount")}`, "", "", money(-line.discount)], { size: 9 });
  }
  w.rule();
  const totals: [string, string][] = [[t("sign.totals.subtotal"), money(document.totals.subtotal)]];
  const lineDiscounts = document.lines.reduce((total, line) => total + line.discount, 0);
  if (document.totals.discount > lineDiscounts) {
    totals.push([t("sign.totals.discount"), money(-(document.totals.discount - lineDiscounts))]);
  }
  for (const tax of document.totals.taxes) totals.push([taxLabel(t, tax), money(tax.amount)]);
  // Totals: the label right-aligned across the first three columns, the amount under "Amount".
  const totalColumns = [
    { width: 0.81, align: "right" as const },
    { width: 0.19, align: "right" as const },
  ];
  for (const [label, value] of totals) w.row(totalColumns, [label, value]);
  w.row(totalColumns, [t("sign.totals.total"), money(document.totals.total)], { font: "bold" });

  w.gap(28);
  w.text(t("sign.pdf.signedBy", { name: signature.signerName, time: utcStamp(signature.signedAt) }), { font: "bold", size: 11 });
  w.gap(6);
  w.image(image, 240, 100);
  w.gap(6);
  w.text(t("sign.signed.id", { id: signature.id }), { size: 9 });
  w.text(t("sign.pdf.documentHashValue", { hash: input.documentHash }), { font: "mono", size: 8 });
  w.text(t("sign.pdf.seeCertificate"), { size: 9, color: GREY });
}

function drawCertificate(w: Writer, input: SignedPdfInput): void {
  const { document, t, signature } = input;
  w.text(t("sign.pdf.certificate"), { font: "bold", size: 16 });
  w.gap(4);
  w.text(t("sign.pdf.certificateIntro"), { size: 9, color: GREY });
  w.gap(10);
  const fields: [string, string, FontName?][] = [
    [t("sign.pdf.signatureId"), signature.id],
    [t("sign.pdf.invoiceField"), `${document.invoice.number} (${document.invoice.id})`],
    [t("sign.pdf.merchant"), document.merchant.name],
    [t("sign.pdf.signer"), signature.signerName],
    [t("sign.pdf.email"), signature.signerEmail ?? "—"],
    [t("sign.pdf.signedAt"), utcStamp(signature.signedAt)],
    [t("sign.pdf.ip"), signature.ipAddress],
    [t("sign.pdf.userAgent"), signature.userAgent],
    [t("sign.pdf.consent"), `${signature.consentVersion} (${input.locale}): ${signature.consentText}`],
    [t("sign.pdf.documentHash"), input.documentHash, "mono"],
  ];
  for (const [label, value, font] of fields) w.field(label, value, font);
  w.text(t("sign.pdf.hashExplained", { file: ATTACHMENT_NAME }), { size: 8, color: GREY });
  w.gap(14);
  w.text(t("sign.pdf.trail"), { font: "bold", size: 12 });
  w.gap(4);
  const columns = [
    { width: 0.3, align: "left" as const },
    { width: 0.28, align: "left" as const },
    { width: 0.42, align: "left" as const },
  ];
  for (const entry of input.trail) w.row(columns, [utcStamp(entry.at), entry.label, entry.detail ?? ""], { size: 9 });
  w.gap(14);
  w.text(t("sign.pdf.verify", { url: input.verifyUrl }), { size: 9 });
}

function taxLabel(t: Translate, tax: SignatureDocument["totals"]["taxes"][number]): string {
  return t(tax.inclusive ? "sign.totals.taxIncluded" : "sign.totals.tax", { name: tax.name, rate: tax.ratePercent });
}

// ---------------------------------------------------------------------------
// A tiny top-down text layout over pdf-lib (which only draws at coordinates)
// ---------------------------------------------------------------------------

type FontName = "regular" | "bold" | "mono";
type Color = ReturnType<typeof rgb>;
type TextStyle = { font?: FontName; size?: number; color?: Color };
type Column = { width: number; align: "left" | "right" };

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const GREY = rgb(0.4, 0.4, 0.4);
const BLACK = rgb(0, 0, 0);
const LINE_GAP = 1.35;

/** Characters the standard fonts' WinAnsi encoding cannot draw become "?"; spaces Intl uses become plain ones. */
function encodable(characters: Set<number>, text: string): string {
  let out = "";
  for (const char of text.normalize("NFC").replace(/[\u202f\u2009\u00a0]/g, " ").replace(/[\r\n\t]+/g, " ")) {
    out += characters.has(char.codePointAt(0) as number) ? char : "?";
  }
  return out;
}

class Writer {
  private page: PDFPage;
  private y = A4[1] - MARGIN;
  private readonly charsets: Record<FontName, Set<number>>;
  private readonly contentWidth = A4[0] - 2 * MARGIN;

  constructor(
    private readonly pdf: PDFDocument,
    private readonly fonts: Record<FontName, PDFFont>,
  ) {
    this.page = pdf.addPage(A4);
    this.charsets = {
      regular: new Set(fonts.regular.getCharacterSet()),
      bold: new Set(fonts.bold.getCharacterSet()),
      mono: new Set(fonts.mono.getCharacterSet()),
    };
  }

  newPage(): void {
    this.page = this.pdf.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  gap(points: number): void {
    this.y -= points;
  }

  /** A paragraph, wrapped to the page width. */
  text(text: string, style: TextStyle = {}): void {
    const { font, size } = this.style(style);
    for (const line of this.wrap(this.clean(text, style.font), font, size, this.contentWidth)) {
      this.ensure(size * LINE_GAP);
      this.page.drawText(line, { x: MARGIN, y: this.y - size, size, font, color: style.color ?? BLACK });
      this.y -= size * LINE_GAP;
    }
  }

  /** "Label" in bold above its value (wrapped, mono for hashes). */
  field(label: string, value: string, valueFont: FontName = "regular"): void {
    this.text(label, { font: "bold", size: 9 });
    this.text(value, { font: valueFont, size: valueFont === "mono" ? 8 : 10 });
    this.gap(4);
  }

  /** A table row: each cell wrapped in its column; the row is as tall as its tallest cell. */
  row(columns: Column[], cells: string[], style: TextStyle = {}): void {
    const { font, size } = this.style({ size: 10, ...style });
    const padding = 6;
    const laid = columns.map((column, index) => {
      const width = column.width * this.contentWidth - padding;
      return { column, width, lines: this.wrap(this.clean(cells[index] ?? "", style.font), font, size, width) };
    });
    const height = Math.max(...laid.map((cell) => cell.lines.length)) * size * LINE_GAP;
    this.ensure(height);
    let x = MARGIN;
    for (const cell of laid) {
      cell.lines.forEach((line, index) => {
        const lineWidth = font.widthOfTextAtSize(line, size);
        const left = cell.column.align === "right" ? x + cell.width - lineWidth : x;
        this.page.drawText(line, { x: left, y: this.y - size - index * size * LINE_GAP, size, font, color: style.color ?? BLACK });
      });
      x += cell.column.width * this.contentWidth;
    }
    this.y -= height;
  }

  rule(): void {
    this.ensure(6);
    this.page.drawLine({ start: { x: MARGIN, y: this.y - 2 }, end: { x: A4[0] - MARGIN, y: this.y - 2 }, thickness: 0.5, color: GREY });
    this.y -= 6;
  }

  /** The image scaled down (never up) to fit the box, keeping its proportions. */
  image(image: PDFImage, maxWidth: number, maxHeight: number): void {
    const scale = Math.min(1, maxWidth / image.width, maxHeight / image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    this.ensure(height);
    this.page.drawImage(image, { x: MARGIN, y: this.y - height, width, height });
    this.page.drawLine({ start: { x: MARGIN, y: this.y - height - 2 }, end: { x: MARGIN + maxWidth, y: this.y - height - 2 }, thickness: 0.5, color: GREY });
    this.y -= height + 4;
  }

  private style(style: TextStyle): { font: PDFFont; size: number } {
    return { font: this.fonts[style.font ?? "regular"], size: style.size ?? 10 };
  }

  private clean(text: string, font: FontName = "regular"): string {
    return encodable(this.charsets[font], text);
  }

  /** Starts a new page when `height` does not fit above the bottom margin. */
  private ensure(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  /** Greedy word wrap; a word longer than the width (a hash, a user agent) is cut. */
  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    let current = "";
    const fits = (candidate: string) => font.widthOfTextAtSize(candidate, size) <= width;
    for (const word of text.split(" ")) {
      const candidate = current ? `${current} ${word}` : word;
      if (fits(candidate)) {
        current = candidate;
        continue;
      }
      if (current) lines.push(current);
      current = "";
      let rest = word;
      while (!fits(rest)) {
        let cut = rest.length - 1;
        while (cut > 1 && !fits(rest.slice(0, cut))) cut -= 1;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      current = rest;
    }
    if (current || lines.length === 0) lines.push(current);
    return lines;
  }
}
