// Admin UI extension runtime stand-in, served by the offline admin host
// (sandbox/admin-host) to the frame an admin action runs in.
//
// It gives an extension's bundle what the Shopify admin gives it (API
// 2025-10 and later, Preact + Polaris web components):
// - the `shopify` global of an action target: extension.target, data.selected,
//   close(), auth.idToken(), i18n (translate from the extension's locale files,
//   formatNumber/Currency/Date);
// - fetch(): a relative URL resolves against the app's URL, and a request to
//   the app carries `Authorization: Bearer <session token>` (minted by the
//   host server with the app's secret, so the app's authenticate.admin runs);
//   the frame's origin is not the app's, so the browser's CORS rules apply;
// - the Polaris web components the extension uses (s-admin-action, s-button,
//   s-select, s-date-field…), as small custom elements with shadow DOM over
//   native controls: same properties, slots and events as Shopify's, not
//   Shopify's looks;
// - links: `app:<path>` opens that page of the app in the admin (here: the
//   admin host page framing the app at that path);
// - print actions (admin.order-details.print-action.render): the admin, not
//   the extension, previews and prints the document <s-admin-print-action>
//   names by `src` (HTML, PDF or image; no `src` → an empty preview and a
//   disabled Print button). Here the element loads `src` the way an extension
//   fetch does (relative → the app's URL, with the session token), shows it
//   in a preview frame, and its Print button prints that frame
//   (https://shopify.dev/docs/api/admin-extensions/latest/web-components/settings-and-templates/admin-print-action).
// Reads its configuration from window.__ADMIN_EXTENSION__ (set by the host page).
(function () {
  "use strict";
  var config = window.__ADMIN_EXTENSION__;
  var originalFetch = window.fetch.bind(window);
  var appOrigin = new URL(config.appUrl).origin;

  // -------------------------------------------------------------------------
  // i18n: the admin picks the locale file matching the merchant's language
  // and falls back, key by key, to the default locale's file.
  // -------------------------------------------------------------------------
  function lookup(messages, key) {
    return key.split(".").reduce(function (node, part) {
      return node && typeof node === "object" ? node[part] : undefined;
    }, messages);
  }
  var pluralRules = new Intl.PluralRules(config.locale);
  function translate(key, options) {
    var values = options || {};
    var found = lookup(config.messages, key);
    if (found === undefined) found = lookup(config.defaultMessages, key);
    if (found && typeof found === "object" && "count" in values) found = found[pluralRules.select(Number(values.count))] || found.other;
    if (typeof found !== "string") {
      // The admin shows nothing useful for a missing key either; say it loudly here.
      console.error("[admin stand-in] missing translation: " + key);
      return key;
    }
    return found.replace(/\{\{\s*(\w+)\s*\}\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  // -------------------------------------------------------------------------
  // Session tokens and fetch
  // -------------------------------------------------------------------------
  var cached = null;
  function idToken() {
    if (cached && cached.expiresAt - 10 > Date.now() / 1000) return Promise.resolve(cached.token);
    return originalFetch("/session-token?shop=" + encodeURIComponent(config.shop))
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
    var raw = typeof input === "string" || input instanceof URL ? String(input) : input.url;
    if (/^shopify:/.test(raw)) return Promise.reject(new TypeError("The admin stand-in does not serve shopify:admin (direct Admin API access): " + raw));
    // Relative URLs are the app's, not the page's.
    var url = new URL(raw, config.appUrl);
    var request = new Request(url, input instanceof Request ? input : init);
    if (url.origin !== appOrigin || request.headers.has("Authorization")) return originalFetch(request);
    return idToken().then(function (token) {
      var headers = new Headers(request.headers);
      headers.set("Authorization", "Bearer " + token);
      return originalFetch(new Request(request, { headers: headers }));
    });
  };

  // -------------------------------------------------------------------------
  // Navigation and closing (the host page owns the modal)
  // -------------------------------------------------------------------------
  function navigate(href) {
    if (/^app:/.test(href) || href.charAt(0) === "/") {
      var appPath = "/" + href.replace(/^app:/, "").replace(/^\//, "");
      window.top.location.href = config.hostUrl + "/?locale=" + encodeURIComponent(config.locale) + "&path=" + encodeURIComponent(appPath);
    } else if (/^shopify:\/\/admin\//.test(href)) {
      // A page of the admin itself (e.g. Shopify's plan-selection page).
      window.top.location.href = config.hostUrl + "/store/" + config.shop.replace(/\.myshopify\.com$/, "") + href.replace(/^shopify:\/\/admin/, "");
    } else if (/^https?:/.test(href)) {
      window.open(href, "_blank", "noopener");
    } else {
      throw new Error("The admin stand-in cannot follow " + href);
    }
  }

  window.shopify = {
    extension: { target: config.target },
    data: { selected: config.selected.map(function (id) { return { id: id }; }) },
    close: function () {
      window.parent.postMessage({ source: "admin-extension", type: "close", handle: config.handle }, window.location.origin);
    },
    auth: { idToken: idToken },
    i18n: {
      translate: translate,
      formatNumber: function (number, options) {
        return new Intl.NumberFormat(config.locale, options).format(number);
      },
      formatCurrency: function (number, options) {
        return new Intl.NumberFormat(config.locale, Object.assign({ style: "currency" }, options)).format(number);
      },
      formatDate: function (date, options) {
        return new Intl.DateTimeFormat(config.locale, options).format(date);
      },
    },
    query: function () {
      return Promise.reject(new Error("The admin stand-in has no direct Admin API access (shopify.query)."));
    },
  };

  // -------------------------------------------------------------------------
  // Polaris web components (the ones extensions here use)
  // -------------------------------------------------------------------------
  var BASE_STYLE = ":host{display:block;font:14px/1.4 system-ui,sans-serif;color:#303030}[hidden]{display:none!important}";

  function define(tag, properties, render, setup) {
    var Element = class extends HTMLElement {
      static get observedAttributes() {
        return properties.map(function (name) { return name.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }); });
      }
      constructor() {
        super();
        this._values = {};
        this.attachShadow({ mode: "open" });
        if (setup) setup(this);
      }
      connectedCallback() {
        render.call(this);
      }
      attributeChangedCallback() {
        if (this.isConnected) render.call(this);
      }
    };
    properties.forEach(function (name) {
      var attribute = name.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
      Object.defineProperty(Element.prototype, name, {
        get: function () {
          if (name in this._values) return this._values[name];
          var value = this.getAttribute(attribute);
          return value === "" ? true : value;
        },
        set: function (value) {
          this._values[name] = value;
          if (this.isConnected) render.call(this);
        },
      });
    });
    customElements.define(tag, Element);
  }

  function shadow(element, html) {
    if (!element._rendered) {
      element.shadowRoot.innerHTML = "<style>" + BASE_STYLE + "</style>" + html;
      element._rendered = true;
    }
    return element.shadowRoot;
  }
  function part(element, name) {
    return element.shadowRoot.querySelector('[data-part="' + name + '"]');
  }
  function text(value) {
    return value === undefined || value === null || value === false ? "" : String(value);
  }

  define("s-admin-action", ["heading", "loading"], function () {
    var root = shadow(
      this,
      '<style>:host{display:flex;flex-direction:column;height:100%}header{padding:12px 16px;border-bottom:1px solid #e3e3e3}h2{margin:0;font-size:16px}' +
        ".body{padding:16px;flex:1;overflow:auto}footer{display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #e3e3e3}</style>" +
        '<header><h2 data-part="heading"></h2></header><div class="body"><div data-part="loading" role="progressbar" aria-label="Loading">Loading…</div>' +
        '<div data-part="content"><slot></slot></div></div><footer><slot name="secondary-actions"></slot><slot name="primary-action"></slot></footer>',
    );
    root.querySelector('[data-part="heading"]').textContent = text(this.heading) || config.extensionName;
    var loading = Boolean(this.loading) && this.loading !== "false";
    part(this, "loading").hidden = !loading;
    part(this, "content").inert = loading;
  });

  define("s-stack", ["direction", "gap"], function () {
    var root = shadow(this, '<div data-part="stack" style="display:flex"><slot></slot></div>');
    var stack = root.querySelector('[data-part="stack"]');
    stack.style.flexDirection = this.direction === "inline" ? "row" : "column";
    stack.style.gap = this.gap ? "12px" : "0";
  });
  define("s-box", [], function () {
    shadow(this, "<slot></slot>");
  });
  define("s-section", ["heading"], function () {
    shadow(this, '<h3 data-part="heading"></h3><slot></slot>');
    part(this, "heading").textContent = text(this.heading);
    part(this, "heading").hidden = !this.heading;
  });
  define("s-heading", [], function () {
    shadow(this, '<h3 style="margin:0;font-size:14px"><slot></slot></h3>');
  });
  define("s-text", ["type", "color", "tone"], function () {
    shadow(this, '<span data-part="text"><slot></slot></span>');
    part(this, "text").style.fontWeight = this.type === "strong" ? "600" : "";
    part(this, "text").style.color = this.color === "subdued" ? "#616161" : "";
  });
  define("s-paragraph", [], function () {
    shadow(this, '<p style="margin:0"><slot></slot></p>');
  });
  define("s-divider", [], function () {
    shadow(this, "<hr>");
  });
  define("s-unordered-list", [], function () {
    this.setAttribute("role", "list");
    shadow(this, '<div style="padding-left:20px"><slot></slot></div>');
  });
  define("s-list-item", [], function () {
    this.setAttribute("role", "listitem");
    shadow(this, "<style>:host{display:list-item}</style><slot></slot>");
  });
  define("s-spinner", ["accessibilityLabel"], function () {
    shadow(this, '<span role="progressbar" data-part="spinner">…</span>');
    part(this, "spinner").setAttribute("aria-label", text(this.accessibilityLabel) || "Loading");
  });
  define("s-banner", ["tone", "heading"], function () {
    shadow(this, '<div data-part="banner" style="padding:12px;border-radius:8px"><strong data-part="heading"></strong><div><slot></slot></div></div>');
    var banner = part(this, "banner");
    banner.setAttribute("role", this.tone === "critical" ? "alert" : "status");
    banner.style.background = { critical: "#fee9e8", success: "#cdfee1", warning: "#fff1e3" }[this.tone] || "#eaf4ff";
    part(this, "heading").textContent = text(this.heading);
    part(this, "heading").hidden = !this.heading;
  });

  function isOn(value) {
    return Boolean(value) && value !== "false";
  }

  define(
    "s-button",
    ["variant", "loading", "disabled", "href", "target", "accessibilityLabel"],
    function () {
      // The element is exactly its button: a click on it is a click on the (maybe disabled) button.
      shadow(this, '<style>:host{display:inline-block}</style><button data-part="button" type="button" style="font:inherit;padding:6px 12px;border-radius:8px"><slot></slot></button>');
      var button = part(this, "button");
      var busy = isOn(this.loading);
      button.disabled = isOn(this.disabled) || busy;
      button.setAttribute("aria-busy", busy ? "true" : "false");
      if (this.accessibilityLabel) button.setAttribute("aria-label", this.accessibilityLabel);
      button.style.background = this.variant === "primary" ? "#303030" : "#fff";
      button.style.color = this.variant === "primary" ? "#fff" : "#303030";
    },
    function (element) {
      // Follows `href` once the extension's own onClick (a later listener on
      // the same element) has run, as a link button does in the admin.
      element.addEventListener("click", function () {
        if (element.href && !part(element, "button").disabled) setTimeout(function () { navigate(String(element.href)); }, 0);
      });
    },
  );

  define(
    "s-link",
    ["href", "target", "accessibilityLabel"],
    function () {
      shadow(this, '<a data-part="link" href="#"><slot></slot></a>');
    },
    function (element) {
      element.addEventListener("click", function (event) {
        event.preventDefault();
        if (element.href) navigate(String(element.href));
      });
    },
  );

  // Form fields: the value lives on the element; `input` (composed) reaches the
  // extension's onInput by itself, `change` is re-dispatched on the element.
  function fieldChrome(element, control) {
    return shadow(
      element,
      '<label style="display:grid;gap:4px"><span data-part="label"></span>' + control + "</label>" +
        '<div data-part="details" style="color:#616161;font-size:13px"></div><div data-part="error" role="alert" style="color:#8e1f0b"></div>',
    );
  }
  function renderFieldChrome(element, control) {
    part(element, "label").textContent = text(element.label);
    part(element, "details").textContent = text(element.details);
    part(element, "details").hidden = !element.details;
    part(element, "error").textContent = text(element.error);
    part(element, "error").hidden = !element.error;
    control.setAttribute("aria-invalid", element.error ? "true" : "false");
    control.disabled = isOn(element.disabled);
  }
  function wireField(element, control) {
    if (element._wired) return;
    element._wired = true;
    control.addEventListener("input", function () {
      element._values.value = control.value;
    });
    control.addEventListener("change", function () {
      element._values.value = control.value;
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  define("s-option", ["value", "disabled", "selected"], function () {
    shadow(this, "<style>:host{display:none}</style>");
    var select = this.closest("s-select");
    if (select && select.isConnected) select._syncOptions();
  });

  define(
    "s-select",
    ["label", "value", "error", "details", "disabled"],
    function () {
      fieldChrome(this, '<select data-part="control"></select>');
      var control = part(this, "control");
      wireField(this, control);
      renderFieldChrome(this, control);
      this._syncOptions();
    },
    function (element) {
      element._syncOptions = function () {
        var control = part(element, "control");
        if (!control) return;
        var options = Array.prototype.map.call(element.querySelectorAll("s-option"), function (option) {
          var native = document.createElement("option");
          native.value = text(option.value);
          native.textContent = option.textContent;
          native.disabled = isOn(option.disabled);
          return native;
        });
        control.replaceChildren.apply(control, options);
        control.value = text(element.value);
      };
      new MutationObserver(function () { element._syncOptions(); }).observe(element, { childList: true, subtree: true, characterData: true, attributes: true });
    },
  );

  define(
    "s-date-field",
    ["label", "value", "error", "details", "disabled", "allow"],
    function () {
      fieldChrome(this, '<input data-part="control" type="date">');
      var control = part(this, "control");
      wireField(this, control);
      renderFieldChrome(this, control);
      if (control.value !== text(this.value)) control.value = text(this.value);
      // allow="2026-03-01--": from that date on (the only range form the extensions here use).
      var from = /^(\d{4}-\d{2}-\d{2})--$/.exec(text(this.allow));
      if (from) control.min = from[1];
    },
  );

  // Choice lists: radios (or checkboxes with `multiple`) from the s-choice
  // children; `values` holds the chosen values; `change` on the element.
  define("s-choice", ["value", "disabled", "selected"], function () {
    shadow(this, "<style>:host{display:none}</style>");
    var list = this.closest("s-choice-list");
    if (list && list.isConnected) list._syncChoices();
  });
  define(
    "s-choice-list",
    ["label", "name", "multiple", "disabled", "error", "values"],
    function () {
      shadow(this, '<fieldset style="border:0;padding:0;margin:0"><legend data-part="label" style="padding:0;margin-bottom:4px"></legend><div data-part="choices" style="display:grid;gap:6px"></div></fieldset><div data-part="error" role="alert" style="color:#8e1f0b"></div>');
      part(this, "label").textContent = text(this.label);
      part(this, "error").textContent = text(this.error);
      part(this, "error").hidden = !this.error;
      this._syncChoices();
    },
    function (element) {
      element._syncChoices = function () {
        var holder = part(element, "choices");
        if (!holder) return;
        var chosen = Array.isArray(element.values) ? element.values.map(String) : [];
        var type = isOn(element.multiple) ? "checkbox" : "radio";
        var name = text(element.name) || "choice";
        var labels = Array.prototype.map.call(element.querySelectorAll("s-choice"), function (choice) {
          var label = document.createElement("label");
          label.style.display = "flex";
          label.style.gap = "6px";
          var input = document.createElement("input");
          input.type = type;
          input.name = name;
          input.value = text(choice.value);
          input.checked = chosen.indexOf(input.value) !== -1 || (chosen.length === 0 && isOn(choice.selected));
          input.disabled = isOn(choice.disabled) || isOn(element.disabled);
          input.addEventListener("change", function () {
            var inputs = holder.querySelectorAll("input");
            element._values.values = Array.prototype.filter.call(inputs, function (each) { return each.checked; }).map(function (each) { return each.value; });
            element.dispatchEvent(new Event("input", { bubbles: true }));
            element.dispatchEvent(new Event("change", { bubbles: true }));
          });
          var caption = document.createElement("span");
          caption.textContent = choice.textContent;
          label.append(input, caption);
          return label;
        });
        holder.replaceChildren.apply(holder, labels);
      };
      new MutationObserver(function () { element._syncChoices(); }).observe(element, { childList: true, subtree: true, characterData: true, attributes: true });
    },
  );

  var PRINT_WORDS = /^fr/.test(config.locale)
    ? { print: "Imprimer", empty: "Rien à imprimer pour l’instant.", preview: "Aperçu avant impression", failed: "Le document n’a pas pu être chargé" }
    : { print: "Print", empty: "Nothing to print yet.", preview: "Print preview", failed: "The document could not be loaded" };

  define(
    "s-admin-print-action",
    ["src"],
    function () {
      renderPrintAction(this);
    },
  );

  function renderPrintAction(element) {
      var root = shadow(
        element,
        '<style>:host{display:grid;grid-template:1fr auto / minmax(220px,1fr) 2fr;height:100vh}.controls{padding:16px;overflow:auto;border-right:1px solid #e3e3e3}.preview{position:relative;background:#f1f1f1}' +
          "iframe{border:0;width:100%;height:100%;background:#fff}.empty{padding:16px;color:#616161}footer{grid-column:1/3;display:flex;justify-content:flex-end;padding:12px 16px;border-top:1px solid #e3e3e3}</style>" +
          '<div class="controls"><slot></slot></div><div class="preview"><p class="empty" data-part="empty"></p><iframe data-part="preview"></iframe></div>' +
          '<footer><button type="button" data-part="print" style="font:inherit;padding:6px 12px;border-radius:8px;background:#303030;color:#fff"></button></footer>',
      );
      var frame = root.querySelector('[data-part="preview"]');
      var print = root.querySelector('[data-part="print"]');
      frame.title = PRINT_WORDS.preview;
      print.textContent = PRINT_WORDS.print;
      if (!print._wired) {
        print._wired = true;
        print.addEventListener("click", function () {
          element.setAttribute("data-printed", String(Number(element.getAttribute("data-printed") || "0") + 1));
          try {
            frame.contentWindow.print();
          } catch (error) {
            console.error("[admin stand-in] print failed: " + error);
          }
        });
      }
      var src = text(element.src);
      if (src === element._loadedSrc) return;
      element._loadedSrc = src;
      if (element._objectUrl) URL.revokeObjectURL(element._objectUrl);
      element._objectUrl = null;
      frame.hidden = true;
      print.disabled = true;
      element.removeAttribute("data-preview-type");
      element.removeAttribute("data-preview-status");
      part(element, "empty").textContent = PRINT_WORDS.empty;
      part(element, "empty").hidden = false;
      if (!src) return;
      window
        .fetch(src)
        .then(function (response) {
          return response.blob().then(function (blob) {
            if (src !== element._loadedSrc) return;
            element.setAttribute("data-preview-status", String(response.status));
            element.setAttribute("data-preview-type", (response.headers.get("Content-Type") || "").split(";")[0]);
            if (!response.ok) {
              part(element, "empty").textContent = PRINT_WORDS.failed + " (" + response.status + ").";
              return;
            }
            element._objectUrl = URL.createObjectURL(blob);
            frame.src = element._objectUrl;
            frame.hidden = false;
            part(element, "empty").hidden = true;
            print.disabled = false;
          });
        })
        .catch(function (error) {
          if (src !== element._loadedSrc) return;
          element.setAttribute("data-preview-status", "network-error");
          part(element, "empty").textContent = PRINT_WORDS.failed + ": " + error;
        });
  }

  // -------------------------------------------------------------------------
  // Launch
  // -------------------------------------------------------------------------
  window.launchAdminExtension = function () {
    return import(config.bundleUrl)
      .then(function (module) {
        return module.default();
      })
      .then(function () {
        // A component the stand-in lacks would render as nothing: fail loudly instead.
        setTimeout(function () {
          var missing = Array.prototype.filter.call(document.querySelectorAll(":not(:defined)"), function (element) {
            return element.localName.indexOf("s-") === 0;
          });
          if (missing.length > 0) {
            var names = missing.map(function (element) { return element.localName; }).join(", ");
            console.error("[admin stand-in] Polaris components not provided by the stand-in: " + names);
            document.documentElement.setAttribute("data-missing-components", names);
          }
        }, 500);
      });
  };
})();
