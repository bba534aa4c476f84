// Stripe v1 request parameters: `application/x-www-form-urlencoded` bodies and
// query strings with bracket nesting (`lines[0][price_data][unit_amount]`,
// `metadata[run_id]`, `expand[]`), decoded into a raw tree of strings, then
// checked against a per-endpoint schema that produces typed values and
// Stripe-shaped 400s (`parameter_unknown`, `parameter_missing`, invalid integer…).

import { StripeApiError, missingParam, paramError, unknownParam } from "./errors.js";

export type RawNode = string | RawNode[] | { [key: string]: RawNode };
export type RawParams = { [key: string]: RawNode };

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    throw paramError(`Invalid URL encoding: ${s}`, s);
  }
}

function parseKey(key: string): string[] {
  const first = key.indexOf("[");
  if (first === -1) return [key];
  const head = key.slice(0, first);
  const rest = key.slice(first);
  const segments = [head];
  const re = /\[([^\]]*)\]/gy;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null) {
    segments.push(m[1] ?? "");
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length || head === "") {
    throw paramError(`Invalid parameter name: ${key}`, key);
  }
  return segments;
}

function isHash(node: RawNode | undefined): node is { [key: string]: RawNode } {
  return typeof node === "object" && node !== null && !Array.isArray(node);
}

/** Decode `a[b][0]=x&c[]=y` into a raw tree. `[]` appends; `[0]` is a hash key until a schema reads it as an array. */
export function decodeForm(input: string): RawParams {
  const root: RawParams = {};
  if (!input) return root;
  for (const pair of input.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decodeComponent(pair.slice(eq + 1));
    const path = parseKey(rawKey);
    let container: { [key: string]: RawNode } | RawNode[] = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as string;
      const last = i === path.length - 1;
      const nextSeg = path[i + 1];
      if (Array.isArray(container)) {
        if (seg !== "") throw paramError(`Invalid array: ${rawKey}`, rawKey);
        if (last) {
          container.push(value);
        } else {
          const child: RawNode = nextSeg === "" ? [] : {};
          container.push(child);
          container = child as RawNode[] | { [key: string]: RawNode };
        }
        continue;
      }
      const key: string = seg;
      if (key === "") throw paramError(`Invalid parameter name: ${rawKey}`, rawKey);
      if (last) {
        if (container[key] !== undefined && typeof container[key] !== "string") {
          throw paramError(`Invalid hash: ${rawKey}`, rawKey);
        }
        container[key] = value;
      } else {
        let child: RawNode | undefined = container[key];
        if (child === undefined) {
          child = nextSeg === "" ? [] : {};
          container[key] = child;
        } else if (typeof child === "string") {
          // `metadata=` (emptying) followed by `metadata[k]=v`: the hash wins.
          if (child !== "") throw paramError(`Invalid hash: ${rawKey}`, rawKey);
          child = nextSeg === "" ? [] : {};
          container[key] = child;
        } else if (nextSeg === "" && !Array.isArray(child)) {
          throw paramError(`Invalid array: ${rawKey}`, rawKey);
        }
        container = child as RawNode[] | { [key: string]: RawNode };
      }
    }
  }
  return root;
}

// ---------------------------------------------------------------------------
// Schemas

export interface StrSpec { t: "string"; req?: true; max?: number; enum?: readonly string[] }
export interface IntSpec { t: "int"; req?: true; min?: number; max?: number }
export interface BoolSpec { t: "bool"; req?: true }
export interface DecimalSpec { t: "decimal"; req?: true; min?: number; max?: number; places?: number }
export interface MetadataSpec { t: "metadata"; req?: true }
export interface ArraySpec { t: "array"; req?: true; of: Spec; max?: number; emptyable?: true }
export interface ObjectSpec { t: "object"; req?: true; fields: Record<string, Spec>; emptyable?: true }
export type Spec = StrSpec | IntSpec | BoolSpec | DecimalSpec | MetadataSpec | ArraySpec | ObjectSpec;

type IsReq<S> = S extends { req: true } ? true : false;
type EnumOf<S> = S extends { enum: readonly (infer E)[] } ? E : string;
type Empty<S, T> = S extends { emptyable: true } ? T | null : T;

/** Typed result of validating against a spec. `null` means the caller sent `""` (unset). */
export type Infer<S> = S extends StrSpec
  ? EnumOf<S>
  : S extends IntSpec
    ? number
    : S extends BoolSpec
      ? boolean
      : S extends DecimalSpec
        ? string
        : S extends MetadataSpec
          ? Record<string, string> | null
          : S extends ArraySpec
            ? Empty<S, Infer<S["of"]>[]>
            : S extends ObjectSpec
              ? Empty<S, InferFields<S["fields"]>>
              : never;

export type InferFields<F extends Record<string, Spec>> = {
  [K in keyof F as IsReq<F[K]> extends true ? K : never]: Infer<F[K]>;
} & {
  [K in keyof F as IsReq<F[K]> extends true ? never : K]?: Infer<F[K]>;
};

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

function nameOf(path: string[]): string {
  const [head, ...rest] = path;
  return `${head ?? ""}${rest.map((p) => `[${p}]`).join("")}`;
}

function asArray(node: RawNode, path: string[]): RawNode[] {
  if (Array.isArray(node)) return node;
  if (isHash(node)) {
    const keys = Object.keys(node);
    if (!keys.every((k) => /^\d+$/.test(k))) {
      throw paramError(`Invalid array`, nameOf(path));
    }
    return keys
      .map((k) => Number(k))
      .sort((a, b) => a - b)
      .map((k) => node[String(k)] as RawNode);
  }
  throw paramError(`Invalid array`, nameOf(path));
}

