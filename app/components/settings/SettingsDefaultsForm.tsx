// The settings page's form: defaults for new recurring invoices (days until
// due, time of day, catch-up, how the customer pays, signature) and writing paid invoices back to
// Shopify. Posted to the page's action; the refusals come back as codes.
import { Form, useNavigation } from "@remix-run/react";
import { BlockStack, Button, Card, Checkbox, InlineStack, Select, TextField } from "@shopify/polaris";
import { useRef, useState } from "react";
import { FormSaveBar } from "~/components/FormSaveBar";
import { RailScopeNotice } from "~/components/RailScopeNotice";
import { BILLING_RAILS } from "~/domain/billing";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import type { SettingsPage } from "~/services/settings/load-settings-page.server";
import type { SettingsErrorCode } from "~/services/settings/save-settings.server";
import { STRIPE_ACTION } from "./StripeConnectionCard";

/** A label for each code the settings schema answers: a new code without one does not compile. */
const ERROR_KEYS: Record<SettingsErrorCode, MessageKey> = {
  days_until_due_invalid: "form.error.days_until_due_invalid",
  time_invalid: "form.error.time_invalid",
  catch_up_invalid: "settings.error.catchUp",
  rail_invalid: "form.error.rail_invalid",
  rail_scope_missing: "form.error.rail_scope_missing",
};

function isSettingsErrorCode(code: string): code is SettingsErrorCode {
  return Object.hasOwn(ERROR_KEYS, code);
}

export function SettingsDefaultsForm(props: {
  settings: SettingsPage["settings"];
  timeZone: string;
  /** Whether the shop granted what "Shopify invoice" needs (otherwise choosing it asks for it). */
  shopifyRailGranted: boolean;
  /** Field → error code, from the last refused save. */
  errors: Record<string, string>;
}) {
  const { t } = useI18n();
  const navigation = useNavigation();
  const { settings, errors } = props;
  const [daysUntilDue, setDaysUntilDue] = useState(String(settings.daysUntilDue));
  const [timeOfDay, setTimeOfDay] = useState(settings.timeOfDay);
  const [catchUp, setCatchUp] = useState<string>(settings.catchUp);
  const [signatureRequested, setSignatureRequested] = useState(settings.signatureRequested);
  const [writeBackOrders, setWriteBackOrders] = useState(settings.writeBackOrders);
  const [defaultRail, setDefaultRail] = useState<string>(settings.defaultRail);
  // The Stripe card's form posts elsewhere (StripeConnectionCard): only this form's own submission spins this button.
  const busy = navigation.state === "submitting" && navigation.formAction !== STRIPE_ACTION;
  // Unsaved changes go to the admin's save bar: Save submits this form, Discard puts the stored settings back.
  const formRef = useRef<HTMLFormElement>(null);
  const dirty =
    daysUntilDue !== String(settings.daysUntilDue) ||
    timeOfDay !== settings.timeOfDay ||
    catchUp !== settings.catchUp ||
    signatureRequested !== settings.signatureRequested ||
    writeBackOrders !== settings.writeBackOrders ||
    defaultRail !== settings.defaultRail;
  const discard = () => {
    setDaysUntilDue(String(settings.daysUntilDue));
    setTimeOfDay(settings.timeOfDay);
    setCatchUp(settings.catchUp);
    setSignatureRequested(settings.signatureRequested);
    setWriteBackOrders(settings.writeBackOrders);
    setDefaultRail(settings.defaultRail);
  };
  const errorOf = (field: string) => {
    const code = errors[field];
    if (!code) return undefined;
    return t(isSettingsErrorCode(code) ? ERROR_KEYS[code] : "settings.error.generic");
  };

  return (
    <Form method="post" ref={formRef}>
      <FormSaveBar id="settings-save-bar" dirty={dirty} saving={busy} onSave={() => formRef.current?.requestSubmit()} onDiscard={discard} />
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
            helpText={t("form.schedule.timeZone", { timeZone: props.timeZone })}
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
          <Select
            label={t("settings.defaultRail")}
            name="defaultRail"
            options={BILLING_RAILS.map((value) => ({ value, label: t(`rail.${value}`) }))}
            value={defaultRail}
            onChange={setDefaultRail}
            helpText={t("settings.defaultRailHelp")}
            error={errorOf("defaultRail")}
          />
          {defaultRail === "shopify" && !props.shopifyRailGranted && <RailScopeNotice />}
          <Checkbox
            label={t("form.invoice.signature")}
            helpText={t("form.invoice.signatureHelp")}
            checked={signatureRequested}
            onChange={setSignatureRequested}
          />
          {signatureRequested && <input type="hidden" name="signatureRequested" value="on" />}
          <Checkbox label={t("settings.writeBack.label")} helpText={t("settings.writeBack.help")} checked={writeBackOrders} onChange={setWriteBackOrders} />
          {writeBackOrders && <input type="hidden" name="writeBackOrders" value="on" />}
          <InlineStack align="end">
            <Button submit variant="primary" loading={busy}>
              {t("settings.save")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Form>
  );
}
