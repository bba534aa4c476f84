// The build's JS and CSS go out compressed: the admin's pages download about
// 1.1 MB of them (Polaris' stylesheet alone is 444 kB, React DOM and Remix
// 260 kB), which Brotli brings to about a fifth. They are compressed once, at
// build time (vite-plugin-compression2 in vite.config.ts writes a `.br` and a
// `.gz` beside each file), so the first visitor of a fresh process gets them
// compressed too and no request spends CPU on it; express-static-gzip picks
// the copy the client's Accept-Encoding allows (Brotli first, then gzip, the
// file as is for a client that accepts neither or refuses both with q=0) and
// says so (`Content-Encoding`, `Vary: Accept-Encoding`). Built assets are
// immutable (their names carry their hash): cached for a year.
import expressStaticGzip from "express-static-gzip";
import type { RequestHandler } from "express";

/** The build's /assets folder, compressed copies first. */
export function compressedAssets(directory: string): RequestHandler {
  return expressStaticGzip(directory, {
    enableBrotli: true,
    orderPreference: ["br", "gzip"],
    index: false,
    serveStatic: { immutable: true, maxAge: "1y", index: false },
  });
}
