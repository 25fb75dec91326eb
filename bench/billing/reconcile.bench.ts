/**
 * Reconciliation benchmark (issue 9): 50,000 organizations, 8 modules, 200,000 module organizations,
 * 3 billing types, a November ledger as 30 nights with 5% of quantities changing each night leave
 * it (written straight into the tables: the nightly write has its own benchmark, ledger.bench.ts),
 * dated mappings (90% mapped, 1% moved on the 15th), two billing types per module mapped to a
 * service of their own (16 services; the third has none), and the PSA's contracts (an active
 * recurring contract for 90% of the organizations with a line per service they use, units equal,
 * below or above the usage). Prints, beside the issue's targets (nothing asserted):
 * - the reconciliation of the period for all organizations (the snapshot computed and stored);
 * - one page of 100 rows read from it (default order, a state filter, a search), median of 20;
 * - the period read again after a night's sync (5% of the pairs changed, written by the ledger's own
 *   write path) and after one mapping change: the snapshot changed in place (migration 0024).
 *
 *   npm run bench -- billing                                  (the issue's size, PGlite and PostgreSQL)
 *   RECONCILE_BENCH_ORGANIZATIONS=5000 node --import tsx bench/billing/reconcile.bench.ts pglite
 */
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { repositories } from "../../src/db/repositories.ts";
import { cliActor } from "../../src/domain/actor.ts";
import type { PsaContractData } from "../../src/domain/billing/psa-contracts.ts";
import { ReconciliationService } from "../../src/services/billing/reconciliation.service.ts";
import { UsageLedgerService } from "../../src/services/billing/usage-ledger.service.ts";
import { MappingService } from "../../src/services/mapping.service.ts";
import { SettingsService } from "../../src/services/settings.service.ts";
import { seededRandom } from "../matching/datasets.ts";
import { benchContext, cpuBetween, cpuMs, fmt, median, openBenchDatabase, timed } from "../support.ts";
import { postgresReachable } from "./ledger.bench.ts";

const MODULES = 8;
const TYPES = ["devices", "devices.server", "devices.laptop"];
const TARGET_PERIOD = { postgres: 5000, pglite: 15000 };
const TARGET_PAGE = { postgres: 50, pglite: 100 };
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1, 2);
const CHUNK = 20_000;

async function insertUnnest(
  db: ReturnType<typeof benchContext>["db"],
  rows: unknown[][],
  statement: (cols: unknown[][]) => ReturnType<typeof sql>,
) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const columns = chunk[0]!.map((_, c) => chunk.map((row) => row[c]));
    await statement(columns).execute(db);
  }
}

