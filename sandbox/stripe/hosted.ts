// The customer-facing side of an invoice: the hosted invoice page (with a Pay
// button standing in for the payment form) and the invoice PDF.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { StandInCore } from "./core.js";
import { flatForm, sendHtml } from "./http.js";
import { renderInvoice } from "./invoice-render.js";
import { formatMinor } from "./money.js";
import { decodeForm } from "./params.js";
import { buildPdf, type PdfLine } from "./pdf.js";
import type { AccountData } from "./store.js";
import type { AccountRecord, WireInvoice } from "./types.js";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

function date(ts: number | null): string {
  return ts === null ? "—" : new Date(ts * 1000).toISOString().slice(0, 10);
}

interface Row {
  label: string;
  amount: number;
}

function taxLabel(data: AccountData, rateId: string): string {
  const r = data.taxRates.get(rateId)?.obj;
  if (!r) return rateId;
  return `${r.display_name}${r.jurisdiction ? ` – ${r.jurisdiction}` : ""} (${r.percentage}%${r.inclusive ? " incl." : ""})`;
}

function discountLabel(data: AccountData, discountId: string): string {
  const coupon = data.discounts.get(discountId)?.obj.source.coupon;
  const id = typeof coupon === "string" ? coupon : (coupon?.id ?? discountId);
  const c = data.coupons.get(id)?.obj;
  if (!c) return id;
  return `${c.name ?? c.id}${c.percent_off !== null ? ` (${c.percent_off}% off)` : ""}`;
}

function summaryRows(data: AccountData, inv: WireInvoice): Row[] {
  const rows: Row[] = [{ label: "Subtotal", amount: inv.subtotal }];
  for (const d of inv.total_discount_amounts ?? []) {
    const id = typeof d.discount === "string" ? d.discount : d.discount.id;
    rows.push({ label: `Discount: ${discountLabel(data, id)}`, amount: -d.amount });
  }
  rows.push({ label: "Total excluding tax", amount: inv.total_excluding_tax ?? inv.total });
  for (const t of inv.total_taxes ?? []) {
    rows.push({ label: taxLabel(data, t.tax_rate_details?.tax_rate ?? ""), amount: t.amount });
  }
  rows.push({ label: "Total", amount: inv.total });
  if (inv.amount_paid > 0) rows.push({ label: "Amount paid", amount: -inv.amount_paid });
  rows.push({ label: "Amount remaining", amount: inv.amount_remaining });
  return rows;
}

