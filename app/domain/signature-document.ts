// The invoice document a customer signs, and what makes a drawn signature
// acceptable. Pure and isomorphic (no Node API here; hashing uses Web Crypto,
// present in both): the server hashes and checks with it, and the browser
// could run the same rules. Today the signing page imports only its types,
// which keeps zod out of that page's bundle.
//
// Why a canonical document: the signature must be bound to exactly what the
// customer saw. The signing page renders ONLY from a SignatureDocument, and the
// proof stores SHA-256(canonicalJson(document)). Amounts are integer minor
// units and dates civil strings, so the bytes hashed do not depend on the
// page's language or number formatting: the English and French pages of one
// invoice show (and hash to) the same document.
import { Temporal } from "temporal-polyfill";
import { z } from "zod";

/** Identifies the document's shape; a new shape gets a new format string (old hashes keep verifying). */
export const DOCUMENT_FORMAT = "ritournelle.invoice-document/1";
/**
 * A document of the Shopify invoice rail: the shape of /1 plus `shopify`,
 * Shopify's names for what the customer signs (the draft order, and the
 * order it became once paid). A Stripe document never has that key, so its
 * canonical JSON, and its hash, are what they always were.
 */
export const SHOPIFY_DOCUMENT_FORMAT = "ritournelle.invoice-document/shopify-1";

const minor = z.number().int().refine(Number.isSafeInteger, "amount beyond safe integers");
const civilDateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const documentLineSchema = z.object({
  description: z.string(),
  quantity: z.number().int(),
  /** Unit price in minor units; null when the provider gives only the line amount. */
  unitAmount: minor.nullable(),
  /** quantity × unit price, before discounts, in minor units. */
  amount: minor,
  /** Discounts taken from this line, in minor units (>= 0). */
  discount: minor,
});

export const documentTaxSchema = z.object({
  /** Display name, e.g. "TVA". */
  name: z.string(),
  /** Exact decimal percentage as a string ("20", "8.875"). */
  ratePercent: z.string(),
  /** Included in the line amounts (EU VAT) rather than added on top. */
  inclusive: z.boolean(),
  amount: minor,
});

export const signatureDocumentSchema = z.object({
  format: z.enum([DOCUMENT_FORMAT, SHOPIFY_DOCUMENT_FORMAT]),
  merchant: z.object({ name: z.string() }),
  invoice: z.object({
    /** The provider's invoice id (Stripe "in_…", a Shopify draft order's GID). */
    id: z.string(),
    number: z.string(),
    /** ISO 4217, upper case. */
    currency: z.string().regex(/^[A-Z]{3}$/),
    /** Civil dates in the merchant's time zone. */
    issuedOn: civilDateString.nullable(),
    dueOn: civilDateString.nullable(),
  }),
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  lines: z.array(documentLineSchema),
  totals: z.object({
    /** Sum of line amounts less line discounts (the provider's `subtotal`). */
    subtotal: minor,
    /** Every discount on the invoice. */
    discount: minor,
    taxes: z.array(documentTaxSchema),
    /** What the customer owes, taxes included. */
    total: minor,
  }),
  /** Shopify rail only (SHOPIFY_DOCUMENT_FORMAT): the draft order's name ("#D12") and its order's ("#1005") once the customer paid. */
  shopify: z.object({ draftOrder: z.string(), order: z.string().nullable() }).optional(),
});

export type SignatureDocument = z.infer<typeof signatureDocumentSchema>;
export type DocumentLine = z.infer<typeof documentLineSchema>;
export type DocumentTax = z.infer<typeof documentTaxSchema>;

/** A value the canonical form cannot represent unambiguously. */
export class CanonicalJsonError extends Error {
  override readonly name = "CanonicalJsonError";
}

/**
 * Canonical JSON (the RFC 8785 "JCS" rules for the values we use): object keys
 * sorted by UTF-16 code units, no whitespace, strings escaped as
 * JSON.stringify does, arrays in order. Numbers must be safe integers: any
 * float would make the bytes depend on number formatting, so it is refused
 * rather than rounded; `undefined` is refused rather than dropped (a missing
 * field must be an explicit null to be hashed).
 * @throws CanonicalJsonError naming the path of the offending value.
 */
