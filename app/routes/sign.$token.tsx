// /sign/<token>: the customer's signing page. Public (no Shopify session): the
// token in the URL is the capability. The loader shows the invoice and the
// form; the action signs. Everything else is in app/services/signing.server.ts.
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useState } from "react";
import { InvoiceDocument } from "~/components/InvoiceDocument";
import { PublicPage } from "~/components/PublicPage";
import { SignaturePad, type PadValue } from "~/components/SignaturePad";
import { config } from "~/config.server";
import { resolveLocale, translator, type Locale, type MessageKey, type Translate } from "~/i18n";
import { formatDateTime } from "~/i18n/format";
import {
  PUBLIC_HEADERS,
  PayloadTooLarge,
  clientAddress,
  isSameOrigin,
  negotiateLocale,
  publicError,
  publicRequestContext,
  rateLimitedResponse,
  readLimitedForm,
} from "~/services/public-request.server";
import {
  SIGNING_LIMITS,
  SigningLinkNotFound,
  limitSigningRequest,
  submitSignature,
  viewSigningPage,
  type FieldErrors,
  type SignatureForm,
  type SigningPage,
  type SubmitOutcome,
} from "~/services/signing.server";

export const headers: HeadersFunction = ({ loaderHeaders, actionHeaders, errorHeaders }) => {
  const merged = new Headers(PUBLIC_HEADERS);
  for (const source of [loaderHeaders, actionHeaders, errorHeaders]) source?.forEach((value, key) => merged.set(key, value));
  return merged;
};

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => {
  const t = translator(loaded?.locale ?? "en");
  const number = loaded?.page.kind === "sign" ? loaded.page.document.invoice.number : "";
  return [{ title: number ? t("sign.meta.title", { number }) : t("sign.signed.title") }, { name: "robots", content: "noindex" }];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const locale = negotiateLocale(request);
  try {
    limitSigningRequest("view", token, clientAddress(request, publicRequestContext(context)));
  } catch (error) {
    throw rateLimitedResponse(error, locale);
  }
  try {
    const page: SigningPage = await viewSigningPage(token);
    return data({ locale, token, page }, { headers: PUBLIC_HEADERS });
  } catch (error) {
    if (error instanceof SigningLinkNotFound) throw publicError(locale, "not_found");
    throw error;
  }
}

const FIELDS = ["name", "consent", "strokes", "image", "documentHash", "nonce", "consentVersion"] as const;

/** HTTP status of each refusal or failure the action answers with. */
function statusOf(outcome: SubmitOutcome): number {
  if (outcome.kind === "invalid") return 400;
  if (outcome.kind !== "refused") return 200;
  return { stale_form: 403, changed: 409, void: 409, not_issued: 409, unavailable: 503 }[outcome.reason];
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const ipAddress = clientAddress(request, publicRequestContext(context));
  let locale = negotiateLocale(request);
  try {
    limitSigningRequest("submit", token, ipAddress);
  } catch (error) {
    throw rateLimitedResponse(error, locale);
  }
  let body: FormData;
  try {
    body = await readLimitedForm(request, SIGNING_LIMITS.maxSubmitBytes);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return data({ outcome: { kind: "too_large" as const } }, { status: 413, headers: PUBLIC_HEADERS });
    throw error;
  }
  const lang = body.get("lang");
  if (typeof lang === "string") locale = resolveLocale(lang);
  const form: SignatureForm = {};
  for (const field of FIELDS) {
    const value = body.get(field);
    if (typeof value === "string") form[field] = value;
  }
  let outcome: SubmitOutcome;
  try {
    outcome = await submitSignature(token, form, {
      locale,
      ipAddress,
      userAgent: request.headers.get("user-agent") ?? "",
      sameOrigin: isSameOrigin(request, config().SHOPIFY_APP_URL),
    });
  } catch (error) {
    if (error instanceof SigningLinkNotFound) throw publicError(locale, "not_found");
    throw error;
  }
  // Signed now or before (double submit): show the signed state (POST → GET).
  if (outcome.kind === "signed" || outcome.kind === "already_signed") {
    throw redirect(`/sign/${token}?lang=${locale}`, { status: 303, headers: PUBLIC_HEADERS });
  }
  return data({ outcome }, { status: statusOf(outcome), headers: PUBLIC_HEADERS });
}

