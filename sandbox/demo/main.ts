// `npm run demo`: the whole product offline, on this machine. Prints one URL.
import { fileURLToPath } from "node:url";
import { bundleAdminExtension } from "../admin-host/extension-bundle";
import { startDemoStack } from "./stack";

const fresh = process.argv.includes("--fresh");
try {
  const stack = await startDemoStack({
    fresh,
    // DEMO_DATABASE_FILE: another SQLite file than data/demo.sqlite (the demo's start test uses one of its own).
    ...(process.env.DEMO_DATABASE_FILE ? { databaseFile: process.env.DEMO_DATABASE_FILE } : {}),
    appPort: Number(process.env.PORT ?? 3000),
    hostPort: Number(process.env.DEMO_HOST_PORT ?? 3100),
    extensions: [
      await bundleAdminExtension(fileURLToPath(new URL("../../extensions/make-recurring", import.meta.url))),
      await bundleAdminExtension(fileURLToPath(new URL("../../extensions/print-recurring", import.meta.url))),
    ],
  });
  const firstOrder = stack.shopify.control.orders(stack.shop).find((order) => order.name === "#1001");
  console.log(
    [
      "",
      "Ritournelle demo is running (offline: Shopify and Stripe are local stand-ins).",
      "",
      `  Open ${stack.hostUrl}`,
      ...(firstOrder ? [`  An order's page with the "Make recurring" admin action (and "Print recurring invoice" in its Print menu): ${stack.hostUrl}/orders/${firstOrder.id.split("/").pop()}`] : []),
      "",
      `  Shop: ${stack.shop} · Stripe stand-in: ${stack.stripe.url} · Shopify stand-in: ${stack.shopify.url}`,
      "  Use the clock buttons at the top of the page to move time forward and watch invoices being issued.",
      "  Ctrl-C stops everything. `npm run demo -- --fresh` starts again from an empty database.",
      "",
    ].join("\n"),
  );
  const stop = () => {
    void stack.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
