import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import pino from "pino";
import type { AppContext } from "../src/context.ts";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../src/db/database.ts";
import { testConfig } from "../test/support/test-context.ts";

/** The PostgreSQL server benchmarks use (a scratch database is created on it and dropped after). */
export const BENCH_POSTGRES_URL =
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase extends DatabaseHandle {
  label: string;
  /** Where it lives: the scratch database's name or the data folder (to keep it for a probe). */
  location?: string;
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database: PGlite (in memory, or with `dataFolder` in a scratch data folder as
 * `orgmap serve` runs it), or a scratch database on the PostgreSQL server.
 *
 * In memory, PGlite's files live in Emscripten's MEMFS, where a growing file is copied as it
 * grows: bulk loads of hundreds of megabytes turn quadratic there (a COPY of 100,000 rows of 360
 * bytes: 10.3 s of CPU in memory, 1.2 s in a data folder), which the product never runs into.
 */
export async function openBenchDatabase(
  kind: "pglite" | "postgres",
  options: { dataFolder?: boolean } = {},
): Promise<BenchDatabase> {
  if (kind === "pglite") {
    if (options.dataFolder) {
      const dataDir = mkdtempSync(join(tmpdir(), "orgmap-bench-"));
      const handle = await openDatabase({ dataDir });
      await migrateToLatest(handle.db);
      return {
        ...handle,
        label: "PGlite (data folder)",
        location: dataDir,
        async dispose() {
          await handle.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
    const handle = await openDatabase({});
    await migrateToLatest(handle.db);
    return { ...handle, label: "PGlite (in memory)", dispose: handle.close };
  }
  const name = `orgmap_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString() });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    label: "PostgreSQL 127.0.0.1",
    location: name,
    async dispose() {
      await handle.close();
      const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

export const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** The context services need, over a bench database: real clock, silent log. */
export function benchContext(database: DatabaseHandle): AppContext {
  return {
    db: database.db,
    databaseKind: database.kind,
    clock: { now: () => new Date() },
    log: pino({ level: "silent" }),
    config: testConfig(),
  };
}

/**
 * CPU milliseconds spent so far by this process and by the PostgreSQL backends serving the bench
 * database (read from /proc: the server runs on this machine). On a machine shared by several
 * engineers the wall time swings with the load; the CPU time much less. PGlite runs inside this
 * process, so its work is in `process`.
 */
export async function cpuMs(
  database: DatabaseHandle,
): Promise<{ process: number; server: number; backends: Map<number, number> }> {
  const usage = process.cpuUsage();
  let server = 0;
  const perBackend = new Map<number, number>();
  if (database.kind === "postgres") {
    const backends = await sql<{ pid: number }>`
      select pid from pg_stat_activity where datname = current_database()`.execute(database.db);
    const ticks = 1000 / 100; // USER_HZ
    for (const { pid } of backends.rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        const ms = (Number(fields[11]) + Number(fields[12])) * ticks;
        server += ms;
        perBackend.set(pid, ms);
      } catch {
        // a backend that ended meanwhile
      }
    }
  }
  return { process: (usage.user + usage.system) / 1000, server, backends: perBackend };
}

/**
 * CPU milliseconds between two `cpuMs` readings: this process, and the backends seen at the end
 * less what each had at the start (a backend that ended meanwhile is not counted, rather than
 * counted negative).
 */
export function cpuBetween(
  before: Awaited<ReturnType<typeof cpuMs>>,
  after: Awaited<ReturnType<typeof cpuMs>>,
): { process: number; server: number } {
  let server = 0;
  for (const [pid, ms] of after.backends) server += ms - (before.backends.get(pid) ?? 0);
  return { process: after.process - before.process, server };
}