export default function SignRoute() {
  const { locale, token, page } = useLoaderData<typeof loader>();
  const t = translator(locale);
  return (
    <PublicPage locale={locale} languageLabel={t("sign.language")}>
      {page.kind === "sign" && <SignForm page={page} locale={locale} t={t} />}
      {page.kind === "signed" && <SignedState page={page} token={token} locale={locale} t={t} />}
      {page.kind === "refused" && <Refusal reason={page.reason} t={t} />}
    </PublicPage>
  );
}

function SignForm({ page, locale, t }: { page: Extract<SigningPage, { kind: "sign" }>; locale: Locale; t: Translate }) {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [pad, setPad] = useState<PadValue | null>(null);
  const outcome = result?.outcome;
  const errors: FieldErrors = outcome?.kind === "invalid" ? outcome.errors : {};
  const submitting = navigation.state === "submitting";

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
          {errors.signature && <p className="error">{t(`sign.error.signature.${errors.signature}` as MessageKey)}</p>}
          {errors.image && <p className="error">{t("sign.error.image")}</p>}
          <label className="field" htmlFor="signer-name">
            {t("sign.form.name")}
          </label>
          <input id="signer-name" name="name" type="text" autoComplete="name" maxLength={200} required data-testid="signer-name" />
          {errors.name && <p className="error">{t("sign.error.name")}</p>}
          <div className="consent">
            <input id="consent" name="consent" type="checkbox" value="yes" required data-testid="consent" />
            <label htmlFor="consent">{t(`sign.consent.${page.consentVersion}` as MessageKey)}</label>
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

function SignedState({ page, token, locale, t }: { page: Extract<SigningPage, { kind: "signed" }>; token: string; locale: Locale; t: Translate }) {
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

function PayLink({ url, t, primary }: { url: string; t: Translate; primary: boolean }) {
  return (
    <div className="actions">
      <a className={`button ${primary ? "primary" : "secondary"}`} href={url} rel="noreferrer" data-testid="pay-link">
        {t("sign.pay")}
      </a>
    </div>
  );
}

const REFUSALS: Record<string, [MessageKey, MessageKey]> = {
  void: ["sign.refused.void.title", "sign.refused.void.body"],
  changed: ["sign.refused.changed.title", "sign.refused.changed.body"],
  not_issued: ["sign.refused.notIssued.title", "sign.refused.notIssued.body"],
  unavailable: ["sign.refused.unavailable.title", "sign.refused.unavailable.body"],
  stale_form: ["sign.refused.stale.title", "sign.refused.stale.body"],
};

function Refusal({ reason, t }: { reason: string; t: Translate }) {
  const [title, body] = REFUSALS[reason] ?? REFUSALS.unavailable!;
  return (
    <section className="banner bad" data-testid="sign-refused" data-reason={reason}>
      <h1>{t(title)}</h1>
      <p>{t(body)}</p>
      {reason !== "void" && (
        <a className="button secondary" href="">
          {t("sign.reload")}
        </a>
      )}
    </section>
  );
}

const ERRORS: Record<number, [string, MessageKey, MessageKey]> = {
  404: ["sign-not-found", "sign.notFound.title", "sign.notFound.body"],
  429: ["sign-rate-limited", "sign.rateLimited.title", "sign.rateLimited.body"],
};

/** Unknown or expired link (one page, whatever the reason), too many attempts, or a failure. */
export function ErrorBoundary() {
  const error = useRouteError();
  const response = isRouteErrorResponse(error) ? error : null;
  const body = response && typeof response.data === "object" && response.data ? (response.data as { locale?: string }) : {};
  const locale = resolveLocale(body.locale);
  const t = translator(locale);
  const [testId, title, text] = ERRORS[response?.status ?? 500] ?? ["sign-error", "sign.refused.unavailable.title", "sign.refused.unavailable.body"];
  return (
    <PublicPage locale={locale} languageLabel={t("sign.language")}>
      <section className="banner bad" data-testid={testId}>
        <h1>{t(title)}</h1>
        <p>{t(text)}</p>
      </section>
    </PublicPage>
  );
}
