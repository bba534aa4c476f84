// Expiring offline tokens end to end: the merchant's visit (token exchange
// with expiring=1), background Admin calls (write-back and its variant check)
// after the token expired, many of them at once, a refresh token Shopify
// refuses, an uninstalled shop, and shops still holding a non-expiring token.
// Against the Shopify stand-in's token endpoint (sandbox/shopify/oauth.ts),
// which rotates refresh tokens and revokes replaced pairs as Shopify does.
import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Temporal } from "temporal-polyfill";
import prisma, { configureDatabase } from "~/db.server";
import { ManualClock } from "~/domain/clock";
import { plannedContentOf } from "~/domain/template-content";
import { upsertInstalledShop, updateShopSettings } from "~/models/shop.server";
import { pendingWriteBackRunIds } from "~/models/write-back.server";
import { loader as appLoader } from "~/routes/app";
import { loader as homeLoader } from "~/routes/app._index";
import { action as appUninstalled } from "~/routes/webhooks.app.uninstalled";
import { createTemplate } from "~/services/templates/create.server";
import { writeBackPaidRun, type WriteBackOutcome } from "~/services/write-back/write-back-paid-run.server";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { templateInput } from "../helpers/recurring";
import { asResponse, callRoute } from "../helpers/remix";
import { adminDocumentRequest, mintSessionToken, storeOfflineSession, webhookRequest } from "../helpers/shopify";

const SHOP = DEMO_SHOP_DOMAIN;
const SESSION_ID = `offline_${SHOP}`;
const COFFEE_MACHINE = "gid://shopify/ProductVariant/45100000000011";
const HOUR_AND_A_MINUTE = { minutes: 61 };

// A stand-in per test: each starts with fresh tokens and its clock at real time.
let standIn: ShopifyStandIn;
let unroute = () => {};
beforeEach(async () => {
  standIn = await startShopifyStandIn();
  unroute = routeShopifyAdminTo(standIn.url);
  await prisma.session.deleteMany();
});
afterEach(async () => {
  unroute();
  await standIn.close();
});

/** The merchant opens the app: authenticate.admin exchanges App Bridge's session token for an offline token. */
async function merchantOpensTheApp(): Promise<void> {
  const answer = await callRoute(appLoader, adminDocumentRequest(SHOP, "/app", mintSessionToken(SHOP)));
  expect(answer).toMatchObject({ shop: SHOP });
  await updateShopSettings(SHOP, { writeBackOrders: true });
}

/** Time passes, for Shopify and for the app: returns the app's clock, `duration` after the previous one. */
let elapsed = Temporal.Duration.from({ minutes: 0 });
function later(duration: Temporal.DurationLike): ManualClock {
  elapsed = elapsed.add(duration);
  standIn.control.advanceClock(Temporal.Duration.from(duration).total("milliseconds"));
  return new ManualClock(Temporal.Now.instant().add(elapsed));
}
beforeEach(() => {
  elapsed = Temporal.Duration.from({ minutes: 0 });
});

let periods = 0;
/** `count` paid runs of a new template of the shop (one line with a product variant, so write-back checks it). */
async function paidRuns(count: number): Promise<string[]> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
  const tomorrow = Temporal.Now.zonedDateTimeISO("Europe/Paris").toPlainDate().add({ days: 1 }).toString();
  const input = templateInput({ schedule: { every: 1, unit: "month", anchor: tomorrow, timeOfDay: "09:00", timeZone: "Europe/Paris" } });
  const template = await createTemplate(shop, {
    ...input,
    customer: { name: "Claire Martin", email: "claire.martin@example.fr", locale: "fr" },
    lines: input.lines.map((line) => ({ ...line, variantId: COFFEE_MACHINE })),
  });
  const planned = plannedContentOf(template);
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    periods += 1;
    const run = await prisma.invoiceRun.create({
      data: {
        shopId: shop.id,
        templateId: template.id,
        periodIndex: index + 1,
        periodDate: "2026-12-15",
        scheduledAt: new Date(),
        state: "paid",
        invoiceId: `in_tokens_${periods}`,
        invoiceNumber: `RIT-T${periods}`,
        currency: planned.currency,
        expectedTotal: planned.expectedTotal,
        snapshot: JSON.stringify(planned.snapshot),
      },
    });
    ids.push(run.id);
  }
  return ids;
}

const session = () => prisma.session.findUnique({ where: { id: SESSION_ID } });
const grants = (grant: "token_exchange" | "migration" | "refresh_token") =>
  standIn.control.tokenRequests(SHOP).filter((request) => request.grant === grant).map((request) => request.status);

/** What the Admin API answers `accessToken` with now. */
async function adminStatus(accessToken: string): Promise<number> {
  return (await standIn.api.execute(SHOP, accessToken, { query: "{ shop { name } }" })).status;
}

