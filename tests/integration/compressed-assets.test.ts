// The admin's JS and CSS go out compressed (server/compressed-assets.ts,
// compressed at build time): Polaris' stylesheet alone is 444 kB as built.
// What a browser receives must decode to the very file the build wrote, from
// the very first request of a fresh process, and a client that accepts no
// encoding still gets the file as is.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../helpers/app-server";

let app: RunningApp;
const assets = path.resolve("build/client/assets");
const largest = (extension: string) =>
  fs
    .readdirSync(assets)
    .filter((name) => name.endsWith(extension))
    .sort((a, b) => fs.statSync(path.join(assets, b)).size - fs.statSync(path.join(assets, a)).size)[0]!;

/** A raw GET (fetch would decode the body itself and hide the encoding). */
function get(url: string, acceptEncoding?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: acceptEncoding === undefined ? {} : { "Accept-Encoding": acceptEncoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

beforeAll(async () => {
  app = await startApp();
}, 60_000);
afterAll(async () => {
  await app?.close();
});

describe("the build's JS and CSS, compressed", () => {
  it("a browser accepting Brotli gets the stylesheet in Brotli, decoding to the built file, cacheable for a year", async () => {
    const name = largest(".css");
    const original = fs.readFileSync(path.join(assets, name));
    const url = `${app.url}/assets/${name}`;
    // Chromium's header: gzip listed first, Brotli preferred all the same (smaller).
    const answer = await get(url, "gzip, deflate, br, zstd");
    expect(answer.headers["content-encoding"]).toBe("br");
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^text\/css; charset=utf-8$/i);
    expect(answer.headers.vary).toContain("Accept-Encoding");
    expect(answer.headers["cache-control"]).toContain("immutable");
    expect(answer.body.length).toBeLessThan(original.length / 4);
    expect(zlib.brotliDecompressSync(answer.body).equals(original)).toBe(true);
  });

  it("gzip for a client without Brotli, the file as is for one that accepts neither", async () => {
    const name = largest(".js");
    const original = fs.readFileSync(path.join(assets, name));
    const url = `${app.url}/assets/${name}`;
    const gzipped = await get(url, "gzip");
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gzipped.headers["content-type"]).toMatch(/^text\/javascript; charset=utf-8$/i);
    expect(gzipped.headers.vary).toContain("Accept-Encoding");
    expect(zlib.gunzipSync(gzipped.body).equals(original)).toBe(true);
    const plain = await get(url);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toContain("Accept-Encoding");
    expect(plain.headers["cache-control"]).toContain("immutable");
    expect(plain.body.equals(original)).toBe(true);
  });

  it("reads Accept-Encoding as HTTP says: q=0 refuses an encoding, identity asks for the file as is", async () => {
    const name = largest(".js");
    const url = `${app.url}/assets/${name}`;
    expect((await get(url, "br;q=0, gzip")).headers["content-encoding"]).toBe("gzip");
    expect((await get(url, "br;q=0, gzip;q=0")).headers["content-encoding"]).toBeUndefined();
    expect((await get(url, "identity")).headers["content-encoding"]).toBeUndefined();
    expect((await get(url, "gzip;q=0.5, br;q=0.8")).headers["content-encoding"]).toBe("br");
  });
});
