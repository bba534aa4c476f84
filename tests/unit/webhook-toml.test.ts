// Every webhook shopify.app.toml subscribes to names the route that handles
// it (`# Handled by:`), and that route exists at the subscription's `uri`.
import fs from "node:fs";
import { describe, expect, it } from "vitest";

const toml = fs.readFileSync("shopify.app.toml", "utf8");
const subscriptions = toml
  .split("[[webhooks.subscriptions]]")
  .slice(1)
  .map((block) => ({
    topics: /(?:compliance_)?topics = \[([^\]]*)\]/.exec(block)?.[1] ?? "",
    uri: /^\s*uri = "([^"]+)"/m.exec(block)?.[1] ?? "",
    handledBy: /# Handled by: (\S+)/.exec(block)?.[1] ?? "",
  }));

describe("shopify.app.toml webhooks", () => {
  it("subscribes to app_subscriptions/update (managed pricing) among the others", () => {
    expect(subscriptions.map((subscription) => subscription.topics)).toContain('"app_subscriptions/update"');
  });

  it.each(subscriptions)("$topics → $uri is handled by the route it names", ({ uri, handledBy }) => {
    expect(handledBy).not.toBe("");
    expect(fs.existsSync(handledBy)).toBe(true);
    // Remix flat routes: /webhooks/app_subscriptions/update ↔ webhooks.app_subscriptions.update.tsx
    expect(handledBy).toBe(`app/routes/${uri.replace(/^\//, "").replaceAll("/", ".")}.tsx`);
    expect(fs.readFileSync(handledBy, "utf8")).toContain("shopifyWebhookAction");
  });
});
