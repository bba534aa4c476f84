// One Admin API version everywhere: the app's requests, the webhooks Shopify
// sends (shopify.app.toml), the admin extension, the generated GraphQL types
// and the Shopify stand-in all use the version of the schema the project
// validates its documents against. A version bumped in one place only fails
// here (README: "Moving to a newer Admin API version").
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "~/gateways/shopify/api-version";
import { ADMIN_API_VERSION as STAND_IN_VERSION, adminSchemaPath } from "../../sandbox/shopify/schema";
import { ADMIN_SCHEMA as CODEGEN_SCHEMA } from "../../.graphqlrc";

/** Every `api_version = "…"` of a toml file (shopify.app.toml has one, each extension one). */
function apiVersionsIn(file: string): string[] {
  return [...fs.readFileSync(file, "utf8").matchAll(/^\s*api_version\s*=\s*"([^"]*)"/gm)].map((match) => match[1]!);
}

describe("the Admin API version", () => {
  it("is the version of the schema the documents are validated against, and the stand-in's", () => {
    expect(ADMIN_API_VERSION).toBe(STAND_IN_VERSION);
    expect(adminSchemaPath()).toMatch(new RegExp(`admin_schema_${ADMIN_API_VERSION}_public\\.graphql$`));
  });

  it("is the version of the schema the documents' types are generated from", () => {
    expect(CODEGEN_SCHEMA).toBe(`sandbox/shopify/schema/admin_schema_${ADMIN_API_VERSION}_public.graphql`);
    expect(fs.existsSync(CODEGEN_SCHEMA)).toBe(true);
  });

  it("is the version of the webhooks in shopify.app.toml", () => {
    expect(apiVersionsIn("shopify.app.toml")).toEqual([ADMIN_API_VERSION]);
  });

  it("is the version of every extension", () => {
    const extensions = fs.readdirSync("extensions", { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(extensions.length).toBeGreaterThan(0);
    for (const extension of extensions) {
      const toml = `extensions/${extension.name}/shopify.extension.toml`;
      expect({ toml, versions: apiVersionsIn(toml) }).toEqual({ toml, versions: [ADMIN_API_VERSION] });
    }
  });
});
