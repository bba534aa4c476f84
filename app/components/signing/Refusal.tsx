import type { SubmitRefusal } from "~/domain/signing";
import type { MessageKey, Translate } from "~/i18n";

/** Title and text of each refusal: a new reason without its words is a type error. */
const REFUSALS: Record<SubmitRefusal, [MessageKey, MessageKey]> = {
  void: ["sign.refused.void.title", "sign.refused.void.body"],
  changed: ["sign.refused.changed.title", "sign.refused.changed.body"],
  not_issued: ["sign.refused.notIssued.title", "sign.refused.notIssued.body"],
  unavailable: ["sign.refused.unavailable.title", "sign.refused.unavailable.body"],
  stale_form: ["sign.refused.stale.title", "sign.refused.stale.body"],
};

/** Why the invoice cannot be signed now, with a reload link unless it never can (a voided invoice). */
export function Refusal({ reason, t }: { reason: SubmitRefusal; t: Translate }) {
  const [title, body] = REFUSALS[reason];
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