export function canonicalJson(value: unknown, path = "$"): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`${path}: ${value} is not a safe integer`);
      return String(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((item, index) => canonicalJson(item, `${path}[${index}]`)).join(",")}]`;
      const entries = Object.keys(value)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], `${path}.${key}`)}`);
      return `{${entries.join(",")}}`;
    }
    default:
      throw new CanonicalJsonError(`${path}: a ${typeof value} has no JSON form`);
  }
}

/** Lower-case hex SHA-256 of bytes, through Web Crypto (server and browser alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Copy into a fresh ArrayBuffer: digest() refuses views on shared memory.
  const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(bytes));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 (hex) of the document's canonical JSON in UTF-8: the hash a signature is bound to. */
export function documentHash(document: SignatureDocument): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalJson(document)));
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The name the canonical document is attached under in the signed PDF: anyone
 * holding the file can recompute, from that attachment, the document hash its
 * certificate prints.
 */
export const DOCUMENT_ATTACHMENT_NAME = "invoice-document.json";

// ---------------------------------------------------------------------------
// From the provider's invoice to the document
// ---------------------------------------------------------------------------

/**
 * What the document needs of the provider's invoice as read at signing time
 * (amounts in minor units): the one shape both rails' gateways read their
 * invoice into (Stripe's invoice, Shopify's draft order), so the mapping to
 * the document is this file's alone.
 */
export type InvoiceForDocument = {
  id: string;
  number: string | null;
  currency: string;
  /** The merchant's name as the provider prints it on the invoice (Stripe: the account's business name; Shopify: none, the shop's name is used). */
  accountName: string | null;
  customerName: string | null;
  customerEmail: string | null;
  /** When the provider issued it (Stripe: finalized; Shopify: e-mailed, else created). */
  finalizedAt: Date | null;
  dueDate: Date | null;
  lines: DocumentLine[];
  subtotal: number;
  discount: number;
  taxes: DocumentTax[];
  total: number;
  /** The Shopify rail's names of the document (its draft order, its order once paid); absent on the Stripe rail. */
  shopify?: { draftOrder: string; order: string | null };
};

