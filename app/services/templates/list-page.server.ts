// The templates list page: one page of the shop's templates, with bulk
// pause/resume. Scoped by shop: another shop's ids find nothing.
import type { Shop } from "@prisma/client";
import type { Clock } from "~/domain/clock";
import { NotFoundError, TransitionError } from "~/domain/errors";
import { PlanLimitError } from "~/domain/plan";
import type { Schedule } from "~/domain/schedule";
import { countTemplatesByStatus, listTemplatesPage, type Template, type TemplateStatus } from "~/models/template.server";
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
 * One page of the shop's templates, newest first, filtered by status; with
 * the count of each status for the tabs. Reads only.
 */
export async function listTemplates(
  shop: Pick<Shop, "id">,
  request: { filter: TemplateListFilter; page: number },
): Promise<{ rows: TemplateRow[]; counts: Record<TemplateStatus, number>; page: number; hasNext: boolean; hasPrevious: boolean }> {
  const page = Math.max(1, request.page);
  const [{ templates, total }, counts] = await Promise.all([
    listTemplatesPage(shop.id, {
      statuses: request.filter === "all" ? undefined : [request.filter],
      skip: (page - 1) * TEMPLATES_PAGE_SIZE,
      take: TEMPLATES_PAGE_SIZE,
    }),
    countTemplatesByStatus(shop.id),
  ]);
  return { rows: templates.map(rowOf), counts, page, hasNext: page * TEMPLATES_PAGE_SIZE < total, hasPrevious: page > 1 };
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
