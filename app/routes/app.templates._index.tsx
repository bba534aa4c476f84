// Every recurring invoice of the shop: filter by status, pause or resume
// several at once.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { BlockStack, Page } from "@shopify/polaris";
import { z } from "zod";
import { RouteError } from "~/components/RouteError";
import { BulkResultBanner } from "~/components/templates/BulkResultBanner";
import { TEMPLATE_FILTERS } from "~/components/templates/filters";
import { TemplateListCard, type BulkIntent } from "~/components/templates/TemplateListCard";
import { useI18n } from "~/i18n/react";
import { refreshPlanIfStale } from "~/services/billing-plan/refresh-plan.server";
import { loadAdminContext } from "~/services/shop/load-admin-context.server";
import { bulkChangeStatus, listTemplates, TEMPLATE_CURSOR } from "~/services/templates/list-page.server";
import { authenticate } from "~/shopify.server";
import { ADMIN_BODY, readJson } from "~/http/request-body.server";

const querySchema = z.object({
  status: z.enum(TEMPLATE_FILTERS).catch("all"),
  after: z.string().regex(TEMPLATE_CURSOR).optional().catch(undefined),
  before: z.string().regex(TEMPLATE_CURSOR).optional().catch(undefined),
});

const bulkSchema = z.object({
  intent: z.enum(["pause", "resume"]),
  ids: z.array(z.string().min(1).max(100)).min(1).max(250),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const list = await listTemplates(shop, { filter: query.status, after: query.after, before: query.before });
  return { ...list, filter: query.status };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, billing } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const body = bulkSchema.safeParse(await readJson(request, ADMIN_BODY).catch(() => null));
  if (!body.success) return data({ ok: false as const, intent: null, changed: 0, skipped: 0, planLimited: 0 }, { status: 400 });
  // Resuming is limited by the plan: read it again if it is stale.
  if (body.data.intent === "resume") await refreshPlanIfStale(shop, billing);
  const result = await bulkChangeStatus(shop, body.data.ids, body.data.intent);
  return { ok: true as const, intent: body.data.intent, ...result };
};

export default function Templates() {
  const { rows, counts, filter, next, previous } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useI18n();
  const navigation = useNavigation();
  const submit = useSubmit();
  const loading = navigation.state !== "idle" && navigation.location?.pathname === "/app/templates";
  const bulk = (intent: BulkIntent, ids: string[]) => submit({ intent, ids }, { method: "post", encType: "application/json" });

  return (
    <Page title={t("templates.title")} primaryAction={{ content: t("templates.new"), url: "/app/orders" }}>
      <BlockStack gap="400">
        {answer?.ok && <BulkResultBanner result={answer} />}
        <TemplateListCard
          rows={rows}
          counts={counts}
          filter={filter}
          next={next}
          previous={previous}
          loading={loading}
          onBulk={bulk}
        />
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError backUrl="/app/templates" />;
}
