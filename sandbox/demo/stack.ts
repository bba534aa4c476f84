// The whole product on one machine, offline: the Shopify Admin stand-in, the
// Stripe stand-in, the app (web + worker in one process, as the embedded
// default runs) and the admin host page that frames it. `npm run demo` and
// the browser tests start it through startDemoStack().
//
// Sandbox code never runs in production: startDemoStack refuses when
// NODE_ENV is "production". Everything binds to 127.0.0.1.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startShopifyStandIn } from "../shopify/server";
import { routeShopifyAdminTo } from "../shopify/redirect";
import { DEMO_SHOP_DOMAIN } from "../shopify/seed";
import { startStripeStandIn } from "../stripe/server";
import { startAdminHost } from "../admin-host/server";
import type { AdminExtensionBundle } from "../admin-host/extension-bundle";
import { setAppClock } from "../../app/clock.server";
import { DemoClock } from "./clock";
import { holdFreePort } from "./free-port";
import type { EmbeddedWorker } from "./worker";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Demo-only credentials: the stand-ins and the app agree on them; they open nothing real. */
export const DEMO_APP = {
  apiKey: "ritournelle-demo-api-key",
  apiSecret: "ritournelle-demo-api-secret",
  stripeSecretKey: "sk_test_ritournelle_standin",
  stripeClientId: "ca_ritournelle_standin",
  stripeWebhookSecret: "whsec_ritournelle_demo",
  stripeAccount: "acct_1RitournelleDemo",
} as const;

export type DemoStackOptions = {
  /** App port; 0 picks a free one. Default 3000. */
  appPort?: number;
  /** Admin host port; 0 picks a free one. Default 3100. */
  hostPort?: number;
  /** SQLite file; recreated when `fresh`. Default data/demo.sqlite. */
  databaseFile?: string;
  fresh?: boolean;
  /** Worker tick. Default 1 s. */
  tickMs?: number;
  /** Admin UI extensions the admin host offers on its resource pages (see sandbox/admin-host/extension-bundle.ts). */
  extensions?: AdminExtensionBundle[];
};

export type DemoStack = {
  /** The URL to open: the admin host framing the app. */
  hostUrl: string;
  appUrl: string;
  shop: string;
  clock: DemoClock;
  shopify: Awaited<ReturnType<typeof startShopifyStandIn>>;
  stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
  /** Moves every clock of the demo forward and lets the worker act at once. */
  advanceClock(milliseconds: number): Promise<string>;
  close(): Promise<void>;
};

export function refuseInProduction(): void {
  if (process.env.NODE_ENV === "production") {
    throw new Error("The offline demo and its stand-ins never run with NODE_ENV=production. Unset NODE_ENV to run the demo.");
  }
}

