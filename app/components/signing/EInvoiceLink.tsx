// The signing page's link to the invoice's e-invoice (Factur-X), shown when
// the merchant issued one for it.
import type { Translate } from "~/i18n";

export function EInvoiceLink({ token, t }: { token: string; t: Translate }) {
  return (
    <section className="actions" data-testid="einvoice-link">
      <a className="button secondary" href={`/sign/${token}/facturx`} download>
        {t("sign.einvoice.link")}
      </a>
    </section>
  );
}
