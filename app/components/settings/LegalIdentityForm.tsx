// The settings page's "Legal identity" card: the shop as the seller of its
// French e-invoices (Factur-X). Posts to app.settings.legal-identity.tsx with
// a fetcher (the defaults form beside it is another form); refusals come back
// as codes, each put into words here.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { EInvoiceProblemCode, SellerIdentity } from "~/domain/einvoice";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";

export const LEGAL_IDENTITY_ACTION = "/app/settings/legal-identity";

/** Words for each refusal: a new code without a label does not compile. */
export const EINVOICE_ERROR_KEYS: Record<EInvoiceProblemCode, MessageKey> = {
  required: "einvoice.error.required",
  siren_invalid: "einvoice.error.siren_invalid",
  siren_key: "einvoice.error.siren_key",
  siret_invalid: "einvoice.error.siret_invalid",
  siret_key: "einvoice.error.siret_key",
  siret_not_of_siren: "einvoice.error.siret_not_of_siren",
  vat_number_invalid: "einvoice.error.vat_number_invalid",
  vat_number_key: "einvoice.error.vat_number_key",
  vat_number_not_of_siren: "einvoice.error.vat_number_not_of_siren",
  electronic_address_not_of_siren: "einvoice.error.electronic_address_not_of_siren",
  invoice_number_too_long: "einvoice.error.invoice_number_too_long",
  invoice_number_characters: "einvoice.error.invoice_number_characters",
  vat_rate_not_french: "einvoice.error.vat_rate_not_french",
  one_vat_rate_per_line: "einvoice.error.one_vat_rate_per_line",
  currency_not_eur: "einvoice.error.currency_not_eur",
  date_invalid: "einvoice.error.date_invalid",
};

type Answer = { ok: boolean; errors: Record<string, EInvoiceProblemCode> };

type FieldName = "name" | "legalForm" | "siren" | "siret" | "vatNumber" | "line1" | "line2" | "postalCode" | "city" | "country" | "electronicAddress";

function initial(identity: SellerIdentity | undefined): Record<FieldName, string> {
  return {
    name: identity?.name ?? "",
    legalForm: identity?.legalForm ?? "",
    siren: identity?.siren ?? "",
    siret: identity?.siret ?? "",
    vatNumber: identity?.vatNumber ?? "",
    line1: identity?.address.line1 ?? "",
    line2: identity?.address.line2 ?? "",
    postalCode: identity?.address.postalCode ?? "",
    city: identity?.address.city ?? "",
    country: identity?.address.country ?? "FR",
    electronicAddress: identity?.electronicAddress ?? "",
  };
}

export function LegalIdentityForm(props: { identity: SellerIdentity | undefined }) {
  const { t } = useI18n();
  const fetcher = useFetcher<Answer>();
  const [values, setValues] = useState(() => initial(props.identity));
  const [vatOnDebits, setVatOnDebits] = useState(props.identity?.vatOnDebits ?? false);
  const errors = fetcher.data?.errors ?? {};
  const field = (name: FieldName) => ({
    name,
    value: values[name],
    autoComplete: "off",
    label: t(`einvoice.seller.${name}`),
    onChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
    error: errors[name] ? t(EINVOICE_ERROR_KEYS[errors[name]]) : undefined,
  });

  return (
    <fetcher.Form method="post" action={LEGAL_IDENTITY_ACTION}>
      <Card>
        <BlockStack gap="300">
          {fetcher.data?.ok && (
            <Banner tone="success">
              <p>{t("einvoice.seller.saved")}</p>
            </Banner>
          )}
          {fetcher.data && !fetcher.data.ok && (
            <Banner tone="critical">
              <p>{t("settings.invalid.body")}</p>
            </Banner>
          )}
          <FormLayout>
            <TextField {...field("name")} />
            <TextField {...field("legalForm")} helpText={t("einvoice.seller.legalFormHelp")} />
            <FormLayout.Group>
              <TextField {...field("siren")} />
              <TextField {...field("siret")} />
            </FormLayout.Group>
            <TextField {...field("vatNumber")} />
            <TextField {...field("line1")} />
            <TextField {...field("line2")} />
            <FormLayout.Group>
              <TextField {...field("postalCode")} />
              <TextField {...field("city")} />
              <TextField {...field("country")} maxLength={2} />
            </FormLayout.Group>
            <TextField {...field("electronicAddress")} helpText={t("einvoice.seller.electronicAddressHelp")} />
            <Checkbox label={t("einvoice.seller.vatOnDebits")} helpText={t("einvoice.seller.vatOnDebitsHelp")} checked={vatOnDebits} onChange={setVatOnDebits} />
            {vatOnDebits && <input type="hidden" name="vatOnDebits" value="on" />}
          </FormLayout>
          <InlineStack align="end">
            <Button submit variant="primary" loading={fetcher.state === "submitting"}>
              {t("settings.save")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </fetcher.Form>
  );
}
