// The committed GraphQL types (app/gateways/shopify/generated/) are what
// Shopify's codegen preset makes of today's documents and schema. A document
// edited without `npm run graphql-codegen` already fails `tsc` (its text is no
// longer a key of the generated types); this also catches the other drifts:
// a schema file replaced without regenerating, a removed document whose types
// stay behind, a hand edit of a generated file.
import fs from "node:fs";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import graphqlConfig, { ADMIN_DOCUMENTS, ADMIN_SCHEMA } from "../../.graphqlrc";

describe("generated Admin GraphQL types", () => {
  it("are what `npm run graphql-codegen` generates from the documents and the local schema", async () => {
    // Shopify's pluckConfig holds graphql-tag-pluck options graphql-codegen's Config type does not list.
    const config = { schema: ADMIN_SCHEMA, documents: ADMIN_DOCUMENTS, ...graphqlConfig.extensions.codegen, silent: true } as Parameters<typeof generate>[0];
    const outputs: { filename: string; content: string }[] = await generate(config, false);
    const files = Object.keys(graphqlConfig.extensions.codegen.generates).sort();
    expect(outputs.map((output) => output.filename).sort()).toEqual(files);
    for (const output of outputs) {
      const committed = fs.readFileSync(output.filename, "utf8");
      // Compared by equality, not printed as a diff: admin.types.d.ts is 3.5 MB.
      expect({ file: output.filename, upToDate: committed === output.content }, "run `npm run graphql-codegen`").toEqual({
        file: output.filename,
        upToDate: true,
      });
    }
  }, 60_000);
});
