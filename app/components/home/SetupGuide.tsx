// The home page's setup guide, after Shopify's setup-guide pattern (a card
// with a progress bar, one expandable task per step, a dismiss button):
// connect Stripe → make a first recurring invoice → first invoice sent. Each
// step is checked off by the server from real state (services/dashboard/
// setup-guide.server.ts); dismissing it is stored for the shop.
import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { BlockStack, Box, Button, Card, Icon, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { CheckCircleIcon, ChevronDownIcon, ChevronUpIcon, XIcon } from "@shopify/polaris-icons";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import type { SetupGuide as Guide, SetupStep } from "~/services/dashboard/setup-guide.server";

/** The form field the home page's action reads. */
export const DISMISS_SETUP_GUIDE_INTENT = "dismiss-setup-guide";

const STEP_TEXT: Record<SetupStep, { title: MessageKey; body: MessageKey; action: MessageKey; url: string }> = {
  connect_stripe: { title: "home.setup.connect.title", body: "home.setup.connect.body", action: "home.setup.connect.action", url: "/app/settings" },
  first_template: { title: "home.setup.template.title", body: "home.setup.template.body", action: "home.setup.template.action", url: "/app/orders" },
  first_invoice_sent: { title: "home.setup.sent.title", body: "home.setup.sent.body", action: "home.setup.sent.action", url: "/app/templates" },
};

export function SetupGuide({ guide }: { guide: Guide }) {
  const { t } = useI18n();
  const fetcher = useFetcher();
  const [expanded, setExpanded] = useState(true);
  // The first step not done yet is open; the merchant may open another.
  const [open, setOpen] = useState<SetupStep | null>(guide.steps.find((step) => !step.done)?.id ?? null);
  // Gone as soon as the merchant asks (the server remembers it for the next visit).
  if (guide.dismissed || fetcher.state !== "idle" || fetcher.data) return null;

  const total = guide.steps.length;
  return (
    <Card>
      <section aria-label={t("home.setup.heading")} data-testid="setup-guide">
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="start" wrap={false}>
            <BlockStack gap="100">
              <Text as="h2" variant="headingMd">
                {t("home.setup.heading")}
              </Text>
              <Text as="p" tone="subdued">
                {t("home.setup.intro")}
              </Text>
            </BlockStack>
            <InlineStack gap="100" wrap={false}>
              <fetcher.Form method="post">
                <input type="hidden" name="intent" value={DISMISS_SETUP_GUIDE_INTENT} />
                <Button variant="tertiary" icon={XIcon} submit accessibilityLabel={t("home.setup.dismiss")} />
              </fetcher.Form>
              <Button
                variant="tertiary"
                icon={expanded ? ChevronUpIcon : ChevronDownIcon}
                onClick={() => setExpanded((value) => !value)}
                accessibilityLabel={t(expanded ? "home.setup.collapse" : "home.setup.expand")}
                ariaExpanded={expanded}
              />
            </InlineStack>
          </InlineStack>
          <InlineStack gap="200" blockAlign="center" wrap={false}>
            <span style={{ whiteSpace: "nowrap" }}>
              <Text as="span" variant="bodySm" tone="subdued">
                {t("home.setup.progress", { done: guide.doneCount, total })}
              </Text>
            </span>
            <Box width="100%">
              <ProgressBar progress={(guide.doneCount / total) * 100} size="small" tone="primary" />
            </Box>
          </InlineStack>
          {expanded && (
            <ol style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "8px" }}>
              {guide.steps.map((step) => {
                const text = STEP_TEXT[step.id];
                const isOpen = open === step.id;
                return (
                  <li key={step.id} data-testid={`setup-step-${step.id}`} data-done={step.done ? "true" : "false"}>
                    <Box padding="200" borderRadius="200" background={isOpen ? "bg-surface-secondary" : undefined}>
                      <BlockStack gap="200">
                        <InlineStack gap="200" blockAlign="center" wrap={false}>
                          <span style={{ width: 20, height: 20, flex: "none", display: "inline-flex" }}>
                            {step.done ? (
                              <Icon source={CheckCircleIcon} tone="success" accessibilityLabel={t("home.setup.done")} />
                            ) : (
                              <span aria-label={t("home.setup.notDone")} role="img" style={{ width: 20, height: 20, borderRadius: "50%", border: "2px dashed #8a8a8a", boxSizing: "border-box" }} />
                            )}
                          </span>
                          <Button variant="plain" onClick={() => setOpen(isOpen ? null : step.id)} ariaExpanded={isOpen} textAlign="left">
                            {t(text.title)}
                          </Button>
                        </InlineStack>
                        {isOpen && (
                          <Box paddingInlineStart="800">
                            <BlockStack gap="200" inlineAlign="start">
                              <Text as="p" tone="subdued">
                                {t(text.body)}
                              </Text>
                              {!step.done && <Button url={text.url}>{t(text.action)}</Button>}
                            </BlockStack>
                          </Box>
                        )}
                      </BlockStack>
                    </Box>
                  </li>
                );
              })}
            </ol>
          )}
        </BlockStack>
      </section>
    </Card>
  );
}
