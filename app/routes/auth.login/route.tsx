import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { login } from "~/shopify.server";
import { orBadRequest, readForm } from "~/http/request-body.server";
import { polarisTranslations, resolveLocale, translator } from "~/i18n";
import { loginErrorMessage } from "./error.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

function localeOf(request: Request) {
  return resolveLocale(request.headers.get("accept-language"));
}

// Shopify's login() reads the form of any request that is not a GET (a HEAD
// included) with request.formData(), whose TypeError on a malformed body
// would be a 500: it is handed a request rebuilt from what was read here.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const locale = localeOf(request);
  const errors = loginErrorMessage(await login(new Request(request.url, { method: "GET", headers: request.headers })), translator(locale));
  return { errors, locale };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const form = await orBadRequest(request, () => readForm(request, { maxBytes: 16 * 1024, maxFieldBytes: 1024 }));
  const shop = form.get("shop");
  const body = new URLSearchParams(typeof shop === "string" ? { shop } : {});
  const errors = loginErrorMessage(await login(new Request(request.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body })), translator(localeOf(request)));
  return { errors };
};

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const { errors } = actionData ?? loaderData;
  const t = translator(loaderData.locale);
  return (
    <PolarisAppProvider i18n={polarisTranslations(loaderData.locale)}>
      <Page>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                {t("login.title")}
              </Text>
              <TextField
                type="text"
                name="shop"
                label={t("login.shop.label")}
                helpText={t("login.shop.help")}
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit>{t("login.submit")}</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
