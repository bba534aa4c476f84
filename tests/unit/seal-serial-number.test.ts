// The self-signed sealing certificate's serial number (demo and tests):
// OpenSSL reads every certificate made, whatever bytes the random source gave
// — a zero first byte before one below 0x80 once made non-minimal DER that
// OpenSSL refused ("illegal padding"), one certificate in 256.
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { selfSignedSealPem } from "~/services/documents/seal-identity.server";

describe("the sealing certificate's serial number", () => {
  it.each([
    ["a zero first byte before a small one", [0x00, 0x10]],
    ["a zero first byte before a large one", [0x00, 0xf0]],
    ["a first byte with its top bit set", [0x80, 0x00]],
    ["a first byte of 0x80 before a small one", [0x80, 0x7f]],
    ["ordinary bytes", [0x5a, 0x5a]],
  ])("%s: OpenSSL reads the certificate and its 16-byte serial", async (_, head) => {
    const random = new Uint8Array(16).fill(0x5a);
    random.set(head!);
    const pem = await selfSignedSealPem(undefined, new Date("2026-12-04T00:00:00Z"), random);
    expect(new X509Certificate(pem.certificatePem).serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
  });
});
