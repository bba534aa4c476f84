// A subset of Shopify's search syntax for the `orders(query:)` argument.
//
// Supported: free text (matches the order name, customer name and email,
// case- and accent-insensitively), `field:value` terms, implicit AND, explicit
// AND / OR, `-term` and `NOT term` negation, quoted values, and comparison
// prefixes (>, >=, <, <=) on dates.
//
// Fields: name, email, customer_id, id, financial_status, fulfillment_status,
// status, tag, test, created_at, processed_at, updated_at, sku, currency
// (presentment currency code).
//
// A field Shopify would not know is ignored (matches everything) and reported
// the way Shopify reports it, in `extensions.search[].warnings`:
//   { "field": "foo", "message": "Invalid search field for this query.", "code": "invalid_field" }

import type { SeedCustomer, SeedOrder } from "./seed";

export interface SearchWarning {
  field: string;
  message: string;
  code: string;
}

interface Term {
  negate: boolean;
  field: string | null;
  value: string;
}

type Clause = Term[]; // AND
type Query = Clause[]; // OR of ANDs

const KNOWN_FIELDS = new Set([
  "name",
  "email",
  "customer_id",
  "id",
  "financial_status",
  "fulfillment_status",
  "status",
  "tag",
  "test",
  "created_at",
  "processed_at",
  "updated_at",
  "sku",
  "currency",
]);

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (const ch of query) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (/\s/.test(ch)) {
      if (current) tokens.push(current);
      current = "";
    } else current += ch;
  }
  if (current) tokens.push(current);
  return tokens;
}

function parse(query: string): Query {
  const clauses: Query = [[]];
  let negateNext = false;
  for (const raw of tokenize(query)) {
    if (raw === "OR") {
      clauses.push([]);
      continue;
    }
    if (raw === "AND") continue;
    if (raw === "NOT") {
      negateNext = true;
      continue;
    }
    let token = raw;
    let negate = negateNext;
    negateNext = false;
    if (token.startsWith("-") && token.length > 1) {
      negate = !negate;
      token = token.slice(1);
    }
    const colon = token.indexOf(":");
    const term: Term =
      colon > 0 ? { negate, field: token.slice(0, colon).toLowerCase(), value: token.slice(colon + 1) } : { negate, field: null, value: token };
    clauses[clauses.length - 1]?.push(term);
  }
  return clauses.filter((c) => c.length > 0);
}

export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

function compareDate(actual: string, spec: string): boolean {
  const m = /^(>=|<=|>|<)?(.+)$/.exec(spec);
  const op = m?.[1] ?? "";
  const raw = m?.[2] ?? spec;
  const bound = Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(bound)) return false;
  const value = Date.parse(actual);
  switch (op) {
    case ">":
      return value > bound;
    case ">=":
      return value >= bound;
    case "<":
      return value < bound;
    case "<=":
      return value <= bound;
    default:
      // A bare date matches that whole (UTC) day; a timestamp matches exactly.
      return raw.length === 10 ? value >= bound && value < bound + 86_400_000 : value === bound;
  }
}

function legacyId(gid: string | null): string {
  return gid ? (gid.split("/").pop() ?? "") : "";
}

export interface OrderSearch {
  matches(order: SeedOrder): boolean;
  warnings: SearchWarning[];
}

/** Compiles an orders search query. `customers` resolves names for free text. */
export function compileOrderSearch(query: string | null | undefined, customers: readonly SeedCustomer[]): OrderSearch {
  const warnings: SearchWarning[] = [];
  if (!query || query.trim() === "") return { matches: () => true, warnings };
  const parsed = parse(query);
  for (const clause of parsed) {
    for (const term of clause) {
      if (term.field !== null && !KNOWN_FIELDS.has(term.field) && !warnings.some((w) => w.field === term.field)) {
        warnings.push({ field: term.field, message: "Invalid search field for this query.", code: "invalid_field" });
      }
    }
  }
  const customerOf = (order: SeedOrder) => customers.find((c) => c.id === order.customerId);

  const termMatches = (order: SeedOrder, term: Term): boolean => {
    const value = term.value;
    const v = fold(value);
    switch (term.field) {
      case null: {
        const c = customerOf(order);
        const haystack = [order.name, order.email ?? "", c?.displayName ?? "", c?.email ?? "", c?.firstName ?? "", c?.lastName ?? ""]
          .map(fold)
          .join(" \u0000 ");
        return haystack.includes(v);
      }
      case "name": {
        const wanted = value.startsWith("#") ? value : `#${value}`;
        return fold(order.name) === fold(wanted);
      }
      case "email":
        return order.email !== null && fold(order.email) === v;
      case "customer_id":
        return legacyId(order.customerId) === legacyId(value) && order.customerId !== null;
      case "id":
        return compareNumeric(Number(order.legacyResourceId), value);
      case "financial_status":
        return (order.displayFinancialStatus ?? "").toLowerCase() === v;
      case "fulfillment_status": {
        const status = order.displayFulfillmentStatus;
        if (v === "shipped" || v === "fulfilled") return status === "FULFILLED";
        if (v === "unshipped" || v === "unfulfilled") return status === "UNFULFILLED";
        if (v === "partial") return status === "PARTIALLY_FULFILLED";
        return status.toLowerCase() === v;
      }
      case "status":
        if (v === "any") return true;
        if (v === "open") return order.closedAt === null && order.cancelledAt === null;
        if (v === "closed") return order.closedAt !== null;
        if (v === "cancelled") return order.cancelledAt !== null;
        return false;
      case "tag":
        return order.tags.some((t) => fold(t) === v);
      case "test":
        return String(order.test) === v;
      case "created_at":
        return compareDate(order.createdAt, value);
      case "processed_at":
        return compareDate(order.processedAt, value);
      case "updated_at":
        return compareDate(order.updatedAt, value);
      case "sku":
        return order.lineItems.some((l) => l.sku !== null && fold(l.sku) === v);
      case "currency":
        return fold(order.presentmentCurrencyCode) === v;
      default:
        return true; // unknown field: ignored, reported in warnings
    }
  };

  return {
    warnings,
    matches(order) {
      return parsed.some((clause) =>
        clause.every((term) => {
          const known = term.field === null || KNOWN_FIELDS.has(term.field);
          if (!known) return true;
          const hit = termMatches(order, term);
          return term.negate ? !hit : hit;
        }),
      );
    },
  };
}

function compareNumeric(actual: number, spec: string): boolean {
  const m = /^(>=|<=|>|<)?(\d+)$/.exec(spec);
  if (!m) return false;
  const bound = Number(m[2]);
  switch (m[1]) {
    case ">":
      return actual > bound;
    case ">=":
      return actual >= bound;
    case "<":
      return actual < bound;
    case "<=":
      return actual <= bound;
    default:
      return actual === bound;
  }
}
