/**
 * The official e-invoice validators, run on a CII document — independent of
 * the generator (they share no code with factur-x-kit or with our mapping):
 * - CEN EN 16931 CII business rules 1.3.16,
 * - Factur-X 1.09 EN 16931 Schematron,
 * - the French reform's BR-FR "Flux 2" 1.4 rules,
 * run as precompiled SaxonJS SEFs, and the Factur-X 1.09 EN 16931 XSD run by
 * libxml2 (xmllint-wasm). Artefacts: tests/fixtures/einvoice/ (see its README).
 *
 * Severities (learnt from the artefacts, ../shared/einvoice/README.md): CEN
 * flags `fatal` or `warning`; BR-FR flags `fatal`; Factur-X asserts mostly
 * carry no flag, so an assert without a flag is an error, and so is a
 * `successful-report`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { validateXML } from "xmllint-wasm";

const require = createRequire(import.meta.url);
// saxon-js ships CommonJS without types.
const SaxonJS = require("saxon-js") as {
  transform(options: Record<string, unknown>, mode: "async"): Promise<{ principalResult: string }>;
};

const ROOT = path.resolve(import.meta.dirname, "../fixtures/einvoice");

export const SCHEMATRONS = {
  cen: "EN16931-CII-validation.sef.json",
  facturx: "FACTUR-X_EN16931.sef.json",
  brfr: "BR-FR-Flux2-Schematron-CII.sef.json",
} as const;
export type Schematron = keyof typeof SCHEMATRONS;

export type Finding = { source: Schematron | "xsd"; id: string; severity: "error" | "warning"; text: string; location?: string };

const sefCache = new Map<Schematron, unknown>();
function sef(which: Schematron): unknown {
  let compiled = sefCache.get(which);
  if (!compiled) {
    compiled = JSON.parse(readFileSync(path.join(ROOT, "sef", SCHEMATRONS[which]), "utf8"));
    sefCache.set(which, compiled);
  }
  return compiled;
}

/** The SVRL findings of one Schematron on `xml` (errors and warnings). */
export async function runSchematron(which: Schematron, xml: string): Promise<Finding[]> {
  const file = path.join(ROOT, "sef", SCHEMATRONS[which]);
  const result = await SaxonJS.transform(
    {
      stylesheetInternal: sef(which),
      // FACTUR-X_EN16931 reads its codedb with document(), relative to this.
      stylesheetBaseURI: pathToFileURL(file).href,
      sourceText: xml,
      destination: "serialized",
    },
    "async",
  );
  return parseSvrl(which, result.principalResult);
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function parseSvrl(source: Schematron, svrl: string): Finding[] {
  const findings: Finding[] = [];
  const pattern = /<svrl:(failed-assert|successful-report)\b([^>]*)>([\s\S]*?)<\/svrl:\1>/g;
  for (const match of svrl.matchAll(pattern)) {
    const [, , attributes = "", body = ""] = match;
    const flag = attribute(attributes, "flag");
    const text = /<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(body)?.[1]?.trim() ?? "";
    findings.push({
      source,
      id: attribute(attributes, "id") ?? (/\[([A-Z]+-[A-Z0-9-]+)\]/.exec(text)?.[1] ?? "?"),
      severity: flag === "warning" || flag === "information" ? "warning" : "error",
      text,
      location: attribute(attributes, "location"),
    });
  }
  return findings;
}

let xsdFiles: { fileName: string; contents: string }[] | undefined;

/** XSD errors of `xml` against the Factur-X 1.09 EN 16931 schema. */
export async function runXsd(xml: string): Promise<Finding[]> {
  xsdFiles ??= ["Factur-X_EN16931.xsd",
    "Factur-X_1.09_EN16931_urn_un_unece_uncefact_data_standard_QualifiedDataType_100.xsd",
    "Factur-X_1.09_EN16931_urn_un_unece_uncefact_data_standard_ReusableAggregateBusinessInformationEntity_100.xsd",
    "Factur-X_1.09_EN16931_urn_un_unece_uncefact_data_standard_UnqualifiedDataType_100.xsd",
  ].map((fileName) => ({ fileName, contents: readFileSync(path.join(ROOT, "xsd", fileName), "utf8") }));
  const [main, ...imports] = xsdFiles;
  const result = await validateXML({ xml: [{ fileName: "factur-x.xml", contents: xml }], schema: [main!], preload: imports });
  return result.errors.map((error) => ({ source: "xsd", id: "XSD", severity: "error", text: error.message, location: String(error.loc?.lineNumber ?? "") }));
}

/** Every finding of the four validators. */
export async function validateCii(xml: string): Promise<Finding[]> {
  const [xsd, cen, facturx, brfr] = await Promise.all([runXsd(xml), runSchematron("cen", xml), runSchematron("facturx", xml), runSchematron("brfr", xml)]);
  return [...xsd, ...cen, ...facturx, ...brfr];
}

export const errorsOf = (findings: Finding[]) => findings.filter((finding) => finding.severity === "error");
export const describeFindings = (findings: Finding[]) => findings.map((f) => `${f.source} ${f.id}: ${f.text.slice(0, 200)}`).join("\n");
