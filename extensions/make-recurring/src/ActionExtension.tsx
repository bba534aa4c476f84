/** @jsxImportSource preact */
// "Make recurring" in the More actions menu of an order's page in the Shopify
// admin (target admin.order-details.action.render, API 2026-01, Preact +
// Polaris web components).
//
// It asks the app for a preview of the order as a recurring invoice (or why
// it cannot be one), lets the merchant pick a frequency, the first invoice
// date and how the customer pays (the shop's defaults preselected), and creates the recurring invoice in
// the app; "Edit all details" opens the app's full form for the same order.
//
// Every call goes to the app with a relative URL: the admin resolves it
// against the app's URL and adds `Authorization: Bearer <session token>`.
// The app's side: app/routes/api.extension.orders.$orderId.ts; the wire
// contract: app/domain/order-action-contract.ts (types only, nothing of the app
// is bundled here).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type {
  OrderActionCreated,
  OrderActionCreateRequest,
  OrderActionError,
  OrderActionPreview,
} from "../../../app/domain/order-action-contract";

export default async () => {
  render(<MakeRecurring />, document.body);
};

type Loaded =
  | { state: "loading" }
  | { state: "ready"; preview: OrderActionPreview }
  /** `orderRefused`: the app looked at the order and says why it cannot recur (otherwise: no answer, no session…). */
  | { state: "refused"; message: string; orderRefused: boolean };

type Submission =
  | { state: "idle" }
  | { state: "submitting" }
  /** `upgradeUrl`: the Free plan is full; Shopify's plan-selection page (the choices stay here to create again). */
  | { state: "invalid"; message: string; fieldErrors: Record<string, string>; upgradeUrl?: string }
  | { state: "created"; created: OrderActionCreated };

/** One of the preview's `frequencies` (the select offers nothing else; the app checks it again). */
type Frequency = OrderActionCreateRequest["frequency"];
/** How the customer pays: one of the preview's `rails.choices`. */
type Rail = NonNullable<OrderActionCreateRequest["rail"]>;

type AppAnswer<T> =
  | { ok: true; body: T }
  | { ok: false; code?: OrderActionError["error"]; message: string; fieldErrors: Record<string, string>; upgradeUrl?: string };

/** The admin's own link into the embedded app ("app:" + the app's path, without its leading slash). */
const appLink = (path: string) => `app:${path.replace(/^\//, "")}`;

