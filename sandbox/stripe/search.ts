// Stripe's search query language (subset used for customers and invoices):
//   clause   := ["-"] field op value
//   field    := name | metadata["key"] | metadata['key']
//   op       := ":" (exact) | "~" (substring, ≥ 3 chars) | ">" | "<" | ">=" | "<="
//   value    := "quoted" | 'quoted' | number | null
// Clauses are joined by whitespace or AND (conjunction) or OR; AND and OR
// cannot be mixed; at most 10 clauses. String values must be quoted.

import { paramError } from "./errors.js";

export interface SearchField<T> {
  /** text: case-insensitive, supports `~`; token: exact; number: comparisons. */
  kind: "text" | "token" | "number";
  get(obj: T): string | number | null;
}

interface Clause {
  negate: boolean;
  field: string;
  metadataKey: string | null;
  op: ":" | "~" | ">" | "<" | ">=" | "<=";
  value: string | number | null;
  quoted: boolean;
}

function syntax(message: string) {
  return paramError(`Query syntax error: ${message}`, "query", "parameter_invalid");
}

function readQuoted(q: string, pos: number): { value: string; end: number } {
  const quote = q[pos];
  let out = "";
  let i = pos + 1;
  while (i < q.length) {
    const c = q[i] as string;
    if (c === "\\" && i + 1 < q.length) {
      out += q[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) return { value: out, end: i + 1 };
    out += c;
    i++;
  }
  throw syntax(`unterminated string starting at position ${pos}`);
}

function parse(query: string): { clauses: Clause[]; joiner: "AND" | "OR" } {
  const clauses: Clause[] = [];
  let joiner: "AND" | "OR" | null = null;
  let i = 0;
  const skipWs = () => {
    while (i < query.length && /\s/.test(query[i] as string)) i++;
  };
  skipWs();
  if (i >= query.length) throw syntax("empty query");
  for (;;) {
    skipWs();
    let negate = false;
    if (query[i] === "-") {
      negate = true;
      i++;
    }
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_.]*/.exec(query.slice(i));
    if (!nameMatch) throw syntax(`expected a field name at position ${i}`);
    const field = nameMatch[0];
    i += field.length;
    let metadataKey: string | null = null;
    if (query[i] === "[") {
      if (field !== "metadata") throw syntax(`only metadata accepts a [key] at position ${i}`);
      const q = query[i + 1];
      if (q !== '"' && q !== "'") throw syntax("metadata keys must be quoted");
      const key = readQuoted(query, i + 1);
      metadataKey = key.value;
      i = key.end;
      if (query[i] !== "]") throw syntax(`expected ] at position ${i}`);
      i++;
    }
    const opMatch = /^(>=|<=|:|~|>|<)/.exec(query.slice(i));
    if (!opMatch) throw syntax(`expected an operator (:, ~, >, <, >=, <=) after ${field} at position ${i}`);
    const op = opMatch[0] as Clause["op"];
    i += op.length;
    let value: string | number | null;
    let quoted = false;
    const c = query[i];
    if (c === '"' || c === "'") {
      const r = readQuoted(query, i);
      value = r.value;
      quoted = true;
      i = r.end;
    } else {
      const m = /^[^\s]+/.exec(query.slice(i));
      if (!m) throw syntax(`expected a value after ${field}${op}`);
      const raw = m[0];
      i += raw.length;
      if (raw === "null") value = null;
      else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
      else throw syntax(`the value ${raw} for ${field} must be quoted`);
    }
    clauses.push({ negate, field, metadataKey, op, value, quoted });
    if (clauses.length > 10) throw syntax("a query can have at most 10 clauses");
    skipWs();
    if (i >= query.length) break;
    const kw = /^(AND|OR)\s+/i.exec(query.slice(i));
    const thisJoiner = kw ? ((kw[1] as string).toUpperCase() as "AND" | "OR") : "AND";
    if (kw) i += kw[0].length;
    if (joiner !== null && joiner !== thisJoiner) throw syntax("AND and OR can't be combined in one query");
    joiner = thisJoiner;
  }
  return { clauses, joiner: joiner ?? "AND" };
}

export function compileQuery<T>(
  query: string,
  resource: string,
  fields: Record<string, SearchField<T>>,
  metadataOf: (obj: T) => Record<string, string> | null,
): (obj: T) => boolean {
  const { clauses, joiner } = parse(query);
  const tests = clauses.map((cl) => {
    let test: (obj: T) => boolean;
    if (cl.field === "metadata") {
      if (cl.metadataKey === null) throw syntax("metadata must be followed by [\"key\"]");
      if (cl.op !== ":") throw syntax("metadata only supports the : operator");
      const key = cl.metadataKey;
      test = (obj) => {
        const v = metadataOf(obj)?.[key];
        return cl.value === null ? v === undefined : v === String(cl.value);
      };
    } else {
      const f = fields[cl.field];
      if (!f) {
        throw paramError(
          `Field '${cl.field}' is an unsupported search field for resource ${resource}. See http://stripe.com/docs/search#query-fields-for-${resource} for a list of supported fields.`,
          "query",
        );
      }
      if (f.kind === "number") {
        if (cl.op === "~") throw syntax(`${cl.field} does not support the ~ operator`);
        if (cl.value !== null && typeof cl.value !== "number") throw syntax(`${cl.field} expects a number`);
        const n = cl.value;
        test = (obj) => {
          const v = f.get(obj);
          if (n === null) return v === null;
          if (typeof v !== "number") return false;
          switch (cl.op) {
            case ":":
              return v === n;
            case ">":
              return v > n;
            case "<":
              return v < n;
            case ">=":
              return v >= n;
            case "<=":
              return v <= n;
            default:
              return false;
          }
        };
      } else {
        if (cl.op !== ":" && cl.op !== "~") throw syntax(`${cl.field} only supports the : and ~ operators`);
        if (cl.value !== null && !cl.quoted) throw syntax(`the value for ${cl.field} must be quoted`);
        if (cl.op === "~" && f.kind !== "text") throw syntax(`${cl.field} does not support the ~ operator`);
        if (cl.op === "~" && String(cl.value ?? "").length < 3) throw syntax("substring matches need at least 3 characters");
        const wanted = cl.value === null ? null : String(cl.value);
        test = (obj) => {
          const v = f.get(obj);
          if (wanted === null) return v === null || v === "";
          if (v === null) return false;
          const have = String(v);
          if (cl.op === "~") return have.toLowerCase().includes(wanted.toLowerCase());
          return f.kind === "text" ? have.toLowerCase() === wanted.toLowerCase() : have === wanted;
        };
      }
    }
    return cl.negate ? (obj: T) => !test(obj) : test;
  });
  return joiner === "AND" ? (obj) => tests.every((t) => t(obj)) : (obj) => tests.some((t) => t(obj));
}
