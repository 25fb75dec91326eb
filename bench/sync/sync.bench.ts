/**
 * Sync benchmark: 200,000 module organizations read from the emulated IT Glue API (1,000 per
 * page, generated page by page) and upserted into PostgreSQL through the real sync path, twice:
 * the first sync (all new) and a re-sync (all known). Prints and returns time and peak memory.
 *
 *   node --import tsx bench/sync/sync.bench.ts            (or: npm run bench -- sync)
 *   SYNC_BENCH_COUNT=50000 node --import tsx bench/sync/sync.bench.ts
 */
import pino from "pino";
import type { Config } from "../../src/config.ts";
import { type AppContext, systemClock } from "../../src/context.ts";
import { repositories } from "../../src/db/repositories.ts";
import { cliActor } from "../../src/domain/actor.ts";
import { createServices } from "../../src/services/index.ts";
import { startItGlueServer } from "../../test/vendors/itglue.server.ts";
import { openBenchDatabase } from "../support.ts";

export interface SyncBenchFigures {
  records: number;
  database: string;
  runs: {
    name: string;
    seconds: number;
    recordsPerSecond: number;
    peakRssMb: number;
    peakHeapMb: number;
    outcome: string;
  }[];
}

const TARGET_SECONDS = 20;
const TARGET_RSS_MB = 500;

function memorySampler() {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 25);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssMb: Math.round(rss / 1048576), peakHeapMb: Math.round(heap / 1048576) };
    },
  };
}

export async function runSyncBench(
  count = Number(process.env.SYNC_BENCH_COUNT ?? 200_000),
): Promise<SyncBenchFigures> {
  const database = await openBenchDatabase("postgres");
  const server = await startItGlueServer({ count });
  try {
    const config = {
      databaseUrl: "bench",
      dataDir: "/nonexistent-bench",
      secretKey: "bench-secret-key-0123456789",
      logLevel: "silent",
    } as Config;
    const ctx: AppContext = {
      db: database.db,
      databaseKind: database.kind,
      clock: systemClock,
      log: pino({ level: "silent" }),
      config,
    };
    const services = createServices(ctx);
    const sync = services.sync;
    await repositories(ctx.db).modules.insert({ key: "itglue", name: "IT Glue", createdAt: new Date() });
    await repositories(ctx.db).modules.update("itglue", {
      billing_enabled: true,
      billing_changed_at: new Date(),
    });
    await services.syncConfig.configureModule(cliActor, "itglue", {
      connector: {
        kind: "itglue",
        settings: { baseUrl: server.url, pageSize: 1000 },
        secrets: { apiKey: "itg-test-key" },
      },
    });
    const figures: SyncBenchFigures = { records: count, database: database.label, runs: [] };
    for (const name of ["first sync (all new)", "re-sync (all known)"]) {
      (globalThis as { gc?: () => void }).gc?.();
      const memory = memorySampler();
      const started = performance.now();
      const run = await sync.syncModule("itglue", "manual");
      const seconds = (performance.now() - started) / 1000;
      const { peakRssMb, peakHeapMb } = memory.stop();
      if (run.counts.seen !== count)
        throw new Error(`${name}: saw ${run.counts.seen} of ${count}: ${run.error}`);
      figures.runs.push({
        name,
        seconds: Math.round(seconds * 100) / 100,
        recordsPerSecond: Math.round(count / seconds),
        peakRssMb,
        peakHeapMb,
        outcome: run.outcome,
      });
      await new Promise((r) => setTimeout(r, 5));
    }
    printSyncFigures(figures);
    return figures;
  } finally {
    await server.close();
    await database.dispose();
  }
}

export function printSyncFigures(figures: SyncBenchFigures): void {
  console.log(
    `\nSync of ${figures.records.toLocaleString("en")} module organizations (emulated IT Glue, ${figures.database})`,
  );
  console.log("run                     seconds  records/s  peak RSS MB  peak heap MB  target");
  for (const r of figures.runs) {
    const ok = r.seconds < TARGET_SECONDS && r.peakRssMb < TARGET_RSS_MB ? "met" : "MISSED";
    console.log(
      `${r.name.padEnd(22)} ${String(r.seconds).padStart(8)} ${String(r.recordsPerSecond).padStart(10)} ${String(r.peakRssMb).padStart(12)} ${String(r.peakHeapMb).padStart(13)}  ${ok} (< ${TARGET_SECONDS} s, < ${TARGET_RSS_MB} MB)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runSyncBench();
