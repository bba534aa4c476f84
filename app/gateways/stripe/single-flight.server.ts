/**
 * Concurrent callers with the same key share one execution: the runs of one
 * process that need the same customer, tax rate or coupon at the same time
 * make one Stripe object, not one each. Once the work settles the key is
 * free again (the next caller runs it anew).
 */
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<string>>();

  run(key: string, work: () => Promise<string>): Promise<string> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
