// The real Shopify Admin GraphQL schema (API 2026-01), built once per process.
//
// The SDL is Shopify's own public schema file (3.4 MB, 2,997 types). Building
// it with graphql-js takes 0.7-1.0 s cold on the 2-core dev machine (parsing
// the SDL alone is ~0.6 s; SDL validation, skipped here, adds ~0.2-0.3 s), so
// it is built lazily on first use and cached at module level: every executor,
// server and test in one process shares the same GraphQLSchema instance.

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, type GraphQLSchema } from "graphql";

/** The version of the schema file below; the only version the stand-in answers (server.ts). */
export const ADMIN_API_VERSION = "2026-01";
const SCHEMA_FILE = `admin_schema_${ADMIN_API_VERSION}_public.graphql`;

/** Where the SDL is looked for, first match wins. */
function candidatePaths(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromEnv = process.env.SHOPIFY_ADMIN_SCHEMA_PATH;
  return [
    ...(fromEnv ? [fromEnv] : []),
    // /work/main/sandbox/shopify -> /work/shared/shopify (the shared/ folder beside the repo)
    resolve(here, "../../../shared/shopify", SCHEMA_FILE),
    resolve(here, "../../shared/shopify", SCHEMA_FILE),
    resolve(process.cwd(), "../shared/shopify", SCHEMA_FILE),
    // A copy of the same file (with Shopify's MIT licence) in the repository,
    // so that a clone checked out anywhere runs its tests without shared/.
    resolve(here, "schema", SCHEMA_FILE),
  ];
}

export function adminSchemaPath(): string {
  const found = candidatePaths().find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `Shopify Admin schema SDL not found; looked in:\n  ${candidatePaths().join("\n  ")}\n` +
        `Set SHOPIFY_ADMIN_SCHEMA_PATH to ${SCHEMA_FILE}.`,
    );
  }
  return found;
}

export interface SchemaBuildStats {
  path: string;
  readMs: number;
  buildMs: number;
  typeCount: number;
}

let cached: { schema: GraphQLSchema; stats: SchemaBuildStats } | undefined;

/** The Admin schema, built on first call and cached for the life of the process. */
export function getAdminSchema(): GraphQLSchema {
  return loadAdminSchema().schema;
}

/** Build timings of the cached schema (builds it if needed). */
export function adminSchemaStats(): SchemaBuildStats {
  return loadAdminSchema().stats;
}

function loadAdminSchema(): { schema: GraphQLSchema; stats: SchemaBuildStats } {
  if (cached) return cached;
  const path = adminSchemaPath();
  const t0 = performance.now();
  const sdl = readFileSync(path, "utf8");
  const t1 = performance.now();
  // The SDL is Shopify's published schema: trusted, so SDL validation is skipped
  // (halves the build time). Query documents are still fully validated.
  const schema = buildSchema(sdl, { assumeValidSDL: true });
  const t2 = performance.now();
  cached = {
    schema,
    stats: { path, readMs: t1 - t0, buildMs: t2 - t1, typeCount: Object.keys(schema.getTypeMap()).length },
  };
  return cached;
}
