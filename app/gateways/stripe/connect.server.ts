// Stripe Connect OAuth for Standard accounts: the consent URL, the code
// exchange and the deauthorization.
import Stripe from "stripe";
import type { StripeClient } from "./client.server";

/**
 * The consent page the merchant's browser goes to. Built here rather than
 * with the SDK's `oauth.authorizeUrl()`, which always produces an https URL
 * without a port and so cannot reach the offline stand-in.
 */
export function consentUrl(client: StripeClient, params: { clientId: string; state: string; redirectUri: string }): string {
  const url = new URL("/oauth/authorize", client.connectUrl);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("scope", "read_write");
  url.searchParams.set("state", params.state);
  url.searchParams.set("redirect_uri", params.redirectUri);
  return url.toString();
}

export class ConnectCodeError extends Error {
  override readonly name = "ConnectCodeError";
}

/**
 * Exchanges the authorization code from the consent redirect for the
 * merchant's account id. Codes are single-use and short-lived.
 * @throws ConnectCodeError when Stripe refuses the code (used, expired, unknown);
 *   the SDK's error for anything else (network, Stripe down).
 */
export async function exchangeAuthorizationCode(client: StripeClient, code: string): Promise<{ account: string }> {
  try {
    const token = await client.call(null, (stripe, options) => stripe.oauth.token({ grant_type: "authorization_code", code }, options));
    if (!token.stripe_user_id) throw new ConnectCodeError("Stripe accepted the code but named no account.");
    return { account: token.stripe_user_id };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidGrantError || error instanceof Stripe.errors.StripeOAuthInvalidRequestError) {
      throw new ConnectCodeError(error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * Revokes the platform's access to the account. "not_connected" when Stripe
 * says it was not connected any more (the merchant removed the app from their
 * Stripe dashboard first): the outcome the caller wanted either way.
 */
export async function deauthorizeAccount(client: StripeClient, clientId: string, account: string): Promise<"deauthorized" | "not_connected"> {
  try {
    await client.call(null, (stripe, options) => stripe.oauth.deauthorize({ client_id: clientId, stripe_user_id: account }, options));
    return "deauthorized";
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidClientError) return "not_connected";
    throw error;
  }
}
