import type { SealVerdict } from "~/domain/seal";
import type { VerifyResult } from "~/domain/signing";
import type { Locale, Translate } from "~/i18n";
import { formatDateTime } from "~/i18n/format";

/** /verify's answer: which signed invoice the fingerprint is (a PDF's, or the document hash on a certificate), or that it is none. */
export function VerifyVerdict({ result, locale, t }: { result: VerifyResult & { seal?: SealVerdict }; locale: Locale; t: Translate }) {
  const time = (iso: string) => `${formatDateTime(iso, locale, "UTC")} UTC`;
  // A file Ritournelle sealed but keeps no fingerprint of (a Factur-X): the seal is the proof.
  if (result.kind === "not_verified" && result.seal?.status === "valid" && result.seal.ours) {
    return (
      <section className="banner ok" data-testid="verify-result" data-verified="sealed">
        <h2>{t("verify.sealedOnly.title")}</h2>
        <p>{t("verify.sealedOnly.body")}</p>
        <p className="muted">
          <code>{t("verify.fingerprint", { hash: result.sha256 })}</code>
        </p>
      </section>
    );
  }
  if (result.kind === "not_verified") {
    return (
      <section className="banner bad" data-testid="verify-result" data-verified="false">
        <h2>{t("verify.notVerified.title")}</h2>
        <p>{t("verify.notVerified.body")}</p>
        <p className="muted">
          <code>{t("verify.fingerprint", { hash: result.sha256 })}</code>
        </p>
      </section>
    );
  }
  return (
    <section className="banner ok" data-testid="verify-result" data-verified="true">
      <h2>{t(result.match === "pdf" ? "verify.verified.title" : "verify.documentHash.title")}</h2>
      <p>
        {result.match === "pdf"
          ? t("verify.verified.body", { number: result.invoiceNumber, merchant: result.merchantName, time: time(result.signedAt) })
          : t("verify.documentHash.body", { id: result.signatureId, number: result.invoiceNumber, merchant: result.merchantName, time: time(result.signedAt) })}
      </p>
      {result.match === "pdf" && <p>{t("verify.verified.id", { id: result.signatureId })}</p>}
      <p className="muted">
        <code>{t("verify.fingerprint", { hash: result.sha256 })}</code>
      </p>
    </section>
  );
}
