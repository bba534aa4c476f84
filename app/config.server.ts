// Configuration: every environment variable Ritournelle reads, parsed once
// with zod. A missing or malformed value stops start-up with ONE message that
// names every problem and how to fix it (see .env.example).
//
// Safe by default: without NODE_ENV the process is production, and in
// production the stand-in URLs (STRIPE_API_URL, APP_BRIDGE_URL) are refused
// unless ALLOW_STANDIN_URLS=1 says they are meant: a stray STRIPE_API_URL
// would send the platform's secret key to another host.
import { z } from "zod";
import proxyaddr from "proxy-addr";
import { DEFAULT_DATABASE_URL, databaseKind, SQLITE_SYNCHRONOUS_MODES } from "./db-url";
import type { TrustProxy } from "./http/client-ip.server";
import { sealPemProblem } from "./seal-pem.server";

/**
 * TRUST_PROXY: "false" (or empty, "0"), a hop count, or a list of proxy
 * addresses — Express's `trust proxy` values, except `true` (trust every hop),
 * refused because it takes the left-most X-Forwarded-For entry, which the
 * client writes. Null when invalid.
 */
export function parseTrustProxy(value: string): TrustProxy | null {
  if (value === "" || value === "false" || value === "0") return false;
  if (/^\d+$/.test(value)) return Number(value) <= 32 ? Number(value) : null;
  const entries = value.split(",").map((entry) => entry.trim()).filter(Boolean);
  try {
    proxyaddr.compile(entries);
  } catch {
    return null;
  }
  return entries.length > 0 ? entries : null;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** What to do about each variable, shown next to its problem. */
const FIXES: Record<string, string> = {
  NODE_ENV: 'Use "production" (the default), "development" or "test".',
  SHOPIFY_API_KEY: "Copy the Client ID from the Partner Dashboard (Apps → Ritournelle → Client credentials).",
  SHOPIFY_API_SECRET: "Copy the Client secret from the Partner Dashboard (Apps → Ritournelle → Client credentials).",
  SHOPIFY_APP_URL: "Set the public https URL the app is served from (shopify app dev sets it for you).",
  SCOPES: 'Use a comma-separated list matching shopify.app.toml, e.g. "read_orders,read_customers,write_orders,read_products".',
  DATABASE_URL: 'Use "file:./data/ritournelle.sqlite" (embedded SQLite) or a "postgres://" URL.',
  PORT: "Use a TCP port number between 1 and 65535.",
  HOST: 'Use an interface address such as "127.0.0.1" or "0.0.0.0".',
  LOG_LEVEL: `Use one of ${LOG_LEVELS.join(", ")}.`,
  SHOP_CUSTOM_DOMAIN: 'Use a host name such as "shop.example.com", or leave it unset.',
  STRIPE_SECRET_KEY: 'Use your platform\'s secret key, starting with "sk_test_" or "sk_live_".',
  STRIPE_CLIENT_ID: 'Use your Connect client id from the Stripe Dashboard, starting with "ca_".',
  STRIPE_WEBHOOK_SECRET: 'Use the signing secret of your Connect webhook endpoint, starting with "whsec_".',
  TRUST_PROXY:
    'Use "false" when clients connect to the app directly; behind proxies that append to X-Forwarded-For, the number of them (e.g. "1" for one load balancer) or their addresses as a comma-separated list of IPs/CIDRs or "loopback", "linklocal", "uniquelocal" (e.g. "10.0.0.0/8,loopback"). "true" is refused: it would trust every hop, so the address recorded would be whatever the client sent.',
  APP_BRIDGE_URL: "Leave unset in production (Shopify's CDN is used); the offline demo points it at its App Bridge stand-in.",
  STRIPE_API_URL: 'Leave unset for Stripe itself; set an http(s) URL such as "http://127.0.0.1:12111" only for the offline stand-in.',
  ALLOW_STANDIN_URLS: 'Use "1" to accept STRIPE_API_URL and APP_BRIDGE_URL with NODE_ENV=production (a production build run against the offline stand-ins), or leave it unset.',
  STRIPE_REQUESTS_PER_SECOND:
    "Use a whole number of requests per second per connected account (Stripe allows 25 in test mode, 100 in live mode), or leave it unset for those defaults.",
  SQLITE_SYNCHRONOUS: 'Use "normal" (survives crashes of the process; the default) or "full" (also survives power loss, slower commits).',
  WORKER_CONCURRENCY: "Use a whole number from 1 to 200: how many invoices the worker issues at the same time (default 10).",
  BILLING_TEST_CHARGES:
    'Use "ignore" (a test subscription does not make a shop Pro; the default in production) or "count" (it does; the default otherwise), or leave it unset.',
  METRICS_TOKEN: "Use a random string of at least 16 characters (e.g. `openssl rand -hex 32`): Prometheus sends it as `Authorization: Bearer …` to /metrics; leave unset to serve no /metrics.",
  WORKER_METRICS_PORT: "Use a TCP port number between 1 and 65535 for the worker process's own /metrics and /healthz, or leave it unset for none.",
  WORKER_METRICS_HOST: 'Use an interface address such as "127.0.0.1" (the default: only this machine) or "0.0.0.0".',
  SEAL_CERT_PEM:
    "Set the document-sealing certificate in PEM (-----BEGIN CERTIFICATE-----, the sealing certificate first, then its issuers; \\n may be written out): it seals every signed PDF and Factur-X (README \"Sealed documents\"). Outside production, leave unset for a self-signed one.",
  SEAL_KEY_PEM: "Set the sealing certificate's private key in PEM (RSA or EC; PKCS#8 or traditional; encrypted with SEAL_KEY_PASSPHRASE if you like). Outside production, leave unset for a self-signed one.",
  SEAL_KEY_PASSPHRASE: "The passphrase of an encrypted SEAL_KEY_PEM, or leave it unset.",
  SHUTDOWN_TIMEOUT_MS: "Use a whole number of milliseconds from 1000 to 600000: how long SIGTERM waits for the step in progress before the process exits anyway (default 30000).",
};

const optionalNonEmpty = z
  .string()
  .trim()
  .min(1)
  .optional()
  .or(z.literal("").transform(() => undefined));

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  SHOPIFY_API_KEY: z.string().trim().min(1),
  SHOPIFY_API_SECRET: z.string().trim().min(1),
  SHOPIFY_APP_URL: z.url({ protocol: /^https?$/ }),
  SCOPES: z
    .string()
    .trim()
    .regex(/^[a-z_]+(,[a-z_]+)*$/)
    .transform((value) => value.split(",")),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .refine((url) => {
      try {
        databaseKind(url);
        return true;
      } catch {
        return false;
      }
    }),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  SHOP_CUSTOM_DOMAIN: optionalNonEmpty,
  STRIPE_SECRET_KEY: optionalNonEmpty.pipe(z.string().regex(/^(sk|rk)_(test|live)_/).optional()),
  STRIPE_CLIENT_ID: optionalNonEmpty.pipe(z.string().regex(/^ca_/).optional()),
  STRIPE_WEBHOOK_SECRET: optionalNonEmpty.pipe(z.string().regex(/^whsec_/).optional()),
  STRIPE_API_URL: optionalNonEmpty.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // Per connected account, shared by all work of the process. Lower it when
  // several processes issue for the same accounts (each has its own limiter).
  STRIPE_REQUESTS_PER_SECOND: optionalNonEmpty.pipe(z.coerce.number<string | undefined>().int().min(1).max(10_000).optional()),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  // Operations (README "Deployment"): /metrics is served only with a token.
  METRICS_TOKEN: optionalNonEmpty.pipe(z.string().min(16).optional()),
  WORKER_METRICS_PORT: optionalNonEmpty.pipe(z.coerce.number<string | undefined>().int().min(1).max(65535).optional()),
  WORKER_METRICS_HOST: z.string().trim().min(1).default("127.0.0.1"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  // The document-sealing identity (app/services/documents/seal-identity.server.ts):
  // required in production (see sealProblems), self-signed per process otherwise.
  SEAL_CERT_PEM: optionalNonEmpty,
  SEAL_KEY_PEM: optionalNonEmpty,
  SEAL_KEY_PASSPHRASE: optionalNonEmpty,
  // Read again by app/db.server.ts, which opens the database before (and
  // without) the rest of the configuration; validated here with the rest.
  SQLITE_SYNCHRONOUS: z.preprocess((value) => (typeof value === "string" ? value.trim().toLowerCase() || undefined : value), z.enum(SQLITE_SYNCHRONOUS_MODES).default("normal")),
  // Which proxies in front of the app append to X-Forwarded-For: the client's
  // address is the right-most one they did not add (app/http/client-ip.server.ts).
  TRUST_PROXY: z
    .string()
    .trim()
    .default("false")
    .transform((value, ctx): TrustProxy => {
      const parsed = parseTrustProxy(value);
      if (parsed === null) ctx.addIssue({ code: "custom", message: "invalid TRUST_PROXY" });
      return parsed ?? false;
    }),
  // Read by @shopify/shopify-app-remix itself (bounce page) and passed to
  // AppProvider, so one variable moves both script tags.
  APP_BRIDGE_URL: optionalNonEmpty.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // Whether a Shopify test charge (`test: true` subscription: development
  // stores, apps in test mode) makes a shop Pro. Unset: "ignore" in
  // production, "count" otherwise (see countsTestCharges, README "Pricing").
  BILLING_TEST_CHARGES: z.enum(["count", "ignore"]).optional(),
  // The one way to keep the stand-in URLs above in production (see standInProblems).
  ALLOW_STANDIN_URLS: z
    .enum(["0", "1", ""])
    .optional()
    .transform((value) => value === "1"),
});

