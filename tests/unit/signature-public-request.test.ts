import { describe, expect, it } from "vitest";
import { PayloadTooLarge, readLimitedBody } from "~/http/body-limit.server";
import { readForm } from "~/http/request-body.server";
import { negotiateLocale } from "~/http/locale.server";
import { isSameOrigin } from "~/http/origin.server";

const APP = "https://ritournelle.test";

function post(body: BodyInit, headers: Record<string, string> = {}) {
  return new Request(`${APP}/sign/x`, { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

/** A body streamed in chunks, without a Content-Length (what a chunked upload looks like). */
function streamed(chunks: number, chunkSize: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(new Uint8Array(chunkSize).fill(97));
      else controller.close();
    },
  });
}

describe("readLimitedBody", () => {
  it("returns a body within the limit", async () => {
    expect(new TextDecoder().decode(await readLimitedBody(post("name=Ana"), 100))).toBe("name=Ana");
  });

  it("refuses a declared Content-Length over the limit without reading", async () => {
    const request = post("x".repeat(10), { "content-length": "5000" });
    await expect(readLimitedBody(request, 100)).rejects.toEqual(new PayloadTooLarge(100));
    expect(request.bodyUsed).toBe(false);
  });

  it("cuts off a streamed body as soon as it passes the limit", async () => {
    let pulled = 0;
    const body = streamed(1_000, 1_000).pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          pulled += 1;
          controller.enqueue(chunk);
        },
      }),
    );
    await expect(readLimitedBody(post(body), 10_000)).rejects.toBeInstanceOf(PayloadTooLarge);
    expect(pulled).toBeLessThan(20);
  });

  it("parses urlencoded and multipart forms read within the limit", async () => {
    expect((await readForm(post(new URLSearchParams({ name: "Ana Lopes" })), { maxBytes: 100 })).get("name")).toBe("Ana Lopes");
    const multipart = new FormData();
    multipart.set("file", new File([new Uint8Array([1, 2, 3])], "a.pdf", { type: "application/pdf" }));
    const file = (await readForm(post(multipart), { maxBytes: 10_000 })).get("file");
    expect(file instanceof File && [...new Uint8Array(await file.arrayBuffer())]).toEqual([1, 2, 3]);
  });
});

describe("isSameOrigin", () => {
  const from = (headers: Record<string, string>, url = `${APP}/sign/x`) => new Request(url, { method: "POST", headers });

  it("accepts the app's origin, or the origin the request was sent to", () => {
    expect(isSameOrigin(from({ origin: APP }), APP)).toBe(true);
    expect(isSameOrigin(from({ origin: "http://127.0.0.1:3000" }, "http://127.0.0.1:3000/sign/x"), APP)).toBe(true);
    expect(isSameOrigin(from({ referer: `${APP}/sign/x?lang=fr` }), APP)).toBe(true);
  });

  it("refuses another site, an opaque origin, and a post without either header", () => {
    expect(isSameOrigin(from({ origin: "https://evil.example" }), APP)).toBe(false);
    expect(isSameOrigin(from({ origin: "https://evil.example", referer: `${APP}/sign/x` }), APP)).toBe(false);
    expect(isSameOrigin(from({ origin: "null" }), APP)).toBe(false);
    expect(isSameOrigin(from({ referer: "not a url" }), APP)).toBe(false);
    expect(isSameOrigin(from({}), APP)).toBe(false);
  });
});

describe("negotiateLocale", () => {
  const request = (url: string, acceptLanguage?: string) => new Request(url, acceptLanguage ? { headers: { "accept-language": acceptLanguage } } : {});

  it.each([
    ["fr-FR,fr;q=0.9,en;q=0.8", "fr"],
    ["de-DE,de;q=0.9,fr;q=0.8,en;q=0.5", "fr"],
    ["en-US,fr;q=0.9", "en"],
    ["fr;q=0.5,en;q=0.7", "en"],
    ["fr;q=0,en", "en"],
    ["ja", "en"],
    ["", "en"],
    [";;,q=abc", "en"],
  ])("Accept-Language %j → %s", (header, locale) => {
    expect(negotiateLocale(request(APP, header))).toBe(locale);
  });

  it("lets ?lang= override the browser", () => {
    expect(negotiateLocale(request(`${APP}/sign/x?lang=fr`, "en-US"))).toBe("fr");
    expect(negotiateLocale(request(`${APP}/sign/x?lang=en`, "fr-FR"))).toBe("en");
  });
});
