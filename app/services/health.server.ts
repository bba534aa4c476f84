import prisma from "~/db.server";
import { logger } from "~/logger.server";

export type Health = { ok: boolean; database: "up" | "down" };

export async function checkHealth(): Promise<Health> {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return { ok: true, database: "up" };
  } catch (error) {
    logger.error({ err: error }, "health check: database unreachable");
    return { ok: false, database: "down" };
  }
}
