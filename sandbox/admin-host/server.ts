// The offline Shopify admin host: a page that frames the app the way the
// Shopify admin does, and the App Bridge stand-in the app loads inside it.
//
// - GET /                → the admin page: navigation, language switch, clock
//                          control, toasts, and the app in an iframe.
// - GET /app-bridge.js   → the App Bridge stand-in (see app-bridge.js).
// - GET /web-vitals.js   → the web-vitals library it measures the app's loads with.
// - GET /session-token   → a session token for the shop, an HS256 JWT signed
//                          with the app's secret exactly as Shopify signs it.
// - POST /clock/advance  → moves the demo clock (worker, Stripe, Shopify).
// The page draws the app's contextual save bar (App Bridge's <ui-save-bar>)
// in its header and, while it shows, holds the admin's own navigation (menu,
// language, clock) behind a "Leave page?" dialog, as the admin does; the
// app's leaveConfirmation() opens the same dialog.
// With admin UI extensions (see extension-bundle.ts and admin-extension-runtime.js):
// - GET /orders/<id>     → an order's page: "More actions" lists the order
//                          actions; one opens in a modal, in a frame.
// - GET /extensions/<handle>/frame?selected=<gid>&locale=fr
//                        → that frame: the extension runtime stand-in, then
//                          the extension's bundle.
// - GET /extensions/<handle>/bundle.js, GET /admin-extension-runtime.js
// With optional scopes (App Bridge's Scopes API, shopify.scopes.request):
// - the app's request opens the admin's permission modal (Grant / Decline);
//   POST /scopes/grant records the grant in the Shopify stand-in;
//   GET /scopes answers shopify.scopes.query().
// With managed pricing (see pricing-plans.ts):
// - GET|POST /store/<store>/charges/<app-handle>/pricing_plans
//                        → Shopify's plan-selection page; the app's
//                          `shopify://admin/charges/…` links lead there.
//
// Demo and tests only; binds 127.0.0.1.
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sessionTokenPayload, signSessionToken } from "../shopify/oauth";
import type { AdminExtensionBundle } from "./extension-bundle";
import { pricingPlansPage, pricingPlansPath, type PlanChoice, type PricingPlansBackend } from "./pricing-plans";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const APP_BRIDGE_SOURCE = fs.readFileSync(path.join(HERE, "app-bridge.js"), "utf8");
const EXTENSION_RUNTIME_SOURCE = fs.readFileSync(path.join(HERE, "admin-extension-runtime.js"), "utf8");
// Google's web-vitals library (its IIFE build, global `webVitals`), which the App Bridge stand-in loads in the app's frame.
const WEB_VITALS_SOURCE = fs.readFileSync(
  // The package exports no path to it: it sits beside the entry point (dist/).
  path.join(path.dirname(createRequire(import.meta.url).resolve("web-vitals")), "web-vitals.iife.js"),
  "utf8",
);

export type AdminHostOptions = {
  port?: number;
  /** Origin of the app, e.g. http://127.0.0.1:3000. */
  appUrl: string;
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Staff member id put in the tokens' `sub`. */
  userId?: number;
  /** Moves the demo's clock forward; returns the new time (ISO). */
  advanceClock?: (milliseconds: number) => Promise<string>;
  /** The demo's current time (ISO), shown next to the clock control. */
  now?: () => string;
  /** Admin UI extensions to offer on resource pages (built by bundleAdminExtension). */
  extensions?: AdminExtensionBundle[];
  /** Shopify's plan-selection page for the app (managed pricing), backed by the Shopify stand-in. */
  pricing?: PricingPlansBackend & { appHandle: string };
  /** The app's optional scopes on the shop (the permission modal), backed by the Shopify stand-in. */
  scopes?: ScopesBackend;
};

/** What the admin's permission modal changes: the shop's granted optional scopes. */
export type ScopesBackend = {
  query(): { granted: string[]; required: string[]; optional: string[] };
  grant(scopes: string[]): Promise<void> | void;
};

