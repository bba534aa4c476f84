// A real billing adapter with a test's hooks at chosen calls of the port:
// what happens elsewhere while the worker is between two steps, or in a
// call, or the worker dying there (stop-means-stop.test.ts,
// shopify-rail-engine.test.ts).
import type { BillingGateway, InvoiceRequest, StepContext } from "~/domain/billing";
import { CrashError } from "./memory-gateway";

/** The port's calls, by the pipeline step (or the recovery) they serve. */
export type GatewayCall = "customer" | "draft" | "lines" | "finalize" | "send" | "find" | "discard";

type GatewayHook = { call: GatewayCall; when: "before" | "during" | "after"; periodIndex: number | undefined; times: number; run: () => Promise<unknown> };

/**
 * A billing gateway (a real adapter: Stripe's against its stand-in, the
 * Shopify rail's over HTTP) with hooks run at chosen calls: `before` the adapter is called, `during` its
 * call (started, not yet answered), or `after` it returned and before the
 * pipeline stores it. A hook that throws CrashError is the worker dying
 * there: `crash`.
 */
export class HookedGateway implements BillingGateway {
  private readonly hooks: GatewayHook[] = [];

  constructor(private readonly inner: BillingGateway) {}

  get totals() {
    return this.inner.totals;
  }

  /** Runs `run` at `when` of the next `times` (default 1) calls of `call` for `periodIndex` (default: any period). */
  on(call: GatewayCall, when: GatewayHook["when"], run: () => Promise<unknown>, options: { periodIndex?: number; times?: number } = {}): this {
    this.hooks.push({ call, when, run, periodIndex: options.periodIndex, times: options.times ?? 1 });
    return this;
  }

  /** The worker dies (CrashError) before the adapter is called, or after Shopify applied the call. */
  crash(call: GatewayCall, kind: "crash_before" | "crash_after", options: { periodIndex?: number; times?: number } = {}): this {
    return this.on(call, kind === "crash_before" ? "before" : "after", async () => {
      throw new CrashError(call === "find" || call === "discard" ? "draft" : call, kind === "crash_after");
    }, options);
  }

  private async call<T>(call: GatewayCall, request: InvoiceRequest, real: () => Promise<T>): Promise<T> {
    const index = this.hooks.findIndex((hook) => hook.call === call && (hook.periodIndex === undefined || hook.periodIndex === request.periodIndex));
    const hook = index < 0 ? undefined : this.hooks[index]!;
    if (hook && --hook.times === 0) this.hooks.splice(index, 1);
    if (hook?.when === "before") await hook.run();
    if (hook?.when === "during") {
      const pending = real();
      pending.catch(() => {}); // awaited below, once the hook is done
      await hook.run();
      return pending;
    }
    const result = await real();
    if (hook?.when === "after") await hook.run();
    return result;
  }

  ensureCustomer = (request: InvoiceRequest, context: StepContext) => this.call("customer", request, () => this.inner.ensureCustomer(request, context));
  createDraft = (request: InvoiceRequest, customerId: string, context: StepContext) => this.call("draft", request, () => this.inner.createDraft(request, customerId, context));
  addLines = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.call("lines", request, () => this.inner.addLines(request, invoiceId, context));
  finalize = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.call("finalize", request, () => this.inner.finalize(request, invoiceId, context));
  send = (request: InvoiceRequest, invoiceId: string, context: StepContext) => this.call("send", request, () => this.inner.send(request, invoiceId, context));
  findInvoiceForRun = (request: InvoiceRequest) => this.call("find", request, () => this.inner.findInvoiceForRun(request));
  discardDraft = (request: InvoiceRequest, invoiceId: string) => this.call("discard", request, () => this.inner.discardDraft(request, invoiceId));
}
