import type { Translate } from "~/i18n";

/** The button to the invoice's hosted payment page: primary once signed, secondary next to the form. */
export function PayLink({ url, t, primary }: { url: string; t: Translate; primary: boolean }) {
  return (
    <div className="actions">
      <a className={`button ${primary ? "primary" : "secondary"}`} href={url} rel="noreferrer" data-testid="pay-link">
        {t("sign.pay")}
      </a>
    </div>
  );
}