/** The civil date "YYYY-MM-DD" of an instant in a time zone. */
function civilDateIn(instant: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/**
 * The canonical document of an invoice: only values, no formatting. Dates
 * are civil dates in the shop's time zone; the merchant is named as the
 * invoice names them, else by the shop's name, else its domain. An invoice
 * with Shopify names makes a SHOPIFY_DOCUMENT_FORMAT document; one without,
 * the Stripe rail's DOCUMENT_FORMAT, its bytes as they always were.
 * @throws ZodError when the invoice holds what the document cannot (e.g. an unsafe amount).
 */
export function buildSignatureDocument(invoice: InvoiceForDocument, shop: { name: string | null; domain: string; timeZone: string }): SignatureDocument {
  // Only the fields named here reach the document: a gateway's other fields (status, pay link) never change its bytes.
  const { shopify } = invoice;
  return signatureDocumentSchema.parse({
    format: shopify ? SHOPIFY_DOCUMENT_FORMAT : DOCUMENT_FORMAT,
    ...(shopify ? { shopify } : {}),
    merchant: { name: invoice.accountName ?? shop.name ?? shop.domain },
    invoice: {
      id: invoice.id,
      number: invoice.number ?? invoice.id,
      currency: invoice.currency,
      issuedOn: invoice.finalizedAt ? civilDateIn(invoice.finalizedAt, shop.timeZone) : null,
      dueOn: invoice.dueDate ? civilDateIn(invoice.dueDate, shop.timeZone) : null,
    },
    customer: { name: invoice.customerName, email: invoice.customerEmail },
    lines: invoice.lines,
    totals: { subtotal: invoice.subtotal, discount: invoice.discount, taxes: invoice.taxes, total: invoice.total },
  });
}

// ---------------------------------------------------------------------------
// The drawn signature
// ---------------------------------------------------------------------------

/**
 * What the pad sends: one array per stroke, flat [x0, y0, x1, y1, …] in CSS
 * pixels of the pad (signature_pad's point coordinates, rounded). Compact on
 * purpose: only the geometry is needed to tell a real signature from a tap,
 * and timing/pressure would be biometric data we have no use for.
 */
export type Strokes = number[][];

export const SIGNATURE_RULES = {
  /** Points over all strokes: a tap records one, a quick scrawl a few dozen. */
  minPoints: 10,
  /** The drawing's bounding box must reach this many CSS pixels in its larger side. */
  minExtent: 40,
  maxStrokes: 200,
  maxPoints: 10_000,
  /** Coordinates beyond this are not from a pad on a screen. */
  maxCoordinate: 10_000,
  /** Decoded PNG bytes. A pad at 3× pixel density makes ~30–80 KB of mostly transparent PNG. */
  maxImageBytes: 300_000,
  /** Pixel size of the PNG (a phone at 3× density: ~1200 × 600; a wide desktop pad: ~1800 × 600). */
  maxImageSide: 4_000,
  /** Width × height: bounds the memory the server spends decoding it (4 bytes a pixel). */
  maxImagePixels: 4_000_000,
} as const;

export type StrokeProblem = "malformed" | "empty" | "too_short" | "too_small" | "too_large";

export type StrokeSummary = { strokes: number; points: number; width: number; height: number };

export type Checked<T, P extends string> = { ok: true; value: T } | { ok: false; problem: P };

/**
 * Decides whether strokes are a real signature: enough points
 * ({@link SIGNATURE_RULES.minPoints}) spread over a large enough box
 * ({@link SIGNATURE_RULES.minExtent}) — an empty pad, a single dot or a
 * twitch are refused. Accepts the parsed JSON the pad produced, of any shape.
 */
export function checkStrokes(input: unknown): Checked<StrokeSummary, StrokeProblem> {
  const rules = SIGNATURE_RULES;
  if (!Array.isArray(input)) return { ok: false, problem: "malformed" };
  if (input.length > rules.maxStrokes) return { ok: false, problem: "too_large" };
  let points = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const stroke of input) {
    if (!Array.isArray(stroke) || stroke.length % 2 !== 0) return { ok: false, problem: "malformed" };
    for (const coordinate of stroke) {
      if (typeof coordinate !== "number" || !Number.isFinite(coordinate) || Math.abs(coordinate) > rules.maxCoordinate) {
        return { ok: false, problem: "malformed" };
      }
    }
    points += stroke.length / 2;
    if (points > rules.maxPoints) return { ok: false, problem: "too_large" };
    for (let i = 0; i < stroke.length; i += 2) {
      const x = stroke[i] as number;
      const y = stroke[i + 1] as number;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  if (points === 0) return { ok: false, problem: "empty" };
  if (points < rules.minPoints) return { ok: false, problem: "too_short" };
  const width = maxX - minX;
  const height = maxY - minY;
  if (Math.max(width, height) < rules.minExtent) return { ok: false, problem: "too_small" };
  return { ok: true, value: { strokes: input.length, points, width: Math.round(width), height: Math.round(height) } };
}

export type ImageProblem = "malformed" | "not_png" | "too_large";

const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes the pad's `data:image/png;base64,…` URL into PNG bytes, checking
 * the shape strictly: base64 alphabet only, the PNG signature, an IHDR chunk
 * first with a sane pixel size. (The PNG's compressed body is checked by the
 * PDF step, which must decode it to embed it.)
 */
export function decodePngDataUrl(dataUrl: string): Checked<Uint8Array<ArrayBuffer>, ImageProblem> {
  const rules = SIGNATURE_RULES;
  // Check the length before decoding: base64 is 4/3 of the bytes.
  if (dataUrl.length > 32 + Math.ceil((rules.maxImageBytes * 4) / 3)) return { ok: false, problem: "too_large" };
  const match = PNG_DATA_URL.exec(dataUrl);
  if (!match || (match[1] as string).length % 4 !== 0) return { ok: false, problem: "malformed" };
  let binary: string;
  try {
    binary = atob(match[1] as string);
  } catch {
    return { ok: false, problem: "malformed" };
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  if (bytes.length < 33 || PNG_MAGIC.some((byte, index) => bytes[index] !== byte)) return { ok: false, problem: "not_png" };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkType = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || chunkType !== "IHDR") return { ok: false, problem: "not_png" };
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) return { ok: false, problem: "not_png" };
  if (width > rules.maxImageSide || height > rules.maxImageSide || width * height > rules.maxImagePixels) {
    return { ok: false, problem: "too_large" };
  }
  return { ok: true, value: bytes };
}

// ---------------------------------------------------------------------------
// Consent
// ---------------------------------------------------------------------------

/**
 * The consent text in force. Each version's wording lives in the i18n files
 * under "sign.consent.<version>" and is never edited once used: a signature
 * records the version (and language) it was given under, and its certificate
 * prints that wording. Changing the wording means adding a new version.
 */
export const CONSENT_VERSION = "v1";
