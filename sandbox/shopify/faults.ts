// Lost answers at the stand-in's HTTP face: what a client sees when the
// connection drops while Shopify works on a mutation. Shopify's Admin API has
// no idempotency key for draft order mutations, so what the app must survive
// is exactly this: the call's outcome is unknown to it.
//
// Three moments, one-shot each, for the next request naming `operation`
// (its GraphQL operation name, e.g. "RitournelleDraftOrderInvoiceSend"):
//   before  the connection drops before Shopify runs the request: nothing applied;
//   after   Shopify applies it, then the connection drops before the answer;
//   held    the connection drops at once, and Shopify applies the request only
//           later (a request still being worked on when the client gave up),
//           when the test calls `releaseHeld()` — after the app has read the
//           draft again and seen nothing yet.
// The client sees a reset socket (undici: "fetch failed", cause "other side
// closed"/ECONNRESET), as with a real dropped connection.

export type AnswerLoss = "before" | "after" | "held";

export interface AnswerFaults {
  /** The next request naming `operation` loses its answer at `when`. */
  loseAnswer(operation: string, when: AnswerLoss): void;
  /** Applies every held request now (in arrival order); resolves once applied. */
  releaseHeld(): Promise<void>;
  /** Held requests not yet applied. */
  held(): number;
  /** Forgets armed faults and held requests (the control's reset). */
  clear(): void;
}

/** The fault armed for this request, disarmed as it is taken; null when none matches. */
export type FaultPicker = (operationText: string) => AnswerLoss | null;

export function createAnswerFaults(): AnswerFaults & { take: FaultPicker; hold(apply: () => Promise<unknown>): void } {
  let armed: { operation: string; when: AnswerLoss }[] = [];
  let pending: (() => Promise<unknown>)[] = [];
  return {
    loseAnswer(operation, when) {
      armed.push({ operation, when });
    },
    async releaseHeld() {
      const now = pending;
      pending = [];
      for (const apply of now) await apply();
    },
    held: () => pending.length,
    clear() {
      armed = [];
      pending = [];
    },
    take(operationText) {
      const index = armed.findIndex((fault) => new RegExp(`\\b${fault.operation}\\b`).test(operationText));
      if (index < 0) return null;
      const [fault] = armed.splice(index, 1);
      return fault!.when;
    },
    hold(apply) {
      pending.push(apply);
    },
  };
}
