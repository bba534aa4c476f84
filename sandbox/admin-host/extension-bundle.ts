// Builds an admin UI extension of extensions/ the way `shopify app build`
// does for the admin: one minified ES module bundle of the target's module
// (esbuild, Preact JSX), plus its locale files. The admin host stand-in
// serves the result to its extension runtime (admin-extension-runtime.js).
//
// Demo and tests only.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

export type AdminExtensionBundle = {
  handle: string;
  /** The toml's `name`: the menu entry; "t:<key>" is a key of the locale files. */
  name: string;
  /** e.g. "admin.order-details.action.render", "admin.order-details.print-action.render". */
  target: string;
  apiVersion: string;
  /** The bundle: an ES module whose default export renders the extension. */
  script: string;
  /** Locale → the parsed locale file (nested keys, "{{name}}" placeholders). */
  locales: Record<string, unknown>;
  /** The locale of `<locale>.default.json`: what any missing key falls back to. */
  defaultLocale: string;
};

/** Shopify's limit on a compiled UI extension (checked at `shopify app deploy`). */
export const MAX_EXTENSION_BUNDLE_BYTES = 64 * 1024;

/** The few shopify.extension.toml settings the stand-in needs; refuses a file it cannot read rather than guessing. */
type ExtensionToml = { name: string; handle: string; target: string; module: string; apiVersion: string };

function readExtensionToml(directory: string): ExtensionToml {
  const file = path.join(directory, "shopify.extension.toml");
  const toml = fs.readFileSync(file, "utf8").replace(/#.*$/gm, "");
  const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*"([^"]+)"`, "m").exec(toml)?.[1];
  const settings = { name: value("name"), handle: value("handle"), target: value("target"), module: value("module"), apiVersion: value("api_version") };
  const missing = Object.entries(settings).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length > 0) throw new Error(`${file}: no ${missing.join(", ")} found.`);
  if ((toml.match(/\[\[extensions\.targeting\]\]/g) ?? []).length !== 1) throw new Error(`${file}: an admin action or print action has exactly one [[extensions.targeting]].`);
  return settings as ExtensionToml;
}

export async function bundleAdminExtension(directory: string): Promise<AdminExtensionBundle> {
  const { name, handle, target, module, apiVersion } = readExtensionToml(directory);
  const result = await build({
    entryPoints: [path.resolve(directory, module)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: true,
    write: false,
    jsx: "automatic",
    jsxImportSource: "preact",
    logLevel: "silent",
  });
  const script = result.outputFiles[0]?.text;
  if (!script) throw new Error(`esbuild produced no bundle for ${module}.`);

  const localeDirectory = path.join(directory, "locales");
  const locales: Record<string, unknown> = {};
  let defaultLocale = "";
  for (const name of fs.readdirSync(localeDirectory).filter((file) => file.endsWith(".json"))) {
    const locale = name.replace(/(\.default)?\.json$/, "");
    locales[locale] = JSON.parse(fs.readFileSync(path.join(localeDirectory, name), "utf8"));
    if (name.endsWith(".default.json")) defaultLocale = locale;
  }
  if (!defaultLocale) throw new Error(`${localeDirectory}: no <locale>.default.json.`);
  return { name, handle, target, apiVersion, script, locales, defaultLocale };
}
