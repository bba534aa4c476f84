// Web requests and the worker share one process (and one SQLite connection)
// in the embedded default. A write made outside a transaction must never be
// swallowed by someone else's transaction that rolls back, nor see its
// uncommitted rows.
import { describe, expect, it } from "vitest";
import prisma, { createPrismaClient } from "~/db.server";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SQLite transactions in one process", () => {
  it("keeps a concurrent write out of a transaction that rolls back", async () => {
    await prisma.shop.create({ data: { domain: "merchant.myshopify.com", name: "Before" } });
    let signalInside!: () => void;
    const inside = new Promise<void>((resolve) => (signalInside = resolve));

    const rolledBack = prisma
      .$transaction(async (tx) => {
        await tx.shop.create({ data: { domain: "rolled-back.myshopify.com" } });
        signalInside();
        await pause(100); // the other write is attempted while we are open
        throw new Error("abort this transaction");
      })
      .catch((error: Error) => error.message);

    await inside;
    // A write arriving from a web request meanwhile. (Prisma wraps most model
    // writes in an implicit transaction, which already queues; a single-statement
    // write such as this one does not.)
    // Prisma queries are lazy: `.then` sends it now, while the transaction is open.
    const outside = prisma.$executeRaw`UPDATE "Shop" SET "name" = 'After' WHERE "domain" = 'merchant.myshopify.com'`.then(
      (count) => count,
    );

    expect(await rolledBack).toBe("abort this transaction");
    expect(await outside).toBe(1);
    const shops = await prisma.shop.findMany({ orderBy: { domain: "asc" } });
    expect(shops.map((shop) => [shop.domain, shop.name])).toEqual([["merchant.myshopify.com", "After"]]);
  });

  it("does not let a reader see another transaction's uncommitted rows", async () => {
    let signalInside!: () => void;
    const inside = new Promise<void>((resolve) => (signalInside = resolve));
    const transaction = prisma.$transaction(async (tx) => {
      await tx.shop.create({ data: { domain: "uncommitted.myshopify.com" } });
      signalInside();
      await pause(100);
      throw new Error("never mind");
    });
    await inside;
    const seen = await prisma.shop.count({ where: { domain: "uncommitted.myshopify.com" } });
    await expect(transaction).rejects.toThrow("never mind");
    expect(seen).toBe(0);
  });
});

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
