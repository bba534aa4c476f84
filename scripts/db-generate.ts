// `npm run db:generate` (also postinstall and typecheck): generates both
// Prisma clients, offline.
// - SQLite's, from prisma/schema.prisma, to Prisma's default place
//   (node_modules/.prisma/client, imported as @prisma/client): the app's types.
// - PostgreSQL's, from prisma/postgres/schema.prisma (scripts/db-schemas.ts),
//   to node_modules/.prisma/client-pg, loaded by app/db.server.ts when
//   DATABASE_URL is postgres://.
//
// The CLI runs without DATABASE_URL: the SQLite schema reads it, and a
// postgres:// value there makes `prisma generate` fail validation and fall
// back to downloading an engine (which fails offline). prisma.config.ts then
// defaults it to the embedded SQLite file.
//
// Prisma gives a client generated to a custom output its own copy of Prisma's
// runtime (./runtime/*.js). Two runtimes in one process mean two sets of
// classes: `error instanceof Prisma.PrismaClientKnownRequestError` (imported
// from @prisma/client, as the app does) would be false for the PostgreSQL
// client's errors, and a `Prisma.sql`/`Prisma.join` fragment would not be
// recognised inside its raw queries. So the copy is removed and the client
// loads the runtime of @prisma/client, as a client generated to Prisma's
// default output does (the copy is that same file with a banner).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { POSTGRES_CLIENT_OUTPUT, POSTGRES_SCHEMA, SQLITE_SCHEMA } from "./db-schemas";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const POSTGRES_CLIENT_DIR = path.resolve(path.dirname(POSTGRES_SCHEMA), POSTGRES_CLIENT_OUTPUT);

const COPIED_RUNTIME = /(['"])\.\/runtime\//g;
const SHARED_RUNTIME = "$1@prisma/client/runtime/";

function prismaGenerate(schema: string): void {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  execFileSync(path.join(ROOT, "node_modules/.bin/prisma"), ["generate", "--schema", schema], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
}

export function generatePostgresClient(): void {
  prismaGenerate(POSTGRES_SCHEMA);
  let entryRewired = false;
  for (const name of fs.readdirSync(POSTGRES_CLIENT_DIR)) {
    if (!/\.(c|m)?js$|\.d\.ts$/.test(name)) continue;
    const file = path.join(POSTGRES_CLIENT_DIR, name);
    const source = fs.readFileSync(file, "utf8");
    const rewired = source.replace(COPIED_RUNTIME, SHARED_RUNTIME);
    if (rewired === source) continue;
    fs.writeFileSync(file, rewired);
    if (name === "index.js") entryRewired = true;
  }
  if (!entryRewired) {
    throw new Error(`${path.relative(ROOT, POSTGRES_CLIENT_DIR)}/index.js does not load ./runtime/: Prisma's generated layout changed, review scripts/db-generate.ts.`);
  }
  fs.rmSync(path.join(POSTGRES_CLIENT_DIR, "runtime"), { recursive: true, force: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  prismaGenerate(SQLITE_SCHEMA);
  console.log("generated the SQLite client in node_modules/.prisma/client");
  generatePostgresClient();
  console.log(`generated the PostgreSQL client in ${path.relative(ROOT, POSTGRES_CLIENT_DIR)}`);
}
