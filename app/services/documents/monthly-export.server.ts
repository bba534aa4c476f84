// The monthly e-invoice export: a ZIP of the Factur-X PDFs a shop issued in a
// civil month, with a CSV index, for the merchant to upload to their approved
// platform (Plateforme Agréée) until a platform's API (AFNOR XP Z12-013) is
// connected — there is no such adapter yet.
import { zipStore } from "~/domain/zip";
import { eInvoiceDocumentsOfMonth } from "~/models/einvoice.server";

export const MONTH = /^20\d\d-(0[1-9]|1[0-2])$/;

/** "a;b" → "\"a;b\"": RFC 4180 quoting for values that need it. */
function csvValue(value: string | number): string {
  const text = String(value);
  return /[;"\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** 12345 minor units of EUR → "123.45" (the CSV's amounts, dot decimal like the XML). */
const decimal = (minor: number) => `${minor < 0 ? "-" : ""}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, "0")}`;

/**
 * The export of `month` ("YYYY-MM") for the shop: `{ filename, bytes }`, or
 * null for a malformed month. An empty month gives a ZIP holding only the
 * CSV header. Effects: none (reads only).
 * Index columns: file;number;type (380 invoice, 381 credit note);issue date;total incl. VAT (EUR).
 */
export async function monthlyExport(shopId: string, month: string): Promise<{ filename: string; bytes: Uint8Array } | null> {
  if (!MONTH.test(month)) return null;
  const documents = await eInvoiceDocumentsOfMonth(shopId, month);
  const rows = ["file;number;type;issue_date;total_eur"];
  const entries = documents.map((document) => {
    const name = `${document.number.replace(/[^A-Za-z0-9_-]/g, "_")}${document.kind === "credit_note" ? "-avoir" : ""}.pdf`;
    rows.push([name, document.number, document.kind === "credit_note" ? "381" : "380", document.issueDate, decimal(document.total)].map(csvValue).join(";"));
    return { name, bytes: new Uint8Array(document.pdf) };
  });
  const index = { name: "index.csv", bytes: new TextEncoder().encode(rows.join("\r\n") + "\r\n") };
  return { filename: `factur-x-${month}.zip`, bytes: zipStore([index, ...entries]) };
}