export function renderHostedPage(account: AccountRecord, data: AccountData, inv: WireInvoice, notice: string | null): string {
  const money = (n: number) => escapeHtml(formatMinor(n, inv.currency));
  const payable = inv.status === "open" || inv.status === "uncollectible";
  const lines = inv.lines.data
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.description ?? "")}</td><td class="num">${escapeHtml(l.quantity_decimal ?? String(l.quantity ?? 1))}</td>` +
        `<td class="num">${money(Number(l.pricing?.unit_amount_decimal ?? l.amount))}</td><td class="num">${money(l.amount)}</td></tr>`,
    )
    .join("\n");
  const rows = summaryRows(data, inv)
    .map((r) => `<tr><td colspan="3">${escapeHtml(r.label)}</td><td class="num">${money(r.amount)}</td></tr>`)
    .join("\n");
  const fields = (inv.custom_fields ?? []).map((f) => `<div>${escapeHtml(f.name)}: ${escapeHtml(f.value)}</div>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${escapeHtml(inv.number ?? inv.id)} – ${escapeHtml(account.businessName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:720px;margin:2rem auto;color:#1a1a1a}table{width:100%;border-collapse:collapse}
td,th{padding:.4rem;border-bottom:1px solid #eee;text-align:left}.num{text-align:right}.status{display:inline-block;padding:.1rem .5rem;border-radius:4px;background:#eef}
.notice{padding:.6rem;background:#fff4e5;margin:1rem 0}button{padding:.6rem 1.2rem;font-size:1rem;margin-right:.5rem}</style></head>
<body>
<header><h1 data-testid="merchant">${escapeHtml(account.businessName)}</h1>
<p>Invoice <strong data-testid="invoice-number">${escapeHtml(inv.number ?? "")}</strong>
 <span class="status" data-testid="invoice-status">${escapeHtml(inv.status ?? "")}</span></p>
<p>Billed to: ${escapeHtml(inv.customer_name ?? inv.customer_email ?? "")}${inv.customer_email ? ` &lt;${escapeHtml(inv.customer_email)}&gt;` : ""}</p>
<p>Issued: ${date(inv.effective_at ?? inv.status_transitions.finalized_at)} · Due: <span data-testid="due-date">${date(inv.due_date)}</span></p>
${fields}</header>
${notice ? `<div class="notice" role="status">${escapeHtml(notice)}</div>` : ""}
${inv.description ? `<p data-testid="memo">${escapeHtml(inv.description)}</p>` : ""}
<table><thead><tr><th>Description</th><th class="num">Qty</th><th class="num">Unit price</th><th class="num">Amount</th></tr></thead>
<tbody>
${lines}
${rows}
</tbody></table>
<p>Amount due: <strong data-testid="amount-due">${money(inv.amount_remaining)}</strong></p>
${
  payable
    ? `<form method="post" action="/hosted/${escapeHtml(inv.id)}/pay">
<button type="submit" name="outcome" value="succeeded" data-testid="pay">Pay ${money(inv.amount_remaining)}</button>
<button type="submit" name="outcome" value="failed" data-testid="pay-fail">Pay with a card that is declined</button>
</form>`
    : ""
}
<p><a href="/hosted/${escapeHtml(inv.id)}/pdf" data-testid="pdf">Download invoice PDF</a></p>
${inv.footer ? `<footer>${escapeHtml(inv.footer)}</footer>` : ""}
</body></html>`;
}

export function renderInvoicePdf(account: AccountRecord, data: AccountData, inv: WireInvoice): Buffer {
  const money = (n: number) => formatMinor(n, inv.currency);
  const lines: PdfLine[] = [
    { text: account.businessName, size: 16, bold: true },
    { text: `Invoice ${inv.number ?? inv.id}`, size: 13, bold: true },
    { text: `Status: ${inv.status ?? ""}` },
    { text: `Date of issue: ${date(inv.effective_at ?? inv.status_transitions.finalized_at)}   Due: ${date(inv.due_date)}` },
    { text: `Bill to: ${inv.customer_name ?? ""} ${inv.customer_email ?? ""}`.trim() },
  ];
  for (const f of inv.custom_fields ?? []) lines.push({ text: `${f.name}: ${f.value}` });
  if (inv.description) lines.push({ text: inv.description });
  lines.push({ text: "" }, { text: "Description / Qty / Amount", bold: true });
  for (const l of inv.lines.data) {
    lines.push({ text: `${l.description ?? ""}  x${l.quantity_decimal ?? l.quantity ?? 1}  ${money(l.amount)}` });
  }
  lines.push({ text: "" });
  for (const r of summaryRows(data, inv)) lines.push({ text: `${r.label}: ${money(r.amount)}`, bold: r.label === "Total" });
  if (inv.footer) lines.push({ text: "" }, { text: inv.footer });
  return buildPdf(lines);
}

// ---------------------------------------------------------------------------
// HTTP (dispatched from core.ts)

/** `GET /hosted/:id` (the page), `GET /hosted/:id/pdf`, `POST /hosted/:id/pay` (its Pay button). No API key: the URL is the secret. */
export function handleHosted(core: StandInCore, req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  const m = /^\/hosted\/([^/]+)(\/pdf|\/pay)?$/.exec(url.pathname);
  const invoiceId = m?.[1] ?? "";
  const accountId = core.store.invoiceIndex.get(invoiceId);
  const account = accountId ? core.store.accounts.get(accountId) : undefined;
  const inv = account ? core.store.of(account.id).invoices.get(invoiceId) : undefined;
  if (!m || !account || !inv || inv.status === "draft") {
    sendHtml(res, 404, "<!doctype html><html><body><h1>Invoice not found</h1></body></html>");
    return;
  }
  const data = core.store.of(account.id);
  if (m[2] === "/pay") {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" });
      res.end();
      return;
    }
    const outcome = flatForm(decodeForm(body)).outcome ?? "succeeded";
    let notice: string;
    try {
      core.customerPay(account, inv.id, outcome === "failed" ? "failed" : "succeeded");
      notice = outcome === "failed" ? "Your card was declined." : "Payment successful. Thank you!";
    } catch (e) {
      notice = e instanceof Error ? e.message : String(e);
    }
    res.writeHead(303, { location: `/hosted/${inv.id}?notice=${encodeURIComponent(notice)}` });
    res.end();
    return;
  }
  const wire = renderInvoice(core.world, account, inv);
  if (m[2] === "/pdf") {
    const pdf = renderInvoicePdf(account, data, wire);
    res.writeHead(200, {
      "content-type": "application/pdf",
      "content-length": String(pdf.length),
      "content-disposition": `inline; filename="Invoice-${wire.number ?? wire.id}.pdf"`,
    });
    res.end(pdf);
    return;
  }
  sendHtml(res, 200, renderHostedPage(account, data, wire, url.searchParams.get("notice")));
}
