import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { resolveLocale, translator } from "~/i18n";

// The public landing page. Opened from the Shopify admin (a `shop` param is
// present), it forwards to the embedded app.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return { locale: resolveLocale(request.headers.get("accept-language")) };
};

export default function Landing() {
  const { locale } = useLoaderData<typeof loader>();
  const t = translator(locale);
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", padding: "0 1rem" }}>
      <h1>{t("landing.title")}</h1>
      <p>{t("landing.body")}</p>
    </main>
  );
}
