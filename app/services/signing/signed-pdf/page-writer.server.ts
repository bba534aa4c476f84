// A tiny top-down text layout over pdf-lib (which only draws at
// coordinates): paragraphs, labelled fields, table rows and an image, each
// placed below the previous one, starting a new A4 page when one is full.
//
// Fonts: the PDF standard fonts (no font file to ship or embed). They encode
// WinAnsi only (Latin-1 plus a few signs, € included): any other character is
// drawn as "?". The attached JSON and the stored data keep the exact text;
// the hash never depends on the rendering.
import { StandardFonts, rgb, type PDFDocument, type PDFFont, type PDFImage, type PDFPage } from "pdf-lib";

export type FontName = "regular" | "bold" | "mono";
type Color = ReturnType<typeof rgb>;
export type TextStyle = { font?: FontName; size?: number; color?: Color };
/** A table column: its share of the content width (the shares of a row add up to 1) and its alignment. */
export type Column = { width: number; align: "left" | "right" };

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
export const GREY = rgb(0.4, 0.4, 0.4);
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

/** Writes top-down on the pages of `pdf`, from its first (new) page. */
export class PageWriter {
  private page: PDFPage;
  private y = A4[1] - MARGIN;
  private readonly charsets: Record<FontName, Set<number>>;
  private readonly contentWidth = A4[0] - 2 * MARGIN;

  /** Embeds the three standard fonts the layout uses, then opens the first page. */
  static async create(pdf: PDFDocument): Promise<PageWriter> {
    const fonts = {
      regular: await pdf.embedFont(StandardFonts.Helvetica),
      bold: await pdf.embedFont(StandardFonts.HelveticaBold),
      mono: await pdf.embedFont(StandardFonts.Courier),
    };
    return new PageWriter(pdf, fonts);
  }

  private constructor(
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

