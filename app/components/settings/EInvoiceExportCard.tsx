// Settings → Legal identity: the monthly export of the shop's Factur-X (a ZIP
// with a CSV index), to upload to the merchant's approved platform. Fetched
// through App Bridge's `fetch` (the session token), then saved as a file.
import { BlockStack, Button, Card, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useI18n } from "~/i18n/react";

export function EInvoiceExportCard({ defaultMonth }: { defaultMonth: string }) {
  const { t } = useI18n();
  const [month, setMonth] = useState(defaultMonth);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const download = async () => {
    setBusy(true);
    setFailed(false);
    try {
      const response = await fetch(`/app/einvoices/export?month=${encodeURIComponent(month)}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = `factur-x-${month}.zip`;
      anchor.click();
      URL.revokeObjectURL(url);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingSm">
          {t("einvoice.export.heading")}
        </Text>
        <Text as="p" tone="subdued">
          {t("einvoice.export.help")}
        </Text>
        <InlineStack gap="300" blockAlign="end">
          <TextField label={t("einvoice.export.month")} type="month" autoComplete="off" value={month} onChange={setMonth} error={failed ? t("einvoice.export.failed") : undefined} />
          <Button onClick={() => void download()} loading={busy}>
            {t("einvoice.export.download")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
