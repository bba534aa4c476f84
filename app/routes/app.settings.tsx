// Settings: the Stripe connection, defaults for new recurring invoices, and
// writing paid invoices back to Shopify as orders.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import type { MessageKey } from "~/i18n";
import { formatDate } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { loadSettingsPage } from "~/services/settings/load-settings-page.server";
import { saveSettings } from "~/services/settings/save-settings.server";
import { authenticate } from "~/shopify.server";
import { RouteError } from "~/components/RouteError";

/** Where the Stripe card's actions (app.settings.stripe.tsx) send the merchant back after a failure. */
const stripeErrorSchema = z.enum(["connect_failed", "disconnect_failed"]).nullable().catch(null);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const stripeError = stripeErrorSchema.parse(new URL(request.url).searchParams.get("stripe_error"));
  return { ...loadSettingsPage(shop), timeZone: shop.timeZone, stripeError };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // The form is validated by the service's zod schema (settingsFormSchema).
  const result = await saveSettings(session.shop, Object.fromEntries(await request.formData()));
  return result.ok ? { ok: true as const, errors: {} } : data({ ok: false as const, errors: result.errors }, { status: 422 });
};

const ERROR_KEYS: Record<string, MessageKey> = {
  days_until_due_invalid: "form.error.days_until_due_invalid",
  time_invalid: "form.error.time_invalid",
  catch_up_invalid: "settings.error.catchUp",
};

export default function Settings() {
  const { settings, billing, timeZone, stripeError } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, locale } = useI18n();
  const [daysUntilDue, setDaysUntilDue] = useState(String(settings.daysUntilDue));
  const [timeOfDay, setTimeOfDay] = useState(settings.timeOfDay);
  const [catchUp, setCatchUp] = useState<string>(settings.catchUp);
  const [signatureRequested, setSignatureRequested] = useState(settings.signatureRequested);
  const [writeBackOrders, setWriteBackOrders] = useState(settings.writeBackOrders);
  const errors: Record<string, string> = answer && !answer.ok ? answer.errors : {};
  const stripeBusy = navigation.state !== "idle" && navigation.formAction === "/app/settings/stripe";
  const defaultsBusy = navigation.state === "submitting" && navigation.formAction !== "/app/settings/stripe";
  const errorOf = (field: string) => (errors[field] ? t(ERROR_KEYS[errors[field]] ?? "settings.error.generic") : undefined);

  return (
    <Page title={t("settings.title")} backAction={{ content: t("nav.home"), url: "/app" }}>
      <BlockStack gap="400">
        {answer?.ok && (
          <Banner tone="success">
            <p>{t("settings.saved")}</p>
          </Banner>
        )}
        {answer && !answer.ok && (
          <Banner tone="critical" title={t("settings.invalid.title")}>
            <p>{t("settings.invalid.body")}</p>
          </Banner>
        )}
        <Layout>
          <Layout.AnnotatedSection title={t("settings.stripe.heading")} description={t("settings.stripe.description")}>
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
                    <p>{t("settings.stripe.disconnectedAt", { date: formatDate(billing.disconnectedAt, locale, timeZone) })}</p>
                  </Banner>
                )}
                {!billing.connected && (
                  <Text as="p" tone="subdued">
                    {t("settings.stripe.whyConnect")}
                  </Text>
                )}
                {stripeError && (
                  <Banner tone="critical">
                    <p>{t(`settings.stripe.error.${stripeError}`)}</p>
                  </Banner>
                )}
                {/* Connect / disconnect are the Stripe integration's actions (app.settings.stripe.tsx). */}
                <Form method="post" action="/app/settings/stripe">
                  <input type="hidden" name="intent" value={billing.connected ? "disconnect" : "connect"} />
                  <BlockStack gap="100">
                    <InlineStack>
                      <Button submit variant={billing.connected ? undefined : "primary"} tone={billing.connected ? "critical" : undefined} loading={stripeBusy}>
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
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection title={t("settings.defaults.heading")} description={t("settings.defaults.description")}>
            <Form method="post">
              <Card>
                <BlockStack gap="300">
                  <TextField
                    label={t("form.invoice.daysUntilDue")}
                    name="daysUntilDue"
                    type="number"
                    min={0}
                    max={365}
                    autoComplete="off"
                    value={daysUntilDue}
                    onChange={setDaysUntilDue}
                    suffix={t("form.invoice.days")}
                    error={errorOf("daysUntilDue")}
                  />
                  <TextField
                    label={t("form.schedule.timeOfDay")}
                    name="timeOfDay"
                    type="time"
                    autoComplete="off"
                    value={timeOfDay}
                    onChange={setTimeOfDay}
                    helpText={t("form.schedule.timeZone", { timeZone })}
                    error={errorOf("timeOfDay")}
                  />
                  <Select
                    label={t("form.invoice.catchUp")}
                    name="catchUp"
                    options={(["all", "latest", "none"] as const).map((value) => ({ value, label: t(`catchUp.${value}`) }))}
                    value={catchUp}
                    onChange={setCatchUp}
                    helpText={t("form.invoice.catchUpHelp")}
                    error={errorOf("catchUp")}
                  />
                  <Checkbox
                    label={t("form.invoice.signature")}
                    helpText={t("form.invoice.signatureHelp")}
                    checked={signatureRequested}
                    onChange={setSignatureRequested}
                  />
                  {signatureRequested && <input type="hidden" name="signatureRequested" value="on" />}
                  <Checkbox
                    label={t("settings.writeBack.label")}
                    helpText={t("settings.writeBack.help")}
                    checked={writeBackOrders}
                    onChange={setWriteBackOrders}
                  />
                  {writeBackOrders && <input type="hidden" name="writeBackOrders" value="on" />}
                  <InlineStack align="end">
                    <Button submit variant="primary" loading={defaultsBusy}>
                      {t("settings.save")}
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            </Form>
          </Layout.AnnotatedSection>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/settings" />;
}
