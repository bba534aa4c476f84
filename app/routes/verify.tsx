// /verify: anyone holding a signed invoice PDF checks that Ritournelle made it
// and that not one byte changed, by uploading it or pasting its SHA-256.
// Public and read-only; answers with the invoice number, merchant and signing
// time — nothing personal.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PublicPage } from "~/components/PublicPage";
import { SHA256_HEX } from "~/domain/signature-document";
import { translator } from "~/i18n";
import { formatDateTime } from "~/i18n/format";
import {
  PUBLIC_HEADERS,
  PayloadTooLarge,
  clientAddress,
  negotiateLocale,
  publicRequestContext,
  rateLimitedResponse,
  readLimitedForm,
} from "~/services/public-request.server";
import { limitVerifyRequest, verifyFile, verifyFingerprint, type VerifyResult } from "~/services/signing.server";

/** Largest upload: signed invoices weigh tens of kilobytes; this leaves room for long ones. */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export const headers: HeadersFunction = () => PUBLIC_HEADERS;

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: translator(loaded?.locale ?? "en")("verify.meta.title") }];

export function loader({ request }: LoaderFunctionArgs) {
  return { locale: negotiateLocale(request) };
}

type VerifyAnswer = { result: VerifyResult } | { error: "empty" | "hash" | "too_large" };

export async function action({ request, context }: ActionFunctionArgs) {
  try {
    limitVerifyRequest(clientAddress(request, publicRequestContext(context)));
  } catch (error) {
    throw rateLimitedResponse(error, negotiateLocale(request));
  }
  const answer = (body: VerifyAnswer, status = 200) => data(body, { status, headers: PUBLIC_HEADERS });
  let form: FormData;
  try {
    form = await readLimitedForm(request, MAX_UPLOAD_BYTES);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return answer({ error: "too_large" }, 413);
    throw error;
  }
  const file = form.get("file");
  if (file instanceof File && file.size > 0) return answer({ result: await verifyFile(new Uint8Array(await file.arrayBuffer())) });
  const hash = String(form.get("hash") ?? "").trim().toLowerCase();
  if (!hash) return answer({ error: "empty" }, 400);
  if (!SHA256_HEX.test(hash)) return answer({ error: "hash" }, 400);
  return answer({ result: await verifyFingerprint(hash) });
}

export default function VerifyRoute() {
  const { locale } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = translator(locale);
  const result = answer && "result" in answer ? answer.result : null;
  const error = answer && "error" in answer ? answer.error : null;
  const time = (iso: string) => `${formatDateTime(iso, locale, "UTC")} UTC`;
  return (
    <PublicPage locale={locale} languageLabel={t("sign.language")}>
      <h1>{t("verify.title")}</h1>
      <p className="muted">{t("verify.intro")}</p>
      <Form method="post" encType="multipart/form-data" className="card">
        <label className="field" htmlFor="verify-file">
          {t("verify.file")}
        </label>
        <input id="verify-file" name="file" type="file" accept="application/pdf,.pdf" data-testid="verify-file" />
        <label className="field" htmlFor="verify-hash">
          {t("verify.hash")}
        </label>
        <input id="verify-hash" name="hash" type="text" inputMode="text" autoComplete="off" spellCheck={false} maxLength={128} data-testid="verify-hash" />
        {error === "empty" && <p className="error">{t("verify.error.empty")}</p>}
        {error === "hash" && <p className="error">{t("verify.error.hash")}</p>}
        {error === "too_large" && <p className="error">{t("verify.error.tooLarge", { size: MAX_UPLOAD_BYTES / 1024 / 1024 })}</p>}
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="verify-submit">
            {t("verify.submit")}
          </button>
        </div>
      </Form>
      {result?.kind === "verified" && (
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
      )}
      {result?.kind === "not_verified" && (
        <section className="banner bad" data-testid="verify-result" data-verified="false">
          <h2>{t("verify.notVerified.title")}</h2>
          <p>{t("verify.notVerified.body")}</p>
          <p className="muted">
            <code>{t("verify.fingerprint", { hash: result.sha256 })}</code>
          </p>
        </section>
      )}
    </PublicPage>
  );
}
