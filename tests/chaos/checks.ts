// The promise, checked after the campaign from the Stripe stand-in's own
// ledger (every invoice), request log (when each finalize arrived) and
// e-mail log, and from the Shopify stand-in's draft orders and invoice
// e-mails (the Shopify rail, issue 16), against our database and the
// campaign's record of what the merchants did. Each broken rule is one line
// in `violations`.
import prisma from "~/db.server";
import { occurrences } from "~/domain/recurrence";
import { validateSchedule } from "~/domain/schedule";
import type { StripeStandIn } from "../../sandbox/stripe/server";
import type { PlannedTemplate } from "./plan";
import { draftTotal, runIdOfDraft, type ShopifyLedger } from "./shopify-rail";

export type Actions = {
  cancelled: Map<string, Date>;
  /** Per template: from (after the pause committed) to (before the resume began; null: still paused). */
  paused: Map<string, { from: Date; to: Date | null }[]>;
  skipped: Set<string>;
  edited: Set<string>;
  /** Per run: resends that returned, and resends tried (a resend whose answer was lost may have e-mailed). */
  resends: Map<string, number>;
  resendsTried: Map<string, number>;
  /** Run id → invoice id: invoices the customer paid on the hosted page (Stripe), or draft orders paid at Shopify's checkout (whose ids the stand-in numbers per shop: the run says which). */
  paid: Map<string, string>;
};

/** When the merchant had `templateId` stopped (ms): each pause, to its resume (or on), and its cancel, on. */
function stopsOf(actions: Actions, templateId: string): { from: number; to: number; what: "paused" | "cancelled" }[] {
  const stops: { from: number; to: number; what: "paused" | "cancelled" }[] = (actions.paused.get(templateId) ?? []).map((interval) => ({ from: interval.from.getTime(), to: interval.to?.getTime() ?? Infinity, what: "paused" }));
  const cancelledAt = actions.cancelled.get(templateId);
  if (cancelledAt) stops.push({ from: cancelledAt.getTime(), to: Infinity, what: "cancelled" });
  return stops;
}

/** What the Shopify stand-in holds at the end, per the promise (§14): counted for the summary. */
export type ShopifyRailResult = {
  templates: number;
  runs: number;
  drafts: number;
  emails: number;
  duplicates: number;
  misses: number;
  /** E-mailed after a stop, by a send already on its way when the stop committed (its run had read its standing before). */
  emailedInFlightAtStop: number;
};

export type CheckResult = {
  invoices: number;
  runs: number;
  periodsExpected: number;
  duplicates: number;
  misses: number;
  /** Finalized after a stop, by a call already on its way when the stop committed (allowed: the run had read its standing before). */
  finalizedInFlightAtStop: number;
  emails: number;
  /** Runs that ended `failed`: the campaign's faults are all ones the engine must ride out, so each is a violation. */
  failedRuns: number;
  shopify: ShopifyRailResult;
  violations: string[];
  details: string[];
};

const TERMINAL = new Set(["sent", "paid", "overdue", "void", "uncollectible", "failed", "skipped"]);
const STATUS_OF_STATE: Record<string, string> = { sent: "open", overdue: "open", paid: "paid", void: "void", uncollectible: "uncollectible" };

