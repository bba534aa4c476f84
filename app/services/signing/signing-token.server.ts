// The signing link's token, and the app secret's MACs the signing feature
// uses. Not a use case: the pieces the link use cases share.
//
// A token is 256 bits derived from the link's random seed with the app
// secret, and only its SHA-256 is stored: the database alone cannot produce
// a working link, and a rotated secret retires every link not yet printed.
import { createHash, createHmac } from "node:crypto";
import { config } from "~/config.server";

/** 256 bits, base64url without padding: exactly 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** True when `token` has a token's shape; anything else is not worth a database lookup. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** Hex SHA-256 of a token: how a link is stored, looked up and rate-limited without keeping the capability. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** HMAC-SHA256 with the app secret, domain-separated by `purpose`. */
export function appMac(purpose: string, message: string): Buffer {
  return createHmac("sha256", config().SHOPIFY_API_SECRET).update(`ritournelle/${purpose}\u0000${message}`).digest();
}

/** The link's token: 256 bits derived from the link's random seed with the app secret. */
export function tokenFromSeed(seed: string): string {
  return appMac("signing-link/v1", seed).toString("base64url");
}

/** The public URL a token opens: `${SHOPIFY_APP_URL}/sign/<token>`. */
export function signingUrl(token: string): string {
  return new URL(`/sign/${token}`, config().SHOPIFY_APP_URL).toString();
}
