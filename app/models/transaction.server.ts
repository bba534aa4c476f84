// The unit of work: one database transaction around a use case's queries.
// Services open it here rather than on the Prisma client, so every query
// they run stays in app/models/; the transaction is passed on to each model
// function as its last argument.
import { Prisma } from "@prisma/client";
import prisma from "~/db.server";

/** A transaction in progress, as model functions take it. */
export type Tx = Prisma.TransactionClient;

/** Runs `work` in one interactive transaction: committed when it resolves, rolled back when it throws. */
export function inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work);
}

/**
 * The write broke a unique constraint (Prisma's P2002): another writer got
 * there first. Callers that insert under a natural key (a period, an event
 * id) use it to tell "already done" from a failure.
 */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
