// An invisible signature field, appended to a PDF as an incremental update
// (ISO 32000-1 §7.5.6): the original bytes are kept as they are, byte for
// byte, and the update adds the signature dictionary, its widget, and new
// revisions of the first page (its /Annots) and of the catalog (its
// /AcroForm). So a Factur-X keeps its embedded factur-x.xml, its /AF, XMP and
// output intent untouched, and any reader can still show the revision that
// was sealed.
//
// Why not @signpdf/placeholder-*: placeholder-plain finds objects with
// string searches and cannot read cross-reference streams (what pdf-lib —
// our signed PDF — and factur-x-kit write); placeholder-pdf-lib adds the
// field to a pdf-lib document that must then be saved whole (a rewrite of
// every object, not an update). Here pdf-lib only *reads* the document;
// the update is written in the same kind of cross-reference section as the
// one it follows (a table after a table, a stream after a stream).
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString } from "pdf-lib";

/** Text a reader shows with the signature. */
export type SignatureFieldInfo = { signedAt: Date; reason: string; name: string; location?: string };

export type PreparedPdf = {
  /** The PDF with the field, its /Contents all zeros. */
  bytes: Uint8Array;
  /** The signed ranges: [0, contentsStart, contentsEnd, rest]. */
  byteRange: [number, number, number, number];
  /** Bytes available for the DER signature (the hex string holds twice as many digits). */
  capacity: number;
};

export class UnsealablePdf extends Error {
  override name = "UnsealablePdf";
}

const BYTE_RANGE_PLACEHOLDER = "/ByteRange [0 ********** ********** **********]";
const latin1 = (text: string) => Buffer.from(text, "latin1");

/** PDF date (ISO 32000-1 §7.9.4), in UTC. */
export function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** The offset the last `startxref` points at. */
function lastStartXref(bytes: Uint8Array): number {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 2048))).toString("latin1");
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!match) throw new UnsealablePdf("the PDF does not end with startxref … %%EOF");
  return Number(match[1]);
}

/** Groups ascending object numbers into [first, count] runs. */
function runsOf(numbers: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const number of numbers) {
    const last = runs.at(-1);
    if (last && last[0] + last[1] === number) last[1]++;
    else runs.push([number, 1]);
  }
  return runs;
}

/**
 * Appends an invisible, printable signature field to `original` (page 1),
 * with a /Contents placeholder of `capacity` bytes, SubFilter
 * ETSI.CAdES.detached (PAdES), the claimed signing time in /M.
 * @throws UnsealablePdf for an encrypted or unreadable PDF.
 */
