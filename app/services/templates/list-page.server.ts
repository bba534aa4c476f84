// The templates list page: one page of the shop's templates, with bulk
// pause/resume. Scoped by shop: another shop's ids find nothing.
import type { Shop } from "@prisma/client";
import type { Clock } from "~/domain/clock";
import { NotFoundError, TransitionError } from "~/domain/errors";
import { PlanLimitError } from "~/domain/plan";
import type { Schedule } from "~/domain/schedule";
import { countTemplatesByStatus, listTemplatesPage, type Template, type TemplateCursor, type TemplateStatus } from "~/models/template.server";
import { pauseTemplate } from "./pause.server";
import { resumeTemplate } from "./resume.server";

export const TEMPLATES_PAGE_SIZE = 25;

export type TemplateRow = {
  id: string;
  status: TemplateStatus;
  customerName: string;
  customerEmail: string;
  amount: number;
  currency: string;
  every: number;
  unit: Schedule["unit"];
  /** UTC ISO instant, null once ended or cancelled. */
  nextRunAt: string | null;
  timeZone: string;
};

/** A template as the list (and the top of its own page) shows it. */
export function rowOf(template: Template): TemplateRow {
  return {
    id: template.id,
    status: template.status,
    customerName: template.customer.name,
    customerEmail: template.customer.email,
    amount: template.periodTotal,
    currency: template.currency,
    every: template.schedule.every,
    unit: template.schedule.unit,
    nextRunAt: template.nextRunAt?.toISOString() ?? null,
    timeZone: template.schedule.timeZone,
  };
}

export type TemplateListFilter = "all" | TemplateStatus;

/**
 * A page's cursor in the URL (`?after=…` or `?before=…`): the row next to
 * the page, as `<createdAt in ms>_<id>`. It names a row, not an offset, so a
 * link keeps showing the same rows while templates are added or removed.
 */
export const TEMPLATE_CURSOR = /^(\d{1,15})_([A-Za-z0-9_-]{1,100})$/;

function cursorOf(template: Template): string {
  return `${template.createdAt.getTime()}_${template.id}`;
}

function parseCursor(value: string | undefined): TemplateCursor | undefined {
  const match = value === undefined ? null : TEMPLATE_CURSOR.exec(value);
  return match ? { createdAt: new Date(Number(match[1])), id: match[2]! } : undefined;
}

export type TemplateListPage = {
  rows: TemplateRow[];
  counts: Record<TemplateStatus, number>;
  /** The cursor of the next (older) page and of the previous (newer) one; null at either end. */
  next: string | null;
  previous: string | null;
};

/**
 * One page of the shop's templates, newest first, filtered by status: the
 * first, the one `after` a cursor or the one `before` it (keyset pages,
 * listTemplatesPage); with the count of each status for the tabs. A cursor
 * past either end (its rows removed since) shows the first page. Reads only.
 */
export async function listTemplates(
  shop: Pick<Shop, "id">,
  request: { filter: TemplateListFilter; after?: string; before?: string },
): Promise<TemplateListPage> {
  const statuses = request.filter === "all" ? undefined : [request.filter];
  const after = parseCursor(request.after);
  const before = after ? undefined : parseCursor(request.before);
  const cursored = after !== undefined || before !== undefined;
  const [{ templates, more }, counts] = await Promise.all([
    listTemplatesPage(shop.id, { statuses, after, before, take: TEMPLATES_PAGE_SIZE }),
    countTemplatesByStatus(shop.id),
  ]);
  if (cursored && templates.length === 0) return listTemplates(shop, { filter: request.filter });
  const first = templates[0];
  const last = templates.at(-1);
  return {
    rows: templates.map(rowOf),
    counts,
    // Read older rows (first page or `after`): more means a next page; a cursor means a previous one. Read newer (`before`): the reverse.
    next: last && (before ? true : more) ? cursorOf(last) : null,
    previous: first && (before ? more : cursored) ? cursorOf(first) : null,
  };
}

/**
 * Pauses or resumes each of `templateIds` (see pauseTemplate, resumeTemplate),
 * one transaction each; ids that are not the shop's, or whose status does
 * not allow it (a cancelled template cannot resume), are counted as skipped
 * rather than failing the whole batch; resumes the shop's plan has no room
 * for (Free: 3 active) are counted as `planLimited`. Repeating it changes
 * nothing more.
 */
export async function bulkChangeStatus(
  shop: Pick<Shop, "id">,
  templateIds: readonly string[],
  change: "pause" | "resume",
  options: { clock?: Clock } = {},
): Promise<{ changed: number; skipped: number; planLimited: number }> {
  let changed = 0;
  let skipped = 0;
  let planLimited = 0;
  for (const id of new Set(templateIds)) {
    try {
      await (change === "pause" ? pauseTemplate(shop, id, options) : resumeTemplate(shop, id, options));
      changed += 1;
    } catch (error) {
      if (error instanceof PlanLimitError) {
        planLimited += 1;
        continue;
      }
      if (!(error instanceof NotFoundError || error instanceof TransitionError)) throw error;
      skipped += 1;
    }
  }
  return { changed, skipped, planLimited };
}
