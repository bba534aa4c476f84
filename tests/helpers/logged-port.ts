// The port a worker process started with `--metrics-port 0` was given by the
// OS, read from its "worker metrics listening" log line (pino JSON, one
// object per line). Asking the OS for the port in the process itself leaves
// no window for another process to take it, unlike picking a free port first.
export function loggedMetricsPort(output: string): number | undefined {
  for (const line of output.split("\n")) {
    if (!line.includes('"worker metrics listening"')) continue;
    try {
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port === "number") return port;
    } catch {
      // a partial line: the rest comes with the next chunk
    }
  }
  return undefined;
}
