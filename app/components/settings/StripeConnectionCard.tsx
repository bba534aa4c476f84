// The settings page's Stripe card: connected or not (and since when), why to
// connect, and the button to connect or disconnect. The button posts to the
// Stripe integration's own route (app.settings.stripe.tsx).
import { Form, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { formatDate } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { BillingConnection } from "~/services/settings/load-settings-page.server";

/** Where the card's form posts. */
export const STRIPE_ACTION = "/app/settings/stripe";

export function StripeConnectionCard(props: {
  billing: BillingConnection;
  timeZone: string;
  /** The last connect or disconnect failed (the Stripe route came back with `?stripe_error=`). */
  stripeError: "connect_failed" | "disconnect_failed" | null;
}) {
  const { t, locale } = useI18n();
  const navigation = useNavigation();
  const { billing } = props;
  const busy = navigation.state !== "idle" && navigation.formAction === STRIPE_ACTION;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="span">{t("settings.stripe.status")}</Text>
          {billing.connected ? (
            <Badge tone="success">{t("settings.stripe.connected")}</Badge>
          ) : (
            <Badge tone="attention">{t("settings.stripe.notConnected")}</Badge>
          )}
        </InlineStack>
        {billing.connected && billing.accountId && (
          <Text as="p" tone="subdued">
            {t("settings.stripe.account", { account: billing.accountId })}
          </Text>
        )}
        {!billing.connected && billing.disconnectedAt && (
          <Banner tone="warning">
            <p>{t("settings.stripe.disconnectedAt", { date: formatDate(billing.disconnectedAt, locale, props.timeZone) })}</p>
          </Banner>
        )}
        {!billing.connected && (
          <Text as="p" tone="subdued">
            {t("settings.stripe.whyConnect")}
          </Text>
        )}
        {props.stripeError && (
          <Banner tone="critical">
            <p>{t(`settings.stripe.error.${props.stripeError}`)}</p>
          </Banner>
        )}
        <Form method="post" action={STRIPE_ACTION}>
          <input type="hidden" name="intent" value={billing.connected ? "disconnect" : "connect"} />
          <BlockStack gap="100">
            <InlineStack>
              <Button submit variant={billing.connected ? undefined : "primary"} tone={billing.connected ? "critical" : undefined} loading={busy}>
                {billing.connected ? t("settings.stripe.disconnect") : t("settings.stripe.connect")}
              </Button>
            </InlineStack>
            {billing.connected && (
              <Text as="p" tone="subdued" variant="bodySm">
                {t("settings.stripe.disconnectHelp")}
              </Text>
            )}
          </BlockStack>
        </Form>
      </BlockStack>
    </Card>
  );
}
