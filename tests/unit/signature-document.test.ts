import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CanonicalJsonError,
  SHOPIFY_DOCUMENT_FORMAT,
  SIGNATURE_RULES,
  buildSignatureDocument,
  canonicalJson,
  checkStrokes,
  decodePngDataUrl,
  documentHash,
  signatureDocumentSchema,
  type SignatureDocument,
} from "~/domain/signature-document";
import { DOCUMENT, SINGLE_DOT, dataUrl, png, scribble, signaturePng } from "../helpers/signing";


describe("canonicalJson", () => {
  it("sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: "é\n" }, true] })).toBe('{"a":[{"c":"é\\n","d":null},true],"b":1}');
  });

  it("orders keys by UTF-16 code units, as RFC 8785 does", () => {
    expect(canonicalJson({ "\u00e9": 1, z: 2, A: 3, "\ud83d\ude00": 4 })).toBe('{"A":3,"z":2,"é":1,"😀":4}');
  });

  it.each([
    [{ amount: 19.99 }, "$.amount: 19.99 is not a safe integer"],
    [{ lines: [{ q: Number.NaN }] }, "$.lines[0].q: NaN is not a safe integer"],
    [{ big: 2 ** 53 }, "$.big: 9007199254740992 is not a safe integer"],
    [{ missing: undefined }, "$.missing: a undefined has no JSON form"],
  ])("refuses %j rather than guess", (value, message) => {
    expect(() => canonicalJson(value)).toThrow(new CanonicalJsonError(message));
  });

  it("gives the same bytes whatever order the keys were built in", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(object));
        expect(JSON.parse(canonicalJson(object))).toEqual(object);
      }),
    );
  });
});

