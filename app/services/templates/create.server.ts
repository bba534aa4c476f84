import { createHash } from "node:crypto";
import type { Shop } from "@prisma/client";
import { appClock } from "~/clock.server";
import { ValidationError } from "~/domain/errors";
import { PlanLimitError } from "~/domain/plan";
import { currencyExponent, MoneyError } from "~/domain/money";
import { occurrenceAt } from "~/domain/recurrence";
import { toDate } from "~/domain/schedule-dates";
import { issuableDraftOf, type TemplateContent } from "~/domain/template-content";
import { createTemplateInput, idempotencyKeyInput, scheduleFrom } from "~/domain/template-input";
import { appendRunEvents } from "~/models/run-event.server";
import { readSettings } from "~/models/shop.server";
import { customerColumns, findTemplateForShop, insertTemplate, isTemplateIdTaken, scheduleColumns, type Template } from "~/models/template.server";
import { inTransaction } from "~/models/transaction.server";
import { requireRoomForActiveTemplate } from "~/services/billing-plan/plan-limit.server";
import { templateEvent, type ServiceOptions } from "./events.server";
import { parseInput, refusal, requireAnchorNotPast } from "./input.server";

export type CreateTemplateOptions = ServiceOptions & {
  /**
   * A key the caller made once per intended template (the order page's
   * action makes one per opening). Creating again with the same key in the
   * same shop returns the template the first call made instead of a second
   * one: a double click, or a retry after a lost answer, creates one template.
   */
  idempotencyKey?: string;
};

/**
 * Creates an active template from an order snapshot.
 *
 * Inputs: the shop (its time zone and settings fill what the input leaves
 * out), `input` (untrusted: a CreateTemplateInput, see
 * app/domain/template-input.ts), `options.clock`, `options.actor`,
 * `options.idempotencyKey`.
 * Effects, in one transaction: the template row, active, whose first period
 * is the schedule's anchor (today or later, in the schedule's time zone; the
 * scheduler plans it when due), and its `template.created` event. Policies
 * not given follow the shop's settings; `catchUp` left unset keeps following
 * the shop's default later on, and so does the rail (how the customer pays:
 * the shop's `defaultRail` when `rail` is left out).
 * Idempotency: with `options.idempotencyKey`, a repeated call (even a
 * concurrent one, even once the anchor is past) returns the first call's
 * template; without, every call creates one.
 * Errors: ValidationError naming every refused field (an invoice total of
 * zero or less on `lines`, `total_not_positive`; the key reused for
 * another order is `idempotencyKey`); PlanLimitError when the shop's plan
 * has no room for one more active template (Free: 3), nothing written.
 */
export async function createTemplate(
  shop: Pick<Shop, "id" | "timeZone" | "settings">,
  input: unknown,
  options: CreateTemplateOptions = {},
): Promise<Template> {
  const now = (options.clock ?? appClock).nowDate();
  const parsed = parseInput(createTemplateInput, input);
  const keyedId = options.idempotencyKey === undefined ? undefined : templateIdForIdempotencyKey(shop.id, options.idempotencyKey);
  if (keyedId) {
    // Before any other check: a replay answers what the first call did, even
    // if its anchor has become "past" since.
    const existing = await findTemplateForShop(shop.id, keyedId);
    if (existing) return replayedTemplate(existing, parsed.sourceOrderId);
  }
  try {
    currencyExponent(parsed.currency);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    throw new ValidationError({ currency: { code: "currency_invalid", message: error.message } });
  }

  const settings = readSettings(shop);
  const schedule = scheduleFrom(parsed.schedule, { timeOfDay: settings.timeOfDay, timeZone: shop.timeZone });
  requireAnchorNotPast(schedule, now);
  const content: TemplateContent = {
    customer: parsed.customer,
    currency: parsed.currency,
    lines: parsed.lines,
    taxesIncluded: parsed.taxesIncluded,
    shipping: parsed.shipping ?? null,
    memo: parsed.memo ?? null,
    daysUntilDue: parsed.policies?.daysUntilDue ?? settings.daysUntilDue,
    signatureRequested: parsed.policies?.signatureRequested ?? settings.signatureRequested,
    rail: parsed.rail ?? settings.defaultRail,
  };
  const draft = issuableDraftOf(content);
  const first = occurrenceAt(schedule, 0);
  if (!first) throw new ValidationError({ schedule: refusal("schedule_empty.no_date") });

  const created = inTransaction(async (tx) => {
    await requireRoomForActiveTemplate(shop.id, tx);
    const template = await insertTemplate(
      {
        ...(keyedId ? { id: keyedId } : {}),
        shopId: shop.id,
        sourceOrderId: parsed.sourceOrderId ?? null,
        ...customerColumns(content.customer),
        currency: content.currency,
        lines: JSON.stringify(content.lines),
        shipping: content.shipping ? JSON.stringify(content.shipping) : null,
        taxesIncluded: content.taxesIncluded,
        memo: content.memo,
        periodTotal: draft.expectedTotal,
        ...scheduleColumns(schedule),
        nextRunAt: toDate(first.runAt),
        activeSince: now,
        catchUpPolicy: parsed.policies?.catchUp ?? null,
        daysUntilDue: content.daysUntilDue,
        signatureRequested: content.signatureRequested,
        rail: content.rail,
      },
      tx,
    );
    await appendRunEvents([
      templateEvent(template, "template.created", options, now, {
        toState: "active",
        detail: { nextRunAt: first.runAt, periodTotal: draft.expectedTotal, currency: content.currency },
      }),
    ], tx);
    return template;
  });
  if (!keyedId) return created;
  try {
    return await created;
  } catch (error) {
    // A concurrent call with the same key inserted first (its transaction
    // committed, ours rolled back, on the key or on the place it took under
    // the plan's limit): answer with its template.
    if (!isTemplateIdTaken(error) && !(error instanceof PlanLimitError)) throw error;
    const existing = await findTemplateForShop(shop.id, keyedId);
    if (!existing) throw error;
    return replayedTemplate(existing, parsed.sourceOrderId);
  }
}

/**
 * The id of the template a create with `idempotencyKey` makes. Deterministic,
 * so two concurrent creates with one key collide on the primary key instead
 * of making two templates; hashed with the shop's id, so one shop's key can
 * never name (or reveal) another shop's template.
 * @throws ValidationError when the key is not one (see IDEMPOTENCY_KEY_PATTERN).
 */
function templateIdForIdempotencyKey(shopId: string, idempotencyKey: string): string {
  const key = idempotencyKeyInput.safeParse(idempotencyKey);
  if (!key.success) throw new ValidationError({ idempotencyKey: refusal("idempotency_key_invalid.format") });
  return `k${createHash("sha256").update(`${shopId}\n${key.data}`).digest("hex").slice(0, 32)}`;
}

/** The template an earlier create with this key made, after checking the key is reused for the same order. */
function replayedTemplate(existing: Template, sourceOrderId: string | undefined): Template {
  if (existing.sourceOrderId !== (sourceOrderId ?? null)) {
    throw new ValidationError({ idempotencyKey: refusal("idempotency_key_reused.other_order") });
  }
  return existing;
}
