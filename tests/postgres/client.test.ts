// The app's one PrismaClient on PostgreSQL (app/db.server.ts): picked from
// DATABASE_URL, generated for PostgreSQL, speaking through the same Prisma
// runtime as the SQLite client whose types and error classes the app uses.
import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createShop } from "../helpers/recurring";

describe("the PrismaClient on a postgres:// DATABASE_URL", () => {
  it("talks to PostgreSQL", async () => {
    expect(process.env.DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
    const [row] = await prisma.$queryRaw<{ version: string }[]>`SELECT version() AS version`;
    expect(row?.version).toMatch(/^PostgreSQL /);
  });

  it("reports a duplicate as the Prisma error the app catches (P2002, same class as the SQLite client's)", async () => {
    const shop = await createShop();
    const duplicate = prisma.shop.create({ data: { domain: shop.domain } });
    await expect(duplicate).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    await expect(duplicate).rejects.toMatchObject({ code: "P2002" });
  });

  it("inlines Prisma.sql and Prisma.join fragments made with @prisma/client into its raw queries", async () => {
    const shop = await createShop();
    const conditions = Prisma.join([Prisma.sql`"domain" = ${shop.domain}`, Prisma.sql`"id" = ${shop.id}`], " AND ");
    const rows = await prisma.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Shop" WHERE ${conditions}`;
    expect(rows).toEqual([{ id: shop.id }]);
  });

  it("keeps instants to the millisecond, whatever the session's time zone", async () => {
    const shop = await createShop();
    const installedAt = new Date("2026-03-29T01:30:00.123Z"); // the night Paris moves to summer time
    const { stored, before } = await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL TIME ZONE 'Europe/Paris'`);
      await tx.shop.update({ where: { id: shop.id }, data: { installedAt } });
      const [row] = await tx.$queryRaw<{ before: boolean }[]>`SELECT "installedAt" < ${new Date("2026-03-29T01:30:00.124Z")} AS before FROM "Shop" WHERE "id" = ${shop.id}`;
      return { stored: (await tx.shop.findUniqueOrThrow({ where: { id: shop.id } })).installedAt, before: row?.before };
    });
    expect(stored.toISOString()).toBe(installedAt.toISOString());
    expect(before).toBe(true);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).installedAt.toISOString()).toBe(installedAt.toISOString());
  });
});
