// The view nonce: the sign form's hidden proof that a submit follows a view
// of our page, for this link, recently. Not a use case: the view and the
// submit share it.
import { timingSafeEqual } from "node:crypto";
import { isFormFresh } from "~/domain/signing-form";
import { appMac } from "./signing-token.server";

const PURPOSE = "sign-view/v1";

/** `<view time ms>.<HMAC(token hash, view time)>`: the form's hidden nonce. */
export function issueViewNonce(tokenHash: string, viewedAt: Date): string {
  const time = String(viewedAt.getTime());
  return `${time}.${appMac(PURPOSE, `${tokenHash}\u0000${time}`).toString("base64url")}`;
}

/** The view time a nonce proves for this token, or null when forged, for another token, too old or from the future. */
export function readViewNonce(nonce: string, tokenHash: string, now: Date): Date | null {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(nonce);
  if (!match) return null;
  const [, time = "", given = ""] = match;
  const expected = appMac(PURPOSE, `${tokenHash}\u0000${time}`);
  const presented = Buffer.from(given, "base64url");
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  const viewedAt = new Date(Number(time));
  return isFormFresh(viewedAt, now) ? viewedAt : null;
}
