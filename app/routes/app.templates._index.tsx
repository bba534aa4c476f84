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
import { bulkChangeStatus, listTemplates } from "~/services/templates/list-page.server";
import { authenticate } from "~/shopify.server";

const querySchema = z.object({
  status: z.enum(TEMPLATE_FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const bulkSchema = z.object({
  intent: z.enum(["pause", "resume"]),
  ids: z.array(z.string().min(1).max(100)).min(1).max(250),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const list = await listTemplates(shop, { filter: query.status, page: query.page });
  return { ...list, filter: query.status };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, billing } = await authenticate.admin(request);
  const { shop } = await loadAdminContext(session.shop, request.url);
  const body = bulkSchema.safeParse(await request.json().catch(() => null));
  if (!body.success) return data({ ok: false as const, intent: null, changed: 0, skipped: 0, planLimited: 0 }, { status: 400 });
  // Resuming is limited by the plan: read it again if it is stale.
  if (body.data.intent === "resume") await refreshPlanIfStale(shop, billing);
  const result = await bulkChangeStatus(shop, body.data.ids, body.data.intent);
  return { ok: true as const, intent: body.data.intent, ...result };
};

export default function Templates() {
  const { rows, counts, filter, page, hasNext, hasPrevious } = useLoaderData<typeof loader>();
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
          page={page}
          hasNext={hasNext}
          hasPrevious={hasPrevious}
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
