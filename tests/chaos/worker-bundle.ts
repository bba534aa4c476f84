// The campaign's worker processes start from one JavaScript bundle of
// worker-entry.ts, built once per campaign, instead of `node --import tsx`.
//
// Why: a worker is SIGKILLed every few seconds and restarted, and every
// start under tsx transforms the app's TypeScript again (its cache still
// reads and hashes every file): 2.3–2.7 s of CPU per start, against 1.05 s
// from the bundle (measured on the 2-core machine). At the full size
// (kills every 2–6 s) the starts alone took most of the machine, and a
// seed-1 campaign sent 92 runs in 10 minutes: the workers were mostly
// booting, not working. The engine under test is the same code; only its
// loading changes. Packages stay external (Prisma loads its generated client
// and engine files relative to itself), so the bundle is written inside the
// checkout, where node_modules resolves.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

export type WorkerBundle = { file: string; dispose: () => void };

export async function bundleWorkerEntry(): Promise<WorkerBundle> {
  const root = path.resolve("tests/.tmp");
  fs.mkdirSync(root, { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, "chaos-worker-"));
  const file = path.join(dir, "worker-entry.mjs");
  await build({
    entryPoints: [path.resolve("tests/chaos/worker-entry.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    outfile: file,
    logLevel: "warning",
    // A package's JSON (Polaris' locale dictionaries, read by the app's
    // translator) is bundled: left external, Node's ESM loader refuses it
    // without an import attribute (ERR_IMPORT_ATTRIBUTE_MISSING), and every
    // worker died at start.
    plugins: [
      {
        name: "bundle-package-json",
        setup(plugins) {
          // Only packages' JSON (bare specifiers); the app's own JSON ("~/…", relative) is resolved by esbuild through tsconfig's paths.
          plugins.onResolve({ filter: /^[^.~/].*\.json$/ }, (args) => ({ path: createRequire(path.join(args.resolveDir, "index.js")).resolve(args.path) }));
        },
      },
    ],
  });
  return { file, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
