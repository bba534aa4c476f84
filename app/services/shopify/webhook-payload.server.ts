// A Shopify webhook once its HMAC is verified (app/lib/webhook-route.server.ts
// does that before any handler runs), and the check of its payload against the
// schema its topic's handler expects.
import type { z } from "zod";

export type VerifiedWebhook = { webhookId: string; topic: string; shop: string; payload: unknown };

/** A payload that passed HMAC but not our schema: answered 400 with what was wrong. */
export class WebhookPayloadError extends Error {
  constructor(topic: string, issues: z.core.$ZodIssue[]) {
    super(
      `${topic} payload rejected: ${issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}`,
    );
    this.name = "WebhookPayloadError";
  }
}

/**
 * The webhook's payload as `schema` parses it.
 * @throws WebhookPayloadError when it does not match (nothing has been written yet).
 */
export function parseWebhookPayload<T>(schema: z.ZodType<T>, webhook: VerifiedWebhook): T {
  const result = schema.safeParse(webhook.payload);
  if (!result.success) throw new WebhookPayloadError(webhook.topic, result.error.issues);
  return result.data;
}
