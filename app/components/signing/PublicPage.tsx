// The frame of the public pages (/sign/<token>, /verify): plain HTML and CSS,
// no Polaris (these pages live outside the Shopify admin), readable on a
// phone first, with a language switch that keeps the visitor on the page.
import type { ReactNode } from "react";
import { SUPPORTED_LOCALES, type Locale } from "~/i18n";

const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", fr: "Français" };

const CSS = `
.public { box-sizing: border-box; max-width: 760px; margin: 0 auto; padding: 16px; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f3b; }
.public *, .public *::before, .public *::after { box-sizing: inherit; }
.public h1 { font-size: 1.5rem; margin: 0 0 4px; }
.public h2 { font-size: 1.15rem; margin: 24px 0 8px; }
.public .top { display: flex; justify-content: flex-end; gap: 12px; font-size: .9rem; margin-bottom: 8px; }
.public .top a[aria-current="true"] { font-weight: 600; text-decoration: none; color: inherit; }
.public .muted { color: #5c6078; }
.public .hint { color: #5c6078; font-size: .9rem; margin: 0 0 8px; }
.public table { width: 100%; border-collapse: collapse; margin: 16px 0; font-size: .95rem; }
.public th, .public td { padding: 6px 4px; border-bottom: 1px solid #e3e5ee; text-align: left; vertical-align: top; }
.public th.num, .public td.num { text-align: right; white-space: nowrap; }
.public tfoot td { border-bottom: none; }
.public tfoot tr.total td { font-weight: 700; font-size: 1.05rem; border-top: 2px solid #1b1f3b; }
.public .card { border: 1px solid #e3e5ee; border-radius: 12px; padding: 16px; margin: 16px 0; background: #fff; }
.public .banner { border-radius: 12px; padding: 12px 16px; margin: 16px 0; }
.public .banner.ok { background: #e7f6ec; border: 1px solid #9fd8b3; }
.public .banner.bad { background: #fdecea; border: 1px solid #f2b8b0; }
.public .banner.info { background: #eef2fd; border: 1px solid #bccbf5; }
.public .button { display: inline-block; border: 0; border-radius: 10px; padding: 12px 20px; font: inherit; font-weight: 600; cursor: pointer; text-decoration: none; text-align: center; }
.public .button.primary { background: #1b1f3b; color: #fff; }
.public .button.secondary { background: #eef0f7; color: #1b1f3b; }
.public .button[disabled] { opacity: .6; cursor: progress; }
.public .actions { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.public .link-button { background: none; border: 0; padding: 4px 0; color: #3451b2; font: inherit; text-decoration: underline; cursor: pointer; }
.public .pad-label, .public label.field { display: block; font-weight: 600; margin: 16px 0 4px; }
.public .pad-canvas { display: block; width: 100%; height: 200px; border: 2px dashed #b8bccf; border-radius: 10px; background: #fcfcfe; touch-action: none; }
.public input[type="text"], .public input[type="file"] { width: 100%; font: inherit; padding: 10px 12px; border: 1px solid #b8bccf; border-radius: 8px; }
.public .consent { display: flex; gap: 10px; align-items: flex-start; margin: 16px 0; }
.public .consent input { width: 22px; height: 22px; flex: none; margin-top: 2px; }
.public .error { color: #b42318; font-size: .9rem; margin: 4px 0 0; }
.public code { word-break: break-all; font-size: .85rem; }
@media (max-width: 480px) { .public { padding: 12px; } .public table { font-size: .85rem; } .public .button { width: 100%; } }
`;

type Props = {
  locale: Locale;
  /** Label of the language switch ("Language"). */
  languageLabel: string;
  children: ReactNode;
};

/** Wraps a public page's content; `?lang=` links switch its language in place. */
export function PublicPage({ locale, languageLabel, children }: Props) {
  return (
    <div className="public" lang={locale}>
      <style>{CSS}</style>
      <nav className="top" aria-label={languageLabel}>
        {SUPPORTED_LOCALES.map((code) => (
          <a key={code} href={`?lang=${code}`} hrefLang={code} lang={code} aria-current={code === locale ? "true" : undefined}>
            {LANGUAGE_NAMES[code]}
          </a>
        ))}
      </nav>
      <main>{children}</main>
    </div>
  );
}
