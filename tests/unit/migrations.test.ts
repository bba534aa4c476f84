// The committed migrations must build exactly the schema in prisma/schema.prisma.
//
// Prisma's own check (`migrate diff --from-migrations`) needs a shadow
// database, which the better-sqlite3 adapter of the JS schema engine cannot
// replay multi-statement migrations into (Prisma 6.19). So we compare the two
// databases ourselves: one built by `prisma migrate deploy` (global setup),
// one built from `migrate diff --from-empty --to-schema-datamodel`.
import { execFileSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

type Shape = Record<string, { columns: unknown[]; indexes: unknown[]; foreignKeys: unknown[] }>;

function shapeOf(db: Database.Database): Shape {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations' ORDER BY name")
    .all() as { name: string }[];
  const shape: Shape = {};
  for (const { name } of tables) {
    const indexes = (db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number }[])
      .map((index) => ({
        name: index.name,
        unique: index.unique,
        columns: (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[]).map((c) => c.name),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    shape[name] = {
      columns: db.prepare(`PRAGMA table_info("${name}")`).all(),
      indexes,
      foreignKeys: db.prepare(`PRAGMA foreign_key_list("${name}")`).all(),
    };
  }
  return shape;
}

describe("migrations", () => {
  it("match prisma/schema.prisma (no drift)", () => {
    const migrated = new Database(path.join(process.env.RITOURNELLE_TEST_RUN_DIR!, "template.sqlite"), { readonly: true });
    const script = execFileSync(
      path.resolve("node_modules/.bin/prisma"),
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const fromSchema = new Database(":memory:");
    fromSchema.exec(script);
    expect(shapeOf(migrated)).toEqual(shapeOf(fromSchema));
    expect(Object.keys(shapeOf(migrated))).toContain("Shop");
  });
});
