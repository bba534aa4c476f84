// /verify: anyone holding a signed invoice PDF checks that Ritournelle made it
// and that not one byte changed, by uploading it or pasting its SHA-256; an
// uploaded file's seal (PAdES signature) is checked as well.
// Public and read-only; answers with the invoice number, merchant and signing
// time — nothing personal.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PublicPage } from "~/components/signing/PublicPage";
import { SealVerdictBanner } from "~/components/signing/SealVerdictBanner";
import { VerifyForm } from "~/components/signing/VerifyForm";
import { VerifyVerdict } from "~/components/signing/VerifyVerdict";
import { bodyProblemMessage, MalformedBody, PayloadTooLarge, readForm } from "~/http/request-body.server";
import { clientAddress, publicRequestContext } from "~/http/client-ip.server";
import { negotiateLocale } from "~/http/locale.server";
import { limitVerifyRequest } from "~/http/public-rate-limits.server";
import { PUBLIC_HEADERS, rateLimitedResponse } from "~/http/public-response.server";
import { translator } from "~/i18n";
import { verifyDocument } from "~/services/signing/verify-document.server";

/** Largest upload: signed invoices weigh tens of kilobytes; this leaves room for long ones. */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

type VerifyResult = Exclude<Awaited<ReturnType<typeof verifyDocument>>, { kind: "invalid" }>;
type VerifyAnswer = { result: VerifyResult } | { error: "empty" | "hash" | "too_large" } | { badRequest: string };

export const headers: HeadersFunction = () => PUBLIC_HEADERS;

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: translator(loaded?.locale ?? "en")("verify.meta.title") }];

export function loader({ request }: LoaderFunctionArgs) {
  return { locale: negotiateLocale(request) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  try {
    await limitVerifyRequest(clientAddress(request, publicRequestContext(context)));
  } catch (error) {
    throw rateLimitedResponse(error, negotiateLocale(request));
  }
  const answer = (body: VerifyAnswer, status = 200) => data(body, { status, headers: PUBLIC_HEADERS });
  let form: FormData;
  try {
    form = await readForm(request, { maxBytes: MAX_UPLOAD_BYTES, maxFieldBytes: 1024 });
  } catch (error) {
    if (error instanceof PayloadTooLarge) return answer({ error: "too_large" }, 413);
    if (error instanceof MalformedBody) return answer({ badRequest: bodyProblemMessage(error, negotiateLocale(request)) }, 400);
    throw error;
  }
  const file = form.get("file");
  const verdict = await verifyDocument({
    file: file instanceof File ? new Uint8Array(await file.arrayBuffer()) : null,
    hash: String(form.get("hash") ?? ""),
  });
  if (verdict.kind === "invalid") return answer({ error: verdict.error }, 400);
  return answer({ result: verdict });
}

export default function VerifyRoute() {
  const { locale } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = translator(locale);
  return (
    <PublicPage locale={locale} languageLabel={t("sign.language")}>
      <h1>{t("verify.title")}</h1>
      <p className="muted">{t("verify.intro")}</p>
      <VerifyForm error={answer && "error" in answer ? answer.error : null} badRequest={answer && "badRequest" in answer ? answer.badRequest : null} busy={busy} maxUploadBytes={MAX_UPLOAD_BYTES} t={t} />
      {answer && "result" in answer && <VerifyVerdict result={answer.result} locale={locale} t={t} />}
      {answer && "result" in answer && answer.result.seal && <SealVerdictBanner seal={answer.result.seal} locale={locale} t={t} />}
    </PublicPage>
  );
}