function MakeRecurring() {
  const t = shopify.i18n.translate;
  const orderId = shopify.data.selected[0]?.id;
  // The app answers in the language of this extension's locale file, which
  // is the one the admin picked for the merchant.
  const endpoint = orderId ? `/api/extension/orders/${encodeURIComponent(orderId.split("/").pop() ?? "")}?locale=${t("language")}` : null;

  const [loaded, setLoaded] = useState<Loaded>(() =>
    endpoint ? { state: "loading" } : { state: "refused", message: t("error.noOrder"), orderRefused: false },
  );
  const [frequency, setFrequency] = useState<Frequency>("monthly");
  const [anchor, setAnchor] = useState("");
  const [rail, setRail] = useState<Rail>("stripe");
  const [submission, setSubmission] = useState<Submission>({ state: "idle" });
  // One key per opening of the action: a double click, or a retry after an
  // answer lost on the way, creates one recurring invoice, not two.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  async function callApp<T>(init?: RequestInit): Promise<AppAnswer<T>> {
    let response: Response;
    try {
      response = await fetch(endpoint ?? "", init);
    } catch {
      return { ok: false, message: t("error.network"), fieldErrors: {} };
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok && body) return { ok: true, body: body as T };
    const refusal = body as Partial<OrderActionError> | null;
    if (typeof refusal?.message === "string") {
      return { ok: false, code: refusal.error, message: refusal.message, fieldErrors: refusal.fieldErrors ?? {}, upgradeUrl: refusal.upgradeUrl };
    }
    return { ok: false, message: t("error.unexpected", { status: response.status }), fieldErrors: {} };
  }

  useEffect(() => {
    if (!endpoint) return;
    void callApp<OrderActionPreview>().then((answer) => {
      if (!answer.ok) return setLoaded({ state: "refused", message: answer.message, orderRefused: answer.code === "order_refused" });
      setFrequency(answer.body.defaults.frequency);
      setAnchor(answer.body.defaults.anchor);
      setRail(answer.body.rails.default);
      setLoaded({ state: "ready", preview: answer.body });
    });
    // Loaded once, when the action opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function create() {
    if (submission.state === "submitting" || submission.state === "created") return;
    setSubmission({ state: "submitting" });
    const request: OrderActionCreateRequest = { idempotencyKey, frequency, anchor, rail };
    const answer = await callApp<OrderActionCreated>({
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    setSubmission(
      answer.ok
        ? { state: "created", created: answer.body }
        : { state: "invalid", message: answer.message, fieldErrors: answer.fieldErrors, upgradeUrl: answer.upgradeUrl },
    );
  }

  if (loaded.state !== "ready") {
    return (
      <s-admin-action heading={t("name")} loading={loaded.state === "loading"}>
        {loaded.state === "refused" && (
          <s-banner tone="critical" heading={loaded.orderRefused ? t("refusedHeading") : undefined}>
            {loaded.message}
          </s-banner>
        )}
        <s-button slot="primary-action" onClick={() => shopify.close()}>
          {t("close")}
        </s-button>
      </s-admin-action>
    );
  }

  const { preview } = loaded;
  if (submission.state === "created") {
    return (
      <s-admin-action heading={t("heading", { order: preview.order.name })}>
        <s-banner tone="success" heading={t("createdHeading")}>
          {submission.created.message}
        </s-banner>
        <s-button slot="primary-action" variant="primary" onClick={() => shopify.close()}>
          {t("done")}
        </s-button>
        <s-button slot="secondary-actions" href={appLink(submission.created.templatePath)}>
          {t("openTemplate")}
        </s-button>
      </s-admin-action>
    );
  }

  const fieldErrors = submission.state === "invalid" ? submission.fieldErrors : {};
  const submitting = submission.state === "submitting";
  return (
    <s-admin-action heading={t("heading", { order: preview.order.name })}>
      <s-stack direction="block" gap="base">
        {submission.state === "invalid" && (
          <s-banner tone="critical" heading={t("invalidHeading")}>
            {submission.message}
          </s-banner>
        )}
        <s-text>{t("customer", { name: preview.customer.name, email: preview.customer.email })}</s-text>
        <s-stack direction="block" gap="small-200">
          <s-heading>{t("lines")}</s-heading>
          <s-unordered-list>
            {preview.lines.map((line, index) => (
              <s-list-item key={index}>{t("line", { quantity: line.quantity, description: line.description, total: line.total })}</s-list-item>
            ))}
          </s-unordered-list>
          <s-text type="strong">{t("invoiceTotal", { total: preview.invoiceTotal })}</s-text>
          {preview.orderTotal && <s-text color="subdued">{t("orderTotalDiffers", { total: preview.orderTotal })}</s-text>}
        </s-stack>
        <s-select label={t("frequencyLabel")} value={frequency} error={fieldErrors.frequency} onChange={(event) => setFrequency(event.currentTarget.value as Frequency)}>
          {preview.frequencies.map((id) => (
            <s-option key={id} value={id}>
              {t(`frequency.${id}`)}
            </s-option>
          ))}
        </s-select>
        <s-date-field
          label={t("anchorLabel")}
          value={anchor}
          allow={`${preview.today}--`}
          error={fieldErrors.anchor}
          details={t("terms", { time: preview.terms.timeOfDay, timeZone: preview.terms.timeZone, days: preview.terms.daysUntilDue })}
          onChange={(event) => setAnchor(event.currentTarget.value)}
        />
        <s-select label={t("railLabel")} value={rail} error={fieldErrors.rail} onChange={(event) => setRail(event.currentTarget.value as Rail)}>
          {preview.rails.choices.map((id) => (
            <s-option key={id} value={id}>
              {t(`rail.${id}`)}
            </s-option>
          ))}
        </s-select>
        {rail === "shopify" && !preview.rails.shopifyGranted && (
          // An admin action cannot open the permission modal: the app's full form asks for it.
          <s-banner tone="warning" heading={t("railScopeHeading")}>
            {t("railScopeBody")}
          </s-banner>
        )}
      </s-stack>
      <s-button slot="primary-action" variant="primary" loading={submitting} disabled={submitting} onClick={() => void create()}>
        {t("create")}
      </s-button>
      {submission.state === "invalid" && submission.upgradeUrl && (
        // shopify://admin/charges/…/pricing_plans: the admin's own page, where the merchant approves Pro.
        <s-button slot="secondary-actions" href={submission.upgradeUrl}>
          {t("upgrade")}
        </s-button>
      )}
      <s-button slot="secondary-actions" href={appLink(preview.formPath)}>
        {t("editAll")}
      </s-button>
    </s-admin-action>
  );
}
