/**
 * Nightly sync with usage against the same sync without it (issue 9: "no more than 30% slower").
 * An emulated Datto RMM account of N sites (default 20,000) with their devices is synced through
 * the real sync path: once to fill the tables and the ledger, then nights alternating a run that
 * reads organizations only (`billingReads: false`) and a run that also reads the devices and
 * writes the ledger, 5% of the sites gaining a device before each night. Medians are printed
 * beside the target; nothing is asserted.
 *
 * The module's `devices` billing type is service-mapped, so the usage read takes each site's total
 * from the sites list; SYNC_USAGE_BENCH_CATEGORIES=1 maps a category too, so it also reads the
 * whole device list for the per-category counts (the costlier case).
 *
 *   npm run bench -- billing                                  (PostgreSQL if reachable, else PGlite)
 *   SYNC_USAGE_BENCH_SITES=200000 node --import tsx bench/billing/sync-usage.bench.ts postgres
 *   node --import tsx bench/billing/sync-usage.bench.ts pglite,postgres
 */
import { pathToFileURL } from "node:url";
import { repositories } from "../../src/db/repositories.ts";
import { cliActor } from "../../src/domain/actor.ts";
import { createServices } from "../../src/services/index.ts";
import { startDattoRmmServer } from "../../test/vendors/datto-rmm.server.ts";
import { dattoRmmDevice, generatedDattoRmmDevices } from "../../test/vendors/datto-rmm-usage.server.ts";
import { seededRandom } from "../matching/datasets.ts";
import { benchContext, fmt, median, openBenchDatabase } from "../support.ts";
import { postgresReachable } from "./ledger.bench.ts";

const TARGET_RATIO = 1.3;
const NIGHTS = Number(process.env.SYNC_USAGE_BENCH_NIGHTS ?? 3);
const CHANGE_SHARE = 0.05;
const MAPPED = process.env.SYNC_USAGE_BENCH_CATEGORIES === "1" ? ["devices", "devices.server"] : ["devices"];

interface Figures {
  database: string;
  sites: number;
  devices: number;
  withoutUsage: number[];
  withUsage: number[];
  usageRequests: number;
  organizationRequests: number;
  changedPerNight: number;
}

export async function runSyncUsageBench(kind: "pglite" | "postgres", sites: number): Promise<Figures> {
  const database = await openBenchDatabase(kind);
  const devices = generatedDattoRmmDevices(sites);
  const server = await startDattoRmmServer({ count: sites, usage: { devices } });
  try {
    const ctx = benchContext(database);
    const secrets = { apiKey: "rmm-key", apiSecret: "rmm-secret" };
    const withUsage = createServices(ctx).sync;
    const withoutUsage = createServices(ctx, { sync: { billingReads: false } }).sync;
    await repositories(ctx.db).modules.insert({ key: "rmm", name: "Datto RMM", createdAt: new Date() });
    for (const billingType of MAPPED) {
      await repositories(ctx.db).serviceMappings.upsert(
        {
          moduleKey: "rmm",
          billingType,
          psaServiceId: "svc",
          psaServiceName: "Managed devices",
          policy: "latest",
          updatedBy: "bench",
        },
        new Date(),
      );
    }
    await createServices(ctx).syncConfig.configureModule(cliActor, "rmm", {
      connector: { kind: "datto-rmm", settings: { baseUrl: server.url }, secrets },
    });
    const first = await withUsage.syncModule("rmm", "manual");
    if (first.outcome !== "succeeded" || first.billing?.outcome !== "complete")
      throw new Error(`first sync: ${first.error ?? first.billing?.error?.message}`);
    const figures: Figures = {
      database: database.label,
      sites,
      devices: devices.length,
      withoutUsage: [],
      withUsage: [],
      usageRequests: first.billing.requestCount,
      organizationRequests: first.counts.requests - first.billing.requestCount,
      changedPerNight: 0,
    };
    const next = seededRandom(7);
    let changed = 0;
    for (let night = 0; night < NIGHTS; night++) {
      for (let site = 0; site < sites; site++) {
        if (next() < CHANGE_SHARE) {
          devices.push(dattoRmmDevice(`site-${String(site).padStart(8, "0")}`, 1_000_000 + devices.length));
        }
      }
      for (const [service, into] of [
        [withoutUsage, figures.withoutUsage],
        [withUsage, figures.withUsage],
      ] as const) {
        const started = performance.now();
        const run = await service.syncModule("rmm", "schedule");
        into.push((performance.now() - started) / 1000);
        if (run.outcome !== "succeeded") throw new Error(`night ${night + 1}: ${run.error}`);
        if (run.billing?.outcome === "failed")
          throw new Error(`night ${night + 1}: ${run.billing.error?.message}`);
        changed += run.billing?.counts.changed ?? 0;
      }
      process.stdout.write(`  ${database.label}: night ${night + 1}/${NIGHTS}\r`);
    }
    process.stdout.write("\n");
    figures.changedPerNight = Math.round(changed / NIGHTS);
    return figures;
  } finally {
    await server.close();
    await database.dispose();
  }
}

function print(all: Figures[]): void {
  for (const f of all) {
    const without = median(f.withoutUsage);
    const withUsage = median(f.withUsage);
    const ratio = withUsage / without;
    console.log(
      `\nNightly Datto RMM sync of ${f.sites.toLocaleString("en")} sites, ${f.devices.toLocaleString("en")} devices (emulated, ${f.database}), median of ${NIGHTS} nights, ${CHANGE_SHARE * 100}% of sites gaining a device each night, service-mapped: ${MAPPED.join(", ")} (${f.changedPerNight.toLocaleString("en")} ledger changes a night)`,
    );
    console.log(
      `  without usage: ${fmt(without * 1000).padStart(9)}  (${f.organizationRequests} requests)\n  with usage:    ${fmt(withUsage * 1000).padStart(9)}  (+${f.usageRequests} requests for the usage read)\n  ratio: ${ratio.toFixed(2)}  target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? "met" : "MISSED"}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const sites = Number(process.env.SYNC_USAGE_BENCH_SITES ?? 20_000);
  const asked = process.argv[2]?.split(",") as ("pglite" | "postgres")[] | undefined;
  const kinds = asked ?? [(await postgresReachable()) ? ("postgres" as const) : ("pglite" as const)];
  const figures: Figures[] = [];
  for (const kind of kinds) figures.push(await runSyncUsageBench(kind, sites));
  print(figures);
}
