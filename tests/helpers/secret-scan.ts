// The secret scan of a test run: every test process writes what it printed
// (the app's pino logs at trace level, console output, errors) to the run's
// logs/ folder (log-capture.ts), and the secrets it was configured with to
// secrets/. After the last test file, global-setup's teardown calls
// assertNoSecretsInLogs: one secret found anywhere fails the run, with the
// file and line of each finding (secrets masked in the report).
//
// Secrets are found two ways: by value (each process's configured
// SHOPIFY_API_SECRET, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET) and by shape
// (any Stripe key or webhook secret, any Shopify access token, including the
// stand-ins' tokens minted during the run, whose values no configuration
// names).
import fs from "node:fs";
import path from "node:path";

/** The variables whose values are secrets; each test process records them. */
export const SECRET_VARIABLES = ["SHOPIFY_API_SECRET", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] as const;

export type KnownSecret = { name: string; value: string };

/** Secrets by their shape. A masked key (sk_test_****abcd, as Stripe prints one) does not match. */
export const SECRET_SHAPES: readonly { name: string; pattern: RegExp }[] = [
  { name: "a Stripe secret or restricted key", pattern: /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9_]{8,}/g },
  { name: "a Stripe webhook signing secret", pattern: /\bwhsec_[A-Za-z0-9_]{8,}/g },
  { name: "a Shopify access token", pattern: /\bshp(?:at|ua|ca|pa|ss)_[A-Za-z0-9_-]{4,}/g },
];

/** Values this short are words, not secrets (a test may configure "secret"); they are not searched for. */
const SHORTEST_SECRET = 8;

export type Finding = { secret: string; file: string; line: number; excerpt: string };

/** "sk_test_ritournelle_standin" → "sk_t…ndin": enough to recognise, not enough to use. */
export function mask(value: string): string {
  return value.length <= 8 ? "…" : `${value.slice(0, 4)}…${value.slice(-4)}`;
}

/** Every secret in `text`, by line; each excerpt has its secrets masked. */
export function findSecrets(file: string, text: string, known: readonly KnownSecret[]): Finding[] {
  const values = known.filter((secret) => secret.value.length >= SHORTEST_SECRET);
  const findings: Finding[] = [];
  text.split("\n").forEach((content, index) => {
    const found = new Map<string, string>();
    for (const { name, value } of values) if (content.includes(value)) found.set(value, `${name} (${mask(value)})`);
    for (const { name, pattern } of SECRET_SHAPES) {
      for (const match of content.matchAll(pattern)) if (!found.has(match[0])) found.set(match[0], `${name} (${mask(match[0])})`);
    }
    if (found.size === 0) return;
    let excerpt = content;
    for (const value of found.keys()) excerpt = excerpt.split(value).join(mask(value));
    for (const secret of found.values()) findings.push({ secret, file, line: index + 1, excerpt: excerpt.trim().slice(0, 240) });
  });
  return findings;
}

/** The report of findings, grouped by secret; never the secrets themselves. */
export function describeFindings(findings: readonly Finding[]): string {
  const bySecret = new Map<string, Finding[]>();
  for (const finding of findings) bySecret.set(finding.secret, [...(bySecret.get(finding.secret) ?? []), finding]);
  const lines = [`Secrets found in the test run's logs (${findings.length} line${findings.length === 1 ? "" : "s"}): a log line must never carry a secret.`];
  for (const [secret, where] of bySecret) {
    lines.push(`  ${secret}:`);
    for (const finding of where.slice(0, 5)) lines.push(`    ${finding.file}:${finding.line}  ${finding.excerpt}`);
    if (where.length > 5) lines.push(`    … and ${where.length - 5} more`);
  }
  return lines.join("\n");
}

function readJsonFiles(dir: string): unknown[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as unknown);
}

/**
 * Scans `runDir/logs` for the secrets recorded in `runDir/secrets` and for
 * secret shapes. On a finding, copies the logs that hold one to
 * `keepDir` (so they outlive the run's folder) and throws the report.
 */
export function assertNoSecretsInLogs(runDir: string, keepDir: string): void {
  const known = readJsonFiles(path.join(runDir, "secrets")).flat() as KnownSecret[];
  const logDir = path.join(runDir, "logs");
  const logs = fs.existsSync(logDir) ? fs.readdirSync(logDir) : [];
  const findings = logs.flatMap((name) => findSecrets(name, fs.readFileSync(path.join(logDir, name), "utf8"), known));
  if (findings.length === 0) return;
  fs.mkdirSync(keepDir, { recursive: true });
  for (const name of new Set(findings.map((finding) => finding.file))) fs.copyFileSync(path.join(logDir, name), path.join(keepDir, name));
  throw new Error(`${describeFindings(findings)}\nThe logs are kept in ${keepDir}.`);
}
