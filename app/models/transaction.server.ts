// The unit of work: one database transaction around a use case's queries.
// Services open it here rather than on the Prisma client, so every query
// they run stays in app/models/; the transaction is passed on to each model
// function as its last argument.
import { Prisma } from "@prisma/client";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
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

/**
 * Prisma's codes for a database that was busy or briefly out of reach, not
 * for a statement it refused: no connection free in time for a transaction
 * (P2028: "Unable to start a transaction in the given time", the pool's
 * maxWait), a pool timeout (P2024), a write conflict or deadlock (P2034),
 * an unreachable, timed-out or closed server (P1001, P1002, P1008, P1017).
 * https://www.prisma.io/docs/orm/reference/error-reference
 */
const TRANSIENT_DATABASE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034"]);

/**
 * The same, as the driver adapter says it to the statements sent to it
 * straight (app/direct-sql.server.ts: the step writes, the Stripe request
 * slots), before Prisma would have mapped it to one of the codes above:
 * SQLITE_BUSY is `SocketTimeout` (P1008), PostgreSQL's 40001 is
 * `TransactionWriteConflict` (P2034), 40P01 a deadlock, a refused, reset or
 * timed-out socket `DatabaseNotReachable`, `ConnectionClosed`, `SocketTimeout`,
 * 53300 `TooManyConnections`.
 */
const TRANSIENT_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionWriteConflict"]);

/** The error says the database was busy or briefly unreachable: the same work may succeed in a moment. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return TRANSIENT_DATABASE_CODES.has(error.code);
  if (error instanceof DriverAdapterError) {
    const cause = error.cause;
    return TRANSIENT_ADAPTER_KINDS.has(cause.kind) || (cause.kind === "postgres" && cause.code === "40P01");
  }
  return false;
}
