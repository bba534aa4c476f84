// Bounded request bodies for the public pages (/sign/<token>, /verify): no
// Shopify session stands in front of them, so a body is refused as soon as
// it passes the route's limit instead of sitting whole in memory first.

/** The body exceeds the route's limit: answer 413 without reading further. */
export class PayloadTooLarge extends Error {
  override readonly name = "PayloadTooLarge";
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/**
 * Reads the body, refusing (PayloadTooLarge) as soon as it passes `limit`
 * bytes: a declared Content-Length over the limit is refused before reading,
 * and a chunked or lying body is cut off while streaming, so an oversized
 * upload never sits whole in memory.
 */
export async function readLimitedBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLarge(limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
