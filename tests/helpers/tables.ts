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