export type Config = z.infer<typeof configSchema>;

/** Whether test subscriptions count as paid (BILLING_TEST_CHARGES; by default only outside production). */
export function countsTestCharges(settings: Pick<Config, "NODE_ENV" | "BILLING_TEST_CHARGES">): boolean {
  return settings.BILLING_TEST_CHARGES ? settings.BILLING_TEST_CHARGES === "count" : settings.NODE_ENV !== "production";
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      [
        `Ritournelle cannot start: ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}.`,
        ...problems.map((problem) => `  - ${problem}`),
        "Every variable is described in .env.example.",
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** A value as a problem may quote it: never a secret, never a URL's password. */
function quotable(name: string, value: string): string {
  if (name.includes("SECRET") || name.includes("KEY") || name.includes("TOKEN")) return "…";
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:…@");
}

function describeIssue(issue: z.core.$ZodIssue, env: Env): string {
  const name = String(issue.path[0] ?? "environment");
  const value = env[name];
  const fix = FIXES[name] ?? "";
  const what = value === undefined || value === "" ? `${name} is missing.` : `${name} is invalid (${JSON.stringify(quotable(name, value))}).`;
  return `${what} ${fix}`.trim();
}

/** What a stand-in URL would redirect, said in its problem. */
const STANDIN_URLS = {
  STRIPE_API_URL: "the platform's Stripe secret key and every merchant's invoices would go to that host instead of Stripe",
  APP_BRIDGE_URL: "the Shopify admin would run App Bridge (which mints the merchant's session tokens) from that host instead of Shopify's CDN",
} as const;

/**
 * In production, each stand-in URL that is set without ALLOW_STANDIN_URLS=1
 * is a problem. Read from the raw environment, so that it is listed with
 * every other problem in one message.
 */
function standInProblems(env: Env): string[] {
  const nodeEnv = configSchema.shape.NODE_ENV.safeParse(env.NODE_ENV);
  if (nodeEnv.data !== "production" || env.ALLOW_STANDIN_URLS === "1") return [];
  return (Object.keys(STANDIN_URLS) as (keyof typeof STANDIN_URLS)[])
    .filter((name) => env[name]?.trim())
    .map(
      (name) =>
        `${name} is set (${JSON.stringify(env[name]!.trim())}) while NODE_ENV is production: ${STANDIN_URLS[name]}. ` +
        `Unset ${name} (it is only for the offline stand-ins), run with NODE_ENV=development, or set ALLOW_STANDIN_URLS=1 if this production process really talks to a stand-in.`,
    );
}

/**
 * The sealing certificate and key: both or neither; in production, both,
 * and the key must be the certificate's. Read from the raw environment, so
 * that they are listed with every other problem in one message.
 */
function sealProblems(env: Env): string[] {
  const production = configSchema.shape.NODE_ENV.safeParse(env.NODE_ENV).data === "production";
  const certificate = env.SEAL_CERT_PEM?.trim();
  const key = env.SEAL_KEY_PEM?.trim();
  if (!certificate && !key) {
    if (!production) return [];
    return [
      "SEAL_CERT_PEM and SEAL_KEY_PEM are missing while NODE_ENV is production: every signed PDF and Factur-X is sealed with Ritournelle's document-sealing certificate. " +
        "Set both (PEM; README \"Sealed documents\" says how to make or buy one), or run with NODE_ENV=development for a self-signed one.",
    ];
  }
  if (!certificate || !key) return [`${certificate ? "SEAL_KEY_PEM" : "SEAL_CERT_PEM"} is missing: ${FIXES[certificate ? "SEAL_KEY_PEM" : "SEAL_CERT_PEM"]}`];
  const problem = sealPemProblem(certificate, key, env.SEAL_KEY_PASSPHRASE?.trim() || undefined);
  return problem ? [problem] : [];
}

/** Parses an environment; throws ConfigError listing every problem. */
export function parseConfig(env: Env): Config {
  const result = configSchema.safeParse(env);
  const problems = [...(result.success ? [] : result.error.issues.map((issue) => describeIssue(issue, env))), ...standInProblems(env), ...sealProblems(env)];
  if (problems.length > 0 || !result.success) throw new ConfigError([...new Set(problems)]);
  return result.data;
}

let cached: Config | undefined;

/** The process configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Tests change process.env between cases; this forgets the parsed copy. */
export function resetConfigForTests(): void {
  cached = undefined;
}
