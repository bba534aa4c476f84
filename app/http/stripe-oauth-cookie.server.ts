// The cookie that binds a Stripe Connect consent to the browser that started
// it (app/services/stripe-connect/oauth.server.ts says why it is set at the
// top-level stop on our origin and not in the admin's iframe).
//
// HttpOnly (no script reads it), SameSite=Lax (sent on Stripe's top-level
// redirect back, never on a cross-site subrequest), Path=/stripe/oauth (the
// two routes that need it), lasting as long as the state; Secure whenever
// the app is served over https. It holds a random secret whose SHA-256 the
// state's row holds: nothing else.
import { config } from "~/config.server";

export const STRIPE_OAUTH_COOKIE = "ritournelle_stripe_oauth";
const PATH = "/stripe/oauth";

function secure(): string {
  return new URL(config().SHOPIFY_APP_URL).protocol === "https:" ? "; Secure" : "";
}

/** Set-Cookie for the browser's secret, for `maxAgeSeconds`. */
export function stripeOAuthCookie(secret: string, maxAgeSeconds: number): string {
  return `${STRIPE_OAUTH_COOKIE}=${secret}; Path=${PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure()}`;
}

/** Set-Cookie that removes it (once the callback has used it). */
export function clearedStripeOAuthCookie(): string {
  return `${STRIPE_OAUTH_COOKIE}=; Path=${PATH}; Max-Age=0; HttpOnly; SameSite=Lax${secure()}`;
}

/** The secret the browser sent, or null. */
export function stripeOAuthSecretOf(request: Request): string | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === STRIPE_OAUTH_COOKIE) return /^[A-Za-z0-9_-]{16,128}$/.test(value.join("=")) ? value.join("=") : null;
  }
  return null;
}
