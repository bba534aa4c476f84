import { randomBytes } from "node:crypto";
import { type Clock } from "~/domain/clock";
import { appClock } from "~/clock.server";
import { runSnapshotSchema } from "~/models/invoice-run.server";
import { findRunForLink } from "~/models/signature.server";
import { findLiveLinkForRun, insertLink } from "~/models/signing-link.server";
import { hashToken, signingUrl, tokenFromSeed } from "./signing-token.server";

const DAY_MS = 86_400_000;

export type SigningLinkIssued = { url: string; token: string; expiresAt: Date };

export type SigningLinkOptions = {
  /** Days the link lives; default: the invoice's days until due, plus one day of margin. */
  lifetimeDays?: number;
  clock?: Clock;
};

/**
 * The run's signing link, for the pipeline to print on the invoice before the
 * draft step.
 *
 * Idempotent per run, safe to run any number of times: while the run has a
 * live link, every call returns that same URL — so a retried draft call
 * sends Stripe identical parameters under its idempotency key (a different
 * URL would make Stripe refuse the retry). Otherwise it inserts a new link.
 * The token itself is never stored: it is derived from the link's random
 * seed with the app secret, and only its SHA-256 is kept.
 *
 * Expiry: the invoice's due date — `daysUntilDue` counted from now, since the
 * draft is finalized moments later — plus one day, so the link never dies
 * before the due date printed on the invoice; or `lifetimeDays`.
 *
 * @throws Error when the run does not exist (a bug in the caller).
 */
export async function createSigningLink(runId: string, options: SigningLinkOptions = {}): Promise<SigningLinkIssued> {
  const now = (options.clock ?? appClock).nowDate();
  const run = await findRunForLink(runId);
  if (!run) throw new Error(`createSigningLink: no run ${runId}`);
  const live = await findLiveLinkForRun(runId, now);
  if (live) {
    const token = tokenFromSeed(live.seed);
    // A rotated app secret derives another token: that link can no longer be
    // reproduced, so a new one is issued (the old one stays valid as printed).
    if (hashToken(token) === live.tokenHash) return { url: signingUrl(token), token, expiresAt: live.expiresAt };
  }
  const lifetimeDays = options.lifetimeDays ?? runSnapshotSchema.parse(JSON.parse(run.snapshot)).daysUntilDue + 1;
  const seed = randomBytes(32).toString("base64url");
  const token = tokenFromSeed(seed);
  const expiresAt = new Date(now.getTime() + lifetimeDays * DAY_MS);
  await insertLink({ shopId: run.shopId, runId, seed, tokenHash: hashToken(token), createdAt: now, expiresAt });
  return { url: signingUrl(token), token, expiresAt };
}
