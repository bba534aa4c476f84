// Every Admin GraphQL document the app sends must be valid against the real
// Shopify Admin schema (2026-01, from Shopify). Documents are found by their
// `#graphql` marker anywhere under app/, so a new one is checked without
// being registered here.
import fs from "node:fs";
import path from "node:path";
import { parse, validate, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { getAdminSchema } from "../../sandbox/shopify/schema";


function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

export function findDocuments(root = "app"): { file: string; document: string }[] {
  return sourceFiles(root).flatMap((file) =>
    [...fs.readFileSync(file, "utf8").matchAll(/`(#graphql[ \t]*\n[\s\S]*?)`/g)].map((match) => ({ file, document: match[1]! })),
  );
}

function errorsOf(schema: GraphQLSchema, document: string): string[] {
  try {
    return validate(schema, parse(document)).map((error) => error.message);
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

  it.each(documents.map((entry) => [`${entry.file}: ${/(query|mutation)\s+(\w+)/.exec(entry.document)?.[2]}`, entry.document]))(
    "%s is valid against the 2026-01 Admin schema",
    (_name, document) => {
      expect(errorsOf(schema, document)).toEqual([]);
    },
  );

  it("would catch an unknown field or argument", () => {
    const [unknownField] = errorsOf(schema, "query { shop { name notAField } }");
    expect(unknownField).toMatch(/^Cannot query field "notAField" on type "Shop"\./);
    const [unknownArgument] = errorsOf(schema, "query { orders(first: 1, notAnArg: 1) { nodes { id } } }");
    expect(unknownArgument).toMatch(/^Unknown argument "notAnArg" on field "QueryRoot\.orders"\./);
  });
});
