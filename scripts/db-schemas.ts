// `npm run db:schemas`: writes prisma/postgres/schema.prisma from
// prisma/schema.prisma, the one data model (SQLite, the embedded default).
// `npm run db:schemas -- --check` only says whether the committed file is
// current (tests/unit/db-schemas.test.ts fails when it is not).
//
// Prisma needs one schema file per provider. Only the datasource and the
// client's output differ; the models are copied as they are, so both
// databases hold the same tables, columns, keys and indexes under the same
// names, and the app has one set of types (the SQLite client's). How each
// scalar type is stored on PostgreSQL is decided in POSTGRES_STORAGE below;
// a type not listed there (or a native type attribute) stops the script, so
// adding one to the model is a decision made here, not a surprise in
// production.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SQLITE_SCHEMA = path.join(ROOT, "prisma/schema.prisma");
export const POSTGRES_SCHEMA = path.join(ROOT, "prisma/postgres/schema.prisma");

/**
 * Where the PostgreSQL client is generated, relative to the PostgreSQL schema:
 * beside the SQLite client in node_modules/.prisma, so both are install
 * artifacts resolved the same way at run time (see app/db.server.ts).
 */
export const POSTGRES_CLIENT_OUTPUT = "../../node_modules/.prisma/client-pg";

/**
 * How PostgreSQL stores each scalar type of the model: all with Prisma's
 * default for PostgreSQL, so the models are copied unchanged. A type missing
 * here stops the script until someone decides (and writes down why).
 */
const POSTGRES_STORAGE: Record<string, string> = {
  // TEXT on both: no length limit to diverge on. JSON documents stay String
  // (TEXT), validated by zod at read, so both providers share one type.
  String: "TEXT",
  Boolean: "BOOLEAN",
  // 32-bit on both: Prisma validates Int as 32-bit on SQLite too.
  Int: "INTEGER",
  BigInt: "BIGINT",
  // An IEEE double on both (SQLite REAL): exact for whole numbers below 2^53,
  // e.g. milliseconds since the epoch (StripeRequestSlot.nextSlotAt).
  Float: "DOUBLE PRECISION",
  Bytes: "BYTEA",
  // An instant in UTC with JavaScript's millisecond precision. Not
  // timestamptz: @prisma/adapter-pg (6.19) sends a Date as UTC digits
  // without an offset and reads timestamptz by replacing the offset with
  // +00:00, so timestamptz values shift by the session's TimeZone whenever it
  // is not UTC; timestamp(3) round-trips whatever the server's settings.
  DateTime: "TIMESTAMP(3)",
};

const PLACEHOLDER_URL = "postgresql://localhost/ritournelle";

/** A field line: its name and its type (a scalar or a model). */
const FIELD = /^\s+(\w+)\s+(\w+)(?:\[\]|\?)?(?:\s|$)/;

function generatedHeader(): string[] {
  return [
    "// GENERATED from prisma/schema.prisma by scripts/db-schemas.ts: do not edit.",
    "// Change prisma/schema.prisma, then run `npm run db:schemas` and add a",
    "// migration under prisma/postgres/migrations (see README, Database).",
    "",
  ];
}

/** The PostgreSQL schema for a SQLite schema: the same models, a PostgreSQL datasource, the client generated apart. */
export function postgresSchemaFrom(sqliteSchema: string): string {
  const models = new Set([...sqliteSchema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((match) => match[1]));
  const out: string[] = generatedHeader();
  let block: { kind: string; name: string } | null = null;
  let sawGenerator = false;
  let sawDatasource = false;
  const lines = sqliteSchema.split("\n");
  // The source's leading comment describes the SQLite file; ours replaces it.
  let start = 0;
  while (start < lines.length && (lines[start]!.startsWith("//") || lines[start]!.trim() === "")) start++;
  for (const line of lines.slice(start)) {
    const opening = /^(generator|datasource|model|enum|view|type)\s+(\w+)\s*\{/.exec(line);
    if (opening) {
      block = { kind: opening[1]!, name: opening[2]! };
      if (block.kind === "enum" || block.kind === "view" || block.kind === "type") {
        throw new Error(`prisma/schema.prisma declares a ${block.kind} (${block.name}): decide how PostgreSQL stores it in scripts/db-schemas.ts.`);
      }
      out.push(line);
      continue;
    }
    if (block && /^\}\s*$/.test(line)) {
      if (block.kind === "generator") {
        sawGenerator = true;
        out.push(`  output     = "${POSTGRES_CLIENT_OUTPUT}"`);
      }
      block = null;
      out.push(line);
      continue;
    }
    if (block?.kind === "generator" && /^\s+output\s*=/.test(line)) {
      throw new Error("prisma/schema.prisma sets the client's output: scripts/db-schemas.ts must place the PostgreSQL client apart from it.");
    }
    if (block?.kind === "datasource") {
      const provider = /^(\s+provider\s*=\s*)"sqlite"\s*$/.exec(line);
      if (provider) {
        sawDatasource = true;
        out.push(`${provider[1]}"postgresql"`);
        continue;
      }
      if (/^\s+provider\s*=/.test(line)) throw new Error(`unexpected datasource provider in prisma/schema.prisma: ${line.trim()}`);
      const url = /^(\s+url\s*=\s*)/.exec(line);
      if (url) {
        // The CLI needs a PostgreSQL URL to read this schema, and DATABASE_URL
        // is usually a file: URL where the client is generated (npm install).
        // Never used to connect: the client goes through @prisma/adapter-pg
        // with DATABASE_URL (app/db.server.ts), migrations through server/migrate.ts.
        out.push("  // Never used to connect (see scripts/db-schemas.ts).");
        out.push(`${url[1]}"${PLACEHOLDER_URL}"`);
        continue;
      }
      out.push(line);
      continue;
    }
    if (block?.kind === "model") {
      const field = FIELD.exec(line);
      const type = field?.[2];
      if (type && !models.has(type) && POSTGRES_STORAGE[type] === undefined) {
        throw new Error(`${block.name}.${field[1]} has type ${type}: decide how PostgreSQL stores it (POSTGRES_STORAGE in scripts/db-schemas.ts).`);
      }
      if (/@db\./.test(line)) throw new Error(`${block.name}: "${line.trim()}" names a native type: decide its PostgreSQL counterpart in scripts/db-schemas.ts.`);
    }
    out.push(line);
  }
  if (!sawGenerator) throw new Error("prisma/schema.prisma has no generator block.");
  if (!sawDatasource) throw new Error('prisma/schema.prisma has no datasource with provider = "sqlite".');
  return out.join("\n");
}

function main(argv: string[]): number {
  const expected = postgresSchemaFrom(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
  const current = fs.existsSync(POSTGRES_SCHEMA) ? fs.readFileSync(POSTGRES_SCHEMA, "utf8") : null;
  if (argv.includes("--check")) {
    if (current === expected) {
      console.log("prisma/postgres/schema.prisma is current");
      return 0;
    }
    console.error("prisma/postgres/schema.prisma is stale: run `npm run db:schemas`.");
    return 1;
  }
  fs.mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
  fs.writeFileSync(POSTGRES_SCHEMA, expected);
  console.log(current === expected ? "prisma/postgres/schema.prisma unchanged" : "wrote prisma/postgres/schema.prisma");
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main(process.argv.slice(2)));
}
