// Stripe webhook deliveries: the signature is checked on the raw body, by the
// SDK itself, before anything in the payload is believed.
import Stripe from "stripe";

/** Stripe's own default: a delivery signed more than 5 minutes ago is refused (replay protection). */
const WEBHOOK_TOLERANCE_SECONDS = 300;

export class WebhookSignatureError extends Error {
  override readonly name = "WebhookSignatureError";
}

/**
 * The event in `payload` if `signature` (the Stripe-Signature header) is a
 * valid signature of exactly these bytes with `secret`, made less than
 * `toleranceSeconds` ago.
 * @throws WebhookSignatureError otherwise (missing, forged, stale, or a body
 *   that is not an event).
 */
export function verifyStripeEvent(payload: string, signature: string | null, secret: string, toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS): Stripe.Event {
  if (!signature) throw new WebhookSignatureError("The Stripe-Signature header is missing.");
  try {
    return Stripe.webhooks.constructEvent(payload, signature, secret, toleranceSeconds);
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
