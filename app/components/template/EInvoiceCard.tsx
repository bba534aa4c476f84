// The template page's e-invoice card: issue this template's invoices as
// French e-invoices (Factur-X) or not, the buyer company's identity, goods or
// services per line (the billing process code B1/S1/M1 follows), the
// delivery address when it differs; and the Factur-X of its issued runs.
// Saves through app.templates.$id.einvoice.tsx with a fetcher.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { EINVOICE_ERROR_KEYS } from "~/components/settings/LegalIdentityForm";
import type { EInvoiceProblemCode, LineNature } from "~/domain/einvoice";
import { formatAmount } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { EInvoiceCardData } from "~/services/documents/template-einvoice.server";

type Answer = { ok: boolean; errors: Record<string, EInvoiceProblemCode> };
type FieldName = "name" | "siren" | "vatNumber" | "electronicAddress" | "line1" | "line2" | "postalCode" | "city" | "country" | "deliveryLine1" | "deliveryPostalCode" | "deliveryCity" | "deliveryCountry";

export function EInvoiceCard({ templateId, card, currency }: { templateId: string; card: EInvoiceCardData; currency: string }) {
  const { t, locale } = useI18n();
  const fetcher = useFetcher<Answer>();
  const { buyer } = card.settings;
  const [enabled, setEnabled] = useState(card.settings.enabled);
  const [deliveryDiffers, setDeliveryDiffers] = useState(buyer.deliveryAddress !== undefined);
  const [natures, setNatures] = useState<LineNature[]>(card.settings.natures);
  const [values, setValues] = useState<Record<FieldName, string>>({
    name: buyer.name,
    siren: buyer.siren,
    vatNumber: buyer.vatNumber ?? "",
    electronicAddress: buyer.electronicAddress,
    line1: buyer.address.line1,
    line2: buyer.address.line2 ?? "",
    postalCode: buyer.address.postalCode,
    city: buyer.address.city,
    country: buyer.address.country,
    deliveryLine1: buyer.deliveryAddress?.line1 ?? "",
    deliveryPostalCode: buyer.deliveryAddress?.postalCode ?? "",
    deliveryCity: buyer.deliveryAddress?.city ?? "",
    deliveryCountry: buyer.deliveryAddress?.country ?? "FR",
  });
  const errors = fetcher.data?.errors ?? {};
  const field = (name: FieldName, label: string) => ({
    name,
    label,
    value: values[name],
    autoComplete: "off",
    onChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
    error: errors[name] ? t(EINVOICE_ERROR_KEYS[errors[name]]) : undefined,
  });
  const download = async (runId: string, number: string, kind: string) => {
    const response = await fetch(`/app/runs/${runId}/facturx${kind === "credit_note" ? "?kind=credit_note" : ""}`);
    if (!response.ok) return;
    const url = URL.createObjectURL(await response.blob());
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = `${number}-${kind === "credit_note" ? "avoir-" : ""}factur-x.pdf`;
    anchor.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("einvoice.card.heading")}
        </Text>
        {!card.hasLegalIdentity && (
          <Banner tone="warning">
            <p>{t("einvoice.card.noLegalIdentity")}</p>
          </Banner>
        )}
        {fetcher.data?.ok && (
          <Banner tone="success">
            <p>{t("einvoice.card.saved")}</p>
          </Banner>
        )}
        <fetcher.Form method="post" action={`/app/templates/${templateId}/einvoice`}>
          <FormLayout>
            <Checkbox label={t("einvoice.card.enabled")} helpText={t("einvoice.card.enabledHelp")} checked={enabled} onChange={setEnabled} />
            {enabled && <input type="hidden" name="enabled" value="on" />}
            <TextField {...field("name", t("einvoice.seller.name"))} />
            <FormLayout.Group>
              <TextField {...field("siren", t("einvoice.seller.siren"))} />
              <TextField {...field("vatNumber", t("einvoice.seller.vatNumber"))} />
            </FormLayout.Group>
            <TextField {...field("electronicAddress", t("einvoice.seller.electronicAddress"))} />
            <TextField {...field("line1", t("einvoice.seller.line1"))} />
            <TextField {...field("line2", t("einvoice.seller.line2"))} />
            <FormLayout.Group>
              <TextField {...field("postalCode", t("einvoice.seller.postalCode"))} />
              <TextField {...field("city", t("einvoice.seller.city"))} />
              <TextField {...field("country", t("einvoice.seller.country"))} maxLength={2} />
            </FormLayout.Group>
            <Checkbox label={t("einvoice.card.deliveryDiffers")} checked={deliveryDiffers} onChange={setDeliveryDiffers} />
            {deliveryDiffers && (
              <>
                <input type="hidden" name="deliveryDiffers" value="on" />
                <TextField {...field("deliveryLine1", t("einvoice.seller.line1"))} />
                <FormLayout.Group>
                  <TextField {...field("deliveryPostalCode", t("einvoice.seller.postalCode"))} />
                  <TextField {...field("deliveryCity", t("einvoice.seller.city"))} />
                  <TextField {...field("deliveryCountry", t("einvoice.seller.country"))} maxLength={2} />
                </FormLayout.Group>
              </>
            )}
            {card.lineTitles.map((title, index) => (
              <Select
                key={index}
                name={`nature.${index}`}
                label={title}
                options={[
                  { value: "goods", label: t("einvoice.card.goods") },
                  { value: "services", label: t("einvoice.card.services") },
                ]}
                value={natures[index] ?? "services"}
                onChange={(value) => setNatures((current) => current.map((nature, i) => (i === index ? (value as LineNature) : nature)))}
              />
            ))}
            <InlineStack align="end">
              <Button submit loading={fetcher.state === "submitting"}>
                {t("settings.save")}
              </Button>
            </InlineStack>
          </FormLayout>
        </fetcher.Form>
        {card.documents.length > 0 && (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("einvoice.card.documents")}
            </Text>
            {card.documents.map((document) => (
              <InlineStack key={`${document.runId}-${document.kind}`} align="space-between" blockAlign="center">
                <Text as="span">
                  {t(document.kind === "credit_note" ? "einvoice.card.creditNote" : "einvoice.card.invoice")} {document.number} · {document.issueDate} ·{" "}
                  {document.kind === "credit_note" ? "−" : ""}
                  {formatAmount(document.total, currency, locale)}
                </Text>
                <Button variant="plain" onClick={() => void download(document.runId, document.number, document.kind)}>
                  {t("einvoice.card.download")}
                </Button>
              </InlineStack>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