function expectCreated(outcome: WriteBackOutcome): void {
  expect(outcome).toMatchObject({ status: "created", order: { name: expect.stringMatching(/^#\d+$/) } });
}

describe("the merchant's visit", () => {
  it("stores an expiring offline token (60 minutes) with its refresh token", async () => {
    await merchantOpensTheApp();
    const stored = await session();
    expect(stored).toMatchObject({ accessToken: expect.stringMatching(/^shpat_/), refreshToken: expect.stringMatching(/^shprt_/) });
    const minutesLeft = (stored!.expires!.getTime() - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(58);
    expect(minutesLeft).toBeLessThanOrEqual(60);
    expect(grants("token_exchange")).toEqual([200]);
  });

  it("exchanges the session token once for a document request's loaders running in parallel, and keeps the pair Shopify left active", async () => {
    const document = () => adminDocumentRequest(SHOP, "/app", mintSessionToken(SHOP));
    const answers = await Promise.all([callRoute(appLoader, document()), callRoute(homeLoader, document()), callRoute(appLoader, document())]);
    expect(answers[0]).toMatchObject({ shop: SHOP });
    expect(grants("token_exchange")).toEqual([200]);
    expect(await adminStatus((await session())!.accessToken)).toBe(200);
  });
});

describe("background Admin calls", () => {
  it("refresh an expired token once, store the new pair, and succeed", async () => {
    await merchantOpensTheApp();
    const [runId] = await paidRuns(1);
    const before = (await session())!;
    const clock = later(HOUR_AND_A_MINUTE);
    expect(await adminStatus(before.accessToken)).toBe(401); // expired at Shopify

    expectCreated(await writeBackPaidRun(runId!, { clock }));
    expect(grants("refresh_token")).toEqual([200]);
    const after = (await session())!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expires!.getTime()).toBe(clock.nowDate().getTime() + 3_600_000);
    expect(after.state).toBe(""); // the renewal lease is released
    expect(await adminStatus(after.accessToken)).toBe(200);
  });

  it("refresh once for 10 concurrent write-backs of one shop", async () => {
    await merchantOpensTheApp();
    const runIds = await paidRuns(10);
    const clock = later(HOUR_AND_A_MINUTE);
    const outcomes = await Promise.all(runIds.map((runId) => writeBackPaidRun(runId, { clock })));
    for (const outcome of outcomes) expectCreated(outcome);
    expect(grants("refresh_token")).toEqual([200]);
    expect(standIn.control.createdOrders(SHOP)).toHaveLength(10);
  });

  it("renew a token Shopify revoked before its expiry at its 401, and send the call once more", async () => {
    await merchantOpensTheApp();
    const [runId] = await paidRuns(1);
    standIn.control.revokeAccessToken(SHOP, (await session())!.accessToken);
    expectCreated(await writeBackPaidRun(runId!));
    expect(grants("refresh_token")).toEqual([200]);
    expect(standIn.control.createdOrders(SHOP)).toHaveLength(1);
  });
});

describe("a refresh Shopify refuses", () => {
  it("is never a reused refresh token: the one the app replaced is refused, and a write-back still holding it ends cleanly", async () => {
    await merchantOpensTheApp();
    const [first, second, third] = await paidRuns(3);
    const original = (await session())!;
    expectCreated(await writeBackPaidRun(first!, { clock: later(HOUR_AND_A_MINUTE) }));
    expectCreated(await writeBackPaidRun(second!, { clock: later(HOUR_AND_A_MINUTE) }));
    expect(grants("refresh_token")).toEqual([200, 200]);

    // Shopify refuses the first refresh token now that its replacement was used.
    const reuse = await fetch(`https://${SHOP}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: process.env.SHOPIFY_API_KEY, client_secret: process.env.SHOPIFY_API_SECRET, grant_type: "refresh_token", refresh_token: original.refreshToken }),
    });
    expect({ status: reuse.status, body: await reuse.json() }).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    // A session holding it (a database restored from a backup) cannot renew: the write-back ends, it does not retry.
    await prisma.session.update({ where: { id: SESSION_ID }, data: { accessToken: original.accessToken, refreshToken: original.refreshToken, expires: original.expires } });
    const outcome = await writeBackPaidRun(third!, { clock: later({ minutes: 1 }) });
    expect(outcome).toEqual({ status: "abandoned", reason: "access_revoked" });
    expect(await session()).toBeNull();
    expect(await writeBackPaidRun(third!)).toEqual(outcome);
    expect(grants("refresh_token")).toEqual([200, 200, 400, 400]); // the reuse above, then the app's one attempt
  });

  it("after the merchant uninstalled: the write-back ends abandoned with the reason, no endless retry", async () => {
    await merchantOpensTheApp();
    const [runId] = await paidRuns(1);
    standIn.control.uninstall(SHOP);
    const clock = later(HOUR_AND_A_MINUTE);
    const outcome = await writeBackPaidRun(runId!, { clock });
    expect(outcome).toEqual({ status: "abandoned", reason: "access_revoked" });
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { runId: runId! } })).toMatchObject({ state: "abandoned", lastError: "access_revoked", leaseOwner: null });
    const requests = standIn.control.tokenRequests(SHOP).length;
    expect(await writeBackPaidRun(runId!, { clock })).toEqual(outcome);
    // Not pending: the worker's loop (resumePendingWriteBacks) never picks it again.
    expect(await pendingWriteBackRunIds(clock.nowDate(), 1_000)).not.toContain(runId);
    expect(standIn.control.tokenRequests(SHOP)).toHaveLength(requests);
    expect(standIn.control.createdOrders(SHOP)).toEqual([]);
  });

  it("after the merchant uninstalled, lets the app/uninstalled webhook through (200) and its effect happen", async () => {
    await merchantOpensTheApp();
    standIn.control.uninstall(SHOP);
    // The webhook arrives once the stored token is close to expiry: loading the session must not fail the delivery.
    await prisma.session.update({ where: { id: SESSION_ID }, data: { expires: new Date(Date.now() + 60_000) } });
    const response = asResponse(await callRoute(appUninstalled, webhookRequest("app/uninstalled", SHOP, { id: 1, domain: SHOP })));
    expect(response.status).toBe(200);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).not.toBeNull();
    expect(grants("refresh_token")).toEqual([400]);
  });
});

describe("a shop holding a non-expiring offline token", () => {
  beforeEach(async () => {
    await upsertInstalledShop(SHOP, { name: "Atelier Ritournelle", timeZone: "Europe/Paris", currency: "EUR" }, new Date());
    await updateShopSettings(SHOP, { writeBackOrders: true });
    await storeOfflineSession(SHOP, DEMO_ACCESS_TOKEN, { nonExpiring: true });
  });

  it("is migrated by background work, once for concurrent calls; the old token stops working", async () => {
    const runIds = await paidRuns(5);
    const outcomes = await Promise.all(runIds.map((runId) => writeBackPaidRun(runId)));
    for (const outcome of outcomes) expectCreated(outcome);
    expect(grants("migration")).toEqual([200]);
    expect(grants("refresh_token")).toEqual([]);
    expect(await session()).toMatchObject({ accessToken: expect.not.stringMatching(DEMO_ACCESS_TOKEN), refreshToken: expect.stringMatching(/^shprt_/), expires: expect.any(Date) });
    expect(await adminStatus(DEMO_ACCESS_TOKEN)).toBe(401);
  });

  it("is migrated on the merchant's next visit", async () => {
    await merchantOpensTheApp();
    expect(grants("migration")).toEqual([200]);
    expect(grants("token_exchange")).toEqual([]);
    expect(await session()).toMatchObject({ refreshToken: expect.stringMatching(/^shprt_/), expires: expect.any(Date) });
  });

  it("once Shopify refuses non-expiring tokens (2027-01-01): background work ends cleanly until the merchant's visit installs an expiring token", async () => {
    const [first, second] = await paidRuns(2);
    standIn.control.refuseNonExpiringTokensFrom(Date.now());
    expect(await writeBackPaidRun(first!)).toEqual({ status: "abandoned", reason: "access_revoked" });
    expect(await session()).toBeNull();
    await merchantOpensTheApp();
    expect(grants("token_exchange")).toEqual([200]);
    expectCreated(await writeBackPaidRun(second!));
  });
});

describe("across processes", () => {
  /** A process renewing the shop's token with `calls` concurrent calls once told to go; resolves to its answers. */
  function renewingProcess(clock: ManualClock, calls: number) {
    const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/renew-offline-token-process.ts"], {
      env: { ...process.env, SHOP, NOW_MS: String(clock.nowDate().getTime()), CALLS: String(calls), SHOPIFY_STAND_IN_URL: standIn.url },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => output.includes("ready\n") && resolve());
      child.once("exit", () => reject(new Error(`exited before ready: ${output}`)));
    });
    const answers = new Promise<{ status: string; accessToken?: string }[]>((resolve, reject) =>
      child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(output.split("ready\n")[1]!.trim())) : reject(new Error(`exit ${code}: ${output}`)))),
    );
    return { ready, go: () => child.stdin.end("go\n"), answers };
  }

  it("three processes renewing one shop's expired token at the same moment refresh it once, and all use the new token", async () => {
    await configureDatabase(prisma); // WAL: several processes on one file
    await merchantOpensTheApp();
    const clock = later(HOUR_AND_A_MINUTE);
    const processes = [renewingProcess(clock, 4), renewingProcess(clock, 4), renewingProcess(clock, 4)];
    await Promise.all(processes.map((child) => child.ready));
    for (const child of processes) child.go();
    const answers = (await Promise.all(processes.map((child) => child.answers))).flat();
    expect(answers).toHaveLength(12);
    const renewed = (await session())!.accessToken;
    expect(answers).toEqual(answers.map(() => ({ status: "valid", accessToken: renewed })));
    expect(grants("refresh_token")).toEqual([200]);
    expect(await adminStatus(renewed)).toBe(200);
  }, 60_000);
});
