// One data model, two providers: prisma/postgres/schema.prisma is generated
// from prisma/schema.prisma (scripts/db-schemas.ts) and must stay so.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { POSTGRES_SCHEMA, postgresSchemaFrom, SQLITE_SCHEMA } from "../../scripts/db-schemas";

const sqliteSchema = fs.readFileSync(SQLITE_SCHEMA, "utf8");

describe("the PostgreSQL schema", () => {
  it("is the one generated from prisma/schema.prisma (run `npm run db:schemas` after changing it)", () => {
    expect(fs.readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(postgresSchemaFrom(sqliteSchema));
  });

  it("is what the PostgreSQL client was generated from (run `npm run db:generate` after changing it)", () => {
    // The client keeps a copy of its schema, reformatted by Prisma (columns aligned).
    const words = (schema: string) => schema.replace(/[ \t]+/g, " ");
    const generated = path.resolve("node_modules/.prisma/client-pg/schema.prisma");
    expect(words(fs.readFileSync(generated, "utf8"))).toBe(words(fs.readFileSync(POSTGRES_SCHEMA, "utf8")));
  });

  it("copies the models unchanged, on a PostgreSQL datasource, with its client generated apart", () => {
    const postgres = postgresSchemaFrom(sqliteSchema);
    const models = (schema: string) => schema.slice(schema.search(/^model /m));
    expect(models(postgres)).toBe(models(sqliteSchema));
    expect(postgres).toMatch(/^\s+provider = "postgresql"$/m);
    expect(postgres).toMatch(/^\s+output\s+= "\.\.\/\.\.\/node_modules\/\.prisma\/client-pg"$/m);
  });

  it("refuses a column type, or a native type, no one decided the PostgreSQL storage of", () => {
    const withDecimal = sqliteSchema.replace(/^(\s+periodTotal\s+)Int$/m, "$1Decimal");
    expect(withDecimal).not.toBe(sqliteSchema);
    expect(() => postgresSchemaFrom(withDecimal)).toThrow(/RecurringTemplate\.periodTotal has type Decimal: decide how PostgreSQL stores it/);
    const withNativeType = sqliteSchema.replace(/^(\s+periodTotal\s+Int)$/m, "$1 @db.Integer");
    expect(withNativeType).not.toBe(sqliteSchema);
    expect(() => postgresSchemaFrom(withNativeType)).toThrow(/names a native type/);
  });
});
