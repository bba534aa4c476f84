// The CMS SignedData of a PAdES baseline B-B signature (ETSI EN 319 142-1
// §6.3, on CAdES EN 319 122-1), detached, over the PDF's signed ranges:
// - signed attributes: content-type (id-data), message-digest (SHA-256 of the
//   ranges) and ESS signing-certificate-v2 (RFC 5035: the SHA-256 of the
//   sealing certificate and its issuer + serial), which binds the signature
//   to its certificate — the B-B requirement;
// - no signing-time attribute: PAdES puts the claimed time in the signature
//   dictionary's /M instead, and the baseline profile says the signing-time
//   attribute shall not be present (EN 319 142-1 §5.4, table 1; the EU's DSS
//   omits it for PAdES as well: esig/dss CAdESLevelBaselineB.addSigningTimeAttribute,
//   "In PAdES, we don't include the signing time");
// - the certificates: the sealing certificate and the configured chain.
// The structures are pkijs's; the signature itself is node:crypto's (RSA
// PKCS#1 v1.5 or ECDSA with SHA-256, DER-encoded as CMS wants).
import { createHash, sign, verify, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

export const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  rsaEncryption: "1.2.840.113549.1.1.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
} as const;

const buffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

/** RFC 5035 SigningCertificateV2 { certs { ESSCertIDv2 { certHash, issuerSerial } } }; hashAlgorithm is the DEFAULT sha256, so omitted (DER). */
export function signingCertificateV2(certificate: pkijs.Certificate, certificateDer: Uint8Array): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      // GeneralNames { directoryName [4] Name } — explicit: GeneralName is a CHOICE.
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [certificate.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: certificate.serialNumber.valueBlock.valueHexView.slice().buffer }),
    ],
  });
  const certHash = new asn1js.OctetString({ valueHex: buffer(createHash("sha256").update(certificateDer).digest()) });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certHash, issuerSerial] })] })] });
}

/** DER SET OF: elements sorted by their encodings (X.690 §11.6), as verifiers re-encode it. */
function derSetOf(attributes: pkijs.Attribute[]): { sorted: pkijs.Attribute[]; der: Uint8Array } {
  const encoded = attributes.map((attribute) => ({ attribute, der: new Uint8Array(attribute.toSchema().toBER(false)) }));
  encoded.sort((a, b) => Buffer.compare(Buffer.from(a.der), Buffer.from(b.der)));
  const body = Buffer.concat(encoded.map((entry) => entry.der));
  const set = new asn1js.Set({ value: encoded.map((entry) => asn1js.fromBER(buffer(entry.der)).result) });
  const der = new Uint8Array(set.toBER(false));
  if (!Buffer.from(der).subarray(der.length - body.length).equals(body)) throw new Error("signed attributes did not encode as sorted");
  return { sorted: encoded.map((entry) => entry.attribute), der };
}

function signatureAlgorithm(key: KeyObject): pkijs.AlgorithmIdentifier {
  if (key.asymmetricKeyType === "rsa") return new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsa, algorithmParams: new asn1js.Null() });
  if (key.asymmetricKeyType === "ec") return new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
  throw new Error(`a ${key.asymmetricKeyType} key cannot seal (RSA or EC only)`);
}

export type CadesSigner = { certificate: pkijs.Certificate; chain: Uint8Array[]; privateKey: KeyObject };

