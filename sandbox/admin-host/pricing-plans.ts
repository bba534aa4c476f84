// Shopify's hosted plan-selection page (managed pricing), as the admin host
// stand-in serves it: https://admin.shopify.com/store/<store>/charges/<app-handle>/pricing_plans
// becomes <host>/store/<store>/charges/<app-handle>/pricing_plans.
// https://shopify.dev/docs/apps/launch/billing/managed-pricing#plan-selection-page
//
// The merchant sees the app's plans with the current one marked, picks one
// and approves it (or declines the paid plan's approval). The choice goes to
// the Shopify stand-in, which changes the subscriptions and sends the signed
// `app_subscriptions/update` webhooks to the app before the page answers;
// then, as Shopify does, the merchant is sent to the app (its welcome link:
// the app's home).

export type PlanChoice = "free" | "pro";

/** What the page needs from the Shopify stand-in (sandbox/shopify control). */
export type PricingPlansBackend = {
  currentPlan(): PlanChoice;
  choose(plan: PlanChoice): Promise<void>;
  decline(plan: Exclude<PlanChoice, "free">): Promise<void>;
};

const PLANS: Record<PlanChoice, { name: string; price: string; features: string[]; trial?: string }> = {
  free: { name: "Free", price: "$0/month", features: ["Up to 3 active recurring invoices", "Stripe invoices, e-signatures, Factur-X"] },
  pro: { name: "Pro", price: "$19/month", trial: "14-day free trial", features: ["Unlimited active recurring invoices", "Everything in Free"] },
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** `/store/<store>/charges/<handle>/pricing_plans` → its store and app handle, or null. */
export function pricingPlansPath(pathname: string): { store: string; handle: string } | null {
  const match = /^\/store\/([a-z0-9][a-z0-9-]*)\/charges\/([a-z0-9][a-z0-9-]*)\/pricing_plans$/.exec(pathname);
  return match ? { store: match[1]!, handle: match[2]! } : null;
}

export function pricingPlansPage(options: { shop: string; appName: string; current: PlanChoice; notice?: string }): string {
  const cards = (Object.keys(PLANS) as PlanChoice[])
    .map((id) => {
      const plan = PLANS[id];
      const current = id === options.current;
      const actions = current
        ? `<p class="current" data-testid="current-plan">Current plan</p>`
        : `<button name="plan" value="${id}" data-testid="choose-${id}">${id === "free" ? "Switch to Free" : `Approve: ${escapeHtml(plan.price)}`}</button>` +
          (id === "free" ? "" : `<button name="decline" value="${id}" class="secondary" data-testid="decline-${id}">Decline</button>`);
      return `<section class="plan${current ? " is-current" : ""}" aria-label="${escapeHtml(plan.name)}">
  <h2>${escapeHtml(plan.name)}</h2>
  <p class="price">${escapeHtml(plan.price)}${plan.trial ? ` · ${escapeHtml(plan.trial)}` : ""}</p>
  <ul>${plan.features.map((feature) => `<li>${escapeHtml(feature)}</li>`).join("")}</ul>
  ${actions}
</section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Choose a plan — ${escapeHtml(options.appName)} — Shopify admin (offline stand-in)</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #f1f1f1; }
  header { background: #1a1a1a; color: #fff; padding: 12px 16px; }
  main { padding: 24px; max-width: 760px; margin: auto; }
  form { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  .plan { background: #fff; border-radius: 12px; padding: 16px; box-shadow: 0 1px 3px #0002; }
  .plan.is-current { outline: 2px solid #008060; }
  .price { font-size: 18px; font-weight: 600; }
  button { font: inherit; padding: 8px 14px; border-radius: 8px; border: 0; background: #1a1a1a; color: #fff; margin-right: 8px; }
  button.secondary { background: #e3e3e3; color: #1a1a1a; }
  .current { color: #008060; font-weight: 600; }
  [role=status] { background: #fff4e4; padding: 8px 12px; border-radius: 8px; }
</style>
</head>
<body>
<header>${escapeHtml(options.shop)} — Shopify admin, offline stand-in</header>
<main>
<h1>Choose a plan for ${escapeHtml(options.appName)}</h1>
${options.notice ? `<p role="status">${escapeHtml(options.notice)}</p>` : ""}
<p>Billed by Shopify with your Shopify bill.</p>
<form method="post">
${cards}
</form>
</main>
</body>
</html>`;
}
