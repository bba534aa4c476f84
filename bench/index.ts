// `npm run bench`: every bench section, in order. Each prints its own table and
// returns its figures with their targets (bench/targets.ts); at the end the
// summary is printed, written to bench/results.json, and the process exits 1
// when any target was missed.
//
//   npm run bench                 every section
//   npm run bench -- stripe       only the sections whose name contains "stripe"
//   npm run bench -- claim        the due claim on SQLite and PostgreSQL (bench/claim.ts)
//   npm run bench -- workers      issuing with 1, 2, 4 worker processes on PostgreSQL (bench/workers.ts)
//   npm run bench -- lag          due→sent lag of 10,000 invoices due in one minute (bench/lag.ts)
//   npm run bench -- vitals       Web Vitals of the admin pages in Chromium, JS and CSS per page (bench/vitals.ts; needs `npm run build`)
//   npm run bench -- memory       worker memory: 1k vs 100k due runs, and through a 100k-run backlog (bench/backlog-memory.ts)
import fs from "node:fs";
import os from "node:os";
import { benchBacklogMemory } from "./backlog-memory";
import { benchClaim } from "./claim";
import { benchLag } from "./lag";
import { benchIssueThroughput, benchWorkerMemory } from "./scheduling";
import { benchStripe } from "./stripe";
import { benchWorkers } from "./workers";
import { benchAdminPages } from "./admin";
import { benchVitals } from "./vitals";
import type { Check } from "./targets";

const sections: Record<string, () => Promise<Check[]>> = {
  claim: benchClaim,
  throughput: benchIssueThroughput,
  memory: benchWorkerMemory,
  stripe: benchStripe,
  workers: benchWorkers,
  admin: benchAdminPages,
  vitals: benchVitals,
  lag: benchLag,
  "memory-backlog": benchBacklogMemory,
};

const filters = process.argv.slice(2);
const chosen = Object.entries(sections).filter(([name]) => filters.length === 0 || filters.some((filter) => name.includes(filter)));
if (chosen.length === 0) {
  console.error(`No bench section matches ${filters.join(", ")}. Sections: ${Object.keys(sections).join(", ")}.`);
  process.exit(2);
}

const started = Date.now();
const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.cpus()[0]?.model ?? "unknown CPU"}`;
console.log(`# Ritournelle bench — node ${process.version}, ${new Date().toISOString()}, ${machine}`);
const checks: Check[] = [];
for (const [name, section] of chosen) {
  try {
    checks.push(...(await section()));
  } catch (error) {
    // A section that throws has missed its targets: say so, and keep measuring the others.
    console.error(error);
    checks.push({ section: name, figure: "section ran", measured: "threw", target: "completes", ok: false, value: 0 });
  }
}

const width = Math.max(...checks.map((check) => `${check.section}: ${check.figure}`.length));
console.log("\n## Targets\n");
for (const check of checks) {
  console.log(`${check.ok ? "ok  " : "MISS"}  ${`${check.section}: ${check.figure}`.padEnd(width)}  ${check.measured.padStart(10)}  (target ${check.target})`);
}
const missed = checks.filter((check) => !check.ok);
const results = { startedAt: new Date(started).toISOString(), node: process.version, machine, sections: chosen.map(([name]) => name), checks };
fs.writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nbench finished in ${Math.round((Date.now() - started) / 1000)} s: ${checks.length - missed.length} of ${checks.length} targets met; results in bench/results.json`);
if (missed.length > 0) {
  console.error(`${missed.length} target(s) missed: ${missed.map((check) => `${check.section}: ${check.figure}`).join("; ")}`);
  process.exitCode = 1;
}
