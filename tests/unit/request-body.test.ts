// Malformed bodies are a MalformedBody naming the problem (a 400 with a
// message), never a TypeError out of the platform's parser (a 500).
import { describe, expect, it } from "vitest";
import { PayloadTooLarge } from "~/http/body-limit.server";
import { bodyProblemMessage, MalformedBody, orBadRequest, readForm, readJson } from "~/http/request-body.server";

const post = (body: BodyInit | null, contentType?: string) =>
  new Request("https://ritournelle.test/x", { method: "POST", body, headers: contentType ? { "content-type": contentType } : {}, duplex: "half" } as RequestInit);

async function problemOf(read: Promise<unknown>): Promise<string> {
  const error = await read.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (error instanceof MalformedBody) return error.problem;
  if (error instanceof PayloadTooLarge) return "too_large";
  throw new Error(`expected a refusal, got ${String(error)}`);
}

describe("readForm", () => {
  const form = { maxBytes: 10_000, maxFieldBytes: 100 };

  it("refuses multipart without a boundary, or cut short, instead of throwing the parser's TypeError", async () => {
    expect(await problemOf(readForm(post("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--", "multipart/form-data"), form))).toBe("multipart");
    expect(await problemOf(readForm(post("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1", "multipart/form-data; boundary=x"), form))).toBe("multipart");
  });

  it("refuses a content type it does not read, bytes that are not UTF-8, a field over its size, a body over its limit", async () => {
    expect(await problemOf(readForm(post('{"a":1}', "application/json"), form))).toBe("content_type");
    expect(await problemOf(readForm(post(new Uint8Array([0x61, 0x3d, 0xff, 0xfe]), "application/x-www-form-urlencoded"), form))).toBe("encoding");
    expect(await problemOf(readForm(post("a=%ff%fe", "application/x-www-form-urlencoded"), form))).toBe("encoding");
    expect(await problemOf(readForm(post(`name=${"x".repeat(101)}`, "application/x-www-form-urlencoded"), form))).toBe("field_too_large");
    expect(await problemOf(readForm(post(`name=${"x".repeat(10_001)}`, "application/x-www-form-urlencoded"), form))).toBe("too_large");
  });

  it("reads well-formed forms, accented text included", async () => {
    const read = await readForm(post("name=Ana%20L%C3%B3pez&n=%C3%A9", "application/x-www-form-urlencoded; charset=UTF-8"), form);
    expect(read.get("name")).toBe("Ana López");
  });
});

describe("readJson", () => {
  it("refuses another content type, text that is not JSON, bytes that are not UTF-8", async () => {
    expect(await problemOf(readJson(post("a=1", "application/x-www-form-urlencoded"), { maxBytes: 100 }))).toBe("content_type");
    expect(await problemOf(readJson(post('{"a":', "application/json"), { maxBytes: 100 }))).toBe("json");
    expect(await problemOf(readJson(post(new Uint8Array([0x22, 0xc3, 0x28, 0x22]), "application/json"), { maxBytes: 100 }))).toBe("encoding");
    expect(await readJson(post('{"a":"é"}', "application/json"), { maxBytes: 100 })).toEqual({ a: "é" });
  });
});

describe("orBadRequest", () => {
  it("answers 400 with what was wrong, in the visitor's language", async () => {
    const request = new Request("https://ritournelle.test/app/settings", { method: "POST", headers: { "content-type": "multipart/form-data", "accept-language": "fr-FR" }, body: "x" });
    const answer = await orBadRequest(request, () => readForm(request, { maxBytes: 100 })).then(
      () => null,
      (thrown: unknown) => thrown as Response,
    );
    expect(answer?.status).toBe(400);
    expect(await answer?.json()).toEqual({ error: "bad_request", message: bodyProblemMessage(new MalformedBody("multipart"), "fr") });
    expect(bodyProblemMessage(new MalformedBody("multipart"), "fr")).toContain("délimiteur");
  });
});
