// Test material for online signature: real PNGs (what a canvas exports),
// strokes as the pad sends them, the text drawn on a PDF's pages, and a run
// issued with a signing link through the real pipeline.
import zlib from "node:zlib";
import type { Shop } from "@prisma/client";
import { Temporal } from "temporal-polyfill";
import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream, type PDFPage } from "pdf-lib";
import prisma from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { DOCUMENT_FORMAT, type SignatureDocument, type Strokes } from "~/domain/signature-document";
import { StripeBillingAdapter } from "~/gateways/stripe/billing-adapter.server";
import { stripeCustomerStore, stripeTaxRateStore } from "~/services/invoicing/stripe-rail.server";
import type { CreateTemplateInput } from "~/domain/template-input";
import { createTemplate } from "~/services/templates/create.server";
import { Worker } from "~/worker/worker";
import type { StripeStandIn } from "../../sandbox/stripe/server";
import { createShop, drain, templateInput } from "./recurring";
import { callRoute, routeAnswerWithHeaders, type RouteFunction } from "./remix";
import { MERCHANT, testClient } from "./stripe";

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real RGBA PNG of `width` × `height`, transparent, with the given points inked (as a canvas would export). */
export function png(width: number, height: number, inked: (x: number, y: number) => boolean = () => false): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y += 1) {
    const row = y * (1 + width * 4);
    for (let x = 0; x < width; x += 1) {
      if (inked(x, y)) raw.set([20, 20, 60, 255], row + 1 + x * 4);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A signature-like PNG: a wave across the pad. */
export function signaturePng(): Buffer {
  return png(300, 120, (x, y) => Math.abs(y - (60 + 30 * Math.sin(x / 20))) < 2);
}

export function dataUrl(bytes: Buffer): string {
  return `data:image/png;base64,${bytes.toString("base64")}`;
}

/** A two-stroke scribble, flat [x, y, …] per stroke, as the pad sends it. */
export function scribble(): Strokes {
  const wave: number[] = [];
  for (let x = 10; x <= 250; x += 8) wave.push(x, Math.round(60 + 30 * Math.sin(x / 20)));
  return [wave, [40, 100, 60, 96, 80, 94, 100, 95]];
}

/** A tap: what the pad records for one touch without moving. */
export const SINGLE_DOT: Strokes = [[120, 60]];

const WIN_ANSI = new TextDecoder("windows-1252");

function pageStreams(page: PDFPage): PDFRawStream[] {
  const contents = page.node.Contents();
  if (contents instanceof PDFArray) {
    return contents
      .asArray()
      .map((ref) => page.doc.context.lookup(ref))
      .filter((stream): stream is PDFRawStream => stream instanceof PDFRawStream);
  }
  return contents instanceof PDFRawStream ? [contents] : [];
}

/**
 * The text drawn on each page, one string per page: pdf-lib writes standard-
 * font text as hex strings in `Tj` operators inside Flate-compressed content
 * streams; this inflates them and decodes the hex as WinAnsi (windows-1252).
 */
export async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((page) =>
    pageStreams(page)
      .map((stream) => Buffer.from(decodePDFRawStream(stream).decode()).toString("latin1"))
      .join("\n")
      .match(/<([0-9A-Fa-f]*)> Tj/g)
      ?.map((operator) => WIN_ANSI.decode(Buffer.from(operator.slice(1, operator.indexOf(">")), "hex")))
      .join("\n") ?? "",
  );
}

/** An invoice document as the signing page shows it: French customer, a discounted line, VAT included. */
export const DOCUMENT: SignatureDocument = {
  format: DOCUMENT_FORMAT,
  merchant: { name: "Atelier Dupont" },
  invoice: { id: "in_123", number: "ATEL-0001", currency: "EUR", issuedOn: "2026-11-27", dueOn: "2026-12-11" },
  customer: { name: "Élodie Martin", email: "elodie@example.fr" },
  lines: [{ description: "Entretien chaudière", quantity: 2, unitAmount: 6000, amount: 12000, discount: 1000 }],
  totals: { subtotal: 11000, discount: 1000, taxes: [{ name: "TVA", ratePercent: "20", inclusive: true, amount: 1833 }], total: 11000 },
};

// ---------------------------------------------------------------------------
// A run issued through the real pipeline with a signature requested
// ---------------------------------------------------------------------------

export const APP_URL = "https://ritournelle.test";

let signingTemplates = 0;

/**
 * A template with a signature requested, issued by the worker through the
 * Stripe gateway and the real SDK against the stand-in: the pipeline makes
 * the signing link and Stripe prints it on the invoice. The token is read
 * back from the invoice's custom field, as a customer would follow it.
 * Clocks are near the real time: the public routes use the system clock.
 */
export async function issuedRunToSign(
  standIn: StripeStandIn,
  options: { shop?: Shop; daysUntilDue?: number; customer?: { name: string; email: string }; lines?: CreateTemplateInput["lines"] } = {},
) {
  signingTemplates += 1;
  const now = Temporal.Now.instant();
  const clock = new ManualClock(now.subtract({ hours: 48 }));
  const shop = options.shop ?? (await createShop({ billingAccountId: MERCHANT }));
  const input = templateInput();
  const yesterday = now.toZonedDateTimeISO("Europe/Paris").subtract({ days: 1 }).toPlainDate().toString();
  const template = await createTemplate(
    shop,
    {
      ...input,
      customer: { ...input.customer, ...options.customer, shopifyCustomerId: `gid://shopify/Customer/${8000 + signingTemplates}` },
      lines: options.lines ?? input.lines,
      schedule: { ...input.schedule, anchor: yesterday, timeOfDay: "09:00" },
      policies: { signatureRequested: true, daysUntilDue: options.daysUntilDue ?? 14 },
    },
    { clock },
  );
  clock.set(now);
  const gateway = new StripeBillingAdapter(testClient(standIn), stripeCustomerStore, stripeTaxRateStore);
  await drain(new Worker({ gateway, clock, random: () => 0.5 }));
  const run = await prisma.invoiceRun.findFirstOrThrow({ where: { templateId: template.id } });
  if (run.state !== "sent" || !run.invoiceId) throw new Error(`the run was not issued: ${run.state} ${run.lastErrorMessage ?? ""}`);
  const invoice = standIn.control.ledger(MERCHANT).find((candidate) => candidate.id === run.invoiceId);
  const printed = invoice?.custom_fields?.[0]?.value ?? "";
  const token = /\/sign\/([A-Za-z0-9_-]{43})$/.exec(printed)?.[1];
  if (!token) throw new Error(`no signing link on the invoice: ${JSON.stringify(invoice?.custom_fields)}`);
  return { shop, template, run: { ...run, invoiceId: run.invoiceId }, token, signingUrl: printed, clock };
}

// ---------------------------------------------------------------------------
// Calling the public routes as a browser would
// ---------------------------------------------------------------------------

/** Remix's answer to a loader/action call: status, headers, data (for `data()`), or the Response itself. */
export type Answer<T> = { status: number; headers: Headers; body: T; response: Response | null };

/**
 * Calls a public route's loader or action the way Remix does, with the load
 * context the HTTP server provides (the socket's address), and unwraps what
 * comes back — a returned or thrown Response, `data(…, init)`, or plain data.
 */
export async function callPublic<T = Record<string, unknown>>(
  fn: RouteFunction<unknown>,
  request: Request,
  params: Record<string, string> = {},
  remoteAddress = "203.0.113.7",
): Promise<Answer<T>> {
  const { status, headers, body, response } = routeAnswerWithHeaders<T>(await callRoute(fn, request, params, { remoteAddress }));
  // A JSON Response (the public routes' refusals) is read as its data; any other body stays on the Response.
  const json = response !== null && (headers.get("content-type") ?? "").includes("json") ? ((await response.clone().json()) as T) : body;
  return { status, headers, body: json, response };
}

/** GET /sign/<token> from a browser speaking `acceptLanguage`. */
export function viewRequest(token: string, acceptLanguage = "fr-FR,fr;q=0.9,en;q=0.8", search = ""): Request {
  return new Request(`${APP_URL}/sign/${token}${search}`, { headers: { "accept-language": acceptLanguage, "user-agent": BROWSER } });
}

export const BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

/** What the sign form posts, given what its loader rendered. */
export function signFields(page: { nonce: string; documentHash: string; consentVersion: string }, overrides: Record<string, string | null> = {}) {
  const fields: Record<string, string | null> = {
    nonce: page.nonce,
    documentHash: page.documentHash,
    consentVersion: page.consentVersion,
    lang: "fr",
    strokes: JSON.stringify(scribble()),
    image: dataUrl(signaturePng()),
    name: "Claire Martin",
    consent: "yes",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== null));
}

/** POST /sign/<token> as the page's form does (same origin, urlencoded). */
export function submitRequest(token: string, fields: Record<string, string>, headers: Record<string, string> = {}): Request {
  return new Request(`${APP_URL}/sign/${token}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { origin: APP_URL, "user-agent": BROWSER, "accept-language": "fr-FR", ...headers },
  });
}
