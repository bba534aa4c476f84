// Web requests and the worker share one process (and, on SQLite, one
// connection: app/sqlite-adapter.server.ts) in the embedded default. A write
// made outside a transaction must never be swallowed by someone else's
// transaction that rolls back, nor see its uncommitted rows. Runs on both
// databases: on PostgreSQL the pool gives each transaction its own
// connection and READ COMMITTED forbids dirty reads, and these tests hold the
// app to that too (a pool of one, a session left in a transaction, would
// fail them). How each SQLite connection is set up: tests/unit/sqlite-connection.test.ts.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("transactions in one process", () => {
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
