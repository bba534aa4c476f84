// CLI for the demo: `node --import tsx sandbox/stripe/main.ts`
//
// Environment (all optional):
//   STRIPE_STANDIN_PORT          port to bind on 127.0.0.1 (default 12111; 0 = random)
//   STRIPE_WEBHOOK_URL           where to POST signed events (e.g. http://127.0.0.1:3000/webhooks/stripe)
//   STRIPE_WEBHOOK_SECRET        signing secret for that endpoint (default whsec_ritournelle_standin)
//   STRIPE_SECRET_KEY            platform secret key accepted (default sk_test_ritournelle_standin)
//   STRIPE_CONNECT_CLIENT_ID     Connect client id (default ca_ritournelle_standin)
//   STRIPE_OAUTH_REDIRECT_URIS   comma-separated allowed redirect URIs (default: any)
//   STRIPE_STANDIN_SEED          PRNG seed (ids, fault dice)
//   STRIPE_STANDIN_ACCOUNTS      JSON array of {id?, businessName, country?, defaultCurrency?, connected?}
//   STRIPE_STANDIN_PUBLIC_URL    origin for hosted invoice URLs if proxied
//   STRIPE_WEBHOOK_RETRY_DELAYS_MS  comma-separated retry delays (default 1000,5000,30000,120000)

import { DEFAULT_CLIENT_ID, DEFAULT_SECRET_KEY, startStripeStandIn, type SeedAccount } from "./server.js";

const env = process.env;

function demoAccounts(): SeedAccount[] {
  if (env.STRIPE_STANDIN_ACCOUNTS) return JSON.parse(env.STRIPE_STANDIN_ACCOUNTS) as SeedAccount[];
  return [
    { id: "acct_1DemoAtelierDupont", businessName: "Atelier Dupont", country: "FR", defaultCurrency: "eur", invoicePrefix: "ATDUP", connected: false },
    { id: "acct_1DemoKyotoTeaHouse", businessName: "Kyoto Tea House", country: "JP", defaultCurrency: "jpy", invoicePrefix: "KYOTO", connected: false },
  ];
}

const webhookUrl = env.STRIPE_WEBHOOK_URL;
const standIn = await startStripeStandIn({
  port: env.STRIPE_STANDIN_PORT !== undefined ? Number(env.STRIPE_STANDIN_PORT) : 12111,
  secretKeys: [env.STRIPE_SECRET_KEY ?? DEFAULT_SECRET_KEY],
  oauth: {
    clientId: env.STRIPE_CONNECT_CLIENT_ID ?? DEFAULT_CLIENT_ID,
    redirectUris: (env.STRIPE_OAUTH_REDIRECT_URIS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  },
  webhook: webhookUrl ? { url: webhookUrl, secret: env.STRIPE_WEBHOOK_SECRET ?? "whsec_ritournelle_standin" } : null,
  ...(env.STRIPE_WEBHOOK_RETRY_DELAYS_MS
    ? { webhookSettings: { retryDelaysMs: env.STRIPE_WEBHOOK_RETRY_DELAYS_MS.split(",").map(Number) } }
    : {}),
  ...(env.STRIPE_STANDIN_SEED ? { seed: Number(env.STRIPE_STANDIN_SEED) } : {}),
  ...(env.STRIPE_STANDIN_PUBLIC_URL ? { publicBaseUrl: env.STRIPE_STANDIN_PUBLIC_URL } : {}),
  accounts: demoAccounts(),
  log: (line) => console.log(`[stripe-standin] ${line}`),
});

console.log(`[stripe-standin] listening on ${standIn.url}`);
console.log(`[stripe-standin] SDK: new Stripe(key, { host: "${standIn.host}", port: ${standIn.port}, protocol: "http" })`);
console.log(`[stripe-standin] Connect consent page: ${standIn.url}/oauth/authorize?response_type=code&client_id=…&scope=read_write&state=…&redirect_uri=…`);
console.log(`[stripe-standin] webhooks → ${webhookUrl ?? "(none configured: set STRIPE_WEBHOOK_URL)"}`);
console.log(`[stripe-standin] control API: ${standIn.url}/__control/{accounts,clock,requests,ledger,events,faults,webhooks,deliveries}`);

const stop = async () => {
  await standIn.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
