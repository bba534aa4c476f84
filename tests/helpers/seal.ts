// A sealing certificate for the production processes the tests start
// (NODE_ENV=production refuses to start without one): self-signed, made once
// per test file, handed over by environment as an operator would.
import { selfSignedSealPem } from "~/services/documents/seal-identity.server";

let made: Promise<{ SEAL_CERT_PEM: string; SEAL_KEY_PEM: string }> | undefined;

export function sealEnv(): Promise<{ SEAL_CERT_PEM: string; SEAL_KEY_PEM: string }> {
  made ??= selfSignedSealPem("Ritournelle document seal (test process)").then((pem) => ({ SEAL_CERT_PEM: pem.certificatePem, SEAL_KEY_PEM: pem.privateKeyPem }));
  return made;
}
