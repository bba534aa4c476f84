// "Nothing was written": the row count of every table of the schema.
import { Prisma } from "@prisma/client";
import prisma from "~/db.server";

type CountDelegate = { count(): Promise<number> };

/**
 * How many rows each model's table holds, by model name. Every model of the
 * schema is listed (Prisma.ModelName), so a table added later is covered
 * without touching the tests that compare two snapshots.
 */
export async function tableRowCounts(): Promise<Record<Prisma.ModelName, number>> {
  const counts = {} as Record<Prisma.ModelName, number>;
  for (const model of Object.values(Prisma.ModelName)) {
    const delegate = (prisma as unknown as Record<string, CountDelegate>)[model.charAt(0).toLowerCase() + model.slice(1)];
    if (!delegate) throw new Error(`no Prisma delegate for model ${model}`);
    counts[model] = await delegate.count();
  }
  return counts;
}

/**
 * Where `needle` appears in the database: "Model.column" for every row value
 * (text, or JSON text) of every model's table that contains it, case-insensitively.
 * Bytes columns are searched as UTF-8 and as Latin-1.
 */
export async function placesHolding(needle: string): Promise<string[]> {
  const wanted = needle.toLowerCase();
  const found = new Set<string>();
  for (const model of Object.values(Prisma.ModelName)) {
    const delegate = (prisma as unknown as Record<string, { findMany(): Promise<Record<string, unknown>[]> }>)[model.charAt(0).toLowerCase() + model.slice(1)];
    for (const row of await delegate!.findMany()) {
      for (const [column, value] of Object.entries(row)) {
        const texts =
          value instanceof Uint8Array ? [Buffer.from(value).toString("utf8"), Buffer.from(value).toString("latin1")] : typeof value === "string" ? [value] : [];
        if (texts.some((text) => text.toLowerCase().includes(wanted))) found.add(`${model}.${column}`);
      }
    }
  }
  return [...found].sort();
}
