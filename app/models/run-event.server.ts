// The audit trail of templates and runs: append-only, never updated. Each
// event is written in the transaction of the transition it records, so the
// trail and the state cannot disagree.
import type { Prisma, RunEvent } from "@prisma/client";
import prisma, { databaseDialect } from "~/db.server";
import type { RunEventType } from "~/domain/run-event";
import { insertRunEventsSql, type RunEventRow } from "./hot-sql.server";
import { sortableId } from "./sortable-id.server";

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
 * Appends `events`, in order. Hand-written SQL rather than `createMany`
 * (app/models/hot-sql.server.ts says why): the worker writes events at every
 * step.
 */
export async function appendRunEvents(events: NewRunEvent[], tx: Db): Promise<void> {
  if (events.length === 0) return;
  await tx.$executeRaw(insertRunEventsSql(databaseDialect, toRunEventRows(events)));
}

/**
 * The same insert, done only while `condition` holds (an SQL boolean, e.g.
 * "this worker still holds the run's lease"): for writes batched in one
 * transaction without a round trip to check first. `events` must not be empty.
 */
export function appendRunEventsIf(events: NewRunEvent[], condition: Prisma.Sql, db: Db) {
  return db.$executeRaw(runEventsInsertIf(events, condition));
}

/** That insert's statement, in the database's dialect, for a batch (app/direct-sql.server.ts). `events` must not be empty. */
export function runEventsInsertIf(events: NewRunEvent[], condition: Prisma.Sql): Prisma.Sql {
  return insertRunEventsSql(databaseDialect, toRunEventRows(events), condition);
}

/** The rows of `events`, with ids that keep their order (sortable-id.server.ts). */
function toRunEventRows(events: NewRunEvent[]): RunEventRow[] {
  return events.map((event) => ({
    id: sortableId(),
    shopId: event.shopId,
    templateId: event.templateId,
    runId: event.runId ?? null,
    type: event.type,
    fromState: event.fromState ?? null,
    toState: event.toState ?? null,
    actor: event.actor,
    cause: event.cause ?? null,
    detail: event.detail === undefined ? null : JSON.stringify(event.detail),
    at: event.at,
  }));
}

/** The template's trail, oldest first; empty for another shop's template. */
export function listTemplateEvents(shopId: string, templateId: string, db: Db = prisma): Promise<RunEvent[]> {
  return db.runEvent.findMany({ where: { shopId, templateId }, orderBy: [{ at: "asc" }, { id: "asc" }] });
}

/** One run's events of one type, oldest first; empty for another shop's run. */
export function listRunEventsOfType(shopId: string, runId: string, type: string, db: Db = prisma): Promise<RunEvent[]> {
  return db.runEvent.findMany({ where: { shopId, runId, type }, orderBy: [{ at: "asc" }, { id: "asc" }] });
}

/**
 * Rewrites the JSON detail of each of the template's events that has one
 * (customers/redact scrubbing what older rows hold); `rewrite` gets the parsed
 * detail and returns the new one. Returns how many rows changed.
 */
export async function rewriteEventDetailsOfTemplate(shopId: string, templateId: string, rewrite: (detail: unknown) => unknown, tx: Db): Promise<number> {
  const rows = await tx.runEvent.findMany({ where: { shopId, templateId, detail: { not: null } }, select: { id: true, detail: true } });
  let changed = 0;
  for (const row of rows) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.detail!);
    } catch {
      parsed = row.detail;
    }
    const detail = JSON.stringify(rewrite(parsed));
    if (detail === row.detail) continue;
    await tx.runEvent.update({ where: { id: row.id }, data: { detail } });
    changed += 1;
  }
  return changed;
}