export async function checkPromise(input: {
  standIn: StripeStandIn;
  planned: (PlannedTemplate & { id: string })[];
  actions: Actions;
  now: Date;
  /** The workers' planning lease: also the bound of their sweep of expired ones. */
  templateLeaseMs: number;
  /** The Shopify stand-in's drafts and e-mails (the rail's own state). */
  shopify: ShopifyLedger;
}): Promise<CheckResult> {
  const { standIn, planned, actions, now } = input;
  const shopifyTemplates = new Set(planned.filter((template) => template.rail === "shopify").map((template) => template.id));
  const onShopify = (run: { templateId: string }) => shopifyTemplates.has(run.templateId);
  const violations: string[] = [];
  /** What a replay needs to find the cause of a violation: the offending invoice's requests and trail. */
  const details: string[] = [];
  const runs = await prisma.invoiceRun.findMany();
  const runById = new Map(runs.map((run) => [run.id, run]));
  const ledger = standIn.control.ledger();
  const finalized = ledger.filter((invoice) => invoice.status !== "draft");
  const invoiceById = new Map(ledger.map((invoice) => [invoice.id, invoice]));

  // Finalize requests as Stripe received them (stand-in clock), per invoice.
  const finalizeArrivals = new Map<string, number>();
  for (const request of standIn.control.requests({ method: "POST" })) {
    const match = /^\/v1\/invoices\/([^/]+)\/finalize$/.exec(request.path);
    if (match && request.status === 200 && !request.replayed && !finalizeArrivals.has(match[1]!)) finalizeArrivals.set(match[1]!, request.time);
  }

  // 1. Exactly one finalized invoice per (template, period): duplicates.
  const perPeriod = new Map<string, string[]>();
  for (const invoice of finalized) {
    const run = runById.get(invoice.metadata?.run_id ?? "");
    if (!run) {
      violations.push(`invoice ${invoice.id} carries no known run id (${invoice.metadata?.run_id ?? "none"})`);
      continue;
    }
    const key = `${run.templateId}#${run.periodIndex}`;
    perPeriod.set(key, [...(perPeriod.get(key) ?? []), invoice.id]);
  }
  // On the Shopify rail: exactly one live draft order per (template, period), carrying its run id (a draft the run did not
  // need is deleted when it stops; an e-mailed one is the customer's).
  const draftsPerPeriod = new Map<string, string[]>();
  // Keyed by shop and draft id: the stand-in numbers each shop's drafts on its own.
  const draftRun = new Map<string, (typeof runs)[number]>();
  for (const draft of input.shopify.drafts) {
    const run = runById.get(runIdOfDraft(draft) ?? "");
    if (!run || !onShopify(run) || input.shopify.shopOfTemplate.get(run.templateId) !== draft.shop) {
      violations.push(`Shopify draft ${draft.id} (${draft.shop}) carries no known Shopify-rail run id of its shop (${runIdOfDraft(draft) ?? "none"})`);
      continue;
    }
    draftRun.set(draftKey(draft.shop, draft.id), run);
    const key = `${run.templateId}#${run.periodIndex}`;
    draftsPerPeriod.set(key, [...(draftsPerPeriod.get(key) ?? []), draft.id]);
    perPeriod.set(key, [...(perPeriod.get(key) ?? []), draft.id]);
  }
  let duplicates = 0;
  let shopifyDuplicates = 0;
  for (const [key, ids] of perPeriod) {
    if (ids.length > 1) {
      duplicates += ids.length - 1;
      if (draftsPerPeriod.has(key)) shopifyDuplicates += ids.length - 1;
      violations.push(`period ${key} has ${ids.length} ${draftsPerPeriod.has(key) ? "Shopify draft orders" : "finalized invoices"}: ${ids.join(", ")}`);
    }
  }

  // 2. Misses: templates no merchant paused, skipped or cancelled have one invoice for every period due by now.
  let misses = 0;
  let shopifyMisses = 0;
  let periodsExpected = 0;
  for (const template of planned) {
    if (actions.cancelled.has(template.id) || actions.paused.has(template.id) || actions.skipped.has(template.id)) continue;
    const due = occurrences(validateSchedule(template.schedule), { count: 200 }).filter((occurrence) => Date.parse(occurrence.runAt) <= now.getTime());
    periodsExpected += due.length;
    for (const occurrence of due) {
      if (!perPeriod.has(`${template.id}#${occurrence.index}`)) {
        misses += 1;
        if (shopifyTemplates.has(template.id)) shopifyMisses += 1;
        const run = runs.find((candidate) => candidate.templateId === template.id && candidate.periodIndex === occurrence.index);
        violations.push(`missed: template ${template.id} period ${occurrence.index} (${occurrence.runAt}); run ${run ? `${run.id} ${run.state} ${run.lastErrorCode ?? ""}` : "never planned"}`);
      }
    }
    const extra = runs.filter((run) => run.templateId === template.id && run.periodIndex >= due.length && run.state !== "skipped");
    for (const run of extra) violations.push(`run ${run.id} of template ${template.id} for period ${run.periodIndex}, not due by ${now.toISOString()}`);
  }

  // 3. None for skipped periods; 4. none finalized while paused or after a cancel (but for a call already on its way).
  let finalizedInFlightAtStop = 0;
  for (const run of runs) {
    if (run.state === "skipped" && perPeriod.has(`${run.templateId}#${run.periodIndex}`)) {
      violations.push(`skipped run ${run.id} (${run.skipReason}) has ${onShopify(run) ? "a live Shopify draft order" : "a finalized invoice"}`);
    }
  }
  const stepEvents = await prisma.runEvent.findMany({ where: { type: "run.step_completed", cause: "lines" }, select: { runId: true, at: true } });
  const linesDoneAt = new Map(stepEvents.map((event) => [event.runId, event.at.getTime()]));
  for (const invoice of finalized) {
    const run = runById.get(invoice.metadata?.run_id ?? "");
    const arrivedAt = finalizeArrivals.get(invoice.id);
    if (!run || arrivedAt === undefined) continue;
    for (const stop of stopsOf(actions, run.templateId)) {
      if (arrivedAt <= stop.from || arrivedAt >= stop.to) continue;
      // The finalize call's run stored its previous step (and read its template's standing) before the stop committed: in flight.
      const lastRead = linesDoneAt.get(run.id) ?? 0;
      if (lastRead < stop.from) finalizedInFlightAtStop += 1;
      else violations.push(`invoice ${invoice.id} finalized at ${new Date(arrivedAt).toISOString()} while its template was ${stop.what} (since ${new Date(stop.from).toISOString()}), its run having read that standing at ${new Date(lastRead).toISOString()}`);
    }
  }

  // 5. Each invoice's total is its run's snapshot total.
  for (const invoice of finalized) {
    const run = runById.get(invoice.metadata?.run_id ?? "");
    if (run && invoice.total !== run.expectedTotal) violations.push(`invoice ${invoice.id} totals ${invoice.total}, its run ${run.id} expected ${run.expectedTotal}`);
  }

  // 6. One send e-mail per invoice, plus the merchant's explicit resends.
  const emails = standIn.control.emails();
  const emailsPerInvoice = new Map<string, number>();
  for (const email of emails) emailsPerInvoice.set(email.invoice, (emailsPerInvoice.get(email.invoice) ?? 0) + 1);
  for (const invoice of finalized) {
    const run = runById.get(invoice.metadata?.run_id ?? "");
    if (!run || !["sent", "paid", "overdue"].includes(run.state)) continue;
    const sent = emailsPerInvoice.get(invoice.id) ?? 0;
    const least = 1 + (actions.resends.get(run.id) ?? 0);
    const most = 1 + (actions.resendsTried.get(run.id) ?? 0);
    if (sent < least || sent > most) {
      violations.push(`invoice ${invoice.id} was e-mailed ${sent} times; expected ${least === most ? least : `${least}–${most}`}`);
      details.push(await invoiceHistory(standIn, invoice.id, run.id));
    }
  }

  // 7. Every run terminal or scheduled for a retry; 8. no lease outlives its expiry.
  for (const run of runs) {
    const retrying = (run.state === "planned" || run.state === "issuing") && run.leaseOwner === null && run.nextAttemptAt !== null && run.nextAttemptAt > now;
    if (!TERMINAL.has(run.state) && !retrying) violations.push(`run ${run.id} is ${run.state}/${run.step ?? "-"}, neither terminal nor scheduled for a retry (next ${run.nextAttemptAt?.toISOString() ?? "none"}, lease ${run.leaseOwner ?? "none"})`);
    if (run.leaseOwner !== null && run.leaseExpiresAt !== null && run.leaseExpiresAt < now) violations.push(`run ${run.id} still leased by ${run.leaseOwner}, expired ${run.leaseExpiresAt.toISOString()}`);
  }
  // Planning leases: the claim takes an expired one back only on a template still due, so the workers sweep
  // expired ones at most once per lease duration (app/worker/scheduler.ts), on any template, whatever its
  // status. A lease may be found expired for up to that bound, never longer.
  const sweptBy = new Date(now.getTime() - input.templateLeaseMs);
  const staleTemplates = await prisma.recurringTemplate.findMany({
    where: { leaseOwner: { not: null }, leaseExpiresAt: { lt: sweptBy } },
    select: { id: true, status: true, nextRunAt: true, leaseOwner: true, leaseExpiresAt: true },
  });
  for (const template of staleTemplates) {
    violations.push(
      `${template.status} template ${template.id} still leased by ${template.leaseOwner ?? "?"}, expired ${template.leaseExpiresAt?.toISOString() ?? "?"}, more than the sweep's ${input.templateLeaseMs} ms before ${now.toISOString()} (next run ${template.nextRunAt?.toISOString() ?? "none"})`,
    );
  }

  // 9. Each run's final state is its Stripe invoice's status.
  for (const run of runs) {
    if (!run.invoiceId || onShopify(run)) continue;
    const invoice = invoiceById.get(run.invoiceId);
    const expected = STATUS_OF_STATE[run.state];
    if (expected && invoice?.status !== expected) violations.push(`run ${run.id} is ${run.state} but its invoice ${run.invoiceId} is ${invoice?.status ?? "absent"}`);
    if (!expected && (run.state === "skipped" || run.state === "failed") && invoice && invoice.status !== "draft" && invoice.status !== "void") {
      violations.push(`run ${run.id} is ${run.state} but its invoice ${run.invoiceId} is ${invoice.status}`);
    }
  }
  for (const [runId, invoiceId] of actions.paid) {
    const run = runById.get(runId);
    if (run && run.state !== "paid") violations.push(`invoice ${invoiceId} was paid by its customer; its run ${run.id} is ${run.state}`);
  }

  // 10. No run failed. Every fault the campaign injects (429, 5xx, dropped connections, kills, a merchant's
  // action at any moment) is one the engine must ride out; a failed run is a period the merchant wanted and
  // did not get, even on a template they touched (whose periods the misses above do not count).
  const failed = runs.filter((run) => run.state === "failed");
  for (const run of failed) violations.push(`run ${run.id} of template ${run.templateId} (period ${run.periodIndex}) failed ${run.lastErrorCode ?? ""} at ${run.step ?? "-"}: ${run.lastErrorMessage ?? ""}`);

  const shopifyRuns = runs.filter(onShopify);
  const emailedInFlightAtStop = await checkShopifyRail({ ledger: input.shopify, runs: shopifyRuns, draftRun, actions, violations, details });

  return {
    invoices: finalized.length,
    runs: runs.length,
    periodsExpected,
    duplicates,
    misses,
    finalizedInFlightAtStop,
    emails: emails.length,
    failedRuns: failed.length,
    shopify: {
      templates: shopifyTemplates.size,
      runs: shopifyRuns.length,
      drafts: input.shopify.drafts.length,
      emails: input.shopify.emails.length,
      duplicates: shopifyDuplicates,
      misses: shopifyMisses,
      emailedInFlightAtStop,
    },
    violations,
    details,
  };
}

