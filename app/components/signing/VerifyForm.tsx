import { Form } from "@remix-run/react";
import type { Translate } from "~/i18n";

type Props = {
  /** Why the last check was refused: nothing given, not a SHA-256, or a file over the limit. */
  error: "empty" | "hash" | "too_large" | null;
  /** The body could not be read (bad multipart, encoding…): the server's message. */
  badRequest?: string | null;
  busy: boolean;
  maxUploadBytes: number;
  t: Translate;
};

/** /verify's form: a PDF to upload, or its SHA-256 to paste. */
export function VerifyForm({ error, badRequest, busy, maxUploadBytes, t }: Props) {
  return (
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
      {error === "too_large" && <p className="error">{t("verify.error.tooLarge", { size: maxUploadBytes / 1024 / 1024 })}</p>}
      {badRequest && <p className="error">{badRequest}</p>}
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy} data-testid="verify-submit">
          {t("verify.submit")}
        </button>
      </div>
    </Form>
  );
}
