/**
 * Usage ledger benchmark (issue 9): 8 modules, 200,000 module organizations x 3 billing types, 30
 * nightly usage reads where 5% of quantities change each night, each night written through
 * UsageLedgerService.recordUsageRead (the call the sync will make). Prints the ledger's rows after
 * 30 nights and the seconds of each nightly write beside the targets; nothing is asserted.
 *
 * The default run is 20,000 module organizations (a tenth of the size, about two minutes on
 * both databases on a busy 2-core machine); the nightly write scales with the pairs read, the rows
 * with the pairs and the changes. The size:
 *
 *   npm run bench -- billing                                   (PGlite, and PostgreSQL if reachable)
 *   BILLING_BENCH_COUNT=200000 node --import tsx bench/billing/ledger.bench.ts pglite,postgres
 */
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { repositories } from "../../src/db/repositories.ts";
import type { ModuleUsageReading } from "../../src/domain/billing/usage-read.ts";
import { UsageLedgerService } from "../../src/services/billing/usage-ledger.service.ts";
import { seededRandom } from "../matching/datasets.ts";
import { BENCH_POSTGRES_URL, benchContext, cpuMs, fmt, median, openBenchDatabase } from "../support.ts";

const MODULES = 8;
const BILLING_TYPES = ["devices", "devices.server", "devices.laptop"];
const CHANGE_SHARE = 0.05;
const TARGET_ROWS = 1_500_000;
/** The sync benchmark's target for 200,000 records is 20 s; usage may add at most 30% of it. */
const TARGET_NIGHT_SECONDS = 0.3 * 20;

interface LedgerFigures {
  database: string;
  moduleOrganizations: number;
  nights: number;
  rows: number;
  firstNightSeconds: number;
  nightSeconds: number[];
  /** CPU seconds of each night after the first: this process (Node, and PGlite in it) and the PostgreSQL backends. */
  nightCpu: { process: number; server: number }[];
  changesPerNight: number;
  loadAverage: string;
}

export async function runLedgerBench(
  kind: "pglite" | "postgres",
  count: number,
  nights: number,
): Promise<LedgerFigures> {
  const database = await openBenchDatabase(kind, { dataFolder: true });
  try {
    const ctx = benchContext(database);
    const repos = repositories(ctx.db);
    const perModule = Math.ceil(count / MODULES);
    const modules: string[] = [];
    for (let m = 0; m < MODULES; m++) {
      const key = `module-${m}`;
      modules.push(key);
      await repos.modules.insert({ key, name: `Module ${m}`, createdAt: new Date() });
      for (let i = 0; i < perModule; i += 5000) {
        const records = Array.from({ length: Math.min(5000, perModule - i) }, (_, j) => ({
          externalId: `site-${i + j}`,
          name: `Site ${i + j}`,
          parentExternalId: null,
          attributes: {},
        }));
        await repos.moduleOrganizations.upsertMany(key, records, new Date());
      }
    }
    // Quantities per module, one array per billing type, changed in place each night.
    const quantities = modules.map(() =>
      BILLING_TYPES.map(() => Int32Array.from({ length: perModule }, (_, i) => i % 50)),
    );
    // Mulberry32 with a fixed seed: every run writes the same nights, and 5% means 5%.
    const next = seededRandom(42);
    const service = new UsageLedgerService(ctx);
    const nightSeconds: number[] = [];
    const nightCpu: { process: number; server: number }[] = [];
    const loadBefore = loadavg()[0]!;
    let changes = 0;
    const firstNight = Date.UTC(2026, 10, 1, 2);
    for (let night = 0; night < nights; night++) {
      if (night > 0) {
        for (const perType of quantities)
          for (const values of perType)
            for (let i = 0; i < values.length; i++)
              if (next() < CHANGE_SHARE) values[i]! += 1 + Math.floor(next() * 3);
      }
      const readAt = new Date(firstNight + night * 86_400_000);
      let seconds = 0;
      const cpuBefore = await cpuMs(database);
      for (let m = 0; m < MODULES; m++) {
        const readings: ModuleUsageReading[] = [];
        for (let t = 0; t < BILLING_TYPES.length; t++) {
          const values = quantities[m]![t]!;
          for (let i = 0; i < values.length; i++)
            readings.push({ externalId: `site-${i}`, billingType: BILLING_TYPES[t]!, quantity: values[i]! });
        }
        const started = performance.now();
        const { counts } = await service.recordUsageRead(
          modules[m]!,
          null,
          { kind: "complete", readings, rejected: [], requestCount: 0 },
          { readAt },
        );
        seconds += (performance.now() - started) / 1000;
        if (night > 0) changes += counts.changed;
      }
      nightSeconds.push(seconds);
      const cpuAfter = await cpuMs(database);
      nightCpu.push({
        process: (cpuAfter.process - cpuBefore.process) / 1000,
        server: (cpuAfter.server - cpuBefore.server) / 1000,
      });
      process.stdout.write(`  ${database.label}: night ${night + 1}/${nights} ${fmt(seconds * 1000)}\r`);
    }
    process.stdout.write("\n");
    return {
      database: database.label,
      moduleOrganizations: perModule * MODULES,
      nights,
      rows: await repos.usageLedger.countRows(),
      firstNightSeconds: nightSeconds[0]!,
      nightSeconds: nightSeconds.slice(1),
      nightCpu: nightCpu.slice(1),
      loadAverage: `${loadBefore.toFixed(1)}-${loadavg()[0]!.toFixed(1)}`,
      changesPerNight: Math.round(changes / Math.max(1, nights - 1)),
    };
  } finally {
    await database.dispose();
  }
}