type Run = Awaited<ReturnType<typeof prisma.invoiceRun.findMany>>[number];

/**
 * The Shopify rail's own rules (PROMISE.md §14), from the stand-in's drafts and e-mails:
 * - one invoice e-mail per draft whose run was issued, plus the merchant's explicit resends that
 *   took effect (a resend whose answer was lost may have e-mailed); none for a run that stopped;
 * - no e-mail while its template was paused or after its cancel, but for a send already on its way:
 *   on this rail the send is the point of no return (issue-run.server.ts: the run is stopped before
 *   its send too), so an e-mail after a stop is allowed only when the read of the template's standing
 *   that let the send go (the run's last write before the send's claim) was before the stop;
 * - each run's state is its draft's status (sent: e-mailed and open; paid: completed, its order paid;
 *   skipped or failed: no live draft), the draft is the one the run recorded, and the run's recorded
 *   Shopify total is the draft's total.
 * @returns the e-mails sent after a stop by a send in flight.
 */
async function checkShopifyRail(input: {
  ledger: ShopifyLedger;
  runs: Run[];
  draftRun: Map<string, Run>;
  actions: Actions;
  violations: string[];
  details: string[];
}): Promise<number> {
  const { ledger, runs, draftRun, actions, violations, details } = input;
  const emailsOf = new Map<string, number[]>();
  for (const email of ledger.emails) emailsOf.set(draftKey(email.shop, email.draftId), [...(emailsOf.get(draftKey(email.shop, email.draftId)) ?? []), email.at]);
  const draftById = new Map(ledger.drafts.map((draft) => [draftKey(draft.shop, draft.id), draft]));
  const events = runs.length === 0 ? [] : await prisma.runEvent.findMany({ where: { runId: { in: runs.map((run) => run.id) } }, select: { runId: true, type: true, at: true }, orderBy: { at: "asc" } });
  const eventsOf = new Map<string, { type: string; at: number }[]>();
  for (const event of events) eventsOf.set(event.runId!, [...(eventsOf.get(event.runId!) ?? []), { type: event.type, at: event.at.getTime() }]);

  // E-mails of drafts no longer live (deleted at a stop) or of drafts no run knows.
  for (const email of ledger.emails) {
    if (!draftById.has(draftKey(email.shop, email.draftId))) violations.push(`Shopify invoice e-mail of ${email.draftId} (${email.shop}) at ${new Date(email.at).toISOString()}: its draft is gone (deleted after it was e-mailed)`);
  }

  let inFlight = 0;
  for (const [key, run] of draftRun) {
    const draft = draftById.get(key)!;
    const draftId = draft.id;
    const sentAt = (emailsOf.get(key) ?? []).sort((a, b) => a - b);
    // Issued runs: one e-mail plus the resends.
    if (["sent", "paid", "overdue"].includes(run.state)) {
      const least = 1 + (actions.resends.get(run.id) ?? 0);
      const most = 1 + (actions.resendsTried.get(run.id) ?? 0);
      if (sentAt.length < least || sentAt.length > most) {
        violations.push(`Shopify draft ${draftId} of run ${run.id} was e-mailed ${sentAt.length} times; expected ${least === most ? least : `${least}–${most}`}`);
        details.push(shopifyHistory(draftId, run.id, sentAt, eventsOf.get(run.id) ?? []));
      }
    } else if (sentAt.length > 0) {
      violations.push(`Shopify draft ${draftId} of run ${run.id} (${run.state}) was e-mailed ${sentAt.length} times`);
    }
    // The run's first send, against the merchant's stops.
    const first = sentAt[0];
    if (first !== undefined) {
      const trail = eventsOf.get(run.id) ?? [];
      const claim = trail.filter((event) => event.type === "run.send_claimed" && event.at <= first).at(-1);
      const gate = trail.filter((event) => event.type !== "run.send_claimed" && event.at <= (claim?.at ?? first)).at(-1);
      const lastRead = gate?.at ?? 0;
      for (const stop of stopsOf(actions, run.templateId)) {
        if (first <= stop.from || first >= stop.to) continue;
        if (lastRead < stop.from) inFlight += 1;
        else {
          violations.push(`Shopify draft ${draftId} e-mailed at ${new Date(first).toISOString()} while its template was ${stop.what} (since ${new Date(stop.from).toISOString()}), its run ${run.id} having read that standing at ${new Date(lastRead).toISOString()}`);
          details.push(shopifyHistory(draftId, run.id, sentAt, trail));
        }
      }
    }
    // The run's state is its draft's status; the draft is the run's; Shopify's total is the one recorded.
    const order = draft.orderId ? ledger.order(draft.shop, draft.orderId) : null;
    const status = draft.status === "COMPLETED" ? (order?.cancelled ? "void" : order?.paid ? "paid" : "completed") : draft.invoiceSentAt !== null || draft.status === "INVOICE_SENT" ? "sent" : "open";
    const expected: Record<string, string> = { sent: "sent", overdue: "sent", paid: "paid", void: "void" };
    if (expected[run.state] !== undefined && expected[run.state] !== status) violations.push(`run ${run.id} is ${run.state} but its Shopify draft ${draftId} is ${status} (${draft.status})`);
    if (run.state === "skipped" || run.state === "failed") violations.push(`run ${run.id} is ${run.state} but its Shopify draft ${draftId} is still there (${status})`);
    if (expected[run.state] !== undefined && run.invoiceId !== draftId) violations.push(`run ${run.id} recorded draft ${run.invoiceId ?? "none"}, but Shopify's draft carrying its id is ${draftId}`);
    if (expected[run.state] !== undefined && run.invoicedTotal !== draftTotal(draft)) violations.push(`run ${run.id} recorded Shopify's total ${run.invoicedTotal ?? "none"}; its draft ${draftId} totals ${draftTotal(draft)}`);
  }
  // An issued run whose draft Shopify does not hold.
  for (const run of runs) {
    if (["sent", "paid", "overdue"].includes(run.state) && (!run.invoiceId || !draftById.has(draftKey(ledger.shopOfTemplate.get(run.templateId) ?? "?", run.invoiceId)))) violations.push(`run ${run.id} is ${run.state} but Shopify holds no draft ${run.invoiceId ?? "(none recorded)"}`);
  }
  return inFlight;
}

