// Editing a recurring invoice: the same form as "make recurring", filled
// with the template's values. Only invoices not issued yet change.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";
import { useMemo } from "react";
import { z } from "zod";
import { TemplateForm } from "~/components/template-form/TemplateForm";
import { useI18n } from "~/i18n/react";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { prepareTemplateEdit, saveTemplateEdit } from "~/services/templates/edit-page.server";
import { authenticate } from "~/shopify.server";
import { RouteError } from "~/components/RouteError";
import { orNotFound } from "~/http/not-found.server";
import { ADMIN_BODY, readJson } from "~/http/request-body.server";
import { railAccessOf } from "~/services/shopify/rail-access.server";

// The form's values are checked by the service (their shape, then their meaning).
const postSchema = z.object({ values: z.unknown() });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, scopes } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const setup = await orNotFound(() => prepareTemplateEdit(shop, params.id ?? ""));
  // Asked only where it can matter: a template already paid by Shopify invoice is not asked again.
  return { ...setup, shopifyRailGranted: setup.initialValues.rail === "shopify" || (await railAccessOf(scopes)()) };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, redirect, scopes } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const body = postSchema.safeParse(await readJson(request, ADMIN_BODY).catch(() => null));
  if (!body.success) return data({ code: "invalid_form" as const, errors: {}, messages: {} }, { status: 400 });
  const result = await orNotFound(() => saveTemplateEdit(shop, params.id ?? "", body.data.values, railAccessOf(scopes)));
  if (result.ok) return redirect(`/app/templates/${params.id}`);
  const code = "code" in result ? result.code : null;
  return data({ code, errors: result.errors, messages: result.messages }, { status: code === "invalid_form" ? 400 : 422 });
};

export default function EditTemplate() {
  const setup = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const { t } = useI18n();
  // The preview of an existing template starts from now: past periods are history.
  const previewFrom = useMemo(() => new Date().toISOString(), []);
  const back = { content: setup.customerName, url: `/app/templates/${setup.templateId}` };

  if (!setup.editable) {
    return (
      <Page title={t("editTemplate.title")} backAction={back}>
        <Banner tone="warning" title={t("editTemplate.closed.title")} action={{ content: t("editTemplate.closed.action"), url: "/app/orders" }}>
          <p>{t(`template.closed.${setup.status === "ended" ? "ended" : "cancelled"}`)}</p>
        </Banner>
      </Page>
    );
  }

  return (
    <Page title={t("editTemplate.title")} subtitle={setup.customerName} backAction={back}>
      <BlockStack gap="400">
        {answer?.code && (
          <Banner tone="warning">
            <p>{t(answer.code === "invalid_form" ? "editTemplate.invalidForm" : `template.refused.${answer.code}`)}</p>
          </Banner>
        )}
        <Text as="p" tone="subdued">
          {t("editTemplate.intro")}
        </Text>
        <TemplateForm
          initialValues={setup.initialValues}
          context={setup.context}
          customerName={setup.customerName}
          company={setup.company}
          serverErrors={answer?.errors}
          serverMessages={answer?.messages}
          submitting={navigation.state === "submitting"}
          submitLabel={t("editTemplate.submit")}
          previewFrom={previewFrom}
          shopifyRailGranted={setup.shopifyRailGranted}
          shopifyTotalSource={{ templateId: setup.templateId }}
          railChangeApplies="nextPeriod"
          onSubmit={(values) => submit({ values }, { method: "post", encType: "application/json" })}
        />
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/templates" />;
}
