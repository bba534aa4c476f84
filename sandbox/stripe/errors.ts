// Stripe's v1 error envelope: `{ error: { type, code?, message, param?, doc_url? } }`.
// Documented `type` values are api_error, card_error, idempotency_error and
// invalid_request_error; the HTTP status carries the rest (401, 403, 404, 429…).

export type StripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
  request_log_url?: string;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  /**
   * True when the request failed before an endpoint started executing
   * (parameter validation, unknown route). Stripe does not save such results
   * under the idempotency key; everything else is saved.
   */
  readonly beforeExecution: boolean;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    body: StripeErrorBody,
    opts: { beforeExecution?: boolean; headers?: Record<string, string> } = {},
  ) {
    super(body.message);
    this.status = status;
    this.body = body.code && !body.doc_url
      ? { ...body, doc_url: `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, "-")}` }
      : body;
    this.beforeExecution = opts.beforeExecution ?? false;
    this.headers = opts.headers ?? {};
  }
}

/** Parameter-shape failures: 400, not saved under the idempotency key. */
export function paramError(message: string, param: string, code = "parameter_invalid"): StripeApiError {
  return new StripeApiError(400, { type: "invalid_request_error", code, message, param }, { beforeExecution: true });
}

export function missingParam(param: string): StripeApiError {
  return paramError(`Missing required param: ${param}.`, param, "parameter_missing");
}

export function unknownParam(param: string): StripeApiError {
  return paramError(`Received unknown parameter: ${param}`, param, "parameter_unknown");
}

const RESOURCE_NAMES: Record<string, string> = {
  cus: "customer",
  in: "invoice",
  ii: "invoiceitem",
  il: "line item",
  cn: "credit note",
  cnli: "credit note line item",
  txr: "tax_rate",
  prod: "product",
  di: "discount",
  evt: "event",
  price: "price",
};

/**
 * `No such customer: 'cus_x'`. A missing id in the URL is a 404; a missing
 * object referenced by a body parameter is a 400 naming that parameter.
 */
export function noSuch(resource: string, id: string, param?: string): StripeApiError {
  return new StripeApiError(param ? 400 : 404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${resource}: '${id}'`,
    param: param ?? "id",
  });
}

export function resourceNameForId(id: string): string {
  const prefix = id.split("_")[0] ?? "";
  return RESOURCE_NAMES[prefix] ?? "object";
}

export function invalidRequest(message: string, opts: { code?: string; param?: string; status?: number } = {}): StripeApiError {
  const body: StripeErrorBody = { type: "invalid_request_error", message };
  if (opts.code) body.code = opts.code;
  if (opts.param) body.param = opts.param;
  return new StripeApiError(opts.status ?? 400, body);
}

export function apiError(message = "An unknown error occurred", headers: Record<string, string> = {}): StripeApiError {
  return new StripeApiError(500, { type: "api_error", message }, { headers });
}

/** `sk_test_abc…wxyz` → `sk_test_********************wxyz`, as Stripe prints keys. */
export function redactKey(key: string): string {
  const parts = key.split("_");
  const prefix = parts.length >= 3 ? `${parts[0]}_${parts[1]}_` : "";
  const tail = key.slice(-4);
  const stars = "*".repeat(Math.max(4, key.length - prefix.length - 4));
  return `${prefix}${stars}${tail}`;
}
