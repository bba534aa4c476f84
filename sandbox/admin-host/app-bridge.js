// App Bridge stand-in, served by the offline admin host (sandbox/admin-host)
// in place of https://cdn.shopify.com/shopifycloud/app-bridge.js.
//
// It does, for the app inside the iframe, what App Bridge does there:
// - defines `window.shopify` (idToken, toast, loading, config, environment);
// - adds `Authorization: Bearer <session token>` to the app's own fetches;
// - completes the session-token bounce page (/auth/session-token) by
//   reloading with a fresh `id_token`;
// - tells the host page the app's navigation menu (<ui-nav-menu>) and title;
// - the Scopes API (shopify.scopes.request / query): the host page's permission modal;
// - the contextual save bar (<ui-save-bar>, shopify.saveBar): the admin draws
//   it (here: the host page's bar), its Save and Discard press the element's
//   <button> children (the one with variant="primary" is Save), and while it
//   shows the admin holds navigation and asks first; leaveConfirmation()
//   resolves once the merchant chooses to leave, at once when no bar shows
//   (https://shopify.dev/docs/api/app-home/latest/apis/user-interface-and-interactions/save-bar-api).
//   Not provided: `data-save-bar` on forms (the app uses the element).
// Session tokens are minted by the host server with the app's secret, so the
// app's real `authenticate.admin` path verifies them.
(function () {
  "use strict";
  var script = document.currentScript;
  var hostOrigin = new URL(script.src).origin;
  var apiKey = script.getAttribute("data-api-key") || "";
  var params = new URLSearchParams(window.location.search);
  var shop = params.get("shop") || window.sessionStorage.getItem("ritournelle.shop") || "";
  if (shop) window.sessionStorage.setItem("ritournelle.shop", shop);
  var host = params.get("host") || window.sessionStorage.getItem("ritournelle.host") || "";
  if (host) window.sessionStorage.setItem("ritournelle.host", host);
  var locale = params.get("locale") || window.sessionStorage.getItem("ritournelle.locale") || "en";
  window.sessionStorage.setItem("ritournelle.locale", locale);

  var originalFetch = window.fetch.bind(window);
  var cached = null;

  function idToken() {
    if (cached && cached.expiresAt - 10 > Date.now() / 1000) return Promise.resolve(cached.token);
    return originalFetch(hostOrigin + "/session-token?shop=" + encodeURIComponent(shop))
      .then(function (response) {
        if (!response.ok) throw new Error("The admin host refused a session token: " + response.status);
        return response.json();
      })
      .then(function (body) {
        cached = body;
        return body.token;
      });
  }

  window.fetch = function (input, init) {
    var request = new Request(input, init);
    if (new URL(request.url).origin !== window.location.origin || request.headers.has("Authorization")) {
      return originalFetch(request);
    }
    return idToken().then(function (token) {
      var headers = new Headers(request.headers);
      headers.set("Authorization", "Bearer " + token);
      return originalFetch(new Request(request, { headers: headers }));
    });
  };

  // App Bridge's own elements are rendered by the admin, not in the iframe.
  var style = document.createElement("style");
  style.textContent = "ui-nav-menu, ui-title-bar, ui-save-bar, ui-modal { display: none !important; }";
  document.head.appendChild(style);

  function post(message) {
    if (window.parent !== window) window.parent.postMessage(Object.assign({ source: "ritournelle-app" }, message), hostOrigin);
  }

  window.shopify = {
    config: { apiKey: apiKey, shop: shop, host: host, locale: locale },
    environment: { embedded: window.parent !== window, mobile: false, pos: false },
    idToken: idToken,
    toast: {
      show: function (message, options) {
        post({ type: "toast", message: String(message), isError: Boolean(options && options.isError) });
        return "toast";
      },
      hide: function () {},
    },
    loading: function (on) {
      post({ type: "loading", on: on !== false });
    },
    saveBar: null, // set below, with the element
    scopes: null, // set below
  };

  // -------------------------------------------------------------------------
  // Scopes API: request() opens the admin's permission modal (the host page)
  // and resolves with { result: "granted-all" | "declined-all", detail };
  // query() reads the shop's scopes from the host.
  // https://shopify.dev/docs/api/app-home/apis/scopes
  // -------------------------------------------------------------------------
  var pendingScopeRequests = {};
  var scopeRequestCounter = 0;
  function queryScopes() {
    return originalFetch(hostOrigin + "/scopes?shop=" + encodeURIComponent(shop)).then(function (response) {
      if (!response.ok) throw new Error("The admin host could not read the app's scopes: " + response.status);
      return response.json();
    });
  }
  window.shopify.scopes = {
    query: queryScopes,
    request: function (scopes) {
      scopeRequestCounter += 1;
      var id = "scopes-" + scopeRequestCounter;
      return new Promise(function (resolve) {
        pendingScopeRequests[id] = resolve;
        post({ type: "scopes-request", id: id, scopes: Array.prototype.slice.call(scopes) });
      }).then(function (result) {
        return queryScopes().then(function (detail) {
          return { result: result, detail: detail };
        });
      });
    },
    revoke: function () {
      return Promise.reject(new Error("The App Bridge stand-in does not implement shopify.scopes.revoke."));
    },
  };

  // -------------------------------------------------------------------------
  // Contextual save bar
  // -------------------------------------------------------------------------
  var saveBars = {}; // id → element
  var pendingLeaves = []; // resolvers of leaveConfirmation() waiting for the merchant

  function saveBarButtons(element) {
    var buttons = Array.prototype.slice.call(element.querySelectorAll("button"));
    var save = buttons.filter(function (button) { return button.getAttribute("variant") === "primary"; })[0] || null;
    var discard = buttons.filter(function (button) { return button.getAttribute("variant") !== "primary"; })[0] || null;
    return { save: save, discard: discard };
  }
  function describeButton(button) {
    if (!button) return null;
    return { label: button.textContent.trim(), disabled: button.disabled, loading: button.hasAttribute("loading") };
  }
  function reportSaveBar(element) {
    var buttons = saveBarButtons(element);
    post({
      type: "save-bar",
      id: element.id,
      showing: element._showing,
      discardConfirmation: element.hasAttribute("discardConfirmation") || element.discardConfirmation === true,
      save: describeButton(buttons.save),
      discard: describeButton(buttons.discard),
    });
  }
  function anySaveBarShowing() {
    return Object.keys(saveBars).some(function (id) { return saveBars[id]._showing; });
  }

  if (!window.customElements.get("ui-save-bar")) {
    window.customElements.define(
      "ui-save-bar",
      class extends HTMLElement {
        constructor() {
          super();
          this._showing = false;
          new MutationObserver(() => {
            if (this._showing) reportSaveBar(this);
          }).observe(this, { subtree: true, childList: true, attributes: true, characterData: true });
        }
        connectedCallback() {
          if (this.id) saveBars[this.id] = this;
        }
        disconnectedCallback() {
          // A bar that leaves the page with its page is hidden.
          if (this._showing) {
            this._showing = false;
            reportSaveBar(this);
          }
          if (saveBars[this.id] === this) delete saveBars[this.id];
        }
        get showing() {
          return this._showing;
        }
        show() {
          if (!this._showing) {
            this._showing = true;
            reportSaveBar(this);
            this.dispatchEvent(new Event("show"));
          }
          return Promise.resolve();
        }
        hide() {
          if (this._showing) {
            this._showing = false;
            reportSaveBar(this);
            this.dispatchEvent(new Event("hide"));
            if (!anySaveBarShowing()) settleLeaves();
          }
          return Promise.resolve();
        }
        toggle() {
          return this._showing ? this.hide() : this.show();
        }
      },
    );
  }

  function settleLeaves() {
    var waiting = pendingLeaves;
    pendingLeaves = [];
    waiting.forEach(function (resolve) { resolve(); });
  }

  function barById(id) {
    var element = saveBars[id] || document.getElementById(id);
    if (!element || element.localName !== "ui-save-bar") return Promise.reject(new Error("No ui-save-bar with id " + id));
    return Promise.resolve(element);
  }

  var saveBarApi = {
    show: function (id) { return barById(id).then(function (element) { return element.show(); }); },
    hide: function (id) { return barById(id).then(function (element) { return element.hide(); }); },
    toggle: function (id) { return barById(id).then(function (element) { return element.toggle(); }); },
    leaveConfirmation: function () {
      if (!anySaveBarShowing()) return Promise.resolve();
      return new Promise(function (resolve) {
        pendingLeaves.push(resolve);
        post({ type: "leave-confirmation" });
      });
    },
  };

  window.shopify.saveBar = saveBarApi;

  // The admin's bar and its leave dialog answer here.
  window.addEventListener("message", function (event) {
    if (event.origin !== hostOrigin || !event.data || event.data.source !== "shopify-admin") return;
    var message = event.data;
    if (message.type === "save-bar-action") {
      var element = saveBars[message.id];
      if (!element || !element._showing) return;
      var button = saveBarButtons(element)[message.action === "save" ? "save" : "discard"];
      if (button && !button.disabled) button.click();
    }
    if (message.type === "leave-confirmed") settleLeaves();
    if (message.type === "scopes-result" && pendingScopeRequests[message.id]) {
      var resolveScopes = pendingScopeRequests[message.id];
      delete pendingScopeRequests[message.id];
      resolveScopes(message.result === "granted-all" ? "granted-all" : "declined-all");
    }
  });

  if (window.location.pathname.endsWith("/auth/session-token")) {
    var reload = params.get("shopify-reload");
    idToken().then(function (token) {
      var target = new URL(reload || "/app", window.location.origin);
      target.searchParams.set("id_token", token);
      window.location.replace(target.toString());
    });
  }

  function reportNavigation() {
    var menu = document.querySelector("ui-nav-menu");
    var items = menu
      ? Array.prototype.map.call(menu.querySelectorAll("a"), function (link) {
          return { label: link.textContent.trim(), href: link.getAttribute("href"), home: link.getAttribute("rel") === "home" };
        })
      : [];
    post({ type: "navigation", items: items, path: window.location.pathname, title: document.title });
  }
  // Links to the admin itself (shopify://admin/<path>, App Bridge's Navigation
  // API) open in the admin, outside the app's frame: the host navigates.
  // https://shopify.dev/docs/api/app-home/apis/navigation
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
      var href = link ? link.getAttribute("href") || "" : "";
      if (!/^shopify:\/\/admin\//.test(href)) return;
      event.preventDefault();
      var adminPath = href.replace(/^shopify:\/\/admin/, "");
      if (link.getAttribute("target") === "_blank") {
        // A new tab of the admin; the app's page stays as it is.
        window.open(hostOrigin + "/store/" + shop.replace(/\.myshopify\.com$/, "") + adminPath, "_blank");
      } else {
        post({ type: "admin-navigate", path: adminPath });
      }
    },
    true,
  );

  // Web Vitals, as the admin gathers them: Shopify measures each load of the
  // app's page in the admin through App Bridge (LCP, CLS, INP; Built for
  // Shopify reads their 75th percentile), and hands each report to callbacks
  // registered with shopify.webVitals.onReport
  // (https://shopify.dev/docs/apps/build/performance/admin-installation-oauth,
  // https://shopify.dev/docs/api/app-bridge-library/apis/web-vitals). The
  // stand-in measures with Google's web-vitals library, here in the app's
  // frame, reporting every change (a metric's last report is its value for
  // the load), and tells the host page too, where `npm run bench -- vitals`
  // reads them. The app itself ships no reporter.
  var vitalsCallbacks = [];
  window.shopify.webVitals = {
    onReport: function (callback) {
      vitalsCallbacks.push(callback);
      return Promise.resolve();
    },
  };
  function reportVital(metric) {
    var report = { id: metric.id, name: metric.name, value: metric.value };
    post({ type: "web-vitals", metric: report, path: window.location.pathname });
    vitalsCallbacks.forEach(function (callback) {
      try {
        callback(report);
      } catch (error) {
        console.error(error);
      }
    });
  }
  var vitalsScript = document.createElement("script");
  vitalsScript.src = hostOrigin + "/web-vitals.js";
  vitalsScript.onload = function () {
    var vitals = window.webVitals;
    vitals.onLCP(reportVital, { reportAllChanges: true });
    vitals.onCLS(reportVital, { reportAllChanges: true });
    vitals.onINP(reportVital, { reportAllChanges: true });
    // Not Built for Shopify criteria: what LCP is made of (the server's answer, the first paint).
    vitals.onTTFB(reportVital);
    vitals.onFCP(reportVital);
  };
  document.head.appendChild(vitalsScript);

  new MutationObserver(reportNavigation).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("popstate", reportNavigation);
  var pushState = history.pushState;
  history.pushState = function () {
    pushState.apply(history, arguments);
    reportNavigation();
  };
  document.addEventListener("DOMContentLoaded", reportNavigation);
})();
