/**
 * The seal on signed PDFs and Factur-X documents, checked by tools that
 * share no code with ours: poppler's `pdfsig` (Debian's poppler-utils) must
 * report the signature valid, and "Digest Mismatch" once one signed byte
 * changes (it exits 0 either way, so its output is parsed); `openssl cms`
 * must read the CMS, find the ESS signing-certificate-v2 attribute (PAdES
 * B-B) and no signing-time, and verify it over the signed ranges. Then our
 * own reading of the seal (/verify's), and a Factur-X whose factur-x.xml
 * still comes out whole and valid after sealing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";
import { SealVerdictBanner } from "~/components/signing/SealVerdictBanner";
import { VerifyVerdict } from "~/components/signing/VerifyVerdict";
import { verifyDocument } from "~/services/signing/verify-document.server";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from "pdf-lib";
import { documentHash } from "~/domain/signature-document";
import { buildEInvoice } from "~/domain/einvoice";
import { translator, type Locale } from "~/i18n";
import { facturXPdf } from "~/services/documents/facturx-kit.server";
import { identityFromPem, sealIdentity, selfSignedSealPem } from "~/services/documents/seal-identity.server";
import { sealPdf } from "~/services/documents/seal-pdf.server";
import { sealPemProblem } from "~/seal-pem.server";
import { checkSeal } from "~/services/documents/verify-seal.server";
import { renderSignedPdf } from "~/services/signing/signed-pdf/render-signed-pdf.server";
import { SCENARIOS } from "../../sandbox/demo/facturx-scenarios";
import { describeFindings, errorsOf, validateCii } from "../helpers/einvoice-validator";
import { DOCUMENT, signaturePng } from "../helpers/signing";

const SIGNED_AT = new Date("2026-11-28T09:41:07Z");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ritournelle-seal-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs an independent tool; a missing one fails the test with what to install (never a skip). */
function run(tool: "pdfsig" | "pdfinfo" | "openssl", args: string[]): string {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "pipe" });
  } catch {
    throw new Error(tool !== "openssl" ? `${tool} is missing: install Debian's poppler-utils (apt-get install poppler-utils); ./ritournelle test does it as root.` : "openssl is missing: install Debian's openssl.");
  }
  // Both streams: openssl says "Verification successful" on stderr; pdfsig exits 0 on a mismatch.
  const result = spawnSync(tool, args, { encoding: "utf8" });
  return `${result.stdout}${result.stderr}`;
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** pdfsig's verdict line for signature #1. */
function pdfsigValidation(file: string): string {
  const output = run("pdfsig", [file]);
  return /Signature Validation: (.*)/.exec(output)?.[1]?.trim() ?? `no validation line in: ${output}`;
}

/** What poppler reads of the file: its page count, and any syntax error it met (an update that broke the file). */
function popplerReads(file: string): { pages: number | null; errors: string[] } {
  const output = run("pdfinfo", [file]);
  return { pages: Number(/^Pages:\s+(\d+)/m.exec(output)?.[1] ?? NaN) || null, errors: output.split("\n").filter((line) => /error/i.test(line)) };
}

/** The /ByteRange and the DER in /Contents of the last signature. */
function signatureOf(bytes: Uint8Array): { range: number[]; der: Buffer; signed: Buffer } {
  const text = Buffer.from(bytes).toString("latin1");
  const match = [...text.matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/g)].at(-1)!;
  const range = match.slice(1, 5).map(Number);
  const hex = text.slice(range[1]! + 1, range[2]! - 1).replace(/(00)+$/, "");
  const signed = Buffer.concat([Buffer.from(bytes.subarray(0, range[1])), Buffer.from(bytes.subarray(range[2]!, range[2]! + range[3]!))]);
  return { range, der: Buffer.from(hex.length % 2 ? `${hex}0` : hex, "hex"), signed };
}

/** A copy with one byte flipped at `at`. */
function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

async function signedPdf(): Promise<Uint8Array> {
  const t = translator("fr");
  const { bytes } = await renderSignedPdf({
    locale: "fr",
    t,
    document: DOCUMENT,
    documentHash: await documentHash(DOCUMENT),
    signature: {
      id: "sig_seal",
      signerName: "Élodie Martin",
      signerEmail: "elodie@example.fr",
      ipAddress: "203.0.113.7",
      userAgent: "Mozilla/5.0",
      image: signaturePng(),
      consentVersion: "v1",
      consentText: t("sign.consent.v1"),
      signedAt: SIGNED_AT,
    },
    trail: [{ at: SIGNED_AT, label: "Signé" }],
    verifyUrl: "https://ritournelle.test/verify",
  });
  return bytes;
}

