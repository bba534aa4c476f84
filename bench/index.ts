// `npm run bench`: every bench section, in order. Each prints its own table.
// Sections are plain async functions; add yours to the list.
import { benchDueClaim, benchIssueThroughput, benchWorkerMemory } from "./scheduling";
import { benchStripe } from "./stripe";

const sections = [benchDueClaim, benchIssueThroughput, benchWorkerMemory, benchStripe];

const started = Date.now();
console.log(`# Ritournelle bench — node ${process.version}, ${new Date().toISOString()}`);
for (const section of sections) await section();
console.log(`\nbench finished in ${Math.round((Date.now() - started) / 1000)} s`);
