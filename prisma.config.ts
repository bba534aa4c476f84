// Prisma CLI configuration: the JS schema engine with the better-sqlite3
// driver adapter, so `prisma migrate deploy|diff` run offline with no engine
// binary. The runtime client picks its adapter in app/db.server.ts.
import "dotenv/config";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { sqliteFileFromUrl, DEFAULT_DATABASE_URL } from "./app/db-url";

// The schema's datasource reads DATABASE_URL; without it the CLI cannot read
// the schema and falls back to downloading a query engine (which fails
// offline). Default it to the embedded SQLite file, as the app does.
process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
    // `migrate diff --from-migrations` replays the migrations into a shadow
    // database; the adapter's in-memory default fails there, a scratch file works.
    const shadowDatabaseUrl = path.join(os.tmpdir(), `ritournelle-shadow-${process.pid}.sqlite`);
    return new PrismaBetterSQLite3({ url: sqliteFileFromUrl(url) }, { shadowDatabaseUrl });
  },
});
