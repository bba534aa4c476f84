// Every SQLite connection the app opens is set up explicitly (PRAGMAs are per
// connection, not per file). SQLite only, like the rest of tests/unit: the
// PostgreSQL counterparts (foreign keys are always enforced, durability is
// the server's) need no setup of ours.
import { describe, expect, it } from "vitest";
import prisma, { createPrismaClient } from "~/db.server";

describe("every SQLite connection is set up explicitly", () => {
  it("enforces foreign keys and uses the durability chosen by SQLITE_SYNCHRONOUS (normal by default, full on request)", async () => {
    const pragmas = async (client: ReturnType<typeof createPrismaClient>) => {
      const [sync] = await client.$queryRawUnsafe<{ synchronous: bigint }[]>("PRAGMA synchronous");
      const [keys] = await client.$queryRawUnsafe<{ foreign_keys: bigint }[]>("PRAGMA foreign_keys");
      return { synchronous: Number(sync!.synchronous), foreignKeys: Number(keys!.foreign_keys) };
    };
    const normal = createPrismaClient(process.env.DATABASE_URL, "normal");
    const full = createPrismaClient(process.env.DATABASE_URL, "full");
    try {
      expect(await pragmas(normal)).toEqual({ synchronous: 1, foreignKeys: 1 });
      expect(await pragmas(full)).toEqual({ synchronous: 2, foreignKeys: 1 });
      expect(await pragmas(prisma)).toEqual({ synchronous: 1, foreignKeys: 1 });
    } finally {
      await normal.$disconnect();
      await full.$disconnect();
    }
  });
});
