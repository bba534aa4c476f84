// Ritournelle's document-sealing identity: the certificate (and its chain)
// and private key that seal signed PDFs and Factur-X documents
// (seal-pdf.server.ts).
//
// - Production: SEAL_CERT_PEM (the sealing certificate first, then its
//   issuers) and SEAL_KEY_PEM (PKCS#8 or traditional, optionally encrypted
//   with SEAL_KEY_PASSPHRASE), checked at start by app/config.server.ts: the
//   process does not start without them, or when the key is not the
//   certificate's.
// - Anywhere else (the demo, tests, development) without them: a self-signed
//   certificate made once per process at first use, never written anywhere.
import { createHash, createPrivateKey, webcrypto, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { config } from "~/config.server";
import { normalisePem, pemCertificates } from "~/seal-pem.server";

export type SealIdentity = {
  /** The sealing certificate, parsed. */
  certificate: pkijs.Certificate;
  /** DER of the sealing certificate, then of its issuers (as configured). */
  chain: Uint8Array[];
  privateKey: KeyObject;
  /** The name readers show for the seal: the certificate's CN (else O). */
  signerName: string;
  /** SHA-256 of the sealing certificate's DER, hex. */
  fingerprint: string;
};

export type SealPem = { certificatePem: string; privateKeyPem: string };

const OID_COMMON_NAME = "2.5.4.3";
const OID_ORGANIZATION = "2.5.4.10";
const OID_COUNTRY = "2.5.4.6";

/** The name readers show for a certificate: its CN, else its O. */
export function nameOf(certificate: pkijs.Certificate): string {
  const value = (oid: string) => certificate.subject.typesAndValues.find((entry) => entry.type === oid)?.value.valueBlock.value as string | undefined;
  return value(OID_COMMON_NAME) ?? value(OID_ORGANIZATION) ?? "unnamed certificate";
}

/** Builds the identity from PEM (checked at start by sealPemProblem, app/seal-pem.server.ts). */
export function identityFromPem(pem: SealPem, passphrase?: string): SealIdentity {
  const chain = pemCertificates(pem.certificatePem);
  const certificate = pkijs.Certificate.fromBER(chain[0]!.slice().buffer);
  const privateKey = createPrivateKey({ key: normalisePem(pem.privateKeyPem), ...(passphrase ? { passphrase } : {}) });
  return { certificate, chain, privateKey, signerName: nameOf(certificate), fingerprint: createHash("sha256").update(chain[0]!).digest("hex") };
}

const toPem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trim()}\n-----END ${label}-----\n`;

/**
 * A certificate serial number from 16 random bytes, as DER must encode it:
 * positive (first bit clear) and minimal (no leading zero byte). A first
 * byte of 0x00 before one below 0x80 made one certificate in 256 one that
 * OpenSSL refuses to read ("illegal padding"): a test failing at random.
 */
function serialNumberBytes(random: Uint8Array): Uint8Array {
  return random.map((byte, index) => (index === 0 ? byte & 0x7f || 0x01 : byte));
}

/**
 * A self-signed sealing certificate (ECDSA P-256, valid a year) for the demo
 * and tests. Readers report its signature valid and its issuer untrusted —
 * what a self-signed certificate is.
 */
export async function selfSignedSealPem(
  commonName = "Ritournelle document seal (self-signed)",
  now = new Date(),
  /** The serial number's 16 random bytes (tests give their own). */
  serialRandom: Uint8Array = webcrypto.getRandomValues(new Uint8Array(16)),
): Promise<SealPem> {
  const keys = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: serialNumberBytes(serialRandom) });
  for (const name of [certificate.subject, certificate.issuer]) {
    name.typesAndValues.push(
      new pkijs.AttributeTypeAndValue({ type: OID_COUNTRY, value: new asn1js.PrintableString({ value: "FR" }) }),
      new pkijs.AttributeTypeAndValue({ type: OID_ORGANIZATION, value: new asn1js.Utf8String({ value: "Ritournelle" }) }),
      new pkijs.AttributeTypeAndValue({ type: OID_COMMON_NAME, value: new asn1js.Utf8String({ value: commonName }) }),
    );
  }
  certificate.notBefore.value = new Date(now.getTime() - 60 * 60 * 1000);
  certificate.notAfter.value = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
  // keyUsage: digitalSignature + nonRepudiation (contentCommitment), what a seal does.
  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0xc0]).buffer, unusedBits: 6 });
  certificate.extensions = [
    new pkijs.Extension({ extnID: "2.5.29.19", critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false) }),
    new pkijs.Extension({ extnID: "2.5.29.15", critical: true, extnValue: keyUsage.toBER(false) }),
  ];
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey);
  await certificate.sign(keys.privateKey, "SHA-256");
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { certificatePem: toPem("CERTIFICATE", certificate.toSchema().toBER(false)), privateKeyPem: toPem("PRIVATE KEY", pkcs8) };
}

let current: Promise<SealIdentity> | undefined;

/**
 * The process's sealing identity: the configured one, or (outside
 * production, when none is configured) a self-signed one made once.
 */
export function sealIdentity(): Promise<SealIdentity> {
  current ??= (async () => {
    const settings = config();
    if (settings.SEAL_CERT_PEM && settings.SEAL_KEY_PEM) {
      return identityFromPem({ certificatePem: settings.SEAL_CERT_PEM, privateKeyPem: settings.SEAL_KEY_PEM }, settings.SEAL_KEY_PASSPHRASE);
    }
    // The configuration refuses to start production without them (app/config.server.ts).
    if (settings.NODE_ENV === "production") throw new Error("SEAL_CERT_PEM and SEAL_KEY_PEM are required in production.");
    return identityFromPem(await selfSignedSealPem());
  })();
  current.catch(() => (current = undefined));
  return current;
}
