// Credit notes: create, preview, retrieve, update (memo, metadata), list,
// void, and their lines (https://docs.stripe.com/api/credit_notes). What a
// credit note credits and the rules it obeys are ../credit-notes.ts; this
// file validates parameters, stores, and applies it to its invoice.
import { invalidRequest, noSuch } from "../errors.js";
import { creditNotesOf, draftCreditNote, renderCreditNote, renderCreditNoteLines, type CreditNoteDraft, type CreditNoteParams } from "../credit-notes.js";
import * as lifecycle from "../invoice-lifecycle.js";
import { CREATED_FILTER, LIST_PARAMS, createdMatches, paginate } from "../list.js";
import { validateParams } from "../params.js";
import { newestFirst } from "../store.js";
import type { CreditNoteRecord } from "../types.js";
import { data, emit, meta, now, pathId, type ApiContext, type Handler } from "./context.js";
import { METADATA, S, mergeMetadata, newMetadata } from "./fields.js";
import { getInvoice, withInvoiceUpdate } from "./invoices.js";

const REASONS = ["duplicate", "fraudulent", "order_change", "product_unsatisfactory"] as const;

const CREATE_PARAMS = {
  invoice: { t: "string", req: true },
  amount: { t: "int", min: 0 },
  lines: {
    t: "array",
    max: 100,
    of: {
      t: "object",
      fields: {
        type: { t: "string", req: true, enum: ["invoice_line_item", "custom_line_item"] },
        invoice_line_item: S,
        quantity: { t: "int", min: 0 },
        amount: { t: "int", min: 0 },
        description: { t: "string", max: 5000 },
        unit_amount: { t: "int", min: 0 },
        metadata: METADATA,
      },
    },
  },
  out_of_band_amount: { t: "int", min: 0 },
  memo: { t: "string", max: 5000 },
  reason: { t: "string", enum: REASONS },
  metadata: METADATA,
  effective_at: { t: "int" },
  email_type: { t: "string", enum: ["credit_note", "none"] },
  credit_amount: { t: "int", min: 0 },
  refund_amount: { t: "int", min: 0 },
} as const;

function notModelled(p: { credit_amount?: number; refund_amount?: number }): void {
  for (const param of ["credit_amount", "refund_amount"] as const) {
    if (p[param] !== undefined && p[param] > 0) {
      throw invalidRequest(`The stand-in does not model ${param === "credit_amount" ? "customer balance credits" : "refunds"}: use out_of_band_amount for a post-payment credit.`, { param });
    }
  }
}

function draftFrom(ctx: ApiContext): CreditNoteDraft {
  const p = validateParams(CREATE_PARAMS, ctx.raw);
  notModelled(p);
  const inv = getInvoice(ctx, p.invoice, "invoice");
  const params: CreditNoteParams = {
    invoice: p.invoice,
    ...(p.amount !== undefined ? { amount: p.amount } : {}),
    ...(p.lines ? { lines: p.lines } : {}),
    ...(p.out_of_band_amount !== undefined ? { out_of_band_amount: p.out_of_band_amount } : {}),
    ...(p.memo !== undefined ? { memo: p.memo } : {}),
    ...(p.reason !== undefined ? { reason: p.reason } : {}),
    metadata: newMetadata(p.metadata),
    ...(p.effective_at !== undefined ? { effective_at: p.effective_at } : {}),
  };
  return draftCreditNote(data(ctx), inv, params);
}

const render = (ctx: ApiContext, note: Omit<CreditNoteRecord, "seq" | "wall">) => renderCreditNote(note, ctx.world.baseUrl());

/** `<invoice number>-CN-01`, `-CN-02`…: Stripe numbers credit notes after their invoice. */
function numberFor(ctx: ApiContext, invoiceId: string): string {
  const inv = getInvoice(ctx, invoiceId);
  const n = creditNotesOf(data(ctx), invoiceId).length + 1;
  return `${inv.number ?? inv.id}-CN-${String(n).padStart(2, "0")}`;
}

