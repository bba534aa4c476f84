// The database connection itself (no table): what a health check asks of it.
import prisma from "~/db.server";

/** Resolves when the database answers a trivial query; rejects with the driver's error when it does not. */
export async function pingDatabase(): Promise<void> {
  await prisma.$queryRawUnsafe("SELECT 1");
}
