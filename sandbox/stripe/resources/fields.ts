// Parameter specs several resources share, and the value semantics Stripe
// applies to them (empty string clears, metadata merges on update).

import type Stripe from "stripe";

export const S = { t: "string" } as const;

export const ADDRESS = {
  t: "object",
  emptyable: true,
  fields: { city: S, country: S, line1: S, line2: S, postal_code: S, state: S },
} as const;

export const METADATA = { t: "metadata" } as const;

export const DISCOUNTS = {
  t: "array",
  emptyable: true,
  max: 20,
  of: { t: "object", fields: { coupon: S, discount: S } },
} as const;

export const CUSTOM_FIELDS = {
  t: "array",
  emptyable: true,
  max: 4,
  of: { t: "object", fields: { name: { t: "string", req: true, max: 40 }, value: { t: "string", req: true, max: 140 } } },
} as const;

export function address(a: { city?: string; country?: string; line1?: string; line2?: string; postal_code?: string; state?: string } | null | undefined): Stripe.Address | null {
  if (!a) return null;
  return {
    city: a.city || null,
    country: a.country || null,
    line1: a.line1 || null,
    line2: a.line2 || null,
    postal_code: a.postal_code || null,
    state: a.state || null,
  };
}

/** Create semantics: drop empty values. */
export function newMetadata(m: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) if (v !== "") out[k] = v;
  return out;
}

/** Update semantics: merge; `""` deletes a key; `metadata=""` clears all. */
export function mergeMetadata(current: Record<string, string>, m: Record<string, string> | null | undefined): Record<string, string> {
  if (m === undefined) return current;
  if (m === null) return {};
  const out = { ...current };
  for (const [k, v] of Object.entries(m)) {
    if (v === "") delete out[k];
    else out[k] = v;
  }
  return out;
}

export function nullIfEmpty(s: string | undefined): string | null {
  return s === undefined || s === "" ? null : s;
}

export function lower(s: string): string {
  return s.toLowerCase();
}
