import { resolveLocale, translator, type MessageKey } from "~/i18n";
import { PublicPage } from "./PublicPage";

/** Test id, title and text per HTTP status; anything else is a failure on our side. */
const ERRORS: Record<number, [string, MessageKey, MessageKey]> = {
  404: ["sign-not-found", "sign.notFound.title", "sign.notFound.body"],
  429: ["sign-rate-limited", "sign.rateLimited.title", "sign.rateLimited.body"],
};
const FAILURE: [string, MessageKey, MessageKey] = ["sign-error", "sign.refused.unavailable.title", "sign.refused.unavailable.body"];

type Props = {
  /** The status of the thrown response; undefined for an exception. */
  status: number | undefined;
  /** The page's language, as the public error's body says (see app/http/public-response.server.ts). */
  locale: string | undefined;
};

/** Unknown or expired link (one page, whatever the reason), too many attempts, or a failure. */
export function SigningErrorPage({ status, locale: requested }: Props) {
  const locale = resolveLocale(requested);
  const t = translator(locale);
  const [testId, title, text] = ERRORS[status ?? 500] ?? FAILURE;
  return (
    <PublicPage locale={locale} languageLabel={t("sign.language")}>
      <section className="banner bad" data-testid={testId}>
        <h1>{t(title)}</h1>
        <p>{t(text)}</p>
      </section>
    </PublicPage>
  );
}