export async function prepareSignatureField(original: Uint8Array, info: SignatureFieldInfo, capacity: number): Promise<PreparedPdf> {
  let document: PDFDocument;
  try {
    document = await PDFDocument.load(original, { updateMetadata: false });
  } catch (error) {
    throw new UnsealablePdf("the PDF could not be read", { cause: error });
  }
  if (document.isEncrypted) throw new UnsealablePdf("an encrypted PDF cannot be sealed");
  const { context } = document;
  const trailer = context.trailerInfo;
  if (!(trailer.Root instanceof PDFRef)) throw new UnsealablePdf("the PDF has no catalog reference");
  const page = document.getPage(0);

  // New object numbers start at the last section's /Size: pdf-lib does not
  // count the object and cross-reference streams it read, which stay in use.
  const previous = lastStartXref(original);
  const previousSize = /\/Size\s+(\d+)/.exec(Buffer.from(original.subarray(previous)).toString("latin1"));
  const next = Math.max(context.largestObjectNumber + 1, Number(previousSize?.[1] ?? 0));
  const signatureRef = PDFRef.of(next);
  const widgetRef = PDFRef.of(next + 1);
  const xrefRef = PDFRef.of(next + 2);

  // New revision of page 1: its annotations plus the widget.
  const pageDict = page.node.clone();
  const annotations = page.node.lookupMaybe(PDFName.of("Annots"), PDFArray);
  const newAnnotations = PDFArray.withContext(context);
  for (let index = 0; index < (annotations?.size() ?? 0); index++) newAnnotations.push(annotations!.get(index));
  newAnnotations.push(widgetRef);
  pageDict.set(PDFName.of("Annots"), newAnnotations);

  // New revision of the catalog: an /AcroForm holding the field, SigFlags 3
  // (signatures exist; the file is to be appended to, never rewritten).
  const catalog = document.catalog.clone();
  const existingForm = document.catalog.lookupMaybe(PDFName.of("AcroForm"), PDFDict);
  const form = existingForm ? existingForm.clone() : PDFDict.withContext(context);
  const fields = PDFArray.withContext(context);
  const existingFields = existingForm?.lookupMaybe(PDFName.of("Fields"), PDFArray);
  for (let index = 0; index < (existingFields?.size() ?? 0); index++) fields.push(existingFields!.get(index));
  fields.push(widgetRef);
  form.set(PDFName.of("Fields"), fields);
  form.set(PDFName.of("SigFlags"), PDFNumber.of(3));
  catalog.set(PDFName.of("AcroForm"), form);

  const signature =
    `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached ${BYTE_RANGE_PLACEHOLDER} ` +
    `/Contents <${"0".repeat(capacity * 2)}> /M ${PDFString.of(pdfDate(info.signedAt)).toString()} ` +
    `/Name ${PDFHexString.fromText(info.name).toString()} /Reason ${PDFHexString.fromText(info.reason).toString()}` +
    (info.location ? ` /Location ${PDFHexString.fromText(info.location).toString()}` : "") +
    " >>";
  // Print (4) + Locked (128); a zero-size rectangle: invisible, and PDF/A
  // needs no appearance stream for it (ISO 19005-2 §6.3.3).
  const widget =
    `<< /Type /Annot /Subtype /Widget /FT /Sig /T ${PDFHexString.fromText(`Seal ${info.signedAt.toISOString()}`).toString()} ` +
    `/V ${signatureRef.toString()} /P ${page.ref.toString()} /Rect [0 0 0 0] /F 132 >>`;

  const objects: [PDFRef, string][] = [
    [signatureRef, signature],
    [widgetRef, widget],
    [page.ref, pageDict.toString()],
    [trailer.Root, catalog.toString()],
  ];

  const chunks: Buffer[] = [Buffer.from(original)];
  let offset = original.length;
  const push = (chunk: Buffer) => {
    chunks.push(chunk);
    offset += chunk.length;
  };
  if (original[original.length - 1] !== 0x0a) push(latin1("\n"));
  const offsets = new Map<number, { offset: number; generation: number }>();
  for (const [ref, body] of objects) {
    offsets.set(ref.objectNumber, { offset, generation: ref.generationNumber });
    push(latin1(`${ref.objectNumber} ${ref.generationNumber} obj\n${body}\nendobj\n`));
  }

  const previousIsTable = Buffer.from(original.subarray(previous, previous + 4)).toString("latin1") === "xref";
  const trailerEntries =
    `/Root ${trailer.Root.toString()}` +
    (trailer.Info ? ` /Info ${trailer.Info.toString()}` : "") +
    (trailer.ID ? ` /ID ${trailer.ID.toString()}` : "") +
    ` /Prev ${previous}`;
  const xrefStart = offset;
  if (previousIsTable) {
    const numbers = [...offsets.keys()].sort((a, b) => a - b);
    let table = "xref\n";
    for (const [first, count] of runsOf(numbers)) {
      table += `${first} ${count}\n`;
      for (let number = first; number < first + count; number++) {
        const entry = offsets.get(number)!;
        table += `${String(entry.offset).padStart(10, "0")} ${String(entry.generation).padStart(5, "0")} n\r\n`;
      }
    }
    push(latin1(`${table}trailer\n<< /Size ${next + 2} ${trailerEntries} >>\nstartxref\n${xrefStart}\n%%EOF\n`));
  } else {
    offsets.set(xrefRef.objectNumber, { offset: xrefStart, generation: 0 });
    const numbers = [...offsets.keys()].sort((a, b) => a - b);
    // Each entry: type 1 (in use), 4-byte offset, 2-byte generation (ISO 32000-1 §7.5.8.3).
    const data = Buffer.alloc(numbers.length * 7);
    numbers.forEach((number, index) => {
      const entry = offsets.get(number)!;
      data.writeUInt8(1, index * 7);
      data.writeUInt32BE(entry.offset, index * 7 + 1);
      data.writeUInt16BE(entry.generation, index * 7 + 5);
    });
    const index = runsOf(numbers)
      .map(([first, count]) => `${first} ${count}`)
      .join(" ");
    push(latin1(`${xrefRef.objectNumber} 0 obj\n<< /Type /XRef /Size ${next + 3} /W [1 4 2] /Index [${index}] ${trailerEntries} /Length ${data.length} >>\nstream\n`));
    push(data);
    push(latin1(`\nendstream\nendobj\nstartxref\n${xrefStart}\n%%EOF\n`));
  }

  const bytes = new Uint8Array(Buffer.concat(chunks));
  // The signed ranges: everything but the hex string of /Contents, its < > included in the gap.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const placeholderAt = text.indexOf(BYTE_RANGE_PLACEHOLDER, original.length, "latin1");
  const contentsStart = text.indexOf("/Contents <", placeholderAt, "latin1") + "/Contents ".length;
  const contentsEnd = contentsStart + capacity * 2 + 2;
  const byteRange: [number, number, number, number] = [0, contentsStart, contentsEnd, bytes.length - contentsEnd];
  const written = `/ByteRange [${byteRange.join(" ")}]`;
  if (written.length > BYTE_RANGE_PLACEHOLDER.length) throw new UnsealablePdf("the PDF is too large to seal");
  text.write(written.padEnd(BYTE_RANGE_PLACEHOLDER.length, " "), placeholderAt, "latin1");
  return { bytes, byteRange, capacity };
}

/** Writes the DER signature into the prepared /Contents (hex, zero-padded). */
export function embedSignature(prepared: PreparedPdf, der: Uint8Array): Uint8Array {
  if (der.length > prepared.capacity) throw new UnsealablePdf(`the signature (${der.length} bytes) exceeds its placeholder (${prepared.capacity} bytes)`);
  const bytes = new Uint8Array(prepared.bytes);
  const hex = Buffer.from(der).toString("hex").padEnd(prepared.capacity * 2, "0");
  Buffer.from(bytes.buffer).write(hex, prepared.byteRange[1] + 1, "latin1");
  return bytes;
}

/** The bytes a signature covers: the two ranges of /ByteRange, concatenated. */
export function signedBytes(bytes: Uint8Array, byteRange: readonly number[]): Uint8Array {
  const [start1, length1, start2, length2] = byteRange as [number, number, number, number];
  return Buffer.concat([bytes.subarray(start1, start1 + length1), bytes.subarray(start2, start2 + length2)]);
}
