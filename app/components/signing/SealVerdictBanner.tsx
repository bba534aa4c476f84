import type { SealVerdict } from "~/domain/seal";
import type { Locale, Translate } from "~/i18n";
import { formatDateTime } from "~/i18n/format";

/** /verify's answer about an uploaded PDF's seal (its PAdES signature): valid and whose, broken, or absent. */
export function SealVerdictBanner({ seal, locale, t }: { seal: SealVerdict; locale: Locale; t: Translate }) {
  if (seal.status === "not_sealed") {
    return (
      <section className="banner" data-testid="seal-result" data-seal="not_sealed">
        <h2>{t("verify.seal.notSealed.title")}</h2>
        <p>{t("verify.seal.notSealed.body")}</p>
      </section>
    );
  }
  if (seal.status === "altered") {
    return (
      <section className="banner bad" data-testid="seal-result" data-seal="altered">
        <h2>{t("verify.seal.altered.title")}</h2>
        <p>{seal.signer ? t("verify.seal.altered.bodySigner", { signer: seal.signer }) : t("verify.seal.altered.body")}</p>
      </section>
    );
  }
  return (
    <section className={seal.ours ? "banner ok" : "banner"} data-testid="seal-result" data-seal="valid" data-ours={String(seal.ours)}>
      <h2>{t("verify.seal.valid.title")}</h2>
      <p>
        {seal.sealedAt
          ? t("verify.seal.valid.body", { signer: seal.signer, time: `${formatDateTime(seal.sealedAt, locale, "UTC")} UTC` })
          : t("verify.seal.valid.bodyUndated", { signer: seal.signer })}
      </p>
      {!seal.ours && <p>{t("verify.seal.foreign")}</p>}
    </section>
  );
}
