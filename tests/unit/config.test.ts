import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "~/config.server";
import { selfSignedSealPem } from "~/services/documents/seal-identity.server";
import { thrown } from "../helpers/expect-error";

const problemsOf = (env: Record<string, string | undefined>): string => thrown(ConfigError, () => parseConfig(env)).message;

const seal = await selfSignedSealPem();
const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://ritournelle.example.com",
  SCOPES: "read_orders,read_customers,write_orders",
  // Production (the default) needs the document-sealing certificate.
  SEAL_CERT_PEM: seal.certificatePem,
  SEAL_KEY_PEM: seal.privateKeyPem,
};

describe("configuration", () => {
  it("fills the embedded defaults", () => {
    const parsed = parseConfig(valid);
    expect(parsed.DATABASE_URL).toBe("file:./data/ritournelle.sqlite");
    expect(parsed.PORT).toBe(3000);
    expect(parsed.SCOPES).toEqual(["read_orders", "read_customers", "write_orders"]);
  });

  it("lets the operator set the Stripe rate per account, the worker's concurrency and SQLite's durability, and refuses nonsense with the fix", () => {
    const defaults = parseConfig(valid);
    expect(defaults.STRIPE_REQUESTS_PER_SECOND).toBeUndefined(); // the key's own limit: 25 test, 100 live
    expect(defaults.WORKER_CONCURRENCY).toBe(10);
    expect(parseConfig({ ...valid, STRIPE_REQUESTS_PER_SECOND: "40", WORKER_CONCURRENCY: "24" })).toMatchObject({
      STRIPE_REQUESTS_PER_SECOND: 40,
      WORKER_CONCURRENCY: 24,
    });
    expect(parseConfig({ ...valid, SQLITE_SYNCHRONOUS: " FULL " }).SQLITE_SYNCHRONOUS).toBe("full");
    expect(parseConfig({ ...valid, SQLITE_SYNCHRONOUS: "" }).SQLITE_SYNCHRONOUS).toBe("normal");
    expect(problemsOf({ ...valid, SQLITE_SYNCHRONOUS: "paranoid" })).toContain('SQLITE_SYNCHRONOUS is invalid ("paranoid"). Use "normal"');
    const message = problemsOf({ ...valid, STRIPE_REQUESTS_PER_SECOND: "fast", WORKER_CONCURRENCY: "0" });
    expect(message).toContain('STRIPE_REQUESTS_PER_SECOND is invalid ("fast"). Use a whole number of requests per second per connected account');
    expect(message).toContain('WORKER_CONCURRENCY is invalid ("0"). Use a whole number from 1 to 200');
  });

  it("names a missing secret and where to find it", () => {
    const message = problemsOf({ ...valid, SHOPIFY_API_SECRET: undefined });
    expect(message).toContain("Ritournelle cannot start: 1 configuration problem.");
    expect(message).toContain(
      "SHOPIFY_API_SECRET is missing. Copy the Client secret from the Partner Dashboard (Apps → Ritournelle → Client credentials).",
    );
    expect(message).toContain("Every variable is described in .env.example.");
  });

  it("lists every problem at once, without echoing secrets", () => {
    const message = problemsOf({
      SHOPIFY_API_SECRET: "",
      SHOPIFY_APP_URL: "not a url",
      SCOPES: "read orders",
      PORT: "99999",
      DATABASE_URL: "mysql://db",
      STRIPE_SECRET_KEY: "pk_live_oops",
      SEAL_CERT_PEM: valid.SEAL_CERT_PEM,
      SEAL_KEY_PEM: valid.SEAL_KEY_PEM,
    });
    expect(message).toContain("7 configuration problems");
    for (const name of ["SHOPIFY_API_KEY is missing", "SHOPIFY_API_SECRET is missing", 'SHOPIFY_APP_URL is invalid ("not a url")', "SCOPES is invalid", "PORT is invalid", "DATABASE_URL is invalid", "STRIPE_SECRET_KEY is invalid"]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain("pk_live_oops");
  });

  it("is production unless told otherwise", () => {
    expect(parseConfig(valid).NODE_ENV).toBe("production");
    expect(parseConfig({ ...valid, NODE_ENV: "development" }).NODE_ENV).toBe("development");
  });

  it("refuses the stand-in URLs in production, saying what they would redirect and how to fix it", () => {
    const message = problemsOf({ ...valid, STRIPE_API_URL: "http://127.0.0.1:12111", APP_BRIDGE_URL: "http://127.0.0.1:3100/app-bridge.js" });
    expect(message).toContain("Ritournelle cannot start: 2 configuration problems.");
    expect(message).toContain(
      'STRIPE_API_URL is set ("http://127.0.0.1:12111") while NODE_ENV is production: the platform\'s Stripe secret key and every merchant\'s invoices would go to that host instead of Stripe. ' +
        "Unset STRIPE_API_URL (it is only for the offline stand-ins), run with NODE_ENV=development, or set ALLOW_STANDIN_URLS=1 if this production process really talks to a stand-in.",
    );
    expect(message).toContain('APP_BRIDGE_URL is set ("http://127.0.0.1:3100/app-bridge.js") while NODE_ENV is production: the Shopify admin would run App Bridge');
    // Said with every other problem, in the same message.
    expect(problemsOf({ ...valid, NODE_ENV: "production", PORT: "0", STRIPE_API_URL: "http://127.0.0.1:12111" })).toContain("2 configuration problems");
  });

  it("accepts the stand-in URLs outside production, and in production only with ALLOW_STANDIN_URLS=1", () => {
    const standIns = { ...valid, STRIPE_API_URL: "http://127.0.0.1:12111", APP_BRIDGE_URL: "http://127.0.0.1:3100/app-bridge.js" };
    for (const NODE_ENV of ["development", "test"]) expect(parseConfig({ ...standIns, NODE_ENV }).STRIPE_API_URL).toBe("http://127.0.0.1:12111");
    expect(parseConfig({ ...standIns, ALLOW_STANDIN_URLS: "1" })).toMatchObject({ NODE_ENV: "production", ALLOW_STANDIN_URLS: true, STRIPE_API_URL: "http://127.0.0.1:12111" });
    expect(problemsOf({ ...standIns, ALLOW_STANDIN_URLS: "0" })).toContain("STRIPE_API_URL is set");
    expect(problemsOf({ ...valid, ALLOW_STANDIN_URLS: "yes" })).toContain('ALLOW_STANDIN_URLS is invalid ("yes"). Use "1"');
    expect(parseConfig(valid).ALLOW_STANDIN_URLS).toBe(false);
  });

  it("never quotes a database password", () => {
    const message = problemsOf({ ...valid, DATABASE_URL: "mysql://ritournelle:s3cr3t-pa55@db.internal:3306/app" });
    expect(message).toContain('DATABASE_URL is invalid ("mysql://ritournelle:…@db.internal:3306/app")');
    expect(message).not.toContain("s3cr3t-pa55");
  });

  it("refuses production without a sealing certificate, or with a key that is not its own, saying what to set", async () => {
    const { SEAL_CERT_PEM: _certificate, SEAL_KEY_PEM: _key, ...unsealed } = valid;
    expect(problemsOf(unsealed)).toContain("SEAL_CERT_PEM and SEAL_KEY_PEM are missing while NODE_ENV is production");
    expect(parseConfig({ ...unsealed, NODE_ENV: "development" }).SEAL_CERT_PEM).toBeUndefined(); // a self-signed one is made at first use
    expect(problemsOf({ ...unsealed, SEAL_CERT_PEM: valid.SEAL_CERT_PEM })).toContain("SEAL_KEY_PEM is missing");
    const other = await selfSignedSealPem();
    expect(problemsOf({ ...valid, SEAL_KEY_PEM: other.privateKeyPem })).toContain("SEAL_KEY_PEM is not the private key of the first certificate in SEAL_CERT_PEM.");
    expect(problemsOf({ ...valid, SEAL_CERT_PEM: "not a certificate" })).toContain("SEAL_CERT_PEM holds no PEM certificate");
    const message = problemsOf({ ...valid, SEAL_KEY_PEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" });
    expect(message).toContain("SEAL_KEY_PEM is not a readable PEM private key");
    // PEM written on one line with "\n", as environment files often hold it.
    expect(parseConfig({ ...valid, SEAL_CERT_PEM: valid.SEAL_CERT_PEM.replace(/\n/g, "\\n"), SEAL_KEY_PEM: valid.SEAL_KEY_PEM.replace(/\n/g, "\\n") }).NODE_ENV).toBe("production");
    expect(message).not.toContain("AAAA");
  });

  it("documents every variable it reads in .env.example", async () => {
    const fs = await import("node:fs");
    const { configSchema } = await import("~/config.server");
    const example = fs.readFileSync(".env.example", "utf8");
    for (const name of Object.keys(configSchema.shape)) expect(example).toMatch(new RegExp(`^#?\\s*${name}=`, "m"));
  });
});