export async function runReconcileBench(kind: "pglite" | "postgres", organizationCount: number) {
  const database = await openBenchDatabase(kind, { dataFolder: true });
  try {
    const ctx = benchContext(database);
    const repos = repositories(ctx.db);
    const next = seededRandom(11);
    const perModule = Math.round((organizationCount * 4) / MODULES);
    const setupStarted = performance.now();
    for (let i = 0; i < organizationCount; i += 5000) {
      const records = Array.from({ length: Math.min(5000, organizationCount - i) }, (_, j) => ({
        psaId: `o${i + j}`,
        name: `Organization ${i + j}`,
        type: "Customer" as const,
        isActive: true,
        parentPsaId: null,
      }));
      await repos.organizations.upsertMany(records, new Date(START - 60 * DAY));
    }
    const organizationIds = new Map(
      (await ctx.db.selectFrom("organizations").select(["id", "psa_id"]).execute()).map((o) => [
        o.psa_id,
        o.id,
      ]),
    );
    const serviceMappings: { moduleKey: string; billingType: string; serviceId: string }[] = [];
    const mappingRows: unknown[][] = [];
    const ledgerRows: unknown[][] = [];
    const desired = new Map<string, number>();
    // Each pair's quantity in force at the end of the ledger, per module: the night's read below.
    const lastQuantities: { externalId: string; billingType: string; quantity: number }[][] = [];
    for (let m = 0; m < MODULES; m++) {
      const key = `module-${m}`;
      await repos.modules.insert({ key, name: `Module ${m}`, createdAt: new Date(START - 60 * DAY) });
      // Ready (billing on, synced once), as a module whose organizations can be mapped.
      await repos.modules.update(key, {
        billing_enabled: true,
        first_successful_sync_at: new Date(START - 59 * DAY),
      });
      for (let i = 0; i < perModule; i += 5000) {
        const records = Array.from({ length: Math.min(5000, perModule - i) }, (_, j) => ({
          externalId: `site-${i + j}`,
          name: `Site ${m}-${i + j}`,
          parentExternalId: null,
          attributes: {},
        }));
        await repos.moduleOrganizations.upsertMany(key, records, new Date(START - 60 * DAY));
      }
      for (let t = 0; t < 2; t++)
        serviceMappings.push({ moduleKey: key, billingType: TYPES[t]!, serviceId: `svc-${m}-${t}` });
      const ids = await ctx.db
        .selectFrom("module_organizations")
        .select(["id", "external_id"])
        .where("module_key", "=", key)
        .execute();
      const moduleQuantities: { externalId: string; billingType: string; quantity: number }[] = [];
      lastQuantities.push(moduleQuantities);
      for (const [index, mo] of ids.entries()) {
        const organization = `o${(m * perModule + index) % organizationCount}`;
        const roll = next();
        if (roll < 0.9) {
          if (roll < 0.01) {
            mappingRows.push([
              mo.id,
              organizationIds.get(organization),
              new Date(START - 30 * DAY).toISOString(),
              new Date(START + 14 * DAY).toISOString(),
            ]);
            mappingRows.push([
              mo.id,
              organizationIds.get(`o${(index + 7) % organizationCount}`),
              new Date(START + 14 * DAY).toISOString(),
              null,
            ]);
          } else {
            mappingRows.push([
              mo.id,
              organizationIds.get(organization),
              new Date(START - 30 * DAY).toISOString(),
              null,
            ]);
          }
        }
        for (const [t, type] of TYPES.entries()) {
          let quantity = Math.floor(next() * 50);
          let from = START - 30 * DAY;
          for (let night = 1; night < 30; night++) {
            if (next() >= 0.05) continue;
            const at = START + night * DAY;
            ledgerRows.push([
              mo.id,
              type,
              quantity,
              new Date(from).toISOString(),
              new Date(at).toISOString(),
            ]);
            quantity += 1 + Math.floor(next() * 3);
            from = at;
          }
          ledgerRows.push([mo.id, type, quantity, new Date(from).toISOString(), null]);
          moduleQuantities.push({ externalId: mo.external_id, billingType: type, quantity });
          if (t < 2 && roll < 0.9) {
            const pair = `${organization}\u0000svc-${m}-${t}`;
            desired.set(pair, (desired.get(pair) ?? 0) + quantity);
          }
        }
      }
    }
    await insertUnnest(
      ctx.db,
      mappingRows,
      ([mo, org, from, to]) => sql`
      insert into mapping_intervals (module_organization_id, organization_id, is_excluded, valid_from, valid_to)
      select m, o, false, f, t from unnest(${mo}::uuid[], ${org}::uuid[], ${from}::timestamptz[], ${to}::timestamptz[]) as x(m, o, f, t)`,
    );
    await insertUnnest(
      ctx.db,
      ledgerRows,
      ([mo, type, quantity, from, to]) => sql`
      insert into usage_ledger (module_organization_id, billing_type, quantity, valid_from, valid_to, read_at)
      select m, b, q, f, t, f from unnest(${mo}::uuid[], ${type}::text[], ${quantity}::int[], ${from}::timestamptz[], ${to}::timestamptz[]) as x(m, b, q, f, t)`,
    );
    const now = new Date();
    for (let m = 0; m < MODULES; m++) {
      await repos.usageLedger.insertUsageRead({
        moduleKey: `module-${m}`,
        syncRunId: null,
        readAt: new Date(now.getTime() - 3_600_000),
        outcome: "complete",
        error: null,
        requestCount: 0,
        counts: {},
        rejected: [],
      });
    }
    const data: PsaContractData = {
      services: serviceMappings.map((s) => ({
        psaId: s.serviceId,
        name: `Service ${s.serviceId}`,
        unitPrice: 125000n,
        isActive: true,
      })),
      contracts: [],
      contractServices: [],
      contractServiceUnits: [],
    };
    const period = new ReconciliationService(ctx, new SettingsService(ctx));
    // The month the generated ledger covers (its 30 nights start on START), whatever today is.
    const { key: periodKey } = await period.period(new Date(START).toISOString().slice(0, 7));
    const byOrganization = new Map<string, [string, number][]>();
    for (const [pair, units] of desired) {
      const [organization, service] = pair.split("\u0000") as [string, string];
      byOrganization.set(organization, [...(byOrganization.get(organization) ?? []), [service, units]]);
    }
    for (const [organization, lines] of byOrganization) {
      if (next() < 0.1) continue;
      const contractId = `c-${organization}`;
      data.contracts.push({
        psaId: contractId,
        organizationPsaId: organization,
        name: "MSA",
        startDate: "2025-01-01",
        endDate: "2027-12-31",
      });
      for (const [service, units] of lines) {
        const id = `${contractId}-${service}`;
        data.contractServices.push({
          psaId: id,
          contractPsaId: contractId,
          servicePsaId: service,
          unitPrice: 125000n,
        });
        const roll = next();
        const billed = roll < 0.8 ? units : roll < 0.9 ? Math.max(0, units - 2) : units + 2;
        data.contractServiceUnits.push({
          psaId: `${id}-u`,
          contractPsaId: contractId,
          contractServicePsaId: id,
          servicePsaId: service,
          startDate: `${periodKey}-01`,
          endDate: `${periodKey}-28`,
          units: billed,
          approveAndPostDate: null,
        });
      }
    }
    await ctx.db.transaction().execute(async (tx) =>
      repositories(tx).psaContracts.replace({
        readAt: now,
        window: { from: "2026-10-01", to: "2026-12-31" },
        requestCount: 0,
        rejected: [],
        data,
      }),
    );
    for (const s of serviceMappings) {
      await repositories(ctx.db).serviceMappings.upsert(
        {
          moduleKey: s.moduleKey,
          billingType: s.billingType,
          psaServiceId: s.serviceId,
          psaServiceName: `Service ${s.serviceId}`,
          policy: "latest",
          updatedBy: cliActor.label,
        },
        now,
      );
    }
    await sql`analyze`.execute(ctx.db);
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    // CPU beside the wall time: on a 2-core machine shared with other work the wall swings with the
    // load, the CPU much less. `server`: the PostgreSQL backends of the bench database (0 on PGlite,
    // which runs in this process).
    const loadBefore = loadavg()[0]!;
    const cpuBefore = await cpuMs(database);
    const compute = await timed(() => period.ensure(periodKey));
    const cpuAfter = await cpuMs(database);
    const load = [loadBefore, loadavg()[0]!];
    const computeProfile = period.lastComputeProfile;
    const pages: Record<string, number[]> = { "default order": [], "state filter": [], search: [] };
    const options = { sort: "attention" as const, limit: 100, offset: 0 };
    for (let i = 0; i < 20; i++) {
      pages["default order"]!.push(
        (await timed(() => period.list({ period: periodKey }, { ...options, offset: i * 100 }))).ms,
      );
      pages["state filter"]!.push(
        (await timed(() => period.list({ period: periodKey, state: "under_billed" }, options))).ms,
      );
      pages.search!.push(
        (await timed(() => period.list({ period: periodKey, search: `organization ${i}7` }, options))).ms,
      );
    }
    const summary = await timed(() => period.summary({ period: periodKey }));

    // A night's sync through the ledger's own write path (not timed: ledger.bench.ts measures it):
    // 5% of the pairs change, then the period is read again and changed in place.
    const ledger = new UsageLedgerService(ctx);
    const nightAt = new Date();
    let changedPairs = 0;
    for (const [m, readings] of lastQuantities.entries()) {
      for (const reading of readings) {
        if (next() < 0.05) {
          reading.quantity += 1 + Math.floor(next() * 3);
          changedPairs++;
        }
      }
      await ledger.recordUsageRead(
        `module-${m}`,
        null,
        { kind: "complete", readings, rejected: [], requestCount: 0 },
        { readAt: nightAt },
      );
    }
    const nightCpuBefore = await cpuMs(database);
    const night = await timed(() => period.ensure(periodKey));
    const nightCpu = cpuBetween(nightCpuBefore, await cpuMs(database));
    const nightRefresh = period.lastRefresh;
    const nightProfile = period.lastComputeProfile;

    // One module organization mapped to another organization, as the reconciliation page's picker
    // does (the single write path), then the period read again.
    const moved = await ctx.db
      .selectFrom("module_organizations")
      .select("id")
      .where("module_key", "=", "module-3")
      .where("external_id", "=", "site-100")
      .executeTakeFirstOrThrow();
    await new MappingService(ctx).map(
      cliActor,
      moved.id,
      organizationIds.get(`o${Math.floor(organizationCount / 2) + 42}`)!,
    );
    const mapping = await timed(() => period.ensure(periodKey));
    const mappingRefresh = period.lastRefresh;
    const mappingProfile = period.lastComputeProfile;
    return {
      database: database.label,
      kind,
      organizations: organizationCount,
      moduleOrganizations: perModule * MODULES,
      ledgerRows: ledgerRows.length,
      rows: compute.result.snapshot.rowCount,
      setupSeconds,
      periodMs: compute.ms,
      periodCpu: cpuBetween(cpuBefore, cpuAfter),
      load,
      pages: Object.fromEntries(Object.entries(pages).map(([name, values]) => [name, median(values)])),
      summaryMs: summary.ms,
      profile: computeProfile,
      night: { ms: night.ms, cpu: nightCpu, refresh: nightRefresh, profile: nightProfile, changedPairs },
      mapping: { ms: mapping.ms, refresh: mappingRefresh, profile: mappingProfile },
    };
  } finally {
    // RECONCILE_BENCH_KEEP=1 keeps the scratch database (PostgreSQL) or data folder (PGlite) for
    // EXPLAIN and probes (drop or remove it by hand).
    if (process.env.RECONCILE_BENCH_KEEP === "1") {
      await database.close();
      console.log(`kept: ${database.location}`);
    } else await database.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const count = Number(process.env.RECONCILE_BENCH_ORGANIZATIONS ?? 50_000);
  const asked = process.argv[2]?.split(",") as ("pglite" | "postgres")[] | undefined;
  const kinds = asked ?? ["pglite", ...((await postgresReachable()) ? (["postgres"] as const) : [])];
  for (const kind of kinds) {
    const f = await runReconcileBench(kind, count);
    console.log(
      `\nReconciliation, ${f.database}: ${f.organizations.toLocaleString("en")} organizations, ${f.moduleOrganizations.toLocaleString("en")} module organizations x 3 billing types, ${f.ledgerRows.toLocaleString("en")} ledger rows -> ${f.rows.toLocaleString("en")} reconciliation rows (setup ${f.setupSeconds.toFixed(0)} s, not timed)${f.organizations === 50_000 ? "" : " (SMALLER than the issue's 50,000 organizations)"}`,
    );
    console.log(
      `  one period, all organizations (computed and stored): ${fmt(f.periodMs).padStart(9)}   target < ${fmt(TARGET_PERIOD[f.kind])}  ${f.periodMs < TARGET_PERIOD[f.kind] ? "met" : "MISSED"}`,
    );
    console.log(
      `  its CPU: this process ${fmt(f.periodCpu.process)}, PostgreSQL backends ${fmt(f.periodCpu.server)} (load average ${f.load.map((l) => l.toFixed(2)).join(" -> ")})`,
    );
    for (const [name, ms] of Object.entries(f.pages)) {
      console.log(
        `  one page of 100 rows, ${name.padEnd(13)} (median of 20): ${fmt(ms).padStart(9)}   target < ${TARGET_PAGE[f.kind]} ms  ${ms < TARGET_PAGE[f.kind] ? "met" : "MISSED"}`,
      );
    }
    console.log(`  totals per state and module:                        ${fmt(f.summaryMs).padStart(9)}`);
    const refresh = (r: typeof f.night.refresh) =>
      r === null
        ? "nothing to do"
        : r.kind === "whole"
          ? `computed whole (${r.why})`
          : `changed in place: ${r.rowsRemoved.toLocaleString("en")} rows out, ${r.rowsReplaced.toLocaleString("en")} in`;
    const phases = (profile: Record<string, number>) =>
      Object.entries(profile)
        .map(([phase, ms]) => `${phase} ${fmt(ms)}`)
        .join(", ");
    console.log(
      `  after a night's sync (${f.night.changedPairs.toLocaleString("en")} pairs changed): ${fmt(f.night.ms).padStart(9)}   target < ${fmt(TARGET_PERIOD[f.kind])}  ${f.night.ms < TARGET_PERIOD[f.kind] ? "met" : "MISSED"}  ${refresh(f.night.refresh)}`,
    );
    console.log(
      `    its CPU: this process ${fmt(f.night.cpu.process)}, PostgreSQL backends ${fmt(f.night.cpu.server)}; phases: ${phases(f.night.profile)}`,
    );
    console.log(
      `  after one mapping change:                 ${fmt(f.mapping.ms).padStart(9)}   ${refresh(f.mapping.refresh)}; phases: ${phases(f.mapping.profile)}`,
    );
    console.log(
      `  the period's phases: ${Object.entries(f.profile)
        .map(([phase, ms]) => `${phase} ${fmt(ms)}`)
        .join(", ")}`,
    );
  }
}
