import { describe, expect, it } from "vitest";
import { BODY_LIMITS, DEFAULT_BODY_LIMIT, bodyLimitFor, formatBytes } from "~/http/body-limits";

const limit = (path: string) => bodyLimitFor(path).path;

describe("the body limit of a path", () => {
  it("covers a route's path and everything below it, nothing beside it", () => {
    expect(limit("/webhooks/stripe")).toBe("/webhooks");
    expect(limit("/webhooks/customers/redact")).toBe("/webhooks");
    expect(limit("/sign/abc")).toBe("/sign");
    expect(limit("/verify")).toBe("/verify");
    expect(limit("/app")).toBe("/app");
    expect(limit("/app/templates/1")).toBe("/app");
    expect(limit("/api/extension/orders/1001")).toBe("/api/extension");
    expect(limit("/verifyx")).toBe("/");
    expect(limit("/applesauce")).toBe("/");
    expect(limit("/")).toBe("/");
  });

  it("matches as Remix routes: single fetch's .data suffix, any case, percent-encoding", () => {
    expect(limit("/sign/abc.data")).toBe("/sign");
    expect(limit("/verify.data")).toBe("/verify");
    expect(limit("/app.data")).toBe("/app");
    expect(limit("/_root.data")).toBe("/");
    expect(limit("/VERIFY")).toBe("/verify");
    expect(limit("/%76erify")).toBe("/verify");
    expect(limit("/%E0%A4%A")).toBe("/"); // undecodable: the default
  });

  it("gives unlisted paths the smallest limit, so a path trick can only lower it", () => {
    for (const rule of BODY_LIMITS) expect(rule.maxBytes).toBeGreaterThanOrEqual(DEFAULT_BODY_LIMIT.maxBytes);
  });

  it("prints limits the way the 413 and the docs say them", () => {
    expect(formatBytes(1024 * 1024)).toBe("1 MiB");
    expect(formatBytes(16 * 1024)).toBe("16 KiB");
    expect(formatBytes(10 * 1024 * 1024 + 256 * 1024)).toBe("10.25 MiB");
    expect(formatBytes(512)).toBe("512 bytes");
  });
});
