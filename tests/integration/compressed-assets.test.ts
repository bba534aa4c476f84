// The admin's JS and CSS go out compressed (server/compressed-assets.ts):
// Polaris' stylesheet alone is 444 kB as built. What a browser receives must
// decode to the very file the build wrote, and a client that accepts no
// encoding still gets the file as is.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseEncoding } from "../../server/compressed-assets";
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
    // Compressed once the process has started; until then served as is.
    await expect.poll(async () => (await get(url, "gzip, deflate, br, zstd")).headers["content-encoding"], { timeout: 30_000 }).toBe("br");
    const answer = await get(url, "gzip, deflate, br, zstd");
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(answer.headers.vary).toContain("Accept-Encoding");
    expect(answer.headers["cache-control"]).toContain("immutable");
    expect(answer.body.length).toBeLessThan(original.length / 4);
    expect(zlib.brotliDecompressSync(answer.body).equals(original)).toBe(true);
  });

  it("gzip for a client without Brotli, the file as is for one that accepts neither", async () => {
    const name = largest(".js");
    const original = fs.readFileSync(path.join(assets, name));
    const url = `${app.url}/assets/${name}`;
    await expect.poll(async () => (await get(url, "gzip")).headers["content-encoding"], { timeout: 30_000 }).toBe("gzip");
    expect(zlib.gunzipSync((await get(url, "gzip")).body).equals(original)).toBe(true);
    const plain = await get(url);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it("reads Accept-Encoding as HTTP says: q=0 refuses an encoding, * accepts any", () => {
    expect(chooseEncoding("br;q=0, gzip")).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip;q=0")).toBeNull();
    expect(chooseEncoding("*")).toBe("br");
    expect(chooseEncoding("identity")).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
  });
});
