// The self-signed sealing certificate's serial number (demo and tests):
// OpenSSL reads every certificate made, whatever bytes the random source gave.
import { X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import { describe, expect, it } from "vitest";
import { serialNumberBytes } from "~/services/documents/seal-identity.server";

describe("the sealing certificate's serial number", () => {
  it.each([
    ["a zero first byte before a small one", [0x00, 0x10]],
    ["a zero first byte before a large one", [0x00, 0xf0]],
    ["a first byte with its top bit set", [0x80, 0x00]],
    ["a first byte of 0x80 exactly masked to zero", [0x80, 0x7f]],
  ])("%s: a positive integer in minimal DER", (_, head) => {
    const random = new Uint8Array(16).fill(0x5a);
    random.set(head!);
    const bytes = serialNumberBytes(random);
    const der = new Uint8Array(new asn1js.Integer({ valueHex: bytes }).toBER(false));
    // DER: tag 02, length, then no 0x00 before a byte below 0x80, and no top bit on the first.
    const content = der.slice(2);
    expect(content[0]! & 0x80).toBe(0);
    expect(content[0] === 0x00 && content[1]! < 0x80).toBe(false);
    expect(bytes.length).toBe(16);
  });

  it("every certificate made is one OpenSSL reads", async () => {
    const { selfSignedSealPem } = await import("~/services/documents/seal-identity.server");
    const pem = await selfSignedSealPem();
    expect(new X509Certificate(pem.certificatePem).serialNumber).toMatch(/^[0-9A-F]{32}$/);
  });
});
