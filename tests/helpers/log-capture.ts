// What a test process prints, kept for the secret scan (secret-scan.ts):
// installed by setup-env.ts before any app module is loaded, so that
//
// - the app's pino logger, seeing process.stdout.write replaced, writes
//   through it (pino's own rule: a tampered stdout is used as is) — every
//   log line goes to this process's file in the run's logs/ folder, and not
//   to the terminal (the test process logs at trace level for the scan; the
//   terminal shows what it showed when tests were silent);
// - everything else written to stdout or stderr, and every console call
//   (vitest prints those itself), is copied to the same file and shown as
//   before.
//
// noteConfiguredSecrets remembers the secret variables' values (after each
// test) and recordConfiguredSecrets writes them to the run's secrets/ folder
// (after each test file); setup-env.ts calls both.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { format } from "node:util";
import { SECRET_VARIABLES, type KnownSecret } from "./secret-scan";

const INSTALLED = Symbol.for("ritournelle.test-log-capture");

type Write = typeof process.stdout.write;

/** A pino line: JSON starting with its level. */
function isAppLog(text: string): boolean {
  return text.startsWith('{"level":');
}

export function captureTestOutput(runDir: string): void {
  const global = globalThis as { [INSTALLED]?: boolean };
  if (global[INSTALLED]) return; // one capture per process, however many test files it runs
  global[INSTALLED] = true;
  const logDir = path.join(runDir, "logs");
  fs.mkdirSync(logDir, { recursive: true });
  const fd = fs.openSync(path.join(logDir, `${process.pid}.log`), "a");
  const keep = (text: string) => {
    try {
      fs.writeSync(fd, text.endsWith("\n") ? text : `${text}\n`);
    } catch {
      // The run's folder is gone (the run is over): nothing left to scan.
    }
  };

  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
      keep(text);
      if (!isAppLog(text)) return write(chunk, ...rest);
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }) as Write;
  }

  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    /* eslint-disable no-console -- every console method is wrapped, to copy what it prints */
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      keep(format(...args));
      original(...args);
    };
    /* eslint-enable no-console */
  }
}

const seen = new Map<string, KnownSecret>();

/** The password in a database URL (postgres://user:password@host/db), if any. */
function databasePassword(url: string | undefined): string | undefined {
  try {
    return url ? decodeURIComponent(new URL(url).password) || undefined : undefined;
  } catch {
    return undefined;
  }
}

/** Notes the values the secret variables have now (a test file may set its own; call it after each test). */
export function noteConfiguredSecrets(): void {
  const note = (name: string, value: string | undefined) => {
    if (value) seen.set(`${name}=${value}`, { name, value });
  };
  for (const name of SECRET_VARIABLES) note(name, process.env[name]);
  note("DATABASE_URL's password", databasePassword(process.env.DATABASE_URL));
  note("TEST_POSTGRES_URL's password", databasePassword(process.env.TEST_POSTGRES_URL));
}

/** Writes the secrets noted so far to the run's secrets/ folder (once per test file). */
export function recordConfiguredSecrets(runDir: string): void {
  noteConfiguredSecrets();
  const secretDir = path.join(runDir, "secrets");
  try {
    fs.mkdirSync(secretDir, { recursive: true });
    fs.writeFileSync(path.join(secretDir, `${process.pid}-${randomUUID()}.json`), JSON.stringify([...seen.values()]));
  } catch {
    // The run's folder is gone: nothing left to scan.
  }
}
