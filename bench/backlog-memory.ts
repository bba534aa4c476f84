// Worker memory through a 100k-run backlog (issue 13, bench 4): one worker
// (a zero-latency provider, so the engine itself is what is measured) drives
// every run of a 100,000-run backlog to `sent`, in a process of its own.
// Memory must stay flat: the worker holds a batch, never the backlog, and
// nothing it keeps grows with the runs it has sent (caches, metrics, maps).
// Figure: RSS at the end ÷ RSS after warm-up (the first 5 % of the runs),
// target ≤ 1.2×; the peak is reported beside it.
//
//   npm run bench -- memory-backlog        (BENCH_BACKLOG=5000 for a quick run)
//   npm run bench -- memory                this and the 1k-vs-100k claim memory section
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { atMost, BACKLOG_MEMORY_LIMIT, ratio, type Check } from "./targets";
import { createBenchDatabase, insertDueRuns, insertShops } from "./fixtures";


const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);

type ProbeResult = { sent: number; seconds: number; warmRss: number; endRss: number; peakRss: number; endHeapUsed: number; samples: [number, number][] };

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** In the child: drive the backlog, sampling memory as runs are sent. */
async function probe(): Promise<ProbeResult> {
  const { default: prisma, configureDatabase } = await import("../app/db.server");
  const { Worker } = await import("../app/worker/worker");
  const { ZeroLatencyGateway } = await import("./zero-latency-gateway");
  await configureDatabase(prisma);
  const worker = new Worker({ gateway: new ZeroLatencyGateway(), workerId: "bench-backlog", runBatchSize: 200, concurrency: 10 });
  const started = performance.now();
  const warmAt = Math.max(1, Math.floor(BACKLOG * 0.05));
  let sent = 0;
  let warmRss = 0;
  let peakRss = 0;
  const samples: [number, number][] = [];
  for (;;) {
    const report = await worker.runOnce();
    sent += report.runs.sent;
    const { rss } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    if (warmRss === 0 && sent >= warmAt) warmRss = rss;
    if (samples.length === 0 || sent - samples.at(-1)![0] >= BACKLOG / 10) samples.push([sent, rss]);
    if (report.templates.claimed === 0 && report.runs.claimed === 0) break;
  }
  // What stays once the work is done (a collection first, when exposed: garbage is not growth).
  globalThis.gc?.();
  const end = process.memoryUsage();
  await prisma.$disconnect();
  return { sent, seconds: (performance.now() - started) / 1000, warmRss, endRss: end.rss, peakRss, endHeapUsed: end.heapUsed, samples };
}

export async function benchBacklogMemory(): Promise<Check[]> {
  console.log(`\n## Worker memory through a ${BACKLOG.toLocaleString("en")}-run backlog\n`);
  const database = createBenchDatabase("backlog");
  try {
    insertShops(database.file);
    insertDueRuns(database.file, { count: BACKLOG, perTemplate: 10, now: new Date() });
    const child = fork(fileURLToPath(import.meta.url), ["probe"], {
      execArgv: ["--import", "tsx", "--expose-gc"],
      env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: "warn" },
    });
    let result: ProbeResult | undefined;
    child.on("message", (message) => (result = message as ProbeResult));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (!result || code !== 0) return [{ section: "memory-backlog", figure: "probe process", measured: `exit ${code}`, target: "exit 0", ok: false, value: code ?? -1 }];
    console.log(`  sent            ${result.sent.toLocaleString("en")} in ${result.seconds.toFixed(0)} s (${(result.sent / result.seconds).toFixed(0)} runs/s)`);
    console.log(`  RSS after warm-up (5 %)   ${mib(result.warmRss)}`);
    console.log(`  RSS at the end            ${mib(result.endRss)}  (heap used ${mib(result.endHeapUsed)})`);
    console.log(`  peak RSS                  ${mib(result.peakRss)}`);
    console.log(`  RSS as runs were sent     ${result.samples.map(([sent, rss]) => `${sent}: ${mib(rss)}`).join(", ")}`);
    return [
      atMost("memory-backlog", "RSS at end ÷ RSS after warm-up", result.endRss / result.warmRss, BACKLOG_MEMORY_LIMIT, ratio),
      { section: "memory-backlog", figure: "runs sent", measured: String(result.sent), target: `= ${BACKLOG}`, ok: result.sent === BACKLOG, value: result.sent },
    ];
  } finally {
    database.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === "probe") {
  const result = await probe();
  await new Promise<void>((resolve) => process.send!(result, () => resolve()));
}
