import net from "node:net";

/**
 * A TCP port free on 127.0.0.1 right now (the OS picks it). Free now only:
 * another process may take it before the caller listens on it — use
 * {@link holdFreePort} when the listening comes seconds later.
 */
export function freePort(): Promise<number> {
  return holdFreePort().then(async (held) => {
    await held.release();
    return held.port;
  });
}

/**
 * A port the OS picked, held by a listening socket until `release()`: for a
 * server whose URL must be known (and handed to others) long before it
 * listens. A port only looked up and left free for seconds was once taken
 * meanwhile by a parallel suite's socket (EADDRINUSE in the demo stack, CI).
 */
export function holdFreePort(): Promise<{ port: number; release: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ port, release: () => new Promise<void>((released) => server.close(() => released())) });
    });
  });
}
