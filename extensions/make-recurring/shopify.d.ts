// The `shopify` global the admin gives this extension's module, typed for
// its target (what Shopify CLI generates for an extension, in this
// repository's lint style).
import "@shopify/ui-extensions";
import type { Api } from "@shopify/ui-extensions/admin.order-details.action.render";

declare module "./src/ActionExtension.tsx" {
  const shopify: Api;
  const globalThis: { shopify: typeof shopify };
}
