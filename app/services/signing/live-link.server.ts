// The link a public request holds, if it still opens anything. Not a use
// case: the customer's use cases (view, submit, download) start with it.
import { isLinkOpen } from "~/domain/signing";
import { findLinkByTokenHash, type LinkContext } from "~/models/signing-link.server";
import { hashToken, isWellFormedToken } from "./signing-token.server";

/** Unknown, malformed, expired or revoked token: the same 404, whatever the reason. */
export class SigningLinkNotFound extends Error {
  override readonly name = "SigningLinkNotFound";
  constructor() {
    super("signing link not found");
  }
}

/**
 * The open link of `token`, with its run, shop and signature. Reads only.
 * @throws SigningLinkNotFound for a malformed, unknown, expired or revoked token (one error: a 404 must not say which).
 */
export async function findLiveLink(token: string, now: Date): Promise<LinkContext> {
  if (!isWellFormedToken(token)) throw new SigningLinkNotFound();
  const link = await findLinkByTokenHash(hashToken(token));
  if (!link || !isLinkOpen(link, now)) throw new SigningLinkNotFound();
  return link;
}
