// Reading a request's body, the one way every route does it: a form
// (urlencoded or multipart) or JSON, bounded, decoded strictly. Anything a
// client can get wrong is a MalformedBody saying what and where (answered
// 400, never a 500): a content type the route does not read, a multipart
// body without its boundary or cut short, JSON that does not parse, bytes
// that are not UTF-8, a field over its size.
//
// The HTTP server bounds every body before this runs (body-limits.ts); the
// limits here are the route's own, smaller ones.
import { negotiateLocale } from "./locale.server";
import { PayloadTooLarge, readLimitedBody } from "./body-limit.server";
import { bodyLimitFor, formatBytes } from "./body-limits";
import { translator, type Locale, type MessageKey } from "~/i18n";

export { PayloadTooLarge };

export type BodyProblem = "content_type" | "multipart" | "json" | "encoding" | "field_too_large";

/** The body cannot be read as the route expects: answer 400 with {@link bodyProblemMessage}. */
export class MalformedBody extends Error {
  override readonly name = "MalformedBody";
  constructor(
    readonly problem: BodyProblem,
    /** The field, for `field_too_large` and `encoding`. */
    readonly field?: string,
    readonly limit?: number,
  ) {
    super(`malformed request body: ${problem}${field ? ` (${field})` : ""}`);
  }
}

/** The admin's forms and JSON: the HTTP server's ceiling for /app (body-limits.ts). */
export const ADMIN_BODY = { maxBytes: bodyLimitFor("/app").maxBytes } as const;

export type FormOptions = {
  /** Largest body (bytes). */
  maxBytes: number;
  /** Largest text field (bytes); files are bounded by `maxBytes` only. Default 64 KiB. */
  maxFieldBytes?: number;
};

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function mediaType(request: Request): { type: string; boundary: string | null } {
  const header = request.headers.get("content-type") ?? "";
  const [type = "", ...params] = header.split(";");
  const boundary = params.map((param) => /^\s*boundary="?([^";]+)"?\s*$/i.exec(param)?.[1]).find(Boolean) ?? null;
  return { type: type.trim().toLowerCase(), boundary };
}

function decode(bytes: Uint8Array, field?: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new MalformedBody("encoding", field);
  }
}

/**
 * The form fields of the body.
 * @throws MalformedBody (400) for a wrong content type, a broken multipart body, bytes that are not UTF-8 or a field over `maxFieldBytes`;
 * @throws PayloadTooLarge (413) past `maxBytes`.
 */
export async function readForm(request: Request, options: FormOptions): Promise<FormData> {
  const maxFieldBytes = options.maxFieldBytes ?? 64 * 1024;
  const { type, boundary } = mediaType(request);
  const urlencoded = type === "application/x-www-form-urlencoded" || (type === "" && !request.headers.has("content-type"));
  if (!urlencoded && type !== "multipart/form-data") throw new MalformedBody("content_type");
  if (!urlencoded && !boundary) throw new MalformedBody("multipart");
  const bytes = await readLimitedBody(request, options.maxBytes);
  let form: FormData;
  if (urlencoded) {
    const text = decode(bytes);
    form = new FormData();
    let params: URLSearchParams;
    try {
      params = new URLSearchParams(text);
    } catch {
      throw new MalformedBody("encoding");
    }
    for (const [name, value] of params) form.append(name, value);
    // Percent-escapes that are not UTF-8 decode to U+FFFD: refuse them rather than store a garbled value.
    if (/%[89a-f][0-9a-f]/i.test(text) && [...params.values()].some((value) => value.includes("\uFFFD"))) throw new MalformedBody("encoding");
  } else {
    try {
      form = await new Request("http://body.invalid/", { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body: bytes }).formData();
    } catch {
      throw new MalformedBody("multipart");
    }
  }
  for (const [name, value] of form) {
    if (typeof value !== "string") continue;
    if (Buffer.byteLength(value) > maxFieldBytes) throw new MalformedBody("field_too_large", name.slice(0, 64), maxFieldBytes);
    // A multipart text field is decoded leniently by the platform: a replacement character means bytes that were not UTF-8.
    if (!urlencoded && value.includes("\uFFFD")) throw new MalformedBody("encoding", name.slice(0, 64));
  }
  return form;
}

/**
 * The JSON value of the body (`Content-Type: application/json`).
 * @throws MalformedBody (400) for another content type, bytes that are not UTF-8 or text that is not JSON;
 * @throws PayloadTooLarge (413) past `maxBytes`.
 */
export async function readJson(request: Request, options: { maxBytes: number }): Promise<unknown> {
  const { type } = mediaType(request);
  if (type !== "application/json" && !type.endsWith("+json")) throw new MalformedBody("content_type");
  const text = decode(await readLimitedBody(request, options.maxBytes));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedBody("json");
  }
}

const MESSAGES: Record<BodyProblem, MessageKey> = {
  content_type: "request.error.content_type",
  multipart: "request.error.multipart",
  json: "request.error.json",
  encoding: "request.error.encoding",
  field_too_large: "request.error.field_too_large",
};

/** What was wrong and what to do, in the visitor's language. */
export function bodyProblemMessage(error: MalformedBody | PayloadTooLarge, locale: Locale): string {
  const t = translator(locale);
  if (error instanceof PayloadTooLarge) return t("request.error.too_large", { limit: formatBytes(error.limit) });
  return t(MESSAGES[error.problem], { field: error.field ?? "", limit: formatBytes(error.limit ?? 0) });
}

/**
 * For the admin's routes (their own pages post well-formed bodies; anything
 * else is a client's mistake): `read`, or a thrown 400/413 JSON answer
 * `{ error: "bad_request" | "too_large", message }`.
 */
export async function orBadRequest<T>(request: Request, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof MalformedBody || error instanceof PayloadTooLarge)) throw error;
    const message = bodyProblemMessage(error, negotiateLocale(request));
    const status = error instanceof PayloadTooLarge ? 413 : 400;
    throw Response.json({ error: status === 413 ? "too_large" : "bad_request", message }, { status, headers: { "Cache-Control": "no-store" } });
  }
}
