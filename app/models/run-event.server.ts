// The audit trail of templates and runs: append-only, never updated. Each
// event is written in the transaction of the transition it records, so the
// trail and the state cannot disagree.
import { Prisma, type RunEvent } from "@prisma/client";
import prisma from "~/db.server";
import type { RunEventType } from "~/domain/run-event";
import { sortableId } from "~/lib/sortable-id.server";

type Db = Prisma.TransactionClient;

// The union lives in the domain (labels and other tables are keyed by it); re-exported for the model's callers.
export type { RunEventType } from "~/domain/run-event";

export type NewRunEvent = {
  shopId: string;
  templateId: string;
  runId?: string | null;
  type: RunEventType;
  fromState?: string | null;
  toState?: string | null;
  /** "merchant", "shopify" or "worker:<id>". */
  actor: string;
  cause?: string | null;
  detail?: Record<string, unknown>;
  at: Date;
};

/**
 * Appends `events`, in order. Hand-written SQL rather than `createMany`: the
 * worker writes events at every step, and Prisma 6's query compiler spends
 * ~0.5 ms of CPU compiling each model query (plan caching arrives in Prisma
 * 7.4, prisma/orm#29038); a raw statement skips it. Portable SQL (quoted
 * identifiers, one multi-row VALUES), for SQLite and PostgreSQL alike.
 */
export async function appendRunEvents(tx: Db, events: NewRunEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.$executeRaw`INSERT INTO "RunEvent" ${RUN_EVENT_COLUMNS} VALUES ${runEventRows(events)}`;
}

/**
 * The same insert, done only while `condition` holds (an SQL boolean, e.g.
 * "this worker still holds the run's lease"): for writes batched in one
 * transaction without a round trip to check first.
 */
export function appendRunEventsIf(db: Db, events: NewRunEvent[], condition: Prisma.Sql) {
  return db.$executeRaw`INSERT INTO "RunEvent" ${RUN_EVENT_COLUMNS} SELECT * FROM (VALUES ${runEventRows(events)}) AS "event" WHERE ${condition}`;
}

const RUN_EVENT_COLUMNS = Prisma.sql`("id", "shopId", "templateId", "runId", "type", "fromState", "toState", "actor", "cause", "detail", "at")`;

function runEventRows(events: NewRunEvent[]): Prisma.Sql {
  return Prisma.join(
    events.map(
      (event) =>
        Prisma.sql`(${sortableId()}, ${event.shopId}, ${event.templateId}, ${event.runId ?? null}, ${event.type}, ${event.fromState ?? null}, ${event.toState ?? null}, ${event.actor}, ${event.cause ?? null}, ${event.detail === undefined ? null : JSON.stringify(event.detail)}, ${event.at})`,
    ),
  );
}

/** The template's trail, oldest first; empty for another shop's template. */
export function listTemplateEvents(shopId: string, templateId: string, db: Db = prisma): Promise<RunEvent[]> {
  return db.runEvent.findMany({ where: { shopId, templateId }, orderBy: [{ at: "asc" }, { id: "asc" }] });
}

/** One run's events of one type, oldest first; empty for another shop's run. */
export function listRunEventsOfType(shopId: string, runId: string, type: string, db: Db = prisma): Promise<RunEvent[]> {
  return db.runEvent.findMany({ where: { shopId, runId, type }, orderBy: [{ at: "asc" }, { id: "asc" }] });
}
