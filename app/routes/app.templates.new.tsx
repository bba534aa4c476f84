// "Make recurring": the template form for one order (?orderId=<gid>).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { PlanLimitBanner } from "~/components/plan/PlanLimitBanner";
import { TemplateForm } from "~/components/template-form/TemplateForm";
import { useI18n } from "~/i18n/react";
import { refreshPlanIfStale } from "~/services/billing-plan/refresh-plan.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { createTemplateFromOrder } from "~/services/orders/create-template-from-order.server";
import { OrderImportError } from "~/services/orders/order-import-error.server";
import { prepareTemplateFromOrder } from "~/services/orders/template-form-setup.server";
import { authenticate } from "~/shopify.server";
import { RouteError } from "~/components/RouteError";
import { ADMIN_BODY, readJson } from "~/http/request-body.server";
import { railAccessOf } from "~/services/shopify/rail-access.server";

const querySchema = z.object({ orderId: z.string().trim().min(1).max(200) });
// The form's values are checked by the service (their shape, then their meaning).
const postSchema = z.object({ orderId: z.string().trim().min(1).max(200), values: z.unknown() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session, scopes } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return { state: "refused" as const, refusal: { code: "invalid_order_id" as const, values: {} } };
  try {
    const setup = await prepareTemplateFromOrder(admin, shop, query.data.orderId);
    return { state: "ready" as const, orderId: query.data.orderId, setup, shopifyRailGranted: await railAccessOf(scopes)() };
  } catch (error) {
    if (error instanceof OrderImportError) return { state: "refused" as const, refusal: { code: error.code, values: error.values } };
    throw error;
  }
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { admin, session, redirect, billing, scopes } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const invalidForm = () => data({ refusal: { code: "invalid_form" as const, values: {} }, errors: {}, messages: {} }, { status: 400 });
  const body = postSchema.safeParse(await readJson(request, ADMIN_BODY).catch(() => null));
  if (!body.success) return invalidForm();
  try {
    // Creating is limited by the plan: read it again if it is stale.
    await refreshPlanIfStale(shop, billing);
    const result = await createTemplateFromOrder(admin, shop, body.data.orderId, body.data.values, railAccessOf(scopes));
    if (result.ok) return redirect(`/app/templates/${result.templateId}?created=1`);
    if ("invalidForm" in result) return invalidForm();
    // The form stays as the merchant typed it (this answer does not reload it); the banner offers the upgrade.
    if ("planLimit" in result) return data({ refusal: null, errors: {}, messages: {}, planLimit: result.planLimit }, { status: 402 });
    return data({ refusal: null, errors: result.errors, messages: result.messages }, { status: 422 });
  } catch (error) {
    if (error instanceof OrderImportError) return data({ refusal: { code: error.code, values: error.values }, errors: {}, messages: {} }, { status: 422 });
    throw error;
  }
};

export default function NewTemplate() {
  const loaded = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const { t } = useI18n();

  if (loaded.state === "refused") {
    return (
      <Page title={t("newTemplate.title")} backAction={{ content: t("nav.orders"), url: "/app/orders" }}>
        <Banner tone="critical" title={t("newTemplate.refused.title")} action={{ content: t("newTemplate.refused.action"), url: "/app/orders" }}>
          <p>{t(`import.error.${loaded.refusal.code}`, loaded.refusal.values)}</p>
        </Banner>
      </Page>
    );
  }

  const { setup, orderId, shopifyRailGranted } = loaded;
  return (
    <Page
      title={t("newTemplate.title")}
      subtitle={t("newTemplate.subtitle", { order: setup.snapshot.sourceOrderName, currency: setup.snapshot.currency })}
      backAction={{ content: t("nav.orders"), url: "/app/orders" }}
    >
      <BlockStack gap="400">
        {answer && "planLimit" in answer && <PlanLimitBanner refusal={answer.planLimit} />}
        {answer?.refusal && (
          <Banner tone="critical" title={t("newTemplate.refused.title")}>
            <p>{t(`import.error.${answer.refusal.code}`, answer.refusal.values)}</p>
          </Banner>
        )}
        <Text as="p" tone="subdued">
          {t("newTemplate.intro")}
        </Text>
        <TemplateForm
          initialValues={setup.initialValues}
          context={setup.context}
          customerName={setup.snapshot.customer.name}
          company={setup.company}
          orderTotal={setup.snapshot.orderTotal}
          serverErrors={answer?.errors}
          serverMessages={answer?.messages}
          submitting={navigation.state === "submitting"}
          submitLabel={t("newTemplate.submit")}
          shopifyRailGranted={shopifyRailGranted}
          shopifyTotalSource={{ orderId }}
          onSubmit={(values) => submit({ orderId, values }, { method: "post", encType: "application/json" })}
        />
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/orders" />;
}