export const create: Handler = (ctx) => {
  const draft = draftFrom(ctx);
  const effective = validateParams(CREATE_PARAMS, ctx.raw).effective_at;
  const inv = getInvoice(ctx, draft.invoice, "invoice");
  const created = now(ctx);
  const note: CreditNoteRecord = {
    ...draft,
    id: ctx.world.rng.id("cn"),
    number: numberFor(ctx, draft.invoice),
    created,
    effectiveAt: effective ?? created,
    status: "issued",
    voidedAt: null,
    lines: draft.lines.map((line) => ({ ...line, id: ctx.world.rng.id("cnli") })),
    ...meta(ctx),
  };
  withInvoiceUpdate(
    ctx,
    inv,
    () => {
      data(ctx).creditNotes.set(note.id, note);
      inv.creditedPrePayment += note.prePaymentAmount;
      inv.creditedPostPayment += note.postPaymentAmount;
    },
    () => emit(ctx, "credit_note.created", render(ctx, note)),
  );
  // Nothing left to pay on an open invoice: it closes as paid (amount_paid 0).
  lifecycle.closeIfNothingDue({ world: ctx.world, account: ctx.account, request: ctx.request }, inv);
  return { body: render(ctx, note) };
};

/** GET /v1/credit_notes/preview: the credit note `create` would issue, nothing stored. */
export const preview: Handler = (ctx) => {
  const draft = draftFrom(ctx);
  const created = now(ctx);
  const note = { ...draft, id: ctx.world.rng.id("cn"), number: numberFor(ctx, draft.invoice), created, effectiveAt: created, status: "issued" as const, voidedAt: null, lines: draft.lines.map((line) => ({ ...line, id: ctx.world.rng.id("cnli") })) };
  return { body: render(ctx, note) };
};

export const previewLines: Handler = (ctx) => {
  const page = validateParams(LIST_PARAMS, Object.fromEntries(Object.entries(ctx.raw).filter(([key]) => key in LIST_PARAMS)));
  const rest = Object.fromEntries(Object.entries(ctx.raw).filter(([key]) => !(key in LIST_PARAMS)));
  const draft = draftFrom({ ...ctx, raw: rest });
  const lines = draft.lines.map((line, index) => ({ ...line, id: `cnli_preview_${index + 1}` }));
  const note = { ...draft, id: "cn_preview", number: "", created: now(ctx), effectiveAt: now(ctx), status: "issued" as const, voidedAt: null, lines };
  return { body: paginate(renderCreditNoteLines(note), (line) => line.id, page, "/v1/credit_notes/preview/lines", (line) => line) };
};

function getCreditNote(ctx: ApiContext): CreditNoteRecord {
  const note = data(ctx).creditNotes.get(pathId(ctx));
  if (!note) throw noSuch("credit note", pathId(ctx));
  return note;
}

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  return { body: render(ctx, getCreditNote(ctx)) };
};

export const update: Handler = (ctx) => {
  const p = validateParams({ memo: { t: "string", max: 5000 }, metadata: METADATA }, ctx.raw);
  const note = getCreditNote(ctx);
  const before = render(ctx, note);
  if (p.memo !== undefined) note.memo = p.memo === "" ? null : p.memo;
  note.metadata = mergeMetadata(note.metadata, p.metadata);
  const after = render(ctx, note);
  emit(ctx, "credit_note.updated", after, { memo: before.memo, metadata: before.metadata });
  return { body: after };
};

export const list: Handler = (ctx) => {
  const p = validateParams({ ...LIST_PARAMS, invoice: S, customer: S, created: CREATED_FILTER }, ctx.raw);
  const items = newestFirst(data(ctx).creditNotes.values(), (note) => note.created).filter(
    (note) => (p.invoice === undefined || note.invoice === p.invoice) && (p.customer === undefined || note.customer === p.customer) && createdMatches(note.created, p.created),
  );
  return { body: paginate(items, (note) => note.id, p, "/v1/credit_notes", (note) => render(ctx, note)) };
};

export const listLines: Handler = (ctx) => {
  const p = validateParams(LIST_PARAMS, ctx.raw);
  const note = getCreditNote(ctx);
  return { body: paginate(renderCreditNoteLines(note), (line) => line.id, p, `/v1/credit_notes/${note.id}/lines`, (line) => line) };
};

/** POST /v1/credit_notes/:id/void: gives the credited amount back to an open invoice. */
export const voidCreditNote: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const note = getCreditNote(ctx);
  if (note.status === "void") throw invalidRequest(`Credit note ${note.id} has already been voided.`, { code: "credit_note_already_voided" });
  const inv = getInvoice(ctx, note.invoice);
  if (inv.status !== "open") throw invalidRequest(`You can only void a credit note if its invoice is open; invoice ${inv.id} is ${inv.status}.`);
  withInvoiceUpdate(
    ctx,
    inv,
    () => {
      note.status = "void";
      note.voidedAt = now(ctx);
      inv.creditedPrePayment -= note.prePaymentAmount;
      inv.creditedPostPayment -= note.postPaymentAmount;
    },
    () => emit(ctx, "credit_note.voided", render(ctx, note)),
  );
  return { body: render(ctx, note) };
};