/** The DER ContentInfo(SignedData) over `content` (detached: the content is not included). */
export function cadesDetachedSignature(content: Uint8Array, signer: CadesSigner): Uint8Array {
  const digest = createHash("sha256").update(content).digest();
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: buffer(digest) })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(signer.certificate, signer.chain[0]!)] }),
  ];
  const { sorted, der } = derSetOf(attributes);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.certificate.issuer, serialNumber: signer.certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
    signatureAlgorithm: signatureAlgorithm(signer.privateKey),
    signature: new asn1js.OctetString({ valueHex: buffer(sign("sha256", der, signer.privateKey)) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: signer.chain.map((der) => pkijs.Certificate.fromBER(buffer(der))),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

export type CadesCheck =
  | { ok: true; certificate: pkijs.Certificate; certificateDer: Uint8Array }
  | { ok: false; reason: "unreadable" | "digest_mismatch" | "bad_signature" | "no_certificate" | "certificate_mismatch"; certificate?: pkijs.Certificate };

/**
 * Checks a detached CAdES signature over `content`: the message digest, the
 * signature over the signed attributes (as received), and, when present,
 * that signing-certificate-v2 names the certificate that verifies it.
 * Trust in the certificate itself is the caller's question.
 */
export function checkCadesSignature(der: Uint8Array, content: Uint8Array): CadesCheck {
  let signedData: pkijs.SignedData;
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(buffer(der));
    if (contentInfo.contentType !== OID.signedData) return { ok: false, reason: "unreadable" };
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo?.signedAttrs || !(signerInfo.sid instanceof pkijs.IssuerAndSerialNumber)) return { ok: false, reason: "unreadable" };
  const sid = signerInfo.sid;
  const certificate = (signedData.certificates ?? []).find(
    (entry): entry is pkijs.Certificate => entry instanceof pkijs.Certificate && entry.serialNumber.isEqual(sid.serialNumber) && entry.issuer.isEqual(sid.issuer),
  );
  if (!certificate) return { ok: false, reason: "no_certificate" };
  const certificateDer = new Uint8Array(certificate.toSchema().toBER(false));
  const attribute = (oid: string) => signerInfo.signedAttrs!.attributes.find((entry) => entry.type === oid)?.values[0];
  const digestAlgorithm = signerInfo.digestAlgorithm.algorithmId;
  const hash = { [OID.sha256]: "sha256", "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512" }[digestAlgorithm];
  const messageDigest = attribute(OID.messageDigest);
  if (!hash || !(messageDigest instanceof asn1js.OctetString)) return { ok: false, reason: "unreadable", certificate };
  if (!Buffer.from(messageDigest.valueBlock.valueHexView).equals(createHash(hash).update(content).digest())) return { ok: false, reason: "digest_mismatch", certificate };

  // The signature covers the signed attributes as received, re-tagged as a SET (RFC 5652 §5.4).
  const signedAttributes = new Uint8Array(signerInfo.signedAttrs.encodedValue);
  signedAttributes[0] = 0x31;
  let verified = false;
  try {
    const publicKey = { key: Buffer.from(certificate.subjectPublicKeyInfo.toSchema().toBER(false)), format: "der", type: "spki" } as const;
    verified = verify(hash, signedAttributes, publicKey, Buffer.from(signerInfo.signature.valueBlock.valueHexView));
  } catch {
    verified = false;
  }
  if (!verified) return { ok: false, reason: "bad_signature", certificate };

  const essCertificate = attribute(OID.signingCertificateV2);
  if (essCertificate && !essNamesCertificate(essCertificate, certificateDer)) return { ok: false, reason: "certificate_mismatch", certificate };
  return { ok: true, certificate, certificateDer };
}

/** Whether the first ESSCertIDv2 of a signing-certificate-v2 value hashes to this certificate. */
function essNamesCertificate(value: asn1js.AsnType, certificateDer: Uint8Array): boolean {
  const children = (node: unknown): unknown[] => ((node as { valueBlock?: { value?: unknown[] } }).valueBlock?.value ?? []);
  const essCertId = children(children(value)[0])[0];
  const fields = children(essCertId);
  const algorithm = fields[0] instanceof asn1js.Sequence ? String((children(fields[0])[0] as asn1js.ObjectIdentifier).valueBlock.toString()) : OID.sha256;
  const certHash = fields.find((field) => field instanceof asn1js.OctetString);
  const hash = { [OID.sha256]: "sha256", "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512" }[algorithm];
  if (!hash || !certHash) return false;
  return Buffer.from(certHash.valueBlock.valueHexView).equals(createHash(hash).update(certificateDer).digest());
}
