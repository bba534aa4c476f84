// A provider that answers at once and keeps nothing: the bench measures the
// worker, not a provider. Answers are derived from the request, so repeats
// are naturally idempotent, and memory stays constant however many runs pass.
import type { BillingGateway, InvoiceRequest, IssuedInvoice } from "~/domain/billing";

export class ZeroLatencyGateway implements BillingGateway {
  calls = 0;

  async ensureCustomer(request: InvoiceRequest): Promise<{ customerId: string }> {
    this.calls += 1;
    return { customerId: `cus_${request.account}_${request.customer.email}` };
  }

  async createDraft(request: InvoiceRequest): Promise<IssuedInvoice> {
    this.calls += 1;
    return { invoiceId: `in_${request.runId}`, status: "draft", total: 0 };
  }

  async addLines(request: InvoiceRequest, invoiceId: string): Promise<IssuedInvoice> {
    this.calls += 1;
    return { invoiceId, status: "draft", total: request.expectedTotal };
  }

  async finalize(request: InvoiceRequest, invoiceId: string): Promise<IssuedInvoice> {
    this.calls += 1;
    return this.open(request, invoiceId);
  }

  async send(request: InvoiceRequest, invoiceId: string): Promise<IssuedInvoice> {
    this.calls += 1;
    return this.open(request, invoiceId);
  }

  async findInvoiceForRun(): Promise<IssuedInvoice | null> {
    this.calls += 1;
    return null;
  }

  async discardDraft(): Promise<IssuedInvoice | null> {
    this.calls += 1;
    return null;
  }

  private open(request: InvoiceRequest, invoiceId: string): IssuedInvoice {
    return {
      invoiceId,
      status: "open",
      total: request.expectedTotal,
      number: `B-${request.runId}`,
      hostedInvoiceUrl: `https://invoice.example/${invoiceId}`,
      invoicePdfUrl: `https://invoice.example/${invoiceId}.pdf`,
    };
  }
}