function validateNode(spec: Spec, node: RawNode, path: string[]): unknown {
  const name = nameOf(path);
  switch (spec.t) {
    case "string": {
      if (typeof node !== "string") throw paramError(`Invalid string: ${JSON.stringify(node)}`, name);
      if (spec.max !== undefined && node.length > spec.max) {
        throw paramError(`Invalid string: ${node.slice(0, 20)}...; must be at most ${spec.max} characters`, name);
      }
      if (spec.enum && !spec.enum.includes(node)) {
        throw paramError(`Invalid ${path[path.length - 1]}: must be one of ${spec.enum.join(", ")}`, name);
      }
      return node;
    }
    case "int": {
      if (typeof node !== "string" || !/^-?\d+$/.test(node) || !Number.isSafeInteger(Number(node))) {
        throw paramError(`Invalid integer: ${typeof node === "string" ? node : JSON.stringify(node)}`, name, "parameter_invalid_integer");
      }
      const n = Number(node);
      if (spec.min !== undefined && n < spec.min) throw paramError(`This value must be greater than or equal to ${spec.min}.`, name, "parameter_invalid_integer");
      if (spec.max !== undefined && n > spec.max) throw paramError(`This value must be less than or equal to ${spec.max}.`, name, "parameter_invalid_integer");
      return n;
    }
    case "bool": {
      if (node !== "true" && node !== "false") throw paramError(`Invalid boolean: ${typeof node === "string" ? node : JSON.stringify(node)}`, name);
      return node === "true";
    }
    case "decimal": {
      if (typeof node !== "string" || !DECIMAL_RE.test(node)) {
        throw paramError(`Invalid decimal: ${typeof node === "string" ? node : JSON.stringify(node)}`, name);
      }
      const places = node.split(".")[1]?.length ?? 0;
      if (places > (spec.places ?? 12)) throw paramError(`Invalid decimal: ${node}; at most ${spec.places ?? 12} decimal places`, name);
      const n = Number(node);
      if (spec.min !== undefined && n < spec.min) throw paramError(`This value must be greater than or equal to ${spec.min}.`, name);
      if (spec.max !== undefined && n > spec.max) throw paramError(`This value must be less than or equal to ${spec.max}.`, name);
      return node;
    }
    case "metadata": {
      if (node === "") return null;
      if (!isHash(node)) throw paramError("Invalid hash", name);
      const out: Record<string, string> = {};
      const keys = Object.keys(node);
      if (keys.length > 50) throw paramError("Invalid metadata: metadata can have up to 50 keys", name);
      for (const k of keys) {
        const v = node[k];
        if (typeof v !== "string") throw paramError(`Invalid metadata value for key ${k}`, `${name}[${k}]`);
        if (k.length > 40) throw paramError(`Invalid metadata: keys can be at most 40 characters`, `${name}[${k}]`);
        if (v.length > 500) throw paramError(`Invalid metadata: values can be at most 500 characters`, `${name}[${k}]`);
        out[k] = v;
      }
      return out;
    }
    case "array": {
      if (node === "" && spec.emptyable) return null;
      const items = asArray(node, path);
      if (spec.max !== undefined && items.length > spec.max) {
        throw paramError(`Invalid array: must have at most ${spec.max} elements`, name);
      }
      return items.map((item, i) => validateNode(spec.of, item, [...path, String(i)]));
    }
    case "object": {
      if (node === "" && spec.emptyable) return null;
      if (!isHash(node)) throw paramError("Invalid hash", name);
      return validateFields(spec.fields, node, path);
    }
  }
}

function validateFields(fields: Record<string, Spec>, node: { [key: string]: RawNode }, path: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node)) {
    if (!(key in fields)) throw unknownParam(nameOf([...path, key]));
  }
  for (const [key, spec] of Object.entries(fields)) {
    const value = node[key];
    if (value === undefined) {
      if (spec.req) throw missingParam(nameOf([...path, key]));
      continue;
    }
    out[key] = validateNode(spec, value, [...path, key]);
  }
  return out;
}

/** Every endpoint also accepts `expand[]`. */
const EXPAND: ArraySpec = { t: "array", of: { t: "string" }, max: 50 };

export function validateParams<F extends Record<string, Spec>>(
  fields: F,
  raw: RawParams,
): InferFields<F> & { expand?: string[] } {
  const out = validateFields({ ...fields, expand: EXPAND }, raw, []);
  return out as InferFields<F> & { expand?: string[] };
}

export function isStripeApiError(e: unknown): e is StripeApiError {
  return e instanceof StripeApiError;
}

/** Canonical form of a raw tree for idempotency comparison (key order insensitive). */
export function canonical(node: RawNode | RawParams): string {
  if (typeof node === "string") return JSON.stringify(node);
  if (Array.isArray(node)) return `[${node.map(canonical).join(",")}]`;
  const keys = Object.keys(node).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((node as Record<string, RawNode>)[k] as RawNode)}`).join(",")}}`;
}

/** The `expand[]` list of a raw request, if well-formed (handlers validate it properly). */
export function readExpand(raw: RawParams): string[] {
  const e = raw.expand;
  if (e === undefined) return [];
  try {
    return asArray(e, ["expand"]).filter((x): x is string => typeof x === "string");
  } catch {
    return [];
  }
}
