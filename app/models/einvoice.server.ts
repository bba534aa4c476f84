// E-invoices: the template's e-invoice settings (RecurringTemplate.einvoice)
// and the Factur-X documents of issued runs (EInvoiceDocument). Every Prisma
// query of both lives here; every merchant-facing query is scoped by shop.
import { z } from "zod";
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import { runQuery } from "~/direct-sql.server";
import type { TemplateEInvoice } from "~/domain/einvoice-template";
import { templateEInvoiceSql, type TemplateEInvoiceRow } from "./hot-sql.server";
import { legalIdentitySchema, readSettings, type ShopSettings } from "./shop.server";

type Db = Prisma.TransactionClient;

const addressSchema = legalIdentitySchema.shape.address;

export const templateEInvoiceSchema = z.object({
  enabled: z.boolean(),
  buyer: z.object({
    name: z.string(),
    siren: z.string(),
    vatNumber: z.string().optional(),
    address: addressSchema,
    electronicAddress: z.string(),
    deliveryAddress: addressSchema.optional(),
  }),
  natures: z.array(z.enum(["goods", "services"])),
}) satisfies z.ZodType<TemplateEInvoice>;

/** null when never set, or when the stored JSON does not parse (treated as never set: the card starts again). */
export function parseTemplateEInvoice(column: string | null): TemplateEInvoice | null {
  if (column === null) return null;
  try {
    const parsed = templateEInvoiceSchema.safeParse(JSON.parse(column));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Stores the template's e-invoice settings; false when the template is not the shop's. */
export async function saveTemplateEInvoice(shopId: string, templateId: string, value: TemplateEInvoice | null, db: Db = prisma): Promise<boolean> {
  const { count } = await db.recurringTemplate.updateMany({
    where: { id: templateId, shopId },
    data: { einvoice: value === null ? null : JSON.stringify(templateEInvoiceSchema.parse(value)), version: { increment: 1 } },
  });
  return count === 1;
}

export type RunEInvoiceContext = {
  einvoice: TemplateEInvoice | null;
  settings: ShopSettings;
  shopTimeZone: string;
  schedule: { every: number; unit: string };
};

/**
 * What the e-invoice of a run of template `templateId` is made from, besides
 * the run: its template's settings, the shop's identity.
 */
export async function findTemplateEInvoiceContext(templateId: string, db: Db = prisma): Promise<RunEInvoiceContext | null> {
  const template = await findTemplateEInvoice(templateId, db);
  return template && withShopIdentity(template, db);
}

/**
 * The same, for a run the worker issues: null also when its template issues
 * no e-invoice — then one query (the template's settings) instead of the
 * shop's too. The worker asks twice for every run (the check before the
 * attempt, the Factur-X after finalizing) and most templates are not
 * e-invoices, so that query is hand-written SQL by the template's key
 * (hot-sql.server.ts): no Prisma query to compile, one row read.
 */
export async function findIssuingEInvoiceContext(templateId: string, db: Db = prisma): Promise<RunEInvoiceContext | null> {
  const template = await findTemplateEInvoice(templateId, db);
  if (!template?.einvoice?.enabled) return null;
  return withShopIdentity(template, db);
}

type TemplateEInvoiceSettings = { shopId: string; einvoice: TemplateEInvoice | null; schedule: RunEInvoiceContext["schedule"] };

/** The template's e-invoice settings and schedule; null when the template is gone. */
async function findTemplateEInvoice(templateId: string, db: Db): Promise<TemplateEInvoiceSettings | null> {
  const [row] = (await runQuery(db, templateEInvoiceSql(templateId))) as TemplateEInvoiceRow[];
  return row ? { shopId: row.shopId, einvoice: parseTemplateEInvoice(row.einvoice), schedule: { every: Number(row.scheduleEvery), unit: row.scheduleUnit } } : null;
}

async function withShopIdentity(template: TemplateEInvoiceSettings, db: Db): Promise<RunEInvoiceContext | null> {
  const shop = await db.shop.findUnique({ where: { id: template.shopId }, select: { settings: true, timeZone: true } });
  if (!shop) return null;
  return { einvoice: template.einvoice, settings: readSettings(shop), shopTimeZone: shop.timeZone, schedule: template.schedule };
}

export type NewEInvoiceDocument = { shopId: string; runId: string; kind: "invoice" | "credit_note"; number: string; issueDate: string; total: number; pdf: Uint8Array; xml: string };

/** Inserts the document once: a second insert for the same run and kind (a resumed step) keeps the first. */
export async function insertEInvoiceDocument(document: NewEInvoiceDocument, db: Db = prisma): Promise<void> {
  const existing = await db.eInvoiceDocument.findUnique({ where: { runId_kind: { runId: document.runId, kind: document.kind } }, select: { id: true } });
  if (existing) return;
  try {
    await db.eInvoiceDocument.create({ data: { ...document, pdf: Buffer.from(document.pdf) } });
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error; // another attempt inserted it first
  }
}

export function hasEInvoiceDocument(runId: string, db: Db = prisma): Promise<boolean> {
  return db.eInvoiceDocument.count({ where: { runId } }).then((count) => count > 0);
}

/** The document if the run is the shop's; null otherwise. */
export function findEInvoiceDocumentForShop(shopId: string, runId: string, kind: "invoice" | "credit_note" = "invoice", db: Db = prisma) {
  return db.eInvoiceDocument.findFirst({ where: { shopId, runId, kind }, select: { number: true, issueDate: true, pdf: true } });
}

/** Which of the shop's runs (among `runIds`) have an issued French e-invoice (kind "invoice"). */
export async function runIdsWithEInvoice(shopId: string, runIds: string[], db: Db = prisma): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  // By UNIQUE(runId, kind), the shop checked on each row: with `shopId = ?` in
  // the WHERE, SQLite reads the shop's every e-invoice (its issueDate index).
  const rows = (await db.eInvoiceDocument.findMany({ where: { runId: { in: runIds }, kind: "invoice" }, select: { shopId: true, runId: true } })).filter(
    (row) => row.shopId === shopId,
  );
  return new Set(rows.map((row) => row.runId));
}

/** The Factur-X documents of the template's runs, newest first (the template page's list). */
export function eInvoiceDocumentsOfTemplate(shopId: string, templateId: string, db: Db = prisma) {
  return db.eInvoiceDocument.findMany({
    where: { shopId, run: { templateId } },
    select: { runId: true, kind: true, number: true, issueDate: true, total: true },
    orderBy: { issueDate: "desc" },
    take: 24,
  });
}

// customers/redact and customers/data_request (app/services/privacy/registry.server.ts)

/** Templates whose e-invoice settings hold the buyer's company data, for `templateIds`. */
export async function collectTemplateEInvoices(shopId: string, templateIds: string[], db: Db = prisma) {
  const rows = await db.recurringTemplate.findMany({ where: { shopId, id: { in: templateIds }, einvoice: { not: null } }, select: { id: true, einvoice: true } });
  return rows.map((row) => ({ templateId: row.id, einvoice: parseTemplateEInvoice(row.einvoice) }));
}

export async function eraseTemplateEInvoices(shopId: string, templateIds: string[], db: Db = prisma): Promise<number> {
  const { count } = await db.recurringTemplate.updateMany({ where: { shopId, id: { in: templateIds }, einvoice: { not: null } }, data: { einvoice: null } });
  return count;
}

export function listEInvoiceDocumentsOfTemplates(shopId: string, templateIds: string[], db: Db = prisma) {
  return db.eInvoiceDocument.findMany({ where: { shopId, run: { templateId: { in: templateIds } } }, select: { runId: true, kind: true, number: true, issueDate: true } });
}

/** The shop's e-invoices issued in a civil month ("2026-12"), with their PDFs, by issue date then number (the monthly export). */
export function eInvoiceDocumentsOfMonth(shopId: string, month: string, db: Db = prisma) {
  return db.eInvoiceDocument.findMany({
    where: { shopId, issueDate: { gte: `${month}-01`, lte: `${month}-31` } },
    select: { runId: true, kind: true, number: true, issueDate: true, total: true, pdf: true },
    orderBy: [{ issueDate: "asc" }, { number: "asc" }],
  });
}