const draftKey = (shop: string, draftId: string) => `${shop} ${draftId}`;

function shopifyHistory(draftId: string, runId: string, sentAt: number[], trail: { type: string; at: number }[]): string {
  const lines = [...sentAt.map((at) => ({ at, text: "Shopify invoice e-mail" })), ...trail.map((event) => ({ at: event.at, text: `trail ${event.type}` }))].sort((a, b) => a.at - b.at);
  return [`history of Shopify draft ${draftId} (run ${runId}):`, ...lines.map((line) => `  ${new Date(line.at).toISOString()} ${line.text}`)].join("\n");
}

/** The invoice's requests as the stand-in saw them, its e-mails and its run's trail, one line each, in time order. */
async function invoiceHistory(standIn: StripeStandIn, invoiceId: string, runId: string): Promise<string> {
  const lines: { time: number; text: string }[] = [];
  for (const request of standIn.control.requests()) {
    if (!request.path.includes(invoiceId) && !(request.path === "/v1/events" && request.query.includes("invoice.sent"))) continue;
    const outcome = request.status === null ? "dropped" : `${request.status}${request.replayed ? " replayed" : ""}`;
    lines.push({ time: request.time, text: `stripe ${request.method} ${request.path}${request.query ? `?${request.query}` : ""} → ${outcome}${request.fault ? ` [${request.fault}]` : ""} key=${request.idempotencyKey ?? "-"} (${request.durationMs} ms)` });
  }
  for (const email of standIn.control.emails({ invoice: invoiceId })) lines.push({ time: email.time, text: `e-mail sent by request ${email.requestId ?? "automatic"} key=${email.idempotencyKey ?? "-"}` });
  const events = await prisma.runEvent.findMany({ where: { runId }, orderBy: { at: "asc" } });
  for (const event of events) lines.push({ time: event.at.getTime(), text: `trail ${event.type}${event.cause ? ` (${event.cause})` : ""} ${event.detail ?? ""}` });
  lines.sort((a, b) => a.time - b.time);
  return [`history of invoice ${invoiceId} (run ${runId}):`, ...lines.map((line) => `  ${new Date(line.time).toISOString()} ${line.text}`)].join("\n");
}
