// The customer's signature on one run: who, when, from where, what they drew
// and the document's hash, with the signed PDF.
import { BlockStack, Box, Button, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";
import { formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { SignatureView } from "~/services/templates/detail-page.server";

/**
 * The PDF comes through `fetch` so App Bridge adds the session token (a plain
 * link would have none, and end on the login bounce).
 */
export function SignatureProof({ runId, signature, timeZone }: { runId: string; signature: SignatureView; timeZone: string }) {
  const { t, locale } = useI18n();
  const [downloading, setDownloading] = useState(false);
  const [failed, setFailed] = useState(false);
  const download = async () => {
    setDownloading(true);
    setFailed(false);
    try {
      const response = await fetch(`/app/runs/${runId}/signed-pdf`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = `${signature.id}.pdf`;
      anchor.click();
      URL.revokeObjectURL(url);
    } catch {
      setFailed(true);
    } finally {
      setDownloading(false);
    }
  };
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
      <InlineStack gap="400" blockAlign="center" wrap>
        {signature.imageDataUrl && (
          <img src={signature.imageDataUrl} alt={t("template.runs.signature.imageAlt")} style={{ maxHeight: 64, maxWidth: 200, background: "#fff" }} />
        )}
        <BlockStack gap="100">
          <Text as="p">
            {t("template.runs.signature.by", {
              name: signature.signerName ?? t("template.runs.signature.redacted"),
              date: formatDateTime(signature.signedAt, locale, timeZone),
            })}
          </Text>
          <Text as="p" tone="subdued" variant="bodySm">
            {t("template.runs.signature.proof", { ip: signature.ipAddress ?? "—", hash: signature.documentHash.slice(0, 16), id: signature.id })}
          </Text>
          {failed && (
            <Text as="p" tone="critical" variant="bodySm">
              {t("template.runs.signature.downloadFailed")}
            </Text>
          )}
        </BlockStack>
        {signature.hasPdf && (
          <Button onClick={download} loading={downloading}>
            {t("template.runs.signature.download")}
          </Button>
        )}
      </InlineStack>
    </Box>
  );
}
