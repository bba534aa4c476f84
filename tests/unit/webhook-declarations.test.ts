// Every webhook shopify.app.toml subscribes to names the route that handles
// it (`# Handled by:`), that route exists at the path of the subscription's
// uri, and every webhook route of the app is subscribed to (Shopify's app
// template's convention: one file per topic).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Subscription = { topics: string[]; uri: string; handledBy: string | null };

function subscriptions(): Subscription[] {
  const toml = readFileSync("shopify.app.toml", "utf8");
  return toml
    .split("[[webhooks.subscriptions]]")
    .slice(1)
    .map((block) => ({
      topics: [...(/(?:compliance_)?topics\s*=\s*\[([^\]]*)\]/.exec(block)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]!),
      uri: /uri\s*=\s*"([^"]+)"/.exec(block)?.[1] ?? "",
      handledBy: /#\s*Handled by:\s*(\S+)/.exec(block)?.[1] ?? null,
    }));
}

describe("shopify.app.toml webhooks", () => {
  it("each subscription names an existing route whose file is its uri", () => {
    for (const s of subscriptions()) {
      expect({ uri: s.uri, handledBy: s.handledBy }).toEqual({ uri: s.uri, handledBy: expect.stringMatching(/^app\/routes\//) });
      expect(existsSync(s.handledBy!), `${s.handledBy} exists`).toBe(true);
      expect(s.handledBy).toBe(`app/routes${s.uri.replaceAll("/", ".").replace(/^\./, "/")}.tsx`);
      expect(s.topics.map((topic) => `/webhooks/${topic}`)).toEqual([s.uri]);
    }
  });

  it("every webhook route is subscribed to", () => {
    const declared = new Set(subscriptions().map((s) => s.handledBy));
    const routes = readdirSync("app/routes").filter((f) => /^webhooks\.(?!stripe)/.test(f)).map((f) => `app/routes/${f}`);
    expect(routes.filter((route) => !declared.has(route))).toEqual([]);
    expect(routes).toContain("app/routes/webhooks.orders.paid.tsx");
  });
});
