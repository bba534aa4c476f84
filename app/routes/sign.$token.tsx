// /sign/<token>: the customer's signing page. Public (no Shopify session): the
// token in the URL is the capability. The loader shows the invoice and the
// form; the action signs (app/services/signing/); the page's sections are in
// app/components/signing/.
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { PublicPage } from "~/components/signing/PublicPage";
import { Refusal } from "~/components/signing/Refusal";
import { EInvoiceLink } from "~/components/signing/EInvoiceLink";
import { SignedState } from "~/components/signing/SignedState";
import { SigningErrorPage } from "~/components/signing/SigningErrorPage";
import { SignForm } from "~/components/signing/SignForm";
import { bodyProblemMessage, MalformedBody, PayloadTooLarge, readForm } from "~/http/request-body.server";
import { clientAddress, publicRequestContext } from "~/http/client-ip.server";
import { negotiateLocale } from "~/http/locale.server";
import { isSameOrigin } from "~/http/origin.server";
import { limitSigningRequest } from "~/http/public-rate-limits.server";
import { PUBLIC_HEADERS, publicError, rateLimitedResponse } from "~/http/public-response.server";
import { resolveLocale, translator } from "~/i18n";
import { hasFacturXForToken } from "~/services/documents/facturx-for-token.server";
import { SigningLinkNotFound } from "~/services/signing/live-link.server";
import { submitSignature } from "~/services/signing/submit-signature.server";
import { viewSigningPage } from "~/services/signing/view-signing-page.server";

/** Largest sign-form body: a PNG of up to 300 KB (400 KB as base64), strokes, a name. */
const MAX_SUBMIT_BYTES = 768 * 1024;

/** The form's fields the action passes on; anything else posted is ignored. */
const FIELDS = ["name", "consent", "strokes", "image", "documentHash", "nonce", "consentVersion"] as const;

type SubmitOutcome = Awaited<ReturnType<typeof submitSignature>>;

/** HTTP status of each refusal or failure the action answers with. */
function statusOf(outcome: SubmitOutcome): number {
  if (outcome.kind === "invalid") return 400;
  if (outcome.kind !== "refused") return 200;
  return { stale_form: 403, changed: 409, void: 409, not_issued: 409, unavailable: 503 }[outcome.reason];
}

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
    await limitSigningRequest("view", token, clientAddress(request, publicRequestContext(context)));
  } catch (error) {
    throw rateLimitedResponse(error, locale);
  }
  try {
    const page = await viewSigningPage(token);
    return data({ locale, token, page, einvoice: await hasFacturXForToken(token) }, { headers: PUBLIC_HEADERS });
  } catch (error) {
    if (error instanceof SigningLinkNotFound) throw publicError(locale, "not_found");
    throw error;
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const ipAddress = clientAddress(request, publicRequestContext(context));
  let locale = negotiateLocale(request);
  try {
    await limitSigningRequest("submit", token, ipAddress);
  } catch (error) {
    throw rateLimitedResponse(error, locale);
  }
  let body: FormData;
  try {
    body = await readForm(request, { maxBytes: MAX_SUBMIT_BYTES, maxFieldBytes: MAX_SUBMIT_BYTES });
  } catch (error) {
    if (error instanceof PayloadTooLarge) return data({ outcome: { kind: "too_large" as const } }, { status: 413, headers: PUBLIC_HEADERS });
    if (error instanceof MalformedBody) {
      return data({ outcome: { kind: "bad_request" as const, message: bodyProblemMessage(error, locale) } }, { status: 400, headers: PUBLIC_HEADERS });
    }
    throw error;
  }
  const lang = body.get("lang");
  if (typeof lang === "string") locale = resolveLocale(lang);
  const form: Partial<Record<(typeof FIELDS)[number], string>> = {};
  for (const field of FIELDS) {
    const value = body.get(field);
    if (typeof value === "string") form[field] = value;
  }
  let outcome: SubmitOutcome;
  try {
    outcome = await submitSignature(token, form, { locale, ipAddress, userAgent: request.headers.get("user-agent") ?? "", sameOrigin: isSameOrigin(request) });
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
  const { locale, token, page, einvoice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const t = translator(locale);
  return (
    <PublicPage locale={locale} languageLabel={t("sign.language")}>
      {page.kind === "sign" && <SignForm page={page} outcome={result?.outcome} submitting={submitting} locale={locale} t={t} />}
      {page.kind === "signed" && <SignedState page={page} token={token} locale={locale} t={t} />}
      {page.kind === "refused" && <Refusal reason={page.reason} t={t} />}
      {einvoice && <EInvoiceLink token={token} t={t} />}
    </PublicPage>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const response = isRouteErrorResponse(error) ? error : null;
  const body = response && typeof response.data === "object" && response.data ? (response.data as { locale?: string }) : {};
  return <SigningErrorPage status={response?.status} locale={body.locale} />;
}
