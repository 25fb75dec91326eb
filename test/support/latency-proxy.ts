import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A forwarding proxy in front of an emulator: each request waits `latencyMs` before it is passed on,
 * and the proxy counts how many are in flight at once (the highest count is `peak`). For tests of
 * how many calls a client (or several processes) makes at the same time.
 */
export async function startLatencyProxy(target: string, latencyMs: number) {
  let inFlight = 0;
  let peak = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      setTimeout(() => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === "string" && name !== "host" && name !== "content-length")
            headers[name] = value;
        }
        fetch(`${target}${req.url ?? "/"}`, {
          method: req.method ?? "GET",
          headers,
          ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: Buffer.concat(chunks) }),
        })
          .then(async (answer) => {
            const body = Buffer.from(await answer.arrayBuffer());
            res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
            res.end(body);
          })
          .catch(() => res.destroy())
          .finally(() => (inFlight -= 1));
      }, latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    peak: () => peak,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