/** The embedded factur-x.xml, found from the catalog's /AF as a reader does. */
async function embeddedXml(pdf: Uint8Array): Promise<string> {
  const document = await PDFDocument.load(pdf);
  const spec = document.catalog.lookup(PDFName.of("AF"), PDFArray).lookup(0, PDFDict);
  expect(spec.get(PDFName.of("AFRelationship"))).toBe(PDFName.of("Alternative"));
  const stream = spec.lookup(PDFName.of("EF"), PDFDict).lookup(PDFName.of("F"));
  if (!(stream instanceof PDFRawStream)) throw new Error("factur-x.xml is not a stream");
  return new TextDecoder().decode(decodePDFRawStream(stream).decode());
}

describe("the seal on a signed PDF", () => {
  it("pdfsig reports it valid, a PAdES (ETSI.CAdES.detached) signature over the whole file, by the sealing certificate", async () => {
    const original = await signedPdf();
    const sealed = await sealPdf(original, { signedAt: SIGNED_AT, reason: "Facture signée" });
    // An incremental update: the signed revision is the original, byte for byte.
    expect(Buffer.from(sealed.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    const output = run("pdfsig", [write("signed.pdf", sealed)]);
    expect(output).toContain("Signature Validation: Signature is Valid.");
    expect(popplerReads(write("signed.pdf", sealed))).toEqual({ pages: 2, errors: [] });
    expect(output).toContain("Signature Type: ETSI.CAdES.detached");
    expect(output).toContain("Total document signed");
    expect(output).toContain(`Signer Certificate Common Name: ${(await sealIdentity()).signerName}`);
    expect(output).toContain("Signing Time: Nov 28 2026 09:41:07");
  });

  it("pdfsig reports Digest Mismatch after one byte of the signed range changes, in either range", async () => {
    const sealed = await sealPdf(await signedPdf(), { signedAt: SIGNED_AT, reason: "Facture signée" });
    const { range } = signatureOf(sealed);
    // Byte 11: inside the header's binary comment, so the file still parses and only the digest tells.
    expect(pdfsigValidation(write("flip-first.pdf", flipped(sealed, 11)))).toBe("Digest Mismatch.");
    // Inside the second range: the /M date of the signature dictionary itself.
    const claimed = Buffer.from(sealed).indexOf("(D:20261128", range[2]!, "latin1");
    expect(pdfsigValidation(write("flip-second.pdf", flipped(sealed, claimed + 5)))).toBe("Digest Mismatch.");
  });

  it("openssl cms reads the signed attributes: content type, message digest and signing-certificate-v2 (PAdES B-B), no signing-time", async () => {
    const sealed = await sealPdf(await signedPdf(), { signedAt: SIGNED_AT, reason: "Facture signée" });
    const { der, signed } = signatureOf(sealed);
    const cms = write("signature.der", der);
    const printed = run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", cms]);
    expect(printed).toMatch(/object: (id-smime-aa-signingCertificateV2|undefined) \(1\.2\.840\.113549\.1\.9\.16\.2\.47\)/);
    expect(printed).toMatch(/object: contentType \(1\.2\.840\.113549\.1\.9\.3\)/);
    expect(printed).toMatch(/object: messageDigest \(1\.2\.840\.113549\.1\.9\.4\)/);
    expect(printed).not.toContain("1.2.840.113549.1.9.5"); // signingTime: /M carries the time in PAdES
    // The message digest is the signed ranges' SHA-256 (openssl's hex dump: "0000 - e3 50 28 9b …").
    expect(printed).toContain(`0000 - ${createHash("sha256").update(signed).digest("hex").slice(0, 8).replace(/(..)(?!$)/g, "$1 ")}`);
    // The signature over those attributes verifies against the signed ranges (trust not asked: -noverify).
    const content = write("signed-ranges.bin", signed);
    expect(run("openssl", ["cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", cms, "-content", content, "-out", "/dev/null"])).toContain("Verification successful");
    expect(run("openssl", ["cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", cms, "-content", write("other.bin", flipped(signed, 11)), "-out", "/dev/null"])).toContain("Verification failure");
  });
});

describe("an operator's own certificate", () => {
  it("seals with an RSA certificate issued by a CA, its chain and a passphrase-protected key made by openssl", async () => {
    const file = (name: string) => path.join(dir, name);
    run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "30", "-subj", "/C=FR/O=Test CA/CN=Test sealing CA"]);
    run("openssl", ["req", "-newkey", "rsa:2048", "-keyout", file("leaf.key"), "-passout", "pass:s3cret", "-out", file("leaf.csr"), "-subj", "/C=FR/O=Ritournelle SAS/CN=Ritournelle document seal"]);
    run("openssl", ["x509", "-req", "-in", file("leaf.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("leaf.pem"), "-days", "30"]);
    const certificatePem = fs.readFileSync(file("leaf.pem"), "utf8") + fs.readFileSync(file("ca.pem"), "utf8");
    const privateKeyPem = fs.readFileSync(file("leaf.key"), "utf8");
    expect(privateKeyPem).toContain("ENCRYPTED");
    expect(sealPemProblem(certificatePem, privateKeyPem, "s3cret")).toBeNull();
    expect(sealPemProblem(certificatePem, privateKeyPem, "wrong")).toContain("could not be read with SEAL_KEY_PASSPHRASE");

    const identity = identityFromPem({ certificatePem, privateKeyPem }, "s3cret");
    expect(identity.chain).toHaveLength(2);
    const sealed = await sealPdf(await signedPdf(), { signedAt: SIGNED_AT, reason: "Facture signée", identity });
    const output = run("pdfsig", [write("rsa.pdf", sealed)]);
    expect(output).toContain("Signature Validation: Signature is Valid.");
    expect(output).toContain("Signer Certificate Common Name: Ritournelle document seal");
    const { der } = signatureOf(sealed);
    const printed = run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", write("rsa.der", der)]);
    expect(printed).toContain("sha256WithRSAEncryption");
    expect(printed).toContain("CN=Test sealing CA"); // the chain travels with the signature
    expect(await checkSeal(sealed)).toMatchObject({ status: "valid", signer: "Ritournelle document seal", ours: false });
  });
});

describe("reading a seal back (/verify)", () => {
  it("says valid, by whom and when, for a sealed PDF; altered after one byte changes or bytes are appended; not sealed for a plain PDF", async () => {
    const original = await signedPdf();
    const sealed = await sealPdf(original, { signedAt: SIGNED_AT, reason: "Facture signée" });
    const identity = await sealIdentity();
    expect(await checkSeal(sealed)).toEqual({ status: "valid", signer: identity.signerName, ours: true, sealedAt: SIGNED_AT.toISOString() });
    expect(await checkSeal(flipped(sealed, 11))).toEqual({ status: "altered", signer: identity.signerName });
    expect(await checkSeal(flipped(sealed, sealed.length - 10))).toEqual({ status: "altered", signer: identity.signerName });
    expect(await checkSeal(Buffer.concat([sealed, Buffer.from("\n% appended\n")]))).toMatchObject({ status: "altered" });
    // A byte of the signature itself.
    const { range } = signatureOf(sealed);
    expect(await checkSeal(flipped(sealed, range[1]! + 200))).toMatchObject({ status: "altered" });
    // And a byte of the zeros after it (unsigned room, but still a change to the file).
    expect(await checkSeal(flipped(sealed, range[2]! - 10))).toEqual({ status: "altered", signer: identity.signerName });
    expect(await checkSeal(original)).toEqual({ status: "not_sealed" });
  });

  it("tells a valid seal by another certificate from Ritournelle's", async () => {
    const stranger = identityFromPem(await selfSignedSealPem("Ritournelle document seal (self-signed)"));
    const sealed = await sealPdf(await signedPdf(), { signedAt: SIGNED_AT, reason: "forged", identity: stranger });
    expect(pdfsigValidation(write("stranger.pdf", sealed))).toBe("Signature is Valid.");
    expect(await checkSeal(sealed)).toMatchObject({ status: "valid", ours: false });
  });
});

describe("the seal on a Factur-X", () => {
  it("keeps the embedded factur-x.xml whole and valid (CEN, Factur-X and BR-FR rules, XSD), and pdfsig reports the seal valid", { timeout: 120_000 }, async () => {
    const { pdf, xml } = await facturXPdf(buildEInvoice(SCENARIOS.find((scenario) => scenario.name === "two-vat-rates")!.input));
    const sealed = await sealPdf(pdf, { signedAt: SIGNED_AT, reason: "Facture émise" });
    const extracted = await embeddedXml(sealed);
    expect(extracted).toBe(xml);
    const findings = await validateCii(extracted);
    expect(errorsOf(findings), describeFindings(errorsOf(findings))).toEqual([]);
    // The rest of the PDF/A-3 structure the update leaves alone.
    const document = await PDFDocument.load(sealed);
    expect(document.catalog.has(PDFName.of("OutputIntents"))).toBe(true);
    expect(document.catalog.has(PDFName.of("Metadata"))).toBe(true);
    expect(document.getPageCount()).toBe((await PDFDocument.load(pdf)).getPageCount());
    expect(pdfsigValidation(write("facturx.pdf", sealed))).toBe("Signature is Valid.");
    expect(popplerReads(write("facturx.pdf", sealed))).toEqual({ pages: (await PDFDocument.load(pdf)).getPageCount(), errors: [] });
    expect(await checkSeal(sealed)).toMatchObject({ status: "valid", ours: true });
  });
});

describe("what /verify shows about the seal", () => {
  /** The banner's text as the page renders it, for an uploaded file. */
  async function shown(pdf: Uint8Array, locale: Locale): Promise<string> {
    const html = renderToStaticMarkup(createElement(SealVerdictBanner, { seal: await checkSeal(pdf), locale, t: translator(locale) }));
    return html.replace(/<[^>]+>/g, " ").replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, " ").trim();
  }

  it("says valid with the signer and time, broken after a change, or not sealed, in English and French", async () => {
    const original = await signedPdf();
    const sealed = await sealPdf(original, { signedAt: SIGNED_AT, reason: "Facture signée" });
    const signer = (await sealIdentity()).signerName;
    expect(await shown(sealed, "en")).toMatch(/^Seal valid: unaltered since it was sealed Sealed by .+ on .*2026.* UTC\. Any PDF reader that checks signatures shows the same seal\.$/);
    expect(await shown(sealed, "en")).toContain(`Sealed by ${signer} on `);
    expect(await shown(sealed, "fr")).toContain(`Sceau valide : intact depuis son scellement Scellé par ${signer} le`);
    expect(await shown(flipped(sealed, 11), "en")).toBe(`Seal broken: the file was changed after it was sealed The file carries a seal by ${signer}, but its content no longer matches it. Ask the sender for the original file.`);
    expect(await shown(flipped(sealed, 11), "fr")).toContain("Sceau rompu : le fichier a été modifié après son scellement");
    expect(await shown(original, "en")).toContain("Not sealed This PDF carries no seal");
    expect(await shown(original, "fr")).toContain("Non scellé Ce PDF ne porte aucun sceau");
    const stranger = identityFromPem(await selfSignedSealPem());
    const foreign = await sealPdf(original, { signedAt: SIGNED_AT, reason: "forged", identity: stranger });
    expect(await shown(foreign, "en")).toContain("This seal is not by Ritournelle's sealing certificate");
    expect(await shown(sealed, "en")).not.toContain("not by Ritournelle's");
  });

  it("a sealed Factur-X, whose fingerprint Ritournelle does not keep, is shown as issued and sealed by Ritournelle, not as unverified", async () => {
    const { pdf } = await facturXPdf(buildEInvoice(SCENARIOS.find((scenario) => scenario.name === "two-vat-rates")!.input));
    const verdict = async (file: Uint8Array, locale: Locale) => {
      const result = await verifyDocument({ file });
      if (result.kind === "invalid") throw new Error("refused");
      return renderToStaticMarkup(createElement(VerifyVerdict, { result, locale, t: translator(locale) })).replace(/<[^>]+>/g, " ").replace(/&#x27;|&#39;/g, "'");
    };
    const sealed = await sealPdf(pdf, { signedAt: SIGNED_AT, reason: "Facture émise" });
    expect(await verdict(sealed, "en")).toContain("Issued and sealed by Ritournelle, unaltered");
    expect(await verdict(sealed, "fr")).toContain("Émis et scellé par Ritournelle, intact");
    expect(await verdict(flipped(sealed, 11), "en")).toContain("Not verified");
    expect(await verdict(pdf, "en")).toContain("Not verified");
  }, 60_000);
});

