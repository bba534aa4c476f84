// Every Admin GraphQL document the app sends must be valid against the real
// Shopify Admin schema (2026-01, from Shopify). Documents are found by their
// `#graphql` marker anywhere under app/, so a new one is checked without
// being registered here.
import fs from "node:fs";
import path from "node:path";
import { NoUnusedFragmentsRule, parse, specifiedRules, validate, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { getAdminSchema } from "../../sandbox/shopify/schema";


function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

/**
 * Every `#graphql` literal under `root`, with its `${NAME}` interpolations
 * replaced by the `#graphql` literal the same file assigns to NAME (a shared
 * fragment, as Shopify's codegen preset resolves them), so each document is
 * validated as it is sent.
 */
export function findDocuments(root = "app"): { file: string; document: string }[] {
  return sourceFiles(root).flatMap((file) => {
    const text = fs.readFileSync(file, "utf8");
    const named = new Map([...text.matchAll(/\bconst\s+(\w+)\s*=\s*`(#graphql[ \t]*\n[\s\S]*?)`/g)].map((match) => [match[1]!, match[2]!]));
    const resolve = (document: string, depth = 0): string =>
      document.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
        const fragment = named.get(name);
        return fragment === undefined || depth > 5 ? whole : resolve(fragment, depth + 1);
      });
    return [...text.matchAll(/`(#graphql[ \t]*\n[\s\S]*?)`/g)].map((match) => ({ file, document: resolve(match[1]!) }));
  });
}

/** A literal that holds only fragments, for the documents that interpolate it. */
function isFragmentsOnly(document: string): boolean {
  return !/(^|\n)\s*(query|mutation|subscription)\b/.test(document.replace(/^#graphql/, ""));
}

function errorsOf(schema: GraphQLSchema, document: string): string[] {
  try {
    // A fragments-only literal is checked field by field; "never used" is for the documents that include it.
    const rules = isFragmentsOnly(document) ? specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule) : specifiedRules;
    return validate(schema, parse(document), rules).map((error) => error.message);
  } catch (error) {
    return [(error as Error).message];
  }
}

let schema: GraphQLSchema;
beforeAll(() => {
  schema = getAdminSchema(); // Shopify's 2026-01 SDL, as the Admin stand-in serves it
});

const documents = findDocuments();

describe("Admin GraphQL documents", () => {
  it("finds the app's documents", () => {
    expect(documents.length).toBeGreaterThan(0);
  });

  const nameOf = (document: string) => /(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? /fragment\s+(\w+)/.exec(document)?.[1];
  it.each(documents.map((entry) => [`${entry.file}: ${nameOf(entry.document)}`, entry.document]))(
    "%s is valid against the 2026-01 Admin schema",
    (_name, document) => {
      expect(errorsOf(schema, document)).toEqual([]);
    },
  );

  it("validates a shared fragment inside each document that interpolates it (nothing is left as `${…}`)", () => {
    const drafts = documents.filter((entry) => entry.file.endsWith("draft-orders.server.ts") && /\.\.\.RitournelleDraftOrderFields\b/.test(entry.document));
    expect(drafts.length).toBeGreaterThanOrEqual(5);
    for (const { document } of drafts) expect(document).toContain("fragment RitournelleDraftOrderFields on DraftOrder");
    expect(documents.filter((entry) => entry.document.includes("${"))).toEqual([]);
  });

  it("would catch an unknown field or argument", () => {
    const [unknownField] = errorsOf(schema, "query { shop { name notAField } }");
    expect(unknownField).toMatch(/^Cannot query field "notAField" on type "Shop"\./);
    const [unknownArgument] = errorsOf(schema, "query { orders(first: 1, notAnArg: 1) { nodes { id } } }");
    expect(unknownArgument).toMatch(/^Unknown argument "notAnArg" on field "QueryRoot\.orders"\./);
  });
});
