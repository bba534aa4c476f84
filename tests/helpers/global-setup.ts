// Runs once before the suite: applies the committed migrations with the real
// Prisma CLI (`prisma migrate deploy`, JS schema engine) to a template SQLite
// file. Each test file then starts from its own copy (see setup-env.ts).
// Each run has its own folder, so concurrent runs never share files.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export default function setup() {
  const root = path.resolve("tests/.tmp");
  fs.mkdirSync(root, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(root, "run-"));
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${path.join(runDir, "template.sqlite")}` },
    stdio: "pipe",
  });
  // Test processes are forked after this and inherit the variable.
  process.env.RITOURNELLE_TEST_RUN_DIR = runDir;
  return () => fs.rmSync(runDir, { recursive: true, force: true });
}
