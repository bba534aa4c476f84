// The build's JS and CSS, compressed once per process: the admin's pages
// download about 1.1 MB of them (Polaris' stylesheet alone is 444 kB, React
// DOM and Remix 260 kB), which Brotli brings to about a fifth. Built assets
// are immutable (their names carry their hash), so each is compressed once,
// off the event loop (zlib's thread pool), when it is first asked for (a
// process that serves no page compresses nothing); until that is done, and
// for clients that accept neither encoding, it is served as is by
// express.static behind this.
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { RequestHandler } from "express";

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const COMPRESSIBLE: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

type Compressed = { type: string; br: Buffer; gzip: Buffer };

/** Chooses the encoding by the request's Accept-Encoding (Brotli first); q=0 refuses one. */
export function chooseEncoding(acceptEncoding: string | undefined): "br" | "gzip" | null {
  const accepted = new Map(
    (acceptEncoding ?? "").split(",").map((part) => {
      const [name, ...parameters] = part.trim().toLowerCase().split(";");
      const q = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith("q="));
      return [name!, q ? Number(q.slice(2)) : 1] as const;
    }),
  );
  const allows = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  if (allows("br")) return "br";
  if (allows("gzip")) return "gzip";
  return null;
}

/** Middleware for the build's /assets folder: answers a compressed copy when the client accepts one. */
export function compressedAssets(directory: string): RequestHandler {
  const ready = new Map<string, Compressed>();
  const pending = new Set<string>();
  const compress = (name: string) => {
    const type = COMPRESSIBLE[path.extname(name)];
    if (!type || pending.has(name) || name.includes("/") || name.includes("\\")) return;
    pending.add(name);
    void (async () => {
      const source = await fs.promises.readFile(path.join(directory, name));
      const quality = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length };
      const [br, gzipped] = await Promise.all([brotli(source, { params: quality }), gzip(source, { level: 9 })]);
      ready.set(`/${name}`, { type, br, gzip: gzipped });
    })().catch(() => {
      // Not a file of the build (a 404 for express.static), or unreadable: served, or refused, as is.
    });
  };

  return (request, response, next) => {
    const compressed = request.method === "GET" || request.method === "HEAD" ? ready.get(request.path) : undefined;
    if (!compressed && (request.method === "GET" || request.method === "HEAD")) compress(request.path.slice(1));
    response.vary("Accept-Encoding");
    const encoding = compressed ? chooseEncoding(request.headers["accept-encoding"]) : null;
    if (!compressed || !encoding) return next();
    const body = compressed[encoding];
    response.set({
      "Content-Type": compressed.type,
      "Content-Encoding": encoding,
      "Content-Length": String(body.length),
      "Cache-Control": "public, max-age=31536000, immutable",
    });
    response.status(200).end(request.method === "HEAD" ? undefined : body);
  };
}