export type AdminHost = { url: string; port: number; close(): Promise<void> };

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function hostPage(options: AdminHostOptions, hostUrl: string): string {
  const config = {
    appUrl: options.appUrl,
    shop: options.shop,
    /** The store's handle in admin URLs (admin.shopify.com/store/<store>/…). */
    store: options.shop.replace(/\.myshopify\.com$/, ""),
    host: Buffer.from(`${options.shop}/admin`).toString("base64url"),
    hostUrl,
    clock: Boolean(options.advanceClock),
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Shopify admin (offline stand-in) — ${escapeHtml(options.shop)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; display: grid; grid-template: 48px 1fr / 220px 1fr; height: 100vh; background: #f1f1f1; }
  header { grid-column: 1 / 3; background: #1a1a1a; color: #fff; display: flex; align-items: center; gap: 16px; padding: 0 16px; }
  header .shop { font-weight: 600; }
  header .spacer { flex: 1; }
  header button, header select { font: inherit; }
  nav { background: #ebebeb; padding: 12px 8px; overflow: auto; }
  nav a { display: block; padding: 6px 10px; border-radius: 8px; color: #303030; text-decoration: none; }
  nav a.active, nav a:hover { background: #fff; }
  nav .app { font-weight: 600; margin: 8px 10px; color: #616161; }
  main { position: relative; }
  iframe { border: 0; width: 100%; height: 100%; background: #f1f1f1; }
  #toasts { position: fixed; bottom: 24px; left: 50%; transform: translateX(-50%); display: grid; gap: 8px; }
  .toast { background: #1a1a1a; color: #fff; padding: 10px 16px; border-radius: 8px; }
  .toast.error { background: #8e1f0b; }
  #clock { font-variant-numeric: tabular-nums; }
  #save-bar { position: fixed; top: 0; left: 0; right: 0; height: 48px; background: #1a1a1a; color: #fff; display: flex; align-items: center; gap: 12px; padding: 0 16px; z-index: 10; }
  #save-bar[hidden] { display: none; }
  #save-bar .message { flex: 1; font-weight: 600; }
  #save-bar button { font: inherit; padding: 6px 12px; border-radius: 8px; border: 0; }
  #save-bar [data-testid=save-bar-save] { background: #fff; color: #1a1a1a; }
  #leave-dialog { border: 0; border-radius: 12px; padding: 20px; max-width: 420px; }
</style>
</head>
<body>
<header>
  <span class="shop" data-testid="host-shop">${escapeHtml(options.shop)}</span>
  <span>Shopify admin — offline stand-in</span>
  <span class="spacer"></span>
  ${
    options.advanceClock
      ? `<span>Demo clock: <span id="clock" data-testid="host-clock">${escapeHtml(options.now?.() ?? "")}</span></span>
  <button data-advance="3600000">+1 hour</button>
  <button data-advance="86400000" data-testid="advance-day">+1 day</button>
  <button data-advance="604800000">+1 week</button>
  <button data-advance="2678400000" data-testid="advance-month">+31 days</button>`
      : ""
  }
  <label>Language <select id="locale" data-testid="host-locale"><option value="en">English</option><option value="fr">Français</option></select></label>
</header>
<nav><div class="app">Ritournelle</div><div id="menu"></div></nav>
<main><iframe id="app" name="app-iframe" title="Ritournelle" data-testid="app-frame"></iframe></main>
<div id="toasts" aria-live="polite"></div>
<div id="save-bar" role="region" aria-label="Unsaved changes" data-testid="host-save-bar" hidden>
  <span class="message" data-part="message"></span>
  <button type="button" data-testid="save-bar-discard"></button>
  <button type="button" data-testid="save-bar-save"></button>
</div>
<dialog id="leave-dialog" data-testid="leave-dialog">
  <h2 data-part="title" style="margin-top:0;font-size:16px"></h2>
  <p data-part="body"></p>
  <div style="display:flex;justify-content:flex-end;gap:8px">
    <button type="button" data-testid="leave-stay"></button>
    <button type="button" data-testid="leave-confirm"></button>
  </div>
</dialog>
<dialog id="scopes-dialog" data-testid="scopes-dialog">
  <h2 data-part="title" style="margin-top:0;font-size:16px"></h2>
  <p data-part="body"></p>
  <ul data-part="scopes"></ul>
  <div style="display:flex;justify-content:flex-end;gap:8px">
    <button type="button" data-testid="scopes-decline"></button>
    <button type="button" data-testid="scopes-grant"></button>
  </div>
</dialog>
<script>
const config = ${JSON.stringify(config).replace(/</g, "\\u003c")};
const frame = document.getElementById("app");
const menu = document.getElementById("menu");
const localeSelect = document.getElementById("locale");
const state = new URLSearchParams(location.search);
localeSelect.value = state.get("locale") || "en";

// Opens a path of the app in the frame, with a fresh session token, as the
// admin does when a merchant follows a link to the app (also used by tests).
async function openApp(pathname) {
  // A new page of the app starts without a save bar.
  saveBars = {};
  renderSaveBar();
  const response = await fetch("/session-token?shop=" + encodeURIComponent(config.shop));
  const { token } = await response.json();
  const url = new URL(pathname || "/app", config.appUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", config.shop);
  url.searchParams.set("host", config.host);
  url.searchParams.set("locale", localeSelect.value);
  url.searchParams.set("id_token", token);
  frame.src = url.toString();
  state.set("path", pathname || "/app");
  state.set("locale", localeSelect.value);
  history.replaceState(null, "", "?" + state.toString());
}

function toast(message, isError) {
  const element = document.createElement("div");
  element.className = "toast" + (isError ? " error" : "");
  element.setAttribute("role", "status");
  element.textContent = message;
  document.getElementById("toasts").append(element);
  setTimeout(() => element.remove(), 5000);
}

// The contextual save bar, as the admin draws it for the app (App Bridge's <ui-save-bar>).
const WORDS = {
  en: { unsaved: "Unsaved changes", save: "Save", discard: "Discard", leaveTitle: "Leave page with unsaved changes?", leaveBody: "Leaving this page will delete all unsaved changes.", stay: "Stay", leave: "Leave page", discardTitle: "Discard all unsaved changes?", discardBody: "If you discard changes, you’ll delete any edits you made since you last saved.", keep: "Continue editing", discardConfirm: "Discard changes" },
  fr: { unsaved: "Modifications non enregistrées", save: "Enregistrer", discard: "Ignorer", leaveTitle: "Quitter la page avec des modifications non enregistrées ?", leaveBody: "Si vous quittez cette page, toutes les modifications non enregistrées seront supprimées.", stay: "Rester", leave: "Quitter la page", discardTitle: "Ignorer toutes les modifications non enregistrées ?", discardBody: "Si vous ignorez les modifications, vous supprimerez celles faites depuis le dernier enregistrement.", keep: "Continuer à modifier", discardConfirm: "Ignorer les modifications" },
};
const words = () => WORDS[localeSelect.value] || WORDS.en;
const saveBar = document.getElementById("save-bar");
const leaveDialog = document.getElementById("leave-dialog");
let saveBars = {}; // id → the app's last report
let onLeave = null; // what "Leave page" does
let onStay = null;

function shownBar() {
  return Object.values(saveBars).find((bar) => bar.showing) || null;
}
function renderSaveBar() {
  const bar = shownBar();
  saveBar.hidden = !bar;
  if (!bar) return;
  const w = words();
  saveBar.querySelector("[data-part=message]").textContent = w.unsaved;
  const save = saveBar.querySelector("[data-testid=save-bar-save]");
  const discard = saveBar.querySelector("[data-testid=save-bar-discard]");
  save.textContent = (bar.save && bar.save.label) || w.save;
  discard.textContent = (bar.discard && bar.discard.label) || w.discard;
  save.disabled = !bar.save || bar.save.disabled || bar.save.loading;
  save.setAttribute("aria-busy", bar.save && bar.save.loading ? "true" : "false");
  discard.disabled = !bar.discard || bar.discard.disabled;
  save.onclick = () => pressSaveBar(bar.id, "save");
  discard.onclick = () => {
    if (!bar.discardConfirmation) return pressSaveBar(bar.id, "discard");
    ask(w.discardTitle, w.discardBody, w.keep, w.discardConfirm, () => pressSaveBar(bar.id, "discard"));
  };
}
function pressSaveBar(id, action) {
  frame.contentWindow.postMessage({ source: "shopify-admin", type: "save-bar-action", id, action }, new URL(config.appUrl).origin);
}
function ask(title, body, stay, leave, onConfirm, onCancel) {
  leaveDialog.querySelector("[data-part=title]").textContent = title;
  leaveDialog.querySelector("[data-part=body]").textContent = body;
  leaveDialog.querySelector("[data-testid=leave-stay]").textContent = stay;
  leaveDialog.querySelector("[data-testid=leave-confirm]").textContent = leave;
  onLeave = onConfirm;
  onStay = onCancel || null;
  if (!leaveDialog.open) leaveDialog.showModal();
}
leaveDialog.querySelector("[data-testid=leave-stay]").addEventListener("click", () => {
  leaveDialog.close();
  const then = onStay;
  onLeave = onStay = null;
  if (then) then();
});
leaveDialog.querySelector("[data-testid=leave-confirm]").addEventListener("click", () => {
  leaveDialog.close();
  const then = onLeave;
  onLeave = onStay = null;
  if (then) then();
});
// The admin's own navigation waits for the merchant while the app has unsaved changes.
function whenLeaving(go) {
  if (!shownBar()) return go();
  const w = words();
  ask(w.leaveTitle, w.leaveBody, w.stay, w.leave, go);
}

// The admin's permission modal for optional scopes (App Bridge shopify.scopes.request).
const scopesDialog = document.getElementById("scopes-dialog");
const SCOPE_WORDS = {
  en: { title: "Ritournelle is asking for more access", body: "Grant it these permissions on this store:", grant: "Grant", decline: "Decline" },
  fr: { title: "Ritournelle demande un accès supplémentaire", body: "Accordez-lui ces autorisations sur cette boutique :", grant: "Accorder", decline: "Refuser" },
};
function answerScopes(id, result) {
  frame.contentWindow.postMessage({ source: "shopify-admin", type: "scopes-result", id, result }, new URL(config.appUrl).origin);
}
function askScopes(id, scopes) {
  const w = SCOPE_WORDS[localeSelect.value] || SCOPE_WORDS.en;
  scopesDialog.querySelector("[data-part=title]").textContent = w.title;
  scopesDialog.querySelector("[data-part=body]").textContent = w.body;
  scopesDialog.querySelector("[data-part=scopes]").replaceChildren(...scopes.map((scope) => Object.assign(document.createElement("li"), { textContent: scope })));
  const grant = scopesDialog.querySelector("[data-testid=scopes-grant]");
  const decline = scopesDialog.querySelector("[data-testid=scopes-decline]");
  grant.textContent = w.grant;
  decline.textContent = w.decline;
  grant.onclick = async () => {
    const answer = await fetch("/scopes/grant", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ scopes }) });
    scopesDialog.close();
    answerScopes(id, answer.ok ? "granted-all" : "declined-all");
  };
  decline.onclick = () => {
    scopesDialog.close();
    answerScopes(id, "declined-all");
  };
  scopesDialog.showModal();
}

window.addEventListener("message", (event) => {
  if (event.origin !== new URL(config.appUrl).origin || !event.data || event.data.source !== "ritournelle-app") return;
  const message = event.data;
  if (message.type === "scopes-request" && Array.isArray(message.scopes)) askScopes(message.id, message.scopes.map(String));
  if (message.type === "save-bar") {
    saveBars[message.id] = message;
    renderSaveBar();
  }
  if (message.type === "leave-confirmation") {
    const w = words();
    ask(w.leaveTitle, w.leaveBody, w.stay, w.leave, () =>
      frame.contentWindow.postMessage({ source: "shopify-admin", type: "leave-confirmed" }, new URL(config.appUrl).origin),
    );
  }
  if (message.type === "toast") toast(message.message, message.isError);
  // The app frame's Web Vitals (App Bridge measures them): kept for whoever reads the admin's figures (bench/vitals.ts).
  if (message.type === "web-vitals") (window.__webVitals ||= []).push({ ...message.metric, path: message.path });
  // App Bridge resolves shopify://admin/<path> links against the admin: here, this host.
  if (message.type === "admin-navigate" && typeof message.path === "string" && message.path.startsWith("/")) {
    location.href = "/store/" + config.store + message.path;
  }
  if (message.type === "navigation") {
    menu.replaceChildren(...message.items.map((item) => {
      const link = document.createElement("a");
      link.href = "#";
      link.textContent = item.label;
      const target = new URL(item.href, config.appUrl).pathname;
      if (target === message.path) link.className = "active";
      link.addEventListener("click", (event) => { event.preventDefault(); whenLeaving(() => openApp(target)); });
      return link;
    }));
  }
});

let shownLocale = localeSelect.value;
localeSelect.addEventListener("change", () => {
  const wanted = localeSelect.value;
  localeSelect.value = shownLocale;
  whenLeaving(() => {
    localeSelect.value = shownLocale = wanted;
    openApp(new URL(frame.src).pathname);
  });
});
for (const button of document.querySelectorAll("[data-advance]")) {
  button.addEventListener("click", () => whenLeaving(async () => {
    button.disabled = true;
    try {
      const response = await fetch("/clock/advance", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ milliseconds: Number(button.dataset.advance) }) });
      const body = await response.json();
      document.getElementById("clock").textContent = body.now;
      toast("Clock moved to " + body.now);
      openApp(new URL(frame.src).pathname);
    } finally {
      button.disabled = false;
    }
  }));
}
window.openApp = openApp;
openApp(state.get("path") || "/app");
</script>
</body>
</html>`;
}

/** The locale file the admin would pick for `locale` ("fr-CA" → fr), else the default one. */
function extensionLocale(extension: AdminExtensionBundle, locale: string): string {
  if (locale in extension.locales) return locale;
  const language = locale.split(/[-_]/)[0] ?? "";
  return language in extension.locales ? language : extension.defaultLocale;
}

/** The extension's name as the admin shows it in a menu ("t:name" → its translation). */
function extensionName(extension: AdminExtensionBundle, locale: string): string {
  if (!extension.name.startsWith("t:")) return extension.name;
  const key = extension.name.slice(2);
  const messages = extension.locales[extensionLocale(extension, locale)] as Record<string, unknown>;
  const fallback = extension.locales[extension.defaultLocale] as Record<string, unknown>;
  return String(messages[key] ?? fallback[key] ?? key);
}

const ORDER_PAGE_WORDS = {
  en: { order: "Order", moreActions: "More actions", print: "Print", closed: "closed", close: "Close" },
  fr: { order: "Commande", moreActions: "Plus d’actions", print: "Imprimer", closed: "fermée", close: "Fermer" },
} as const;

/** An order's page in the admin, reduced to what order actions need: the More actions menu and the action's modal. */
function orderPage(options: AdminHostOptions, orderId: string, locale: string): string {
  const words = locale.startsWith("fr") ? ORDER_PAGE_WORDS.fr : ORDER_PAGE_WORDS.en;
  const gid = `gid://shopify/Order/${orderId}`;
  const menuItems = (target: string) =>
    (options.extensions ?? [])
      .filter((extension) => extension.target === target)
      .map(
        (extension) =>
          `<button role="menuitem" data-handle="${escapeHtml(extension.handle)}" data-name="${escapeHtml(extensionName(extension, locale))}">${escapeHtml(extensionName(extension, locale))}</button>`,
      )
      .join("");
  const items = menuItems("admin.order-details.action.render");
  // Print actions have their own menu in the admin (the order page's "Print").
  const printItems = menuItems("admin.order-details.print-action.render");
  return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="utf-8">
<title>${words.order} ${escapeHtml(orderId)} — Shopify admin (offline stand-in)</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #f1f1f1; }
  header { background: #1a1a1a; color: #fff; padding: 12px 16px; }
  main { padding: 24px; }
  [role=menu]:not([hidden]) { display: grid; background: #fff; border-radius: 8px; width: max-content; margin-top: 4px; box-shadow: 0 2px 8px #0003; }
  [role=menu] button { font: inherit; border: 0; background: none; padding: 8px 16px; text-align: left; }
  dialog { width: 620px; height: 640px; padding: 0; border: 0; border-radius: 12px; }
  dialog.print { width: min(960px, 95vw); height: 720px; }
  dialog iframe { border: 0; width: 100%; height: calc(100% - 40px); }
  dialog .bar { display: flex; justify-content: flex-end; height: 40px; }
</style>
</head>
<body>
<header>${escapeHtml(options.shop)} — Shopify admin, offline stand-in</header>
<main>
<h1>${words.order} ${escapeHtml(orderId)}</h1>
<button data-testid="more-actions" aria-haspopup="menu">${words.moreActions}</button>
<div role="menu" data-menu="actions" hidden>${items}</div>
${printItems ? `<button data-testid="print-menu" aria-haspopup="menu">${words.print}</button>
<div role="menu" data-menu="print" hidden>${printItems}</div>` : ""}
<p role="status" data-testid="action-status"></p>
<dialog data-testid="extension-modal"><div class="bar"><button data-testid="modal-close" aria-label="${words.close}">×</button></div><iframe data-testid="extension-frame"></iframe></dialog>
</main>
<script>
const gid = ${JSON.stringify(gid)};
const locale = ${JSON.stringify(locale)};
const menu = document.querySelector("[data-menu=actions]");
const printMenu = document.querySelector("[data-menu=print]");
const modal = document.querySelector("dialog");
const frame = modal.querySelector("iframe");
const status = document.querySelector("[data-testid=action-status]");
let open = null;
document.querySelector("[data-testid=more-actions]").addEventListener("click", () => { menu.hidden = !menu.hidden; });
if (printMenu) document.querySelector("[data-testid=print-menu]").addEventListener("click", () => { printMenu.hidden = !printMenu.hidden; });
for (const item of document.querySelectorAll("[role=menu] button")) {
  item.addEventListener("click", () => {
    menu.hidden = true;
    if (printMenu) printMenu.hidden = true;
    open = item.dataset;
    status.textContent = "";
    frame.title = item.dataset.name;
    modal.classList.toggle("print", item.closest("[data-menu=print]") !== null);
    frame.src = "/extensions/" + encodeURIComponent(item.dataset.handle) + "/frame?selected=" + encodeURIComponent(gid) + "&locale=" + encodeURIComponent(locale);
    modal.showModal();
  });
}
// The admin closes the modal when the extension calls shopify.close(), or the merchant closes it.
function closeAction() {
  if (!open) return;
  modal.close();
  frame.src = "about:blank";
  status.textContent = open.name + " — ${words.closed}";
  open = null;
}
modal.querySelector("[data-testid=modal-close]").addEventListener("click", closeAction);
window.addEventListener("message", (event) => {
  if (event.origin === location.origin && event.data && event.data.source === "admin-extension" && event.data.type === "close") closeAction();
});
</script>
</body>
</html>`;
}

/** The frame an extension runs in: its runtime stand-in, then its bundle. */
function extensionFrame(options: AdminHostOptions, extension: AdminExtensionBundle, selected: string[], locale: string, hostUrl: string): string {
  const config = {
    appUrl: options.appUrl,
    shop: options.shop,
    hostUrl,
    handle: extension.handle,
    target: extension.target,
    extensionName: extensionName(extension, locale),
    selected,
    locale,
    messages: extension.locales[extensionLocale(extension, locale)],
    defaultMessages: extension.locales[extension.defaultLocale],
    bundleUrl: `/extensions/${encodeURIComponent(extension.handle)}/bundle.js`,
  };
  return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<style>html, body { margin: 0; height: 100%; }</style>
<script>window.__ADMIN_EXTENSION__ = ${JSON.stringify(config).replace(/</g, "\\u003c")};</script>
<script src="/admin-extension-runtime.js"></script>
<script>
document.addEventListener("DOMContentLoaded", () => {
  window.launchAdminExtension().catch((error) => {
    console.error(error);
    document.documentElement.setAttribute("data-launch-error", String(error));
  });
});
</script>
</head>
<body></body>
</html>`;
}

export async function startAdminHost(options: AdminHostOptions): Promise<AdminHost> {
  const appOrigin = new URL(options.appUrl).origin;
  let hostUrl = "";
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    try {
      if (request.method === "GET" && url.pathname === "/") {
        response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(hostPage(options, hostUrl));
      } else if (request.method === "GET" && url.pathname === "/app-bridge.js") {
        response
          .writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Access-Control-Allow-Origin": appOrigin })
          .end(APP_BRIDGE_SOURCE);
      } else if (request.method === "GET" && url.pathname === "/web-vitals.js") {
        response.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "max-age=3600" }).end(WEB_VITALS_SOURCE);
      } else if (request.method === "GET" && /^\/orders\/\d+$/.test(url.pathname)) {
        const locale = url.searchParams.get("locale") || "en";
        response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(orderPage(options, url.pathname.split("/")[2]!, locale));
      } else if (request.method === "GET" && url.pathname === "/admin-extension-runtime.js") {
        response.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" }).end(EXTENSION_RUNTIME_SOURCE);
      } else if (request.method === "GET" && url.pathname.startsWith("/extensions/")) {
        const [, , handle, file] = url.pathname.split("/");
        const extension = (options.extensions ?? []).find((candidate) => candidate.handle === decodeURIComponent(handle ?? ""));
        if (!extension) {
          response.writeHead(404, { "Content-Type": "text/plain" }).end("no such extension");
        } else if (file === "bundle.js") {
          response.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" }).end(extension.script);
        } else if (file === "frame") {
          const locale = url.searchParams.get("locale") || "en";
          const selected = url.searchParams.getAll("selected");
          response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(extensionFrame(options, extension, selected, locale, hostUrl));
        } else {
          response.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        }
      } else if (options.pricing && pricingPlansPath(url.pathname)) {
        const { store, handle } = pricingPlansPath(url.pathname)!;
        if (store !== options.shop.replace(/\.myshopify\.com$/, "") || handle !== options.pricing.appHandle) {
          response.writeHead(404, { "Content-Type": "text/plain" }).end("no such app on this store");
          return;
        }
        if (request.method === "POST") {
          const chunks: Buffer[] = [];
          for await (const chunk of request) chunks.push(chunk as Buffer);
          const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
          const plan = form.get("plan");
          if (form.get("decline") === "pro") await options.pricing.decline("pro");
          else if (plan === "free" || plan === "pro") await options.pricing.choose(plan as PlanChoice);
          else {
            response.writeHead(400, { "Content-Type": "text/plain" }).end("plan must be free or pro");
            return;
          }
          // As Shopify does after the approval: back to the app (its welcome link, the app's home).
          response.writeHead(303, { Location: "/?path=%2Fapp" }).end();
          return;
        }
        response
          .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
          .end(pricingPlansPage({ shop: options.shop, appName: "Ritournelle", current: options.pricing.currentPlan() }));
      } else if (options.scopes && request.method === "GET" && url.pathname === "/scopes") {
        response
          .writeHead(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": appOrigin, "Cache-Control": "no-store" })
          .end(JSON.stringify(options.scopes.query()));
      } else if (options.scopes && request.method === "POST" && url.pathname === "/scopes/grant") {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const { scopes } = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { scopes?: unknown };
        if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string")) {
          response.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "scopes must be a list of scope handles" }));
          return;
        }
        await options.scopes.grant(scopes as string[]);
        response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ granted: scopes }));
      } else if (request.method === "GET" && url.pathname === "/session-token") {
        if (url.searchParams.get("shop") !== options.shop) {
          response.writeHead(403, { "Access-Control-Allow-Origin": appOrigin }).end("unknown shop");
          return;
        }
        const payload = sessionTokenPayload({ shop: options.shop, apiKey: options.apiKey, userId: options.userId ?? 1, nowMs: Date.now() });
        const token = signSessionToken(payload, options.apiSecret);
        response
          .writeHead(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": appOrigin, "Cache-Control": "no-store" })
          .end(JSON.stringify({ token, expiresAt: payload.exp }));
      } else if (request.method === "POST" && url.pathname === "/clock/advance" && options.advanceClock) {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const { milliseconds } = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { milliseconds?: unknown };
        if (typeof milliseconds !== "number" || !Number.isFinite(milliseconds) || milliseconds <= 0) {
          response.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "milliseconds must be a positive number" }));
          return;
        }
        const now = await options.advanceClock(milliseconds);
        response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ now }));
      } else {
        response.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      }
    } catch (error) {
      response.writeHead(500, { "Content-Type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  hostUrl = `http://127.0.0.1:${port}`;
  return {
    url: hostUrl,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