function printLedgerFigures(all: LedgerFigures[]): void {
  const first = all[0];
  if (!first) return;
  const pairs = first.moduleOrganizations * BILLING_TYPES.length;
  const naive = pairs * first.nights;
  const atFullSize = first.moduleOrganizations === 200_000 && first.nights === 30;
  console.log(
    `\nUsage ledger: ${first.moduleOrganizations.toLocaleString("en")} module organizations x ${BILLING_TYPES.length} billing types in ${MODULES} modules, ${first.nights} nights, ${CHANGE_SHARE * 100}% of quantities changing each night${atFullSize ? "" : " (SMALLER than the issue's 200,000 x 30 nights: BILLING_BENCH_COUNT=200000 BILLING_BENCH_NIGHTS=30 for the full size)"}`,
  );
  console.log(
    `database              rows after ${first.nights} nights   (a row per reading: ${naive.toLocaleString("en")})   first night   nightly write median / max   target`,
  );
  for (const f of all) {
    const rowsTarget = atFullSize ? (f.rows < TARGET_ROWS ? "met" : "MISSED") : "n/a at this size";
    const nightly = median(f.nightSeconds);
    const nightTarget = (nightly * 200_000) / f.moduleOrganizations < TARGET_NIGHT_SECONDS ? "met" : "MISSED";
    console.log(
      `${f.database.padEnd(21)} ${f.rows.toLocaleString("en").padStart(22)}   ${f.changesPerNight.toLocaleString("en").padStart(8)} changes a night ${fmt(f.firstNightSeconds * 1000).padStart(20)}   ${fmt(nightly * 1000).padStart(9)} / ${fmt(Math.max(...f.nightSeconds) * 1000).padStart(8)}   rows ${rowsTarget} (< ${TARGET_ROWS.toLocaleString("en")}); night ${nightTarget} (< ${TARGET_NIGHT_SECONDS} s for 200,000, 30% of the sync target)`,
    );
    console.log(
      `${"".padEnd(21)} CPU a night after the first, median: this process ${median(f.nightCpu.map((c) => c.process)).toFixed(2)} s, PostgreSQL backends ${median(f.nightCpu.map((c) => c.server)).toFixed(2)} s; load average ${f.loadAverage} (1 min, start-end)`,
    );
  }
}

/** Whether the benchmarks' PostgreSQL server answers. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const count = Number(process.env.BILLING_BENCH_COUNT ?? 20_000);
  const nights = Number(process.env.BILLING_BENCH_NIGHTS ?? 30);
  const asked = process.argv[2]?.split(",") as ("pglite" | "postgres")[] | undefined;
  const kinds = asked ?? ["pglite", ...((await postgresReachable()) ? (["postgres"] as const) : [])];
  const figures: LedgerFigures[] = [];
  for (const kind of kinds) figures.push(await runLedgerBench(kind, count, nights));
  printLedgerFigures(figures);
}
