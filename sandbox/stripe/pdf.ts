// A real, minimal PDF 1.4: one or more A4 pages of Helvetica text, built by
// hand with a correct xref table (readers and `pdf-parse`-style tools accept it).

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN = 56;
const LEADING = 16;

/** PDF literal-string escaping, restricted to Latin-1 (WinAnsi) glyphs. */
function pdfText(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 63;
    const c = code <= 0xff ? ch : "?";
    if (c === "\\" || c === "(" || c === ")") out += `\\${c}`;
    else out += c;
  }
  return out;
}

export interface PdfLine {
  text: string;
  size?: number;
  bold?: boolean;
}

export function buildPdf(lines: PdfLine[]): Buffer {
  const perPage = Math.floor((PAGE_H - 2 * MARGIN) / LEADING);
  const pages: PdfLine[][] = [];
  for (let i = 0; i < Math.max(1, lines.length); i += perPage) pages.push(lines.slice(i, i + perPage));

  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add(""); // placeholder, filled below
  const pagesObj = add("");
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const fontBold = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
  const pageIds: number[] = [];
  for (const page of pages) {
    let y = PAGE_H - MARGIN;
    const ops: string[] = ["BT"];
    for (const line of page) {
      const size = line.size ?? 11;
      ops.push(`/${line.bold ? "F2" : "F1"} ${size} Tf 1 0 0 1 ${MARGIN} ${y} Tm (${pdfText(line.text)}) Tj`);
      y -= LEADING;
    }
    ops.push("ET");
    const stream = ops.join("\n");
    const content = add(`<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`);
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] ` +
          `/Resources << /Font << /F1 ${font} 0 R /F2 ${fontBold} 0 R >> >> /Contents ${content} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`;

  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
