// A process of its own that renews a shop's offline token, for the test that
// several processes renewing at the same moment refresh once
// (tests/integration/offline-tokens.test.ts). Run with
// `node --import tsx tests/helpers/renew-offline-token-process.ts` and the
// test's environment plus SHOP, NOW_MS (the app's clock), CALLS (concurrent
// calls in this process) and SHOPIFY_STAND_IN_URL. Prints "ready", waits for
// "go" on stdin (so every process starts at once), then prints one JSON line:
// the answers of its calls.
import { Temporal } from "temporal-polyfill";
import prisma, { configureDatabase } from "~/db.server";
import { clockOf } from "~/domain/clock";
import { ensureOfflineAccessToken } from "~/services/shopify/offline-token.server";
import { routeShopifyAdminTo } from "../../sandbox/shopify/redirect";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const unroute = routeShopifyAdminTo(env("SHOPIFY_STAND_IN_URL"));
const clock = clockOf(() => Temporal.Instant.fromEpochMilliseconds(Number(env("NOW_MS"))));
await configureDatabase(prisma);
await prisma.session.count(); // connected before the start signal

process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const answers = await Promise.all(Array.from({ length: Number(env("CALLS")) }, () => ensureOfflineAccessToken(env("SHOP"), { clock })));
process.stdout.write(`${JSON.stringify(answers)}\n`);
unroute();
await prisma.$disconnect();
