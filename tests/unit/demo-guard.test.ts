// Sandbox code never runs in production: the demo stack refuses before it
// starts anything.
import { afterEach, describe, expect, it } from "vitest";
import { startDemoStack } from "../../sandbox/demo/stack";

const original = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = original;
});

describe("the offline demo", () => {
  it("refuses to start with NODE_ENV=production, saying how to run it", async () => {
    process.env.NODE_ENV = "production";
    await expect(startDemoStack({ appPort: 0, hostPort: 0 })).rejects.toThrow(
      "The offline demo and its stand-ins never run with NODE_ENV=production. Unset NODE_ENV to run the demo.",
    );
  });
});
