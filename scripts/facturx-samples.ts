// npm run facturx:samples -- --out DIR
// Writes the Factur-X PDF/A-3 (and its CII XML beside it) of each of the demo
// shop's French B2B scenarios (sandbox/demo/facturx-scenarios.ts) into DIR,
// sealed as the app issues them (PAdES; here by a self-signed certificate made
// for the run, as in the demo), and prints each document's size and
// generation time. Offline; no database.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildEInvoice, einvoiceProblems } from "../app/domain/einvoice";
import { facturXPdf } from "../app/services/documents/facturx-kit.server";
import { identityFromPem, selfSignedSealPem } from "../app/services/documents/seal-identity.server";
import { sealPdf } from "../app/services/documents/seal-pdf.server";
import { SCENARIOS } from "../sandbox/demo/facturx-scenarios";

const { values } = parseArgs({ options: { out: { type: "string" } } });
if (!values.out) {
  console.error("Usage: npm run facturx:samples -- --out DIR   (DIR is created if missing)");
  process.exit(2);
}
const out = path.resolve(values.out);
await mkdir(out, { recursive: true });
const identity = identityFromPem(await selfSignedSealPem());

for (const { name, input } of SCENARIOS) {
  const problems = einvoiceProblems(input);
  if (problems.length > 0) throw new Error(`scenario ${name}: ${problems.map((p) => `${p.field} ${p.code}`).join(", ")}`);
  const started = performance.now();
  const made = await facturXPdf(buildEInvoice(input));
  const xml = made.xml;
  const pdf = await sealPdf(made.pdf, { signedAt: new Date(), reason: `Facture ${input.number} (exemple)`, identity });
  const ms = performance.now() - started;
  const file = path.join(out, `${input.number}-${name}.pdf`);
  await writeFile(file, pdf);
  await writeFile(file.replace(/\.pdf$/, ".xml"), xml);
  console.log(`${path.basename(file)}  ${(pdf.length / 1024).toFixed(1)} KiB PDF, ${(xml.length / 1024).toFixed(1)} KiB XML, ${ms.toFixed(0)} ms`);
}
