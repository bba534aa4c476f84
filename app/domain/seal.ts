// What /verify says about a PDF's seal (its PAdES signature), beside the
// fingerprint check. No I/O.

/**
 * - `valid`: the signature verifies and covers the whole file: not one byte
 *   changed since it was sealed. `ours`: by Ritournelle's sealing
 *   certificate (the one this process seals with).
 * - `altered`: a seal is there, but the bytes it covers changed, or bytes
 *   were added after it, or its signature does not verify.
 * - `not_sealed`: no seal at all.
 */
export type SealVerdict =
  | { status: "valid"; signer: string; ours: boolean; sealedAt: string | null }
  | { status: "altered"; signer: string | null }
  | { status: "not_sealed" };
