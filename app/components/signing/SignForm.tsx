// The sign form under the invoice: the pad, the typed name, consent. Its
// hidden fields carry what the server checks the submit against (the view
// nonce, the document's hash, the consent version).
import { Form } from "@remix-run/react";
import { useState } from "react";
import { SIGN_FORM_LIMITS, type SigningPage, type SubmitOutcome } from "~/domain/signing";
import type { FieldErrors } from "~/domain/signing-form";
import type { Locale, Translate } from "~/i18n";
import { InvoiceDocument } from "./InvoiceDocument";
import { PayLink } from "./PayLink";
import { Refusal } from "./Refusal";
import { SignaturePad, type PadValue } from "./SignaturePad";

type Props = {
  page: Extract<SigningPage, { kind: "sign" }>;
  /** What the last submit answered, if it did not sign (a signed submit redirects). */
  outcome?: SubmitOutcome | { kind: "too_large" } | { kind: "bad_request"; message: string };
  submitting: boolean;
  locale: Locale;
  t: Translate;
};

export function SignForm({ page, outcome, submitting, locale, t }: Props) {
  const [pad, setPad] = useState<PadValue | null>(null);
  const errors: FieldErrors = outcome?.kind === "invalid" ? outcome.errors : {};

  if (outcome?.kind === "refused") return <Refusal reason={outcome.reason} t={t} />;
  return (
    <>
      <InvoiceDocument document={page.document} locale={locale} t={t} />
      {page.paid ? (
        <p className="banner ok">{t("sign.paid")}</p>
      ) : (
        page.payUrl && <PayLink url={page.payUrl} t={t} primary={false} />
      )}
      <section className="card">
        <h2>{t("sign.form.heading")}</h2>
        {outcome?.kind === "too_large" && <p className="banner bad">{t("sign.error.tooLarge")}</p>}
        {outcome?.kind === "bad_request" && <p className="banner bad">{outcome.message}</p>}
        <Form method="post" replace>
          <input type="hidden" name="nonce" value={page.nonce} />
          <input type="hidden" name="documentHash" value={page.documentHash} />
          <input type="hidden" name="consentVersion" value={page.consentVersion} />
          <input type="hidden" name="lang" value={locale} />
          <input type="hidden" name="strokes" value={pad ? JSON.stringify(pad.strokes) : "[]"} />
          <input type="hidden" name="image" value={pad?.image ?? ""} />
          <SignaturePad onChange={setPad} label={t("sign.form.padLabel")} help={t("sign.form.padHelp")} clearLabel={t("sign.form.clear")} />
          <noscript>
            <p className="error">{t("sign.form.noscript")}</p>
          </noscript>
          {errors.signature && <p className="error">{t(`sign.error.signature.${errors.signature}`)}</p>}
          {errors.image && <p className="error">{t("sign.error.image")}</p>}
          <label className="field" htmlFor="signer-name">
            {t("sign.form.name")}
          </label>
          <input
            id="signer-name"
            name="name"
            type="text"
            autoComplete="name"
            maxLength={SIGN_FORM_LIMITS.nameMax}
            required
            data-testid="signer-name"
          />
          {errors.name && <p className="error">{t("sign.error.name")}</p>}
          <div className="consent">
            <input id="consent" name="consent" type="checkbox" value="yes" required data-testid="consent" />
            <label htmlFor="consent">{t(`sign.consent.${page.consentVersion}`)}</label>
          </div>
          {errors.consent && <p className="error">{t("sign.error.consent")}</p>}
          <div className="actions">
            <button type="submit" className="button primary" disabled={submitting} data-testid="sign-submit">
              {submitting ? t("sign.form.submitting") : t("sign.form.submit")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
