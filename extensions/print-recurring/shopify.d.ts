// The `shopify` global the admin gives this extension's module, typed for
// its target (what Shopify CLI generates for an extension, in this
// repository's lint style).
import "@shopify/ui-extensions";
import type { Api } from "@shopify/ui-extensions/admin.order-details.print-action.render";

declare module "./src/PrintExtension.tsx" {
  const shopify: Api;
  const globalThis: { shopify: typeof shopify };
}