export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  refuseInProduction();
  // Ports the OS picks are held until their servers listen: the stand-ins are told the app's URL first.
  const appHeld = (options.appPort ?? 3000) === 0 ? await holdFreePort() : null;
  const hostHeld = (options.hostPort ?? 3100) === 0 ? await holdFreePort() : null;
  const appPort = appHeld?.port ?? options.appPort ?? 3000;
  const hostPort = hostHeld?.port ?? options.hostPort ?? 3100;
  const appUrl = `http://127.0.0.1:${appPort}`;
  const databaseFile = path.resolve(ROOT, options.databaseFile ?? "data/demo.sqlite");
  const clock = new DemoClock();
  // Every default clock of the process follows the demo's: merchant actions
  // and webhook-driven events are stamped on the same time line as the worker's.
  setAppClock(clock);

  const shopify = await startShopifyStandIn({
    app: { apiKey: DEMO_APP.apiKey, apiSecret: DEMO_APP.apiSecret },
    // As shopify.app.toml subscribes the app.
    webhooks: { "app_subscriptions/update": `${appUrl}/webhooks/app_subscriptions/update` },
    // The Shopify invoice rail's checkout: a paid or cancelled draft's webhooks (draft_orders/update, orders/paid…) reach the app.
    webhookUrl: `${appUrl}/webhooks`,
  });
  const stripe = await startStripeStandIn({
    secretKeys: [DEMO_APP.stripeSecretKey],
    oauth: { clientId: DEMO_APP.stripeClientId },
    webhook: { url: `${appUrl}/webhooks/stripe`, secret: DEMO_APP.stripeWebhookSecret },
    accounts: [{ id: DEMO_APP.stripeAccount, businessName: "Atelier Ritournelle", country: "FR", defaultCurrency: "eur" }],
  });

  // Filled once the app is up; the clock control may be used only after that.
  const running: { worker?: EmbeddedWorker } = {};
  const advanceClock = async (milliseconds: number) => {
    clock.advance(milliseconds);
    stripe.control.advanceClock(milliseconds);
    shopify.control.advanceClock(milliseconds);
    await running.worker?.runOnce();
    return clock.now().toString();
  };
  await hostHeld?.release();
  const host = await startAdminHost({
    port: hostPort,
    appUrl,
    shop: DEMO_SHOP_DOMAIN,
    apiKey: DEMO_APP.apiKey,
    apiSecret: DEMO_APP.apiSecret,
    advanceClock,
    now: () => clock.now().toString(),
    extensions: options.extensions,
    // Shopify's plan-selection page (managed pricing), over the Shopify stand-in's subscriptions.
    pricing: {
      appHandle: "ritournelle",
      currentPlan: () => shopify.control.currentPlan(DEMO_SHOP_DOMAIN),
      choose: async (plan) => void (await shopify.control.choosePlan(DEMO_SHOP_DOMAIN, plan)),
      decline: async (plan) => void (await shopify.control.declinePlan(DEMO_SHOP_DOMAIN, plan)),
    },
    // The admin's permission modal for optional scopes (the Shopify invoice rail's draft orders).
    scopes: {
      query: () => shopify.control.appScopes(DEMO_SHOP_DOMAIN),
      grant: async (scopes) => {
        await shopify.control.grantOptionalScopes(DEMO_SHOP_DOMAIN, scopes); // its app/scopes_update answered before the modal closes
      },
    },
  });

  // The app reads its configuration from the environment, like in production.
  Object.assign(process.env, {
    SHOPIFY_API_KEY: DEMO_APP.apiKey,
    SHOPIFY_API_SECRET: DEMO_APP.apiSecret,
    SHOPIFY_APP_URL: appUrl,
    SCOPES: "read_orders,read_customers,write_orders,read_products",
    DATABASE_URL: `file:${databaseFile}`,
    APP_BRIDGE_URL: `${host.url}/app-bridge.js`,
    STRIPE_SECRET_KEY: DEMO_APP.stripeSecretKey,
    STRIPE_CLIENT_ID: DEMO_APP.stripeClientId,
    STRIPE_WEBHOOK_SECRET: DEMO_APP.stripeWebhookSecret,
    STRIPE_API_URL: stripe.url,
    // The production build against its stand-ins: what the configuration
    // refuses by default in production (app/config.server.ts).
    ALLOW_STANDIN_URLS: "1",
  });
  // The production build refuses to start without a document-sealing
  // certificate (app/config.server.ts): the demo seals its signed PDFs and
  // Factur-X with a self-signed one made for this process, unless the
  // environment brings one (README "Sealed documents").
  if (!process.env.SEAL_CERT_PEM && !process.env.SEAL_KEY_PEM) {
    const { selfSignedSealPem } = await import("../../app/services/documents/seal-identity.server");
    const seal = await selfSignedSealPem("Ritournelle document seal (offline demo, self-signed)");
    Object.assign(process.env, { SEAL_CERT_PEM: seal.certificatePem, SEAL_KEY_PEM: seal.privateKeyPem });
  }
  const unroute = routeShopifyAdminTo(shopify.url);

  if (options.fresh) fs.rmSync(databaseFile, { force: true });
  const { migrateDatabase } = await import("../../server/migrate");
  await migrateDatabase(`file:${databaseFile}`);

  const { startAppServer } = await import("../../server/app-server");
  await appHeld?.release();
  const app = await startAppServer({
    host: "127.0.0.1",
    port: appPort,
    // The production build: what merchants run, and free of Vite's on-demand
    // dependency optimisation (which can load React twice in a fresh browser).
    mode: "production",
    root: ROOT,
    allowFrameAncestor: host.url,
  });

  // Imported only now: app modules read DATABASE_URL and the rest when loaded.
  const { startEmbeddedWorker } = await import("./worker");
  running.worker = await startEmbeddedWorker({ clock, tickMs: options.tickMs ?? 1_000, shop: DEMO_SHOP_DOMAIN, stripeAccount: DEMO_APP.stripeAccount });

  return {
    hostUrl: host.url,
    appUrl,
    shop: DEMO_SHOP_DOMAIN,
    clock,
    shopify,
    stripe,
    advanceClock,
    async close() {
      await running.worker?.stop();
      await app.close();
      await host.close();
      unroute();
      await stripe.close();
      await shopify.close();
      setAppClock(undefined);
    },
  };
}
