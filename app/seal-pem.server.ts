// The sealing certificate and key as the environment gives them (PEM), and
// what is wrong with them in words an operator can act on. Read by the
// configuration at start (app/config.server.ts) and by the sealing identity
// (app/services/documents/seal-identity.server.ts).
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";

/** Environment variables often carry PEM with "\n" written out: accept both. */
export function normalisePem(value: string): string {
  return value.replace(/\\n/g, "\n").trim();
}

/** Every certificate of a PEM bundle, DER-decoded, in order. */
export function pemCertificates(pem: string): Uint8Array[] {
  const blocks = normalisePem(pem).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new Uint8Array(new X509Certificate(block).raw));
}

/**
 * What is wrong with a sealing certificate and key, in words an operator can
 * act on, or null. Used by the configuration at start (synchronous).
 */
export function sealPemProblem(certificatePem: string, privateKeyPem: string, passphrase?: string): string | null {
  let certificates: Uint8Array[];
  try {
    certificates = pemCertificates(certificatePem);
  } catch {
    return "SEAL_CERT_PEM is not a PEM certificate (-----BEGIN CERTIFICATE-----).";
  }
  if (certificates.length === 0) return "SEAL_CERT_PEM holds no PEM certificate (-----BEGIN CERTIFICATE-----).";
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: normalisePem(privateKeyPem), ...(passphrase ? { passphrase } : {}) });
  } catch {
    return passphrase
      ? "SEAL_KEY_PEM could not be read with SEAL_KEY_PASSPHRASE (a PEM private key and its passphrase)."
      : "SEAL_KEY_PEM is not a readable PEM private key (an encrypted one needs SEAL_KEY_PASSPHRASE).";
  }
  if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ec") return `SEAL_KEY_PEM is a ${key.asymmetricKeyType} key: use an RSA or EC (P-256, P-384) key.`;
  const certificate = new X509Certificate(Buffer.from(certificates[0]!));
  if (!certificate.checkPrivateKey(key)) return "SEAL_KEY_PEM is not the private key of the first certificate in SEAL_CERT_PEM.";
  if (new Date(certificate.validTo).getTime() < Date.now()) return `The sealing certificate in SEAL_CERT_PEM expired on ${certificate.validTo}: renew it.`;
  return null;
}
