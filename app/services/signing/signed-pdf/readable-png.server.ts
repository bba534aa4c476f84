// The pad's PNG, proven well formed before pdf-lib is allowed near it.
import zlib from "node:zlib";

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
