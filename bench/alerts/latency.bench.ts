/**
 * Alert delivery latency (issue 14): events written to the outbox one at a time (each its own
 * transaction, as a sync's end writes them), delivered by the real AlertWorker to a local webhook
 * receiver; latency = received at the receiver - committed. Median, p95 and p99 over
 * ALERT_BENCH_EVENTS (default 1,000) on PostgreSQL, with the worker's tick as `orgmap serve` runs
 * it (2 s) and with a short one (200 ms), so the share of the tick in the figure is visible.
 *
 *   npm run bench -- alerts        (print `uptime` beside the figures)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { repositories } from "../../src/db/repositories.ts";
import { cliActor } from "../../src/domain/actor.ts";
import { createServices } from "../../src/services/index.ts";
import { benchContext, fmt, median, openBenchDatabase, percentile } from "../support.ts";

const EVENTS = Number(process.env.ALERT_BENCH_EVENTS ?? 1000);
const GAP_MS = Number(process.env.ALERT_BENCH_GAP_MS ?? 5);

async function run(tickMs: number) {
  const database = await openBenchDatabase("postgres");
  const arrived = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const id = String(req.headers["x-orgmap-event-id"]);
    req.resume();
    req.on("end", () => {
      arrived.set(id, performance.now());
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const ctx = benchContext(database);
  const services = createServices(ctx, { alerts: { tickMs } });
  try {
    await services.alertChannels.create(cliActor, {
      kind: "webhook",
      name: "bench",
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      format: "json",
      eventTypes: ["sync.failed"],
      allowPrivate: true,
      maxFailures: 1000,
    });
    services.alertWorker.start();
    const written = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      const [id] = await repositories(ctx.db).outbox.insert(
        [
          {
            type: "sync.failed",
            data: { runId: `run-${i}`, moduleKey: null, name: "the PSA", error: "bench" },
          },
        ],
        new Date(),
      );
      written.set(id!, performance.now());
      if (GAP_MS > 0) await new Promise((r) => setTimeout(r, GAP_MS));
    }
    const writeSeconds = (performance.now() - started) / 1000;
    const deadline = Date.now() + 300_000;
    while (arrived.size < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await services.alertWorker.stop();
    const latencies = [...written].flatMap(([id, at]) => {
      const got = arrived.get(id);
      return got === undefined ? [] : [got - at];
    });
    console.log(
      `  ${database.label}, tick ${tickMs} ms: ${latencies.length}/${EVENTS} delivered (written over ${writeSeconds.toFixed(1)} s); ` +
        `median ${fmt(median(latencies))}, p95 ${fmt(percentile(latencies, 95))}, p99 ${fmt(percentile(latencies, 99))}, max ${fmt(Math.max(...latencies))}`,
    );
  } finally {
    await services.alertWorker.stop();
    await new Promise((resolve) => receiver.close(resolve));
    await database.dispose();
  }
}

console.log(`alert latency: ${EVENTS} events, one every ~${GAP_MS} ms, event committed -> webhook received`);
await run(2000);
await run(200);
