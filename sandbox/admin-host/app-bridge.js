// App Bridge stand-in, served by the offline admin host (sandbox/admin-host)
// in place of https://cdn.shopify.com/shopifycloud/app-bridge.js.
//
// It does, for the app inside the iframe, what App Bridge does there:
// - defines `window.shopify` (idToken, toast, loading, config, environment);
// - adds `Authorization: Bearer <session token>` to the app's own fetches;
// - completes the session-token bounce page (/auth/session-token) by
//   reloading with a fresh `id_token`;
// - tells the host page the app's navigation menu (<ui-nav-menu>) and title.
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
  };

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
  new MutationObserver(reportNavigation).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("popstate", reportNavigation);
  var pushState = history.pushState;
  history.pushState = function () {
    pushState.apply(history, arguments);
    reportNavigation();
  };
  document.addEventListener("DOMContentLoaded", reportNavigation);
})();
