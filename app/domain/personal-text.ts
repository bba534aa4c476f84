// Personal data out of stored text (ARCHITECTURE.md, invariant 9): an error
// message or an audit detail is stored with the customer's name, e-mail and
// address replaced by placeholders, and rendered with the customer's LIVE
// snapshot when shown. customers/redact erases the snapshot, so a message
// stored before shows "[redacted]" afterwards, and the database never held the
// value in the message in the first place. Any other e-mail address in the
// text (one Stripe quotes back, say) is replaced by a placeholder that renders
// as a neutral word: we cannot know whose it is, so it is not kept.
//
// Pure: no Node, no database.
import type { CustomerSnapshotInput } from "./order-snapshot";

export const PERSONAL_PLACEHOLDERS = {
  email: "{customer.email}",
  name: "{customer.name}",
  address: "{customer.address}",
  otherEmail: "{email}",
} as const;

/** Anything shaped like an e-mail address (what Stripe and Shopify quote back). */
const EMAIL = /[^\s"'<>()[\]{},;:@]+@[^\s"'<>()[\]{},;:@]+\.[a-z]{2,}/gi;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The customer's values worth finding in a text, longest first (so "12 rue X, Paris" goes before "Paris"). */
function knownValues(customer: Partial<CustomerSnapshotInput> | null | undefined): [string, string][] {
  if (!customer) return [];
  const values: [string, string][] = [];
  if (customer.email) values.push([customer.email, PERSONAL_PLACEHOLDERS.email]);
  if (customer.name) values.push([customer.name, PERSONAL_PLACEHOLDERS.name]);
  for (const part of Object.values(customer.address ?? {})) {
    // A country code or a two-letter state says nothing about a person, and would match everywhere.
    if (typeof part === "string" && part.trim().length >= 4) values.push([part.trim(), PERSONAL_PLACEHOLDERS.address]);
  }
  return values.filter(([value]) => value.trim().length >= 3 && !value.startsWith("[")).sort((a, b) => b[0].length - a[0].length);
}

type Pattern = [RegExp, string];

/**
 * The customer's patterns, compiled once per snapshot object: the worker
 * scrubs every audit detail of a run with the same snapshot (each string of
 * each event of each step), and compiling them again for each string was a
 * visible part of its CPU (bench/stripe.ts under --cpu-prof). A snapshot is
 * never changed in place (an erasure replaces it), so its patterns stay right.
 */
const compiledPatterns = new WeakMap<object, Pattern[]>();

function patternsOf(customer: Partial<CustomerSnapshotInput> | null | undefined): Pattern[] {
  if (!customer) return [];
  let patterns = compiledPatterns.get(customer);
  if (!patterns) {
    patterns = knownValues(customer).map(([value, placeholder]): Pattern => [new RegExp(escapeRegExp(value), "gi"), placeholder]);
    compiledPatterns.set(customer, patterns);
  }
  return patterns;
}

/** `text` with the customer's data (and any e-mail address) replaced by placeholders: what may be stored. */
export function withoutPersonalData(text: string, customer?: Partial<CustomerSnapshotInput> | null): string {
  let stored = text;
  // Global patterns: replace() starts each from the beginning, whatever an earlier call left in lastIndex.
  for (const [pattern, placeholder] of patternsOf(customer)) stored = stored.replace(pattern, placeholder);
  return stored.replace(EMAIL, PERSONAL_PLACEHOLDERS.otherEmail);
}

/** Every string inside a JSON-like value, through `withoutPersonalData` (an audit detail). */
export function detailWithoutPersonalData<T>(detail: T, customer?: Partial<CustomerSnapshotInput> | null): T {
  if (typeof detail === "string") return withoutPersonalData(detail, customer) as T;
  if (Array.isArray(detail)) return detail.map((item: unknown) => detailWithoutPersonalData(item, customer)) as T;
  if (detail && typeof detail === "object") {
    return Object.fromEntries(Object.entries(detail).map(([key, value]) => [key, detailWithoutPersonalData(value, customer)])) as T;
  }
  return detail;
}

export type PersonalWords = {
  /** Shown where the customer's data was erased. */
  erased: string;
  /** Shown for an e-mail address that was not the customer's. */
  anEmail: string;
};

/** A stored text as the merchant reads it: placeholders filled from the customer's live snapshot. */
export function withPersonalData(text: string, customer: Partial<CustomerSnapshotInput> | null | undefined, words: PersonalWords): string {
  const live = (value: string | undefined) => (value && !value.startsWith("[") ? value : words.erased);
  const address = Object.values(customer?.address ?? {}).filter((part) => typeof part === "string" && part.trim()).join(", ");
  return text
    .replaceAll(PERSONAL_PLACEHOLDERS.email, live(customer?.email))
    .replaceAll(PERSONAL_PLACEHOLDERS.name, live(customer?.name))
    .replaceAll(PERSONAL_PLACEHOLDERS.address, address || words.erased)
    .replaceAll(PERSONAL_PLACEHOLDERS.otherEmail, words.anEmail);
}

/** The words of the stored English details (the pages' explanations of each code are translated). */
export const ENGLISH_PERSONAL_WORDS: PersonalWords = { erased: "[redacted]", anEmail: "an e-mail address" };
