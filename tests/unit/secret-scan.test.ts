// The scanner that fails a test run whose logs carry a secret (the scan
// itself runs in global-setup's teardown over the whole run's logs).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertNoSecretsInLogs, findSecrets, mask } from "../helpers/secret-scan";

const known = [
  { name: "SHOPIFY_API_SECRET", value: "shopify-app-secret-123" },
  { name: "SHOPIFY_API_SECRET", value: "secret" }, // too short to be told from a word: not searched
];

describe("the secret scan", () => {
  it("finds configured secrets by value and any Stripe or Shopify secret by shape, with file and line", () => {
    const log = [
      '{"level":30,"msg":"fine"}',
      '{"level":50,"err":{"message":"HMAC failed with shopify-app-secret-123"}}',
      '{"level":40,"headers":{"authorization":"Bearer sk_live_51Hx9abcdEFGHijkl"}}',
      "whsec_ritournelle_tests leaked by console.log",
      "token shpat_0123abcd in a URL",
    ].join("\n");
    const findings = findSecrets("123.log", log, known);
    expect(findings.map((finding) => [finding.line, finding.secret])).toEqual([
      [2, "SHOPIFY_API_SECRET (shop…-123)"],
      [3, "a Stripe secret or restricted key (sk_l…ijkl)"],
      [4, "a Stripe webhook signing secret (whse…ests)"],
      [5, "a Shopify access token (shpa…abcd)"],
    ]);
    // The report never repeats a secret.
    for (const finding of findings) expect(finding.excerpt).not.toMatch(/shopify-app-secret-123|sk_live_51Hx9abcdEFGHijkl|whsec_ritournelle_tests|shpat_0123abcd/);
  });

  it("leaves masked keys (as Stripe prints them), short words and ordinary text alone", () => {
    const log = ["Invalid API Key provided: sk_test_********************wxyz", 'Use a key starting with "sk_test_" or "whsec_".', "the secret is safe"].join("\n");
    expect(findSecrets("1.log", log, known)).toEqual([]);
  });

  it("masks what it quotes", () => {
    expect(mask("sk_test_ritournelle_standin")).toBe("sk_t…ndin");
    expect(mask("short")).toBe("…");
  });

  it("fails with the report and keeps the logs that hold a secret", () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-scan-"));
    fs.mkdirSync(path.join(runDir, "logs"));
    fs.mkdirSync(path.join(runDir, "secrets"));
    fs.writeFileSync(path.join(runDir, "secrets", "1.json"), JSON.stringify(known));
    fs.writeFileSync(path.join(runDir, "logs", "clean.log"), '{"level":30,"msg":"fine"}\n');
    expect(() => assertNoSecretsInLogs(runDir, path.join(runDir, "kept"))).not.toThrow();
    fs.writeFileSync(path.join(runDir, "logs", "leak.log"), '{"level":30}\n{"level":50,"msg":"shopify-app-secret-123"}\n');
    expect(() => assertNoSecretsInLogs(runDir, path.join(runDir, "kept"))).toThrow(/SHOPIFY_API_SECRET \(shop…-123\):\n\s+leak\.log:2/);
    expect(fs.readdirSync(path.join(runDir, "kept"))).toEqual(["leak.log"]);
    fs.rmSync(runDir, { recursive: true, force: true });
  });
});
