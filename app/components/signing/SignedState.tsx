import type { SigningPage } from "~/domain/signing";
import type { Locale, Translate } from "~/i18n";
import { formatDateTime } from "~/i18n/format";
import { InvoiceDocument } from "./InvoiceDocument";
import { PayLink } from "./PayLink";

type Props = { page: Extract<SigningPage, { kind: "signed" }>; token: string; locale: Locale; t: Translate };

/** A signed link: who signed and when (UTC, as the certificate says), the PDF to download, the invoice as signed. */
export function SignedState({ page, token, locale, t }: Props) {
  const { signature } = page;
  const time = formatDateTime(signature.signedAt, locale, "UTC") + " UTC";
  return (
    <>
      <section className="banner ok" data-testid="signed-state">
        <h1>{t("sign.signed.title")}</h1>
        <p>{signature.signerName ? t("sign.signed.body", { name: signature.signerName, time }) : t("sign.signed.bodyAnonymous", { time })}</p>
        <p className="muted">{t("sign.signed.id", { id: signature.id })}</p>
        {signature.hasPdf && (
          <div className="actions">
            <a className="button secondary" href={`/sign/${token}/pdf`} download data-testid="signed-pdf-link">
              {t("sign.signed.download")}
            </a>
          </div>
        )}
      </section>
      {page.payUrl && <PayLink url={page.payUrl} t={t} primary />}
      {signature.document && <InvoiceDocument document={signature.document} locale={locale} t={t} />}
    </>
  );
}