describe("documentHash", () => {
  it("is the SHA-256 (hex) of the canonical JSON in UTF-8", async () => {
    const expected = createHash("sha256").update(canonicalJson(DOCUMENT), "utf8").digest("hex");
    expect(await documentHash(DOCUMENT)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when anything shown changes, even by one minor unit or one character", async () => {
    const base = await documentHash(DOCUMENT);
    const variants: SignatureDocument[] = [
      { ...DOCUMENT, totals: { ...DOCUMENT.totals, total: 11001 } },
      { ...DOCUMENT, invoice: { ...DOCUMENT.invoice, dueOn: "2026-12-12" } },
      { ...DOCUMENT, lines: [{ ...DOCUMENT.lines[0]!, description: "Entretien chaudiere" }] },
      { ...DOCUMENT, customer: { ...DOCUMENT.customer, email: null } },
    ];
    for (const variant of variants) expect(await documentHash(variant)).not.toBe(base);
  });

  it("round-trips through its schema (what is stored parses back to the same hash)", async () => {
    const stored = JSON.parse(JSON.stringify(DOCUMENT));
    expect(await documentHash(signatureDocumentSchema.parse(stored))).toBe(await documentHash(DOCUMENT));
    expect(signatureDocumentSchema.safeParse({ ...stored, format: "other/1" }).success).toBe(false);
  });

  it("names the Shopify rail's documents in a format of their own; a Stripe document's bytes (and hash) are what they were", async () => {
    const invoice = {
      id: "in_123",
      number: "ATEL-0001",
      currency: "EUR",
      accountName: "Atelier Dupont",
      customerName: "Élodie Martin",
      customerEmail: "elodie@example.fr",
      finalizedAt: new Date("2026-11-27T10:00:00Z"),
      dueDate: new Date("2026-12-11T10:00:00Z"),
      lines: DOCUMENT.lines,
      subtotal: 11000,
      discount: 1000,
      taxes: DOCUMENT.totals.taxes,
      total: 11000,
    };
    const shop = { name: "Atelier", domain: "atelier.myshopify.com", timeZone: "Europe/Paris" };
    const stripe = buildSignatureDocument(invoice, shop);
    expect(canonicalJson(stripe)).toBe(canonicalJson(DOCUMENT));
    expect(await documentHash(stripe)).toBe(await documentHash(DOCUMENT));

    const shopify = buildSignatureDocument({ ...invoice, id: "gid://shopify/DraftOrder/1", number: "#D12", accountName: null, shopify: { draftOrder: "#D12", order: "#1005" } }, shop);
    expect(shopify).toMatchObject({ format: SHOPIFY_DOCUMENT_FORMAT, merchant: { name: "Atelier" }, shopify: { draftOrder: "#D12", order: "#1005" } });
    expect(await documentHash(signatureDocumentSchema.parse(JSON.parse(JSON.stringify(shopify))))).toBe(await documentHash(shopify));
  });
});

describe("checkStrokes", () => {
  it("accepts a real signature and summarises it", () => {
    expect(checkStrokes(scribble())).toEqual({ ok: true, value: { strokes: 2, points: 35, width: 240, height: 70 } });
  });

  it.each([
    ["an empty pad", [], "empty"],
    ["strokes without points", [[], []], "empty"],
    ["a single dot (a tap)", SINGLE_DOT, "too_short"],
    ["a few dots", [[10, 10], [200, 50], [90, 90]], "too_short"],
    ["a twitch: many points in a tiny box", [[10, 10, 12, 11, 14, 12, 15, 14, 17, 15, 20, 16, 22, 18, 25, 20, 30, 22, 35, 25]], "too_small"],
  ] as const)("refuses %s", (_label, strokes, problem) => {
    expect(checkStrokes(strokes)).toEqual({ ok: false, problem });
  });

  it.each([
    ["not an array", "[[1,2]]"],
    ["a stroke that is not an array", [{ x: 1, y: 2 }]],
    ["an odd number of coordinates", [[1, 2, 3]]],
    ["a non-number", [[1, "2"]]],
    ["an infinite coordinate", [[1, Infinity]]],
    ["a coordinate off any screen", [[1, 1e9]]],
  ])("calls %s malformed", (_label, strokes) => {
    expect(checkStrokes(strokes)).toEqual({ ok: false, problem: "malformed" });
  });

  it("refuses more points than a pad produces", () => {
    const long = Array.from({ length: SIGNATURE_RULES.maxPoints + 1 }, (_, i) => [i % 500, i % 300]).flat();
    expect(checkStrokes([long])).toEqual({ ok: false, problem: "too_large" });
    expect(checkStrokes(Array.from({ length: SIGNATURE_RULES.maxStrokes + 1 }, () => [1, 1]))).toEqual({ ok: false, problem: "too_large" });
  });
});

describe("decodePngDataUrl", () => {
  it("returns the PNG's bytes", () => {
    const bytes = signaturePng();
    const result = decodePngDataUrl(dataUrl(bytes));
    expect(result.ok && Buffer.from(result.value).equals(bytes)).toBe(true);
  });

  it.each([
    ["another media type", `data:image/jpeg;base64,${signaturePng().toString("base64")}`, "malformed"],
    ["no base64 marker", `data:image/png,${signaturePng().toString("base64")}`, "malformed"],
    ["characters outside base64", "data:image/png;base64,iVBORw0K*GgoAAAANSUhEUg==", "malformed"],
    ["truncated base64", `data:image/png;base64,${signaturePng().toString("base64").slice(0, -1)}`, "malformed"],
    ["no data URL at all", "hello", "malformed"],
    ["bytes that are not a PNG", `data:image/png;base64,${Buffer.from("GIF89a, certainly not a PNG, padded out to length").toString("base64")}`, "not_png"],
    ["a PNG without its IHDR first", `data:image/png;base64,${Buffer.concat([signaturePng().subarray(0, 12), Buffer.from("IDAT"), signaturePng().subarray(16)]).toString("base64")}`, "not_png"],
    ["a PNG of zero width", dataUrl(png(0, 10)), "not_png"],
    ["a PNG larger than any screen", dataUrl(png(SIGNATURE_RULES.maxImageSide + 1, 1)), "too_large"],
    ["more bytes than allowed", `data:image/png;base64,${"A".repeat(Math.ceil((SIGNATURE_RULES.maxImageBytes * 4) / 3) + 40)}`, "too_large"],
  ])("refuses %s", (_label, url, problem) => {
    expect(decodePngDataUrl(url)).toEqual({ ok: false, problem });
  });
});
