// The order a run's state follows its Stripe invoice in: never backwards,
// whatever order the events arrive in.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideDraftDeleted, decideMove, targetOfStatus, type InvoiceTarget, type RunStateForInvoice } from "~/domain/invoice-status";

/** Applies events the way the webhook handler does, settling a contradiction with `truth`. */
function apply(start: RunStateForInvoice, events: InvoiceTarget[], truth: InvoiceTarget): RunStateForInvoice {
  let state = start;
  for (const target of events) {
    const decision = decideMove(state, target);
    if (decision === "move") state = target;
    if (decision === "doubt") state = truth;
  }
  return state;
}

describe("decideMove", () => {
  it("moves up the order sent < overdue < paid | void | uncollectible", () => {
    expect(decideMove("sent", "overdue")).toBe("move");
    expect(decideMove("sent", "paid")).toBe("move");
    expect(decideMove("overdue", "void")).toBe("move");
    expect(decideMove("overdue", "uncollectible")).toBe("move");
  });

  it("never moves back on an older event", () => {
    expect(decideMove("overdue", "sent")).toBe("stay");
    expect(decideMove("paid", "sent")).toBe("stay");
    expect(decideMove("paid", "overdue")).toBe("stay");
    expect(decideMove("paid", "uncollectible")).toBe("stay");
    expect(decideMove("void", "uncollectible")).toBe("stay");
  });

  it("lets an uncollectible invoice still be paid or voided, as Stripe does", () => {
    expect(decideMove("uncollectible", "paid")).toBe("move");
    expect(decideMove("uncollectible", "void")).toBe("move");
    expect(decideMove("uncollectible", "overdue")).toBe("stay");
  });

  it("calls paid against void a doubt: Stripe has no path between them", () => {
    expect(decideMove("paid", "void")).toBe("doubt");
    expect(decideMove("void", "paid")).toBe("doubt");
  });

  it("leaves runs being issued to the pipeline and skipped runs alone; lets Stripe's truth move a failed run", () => {
    expect(decideMove("issuing", "paid")).toBe("pipeline");
    expect(decideMove("planned", "sent")).toBe("pipeline");
    expect(decideMove("skipped", "paid")).toBe("stay");
    expect(decideMove("failed", "sent")).toBe("move");
  });

  it("maps Stripe's statuses: a draft is not issued, an open invoice is sent", () => {
    expect(targetOfStatus("draft")).toBeNull();
    expect(targetOfStatus("open")).toBe("sent");
    expect(targetOfStatus("paid")).toBe("paid");
  });

  it("reaches the same state whatever order a history's events arrive in", () => {
    // Histories Stripe can produce, as the states it went through.
    const histories: InvoiceTarget[][] = [
      ["sent", "paid"],
      ["sent", "overdue", "paid"],
      ["sent", "overdue", "uncollectible", "paid"],
      ["sent", "uncollectible", "void"],
      ["sent", "void"],
      ["sent", "overdue", "uncollectible"],
    ];
    const deliveries = fc
      .constantFrom(...histories)
      .chain((history) => fc.tuple(fc.constant(history), fc.shuffledSubarray(history, { minLength: history.length })));
    fc.assert(
      fc.property(deliveries, ([history, delivered]) => {
        const final = history.at(-1)!;
        expect(apply("sent", delivered, final)).toBe(final);
      }),
    );
  });
});

describe("decideDraftDeleted (Shopify rail: the draft order was deleted)", () => {
  it("voids an open invoice, never a paid one, and leaves void, failed and skipped runs alone", () => {
    const states: RunStateForInvoice[] = ["planned", "issuing", "sent", "overdue", "paid", "void", "uncollectible", "failed", "skipped"];
    expect(Object.fromEntries(states.map((state) => [state, decideDraftDeleted(state)]))).toEqual({
      planned: "pipeline",
      issuing: "pipeline",
      sent: "move",
      overdue: "move",
      paid: "stay",
      void: "stay",
      uncollectible: "move",
      failed: "stay",
      skipped: "stay",
    });
  });
});
