import { pathToFileURL } from "node:url";
import { analyzeTables } from "../../src/db/database.ts";
import { repositories } from "../../src/db/repositories.ts";
import { cliActor } from "../../src/domain/actor.ts";
import { createServices } from "../../src/services/index.ts";
import { SuggestionService } from "../../src/services/suggestion/suggestion.service.ts";
import { syntheticSet } from "../matching/synthetic.ts";
import { benchContext, median, openBenchDatabase } from "../support.ts";

/** What the freshness benchmark measures (milliseconds). */
export interface SuggestionsBenchFigures {
  database: string;
  organizations: number;
  confirmedMappings: number;
  unmappedModuleOrganizations: number;
  coldBuildMs: number;
  /** Of the cold build, the milliseconds the index worker spent building (off the main thread). */
  coldBuildWorkerMs: number;
  /** The longest the main thread was held during the cold build (a 10 ms timer's longest gap). */
  coldBuildMainThreadHeldMs: number;
  steadyAnswerMedianMs: number;
  mappingChange: { trials: number; medianMs: number; maxMs: number; refreshMedianMs: number };
  psaSync: { medianMs: number; maxMs: number };
  moduleSyncRenameMs: number;
  listPage500Ms: number;
  acceptAll: { applied: number; ms: number };
}

const SIZES = { organizations: 50_000, mapped: 40_000, unmapped: 20_000, trials: 25 };
const CHUNK = 2000;

const max = (values: number[]) => Math.max(...values);

/** The longest gap between two firings of a 10 ms timer while `work` runs: how long it held the main thread. */
async function longestMainThreadGap(work: () => Promise<unknown>): Promise<number> {
  let longest = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
    return Math.max(longest, performance.now() - last);
  } finally {
    clearInterval(ticker);
  }
}

/**
 * 50,000 organizations, 40,000 confirmed mappings (Graphus) and 20,000 unmapped IT Glue records in one
 * database. A reader service (as another process would: it shares nothing with the writer but the
 * database) answers suggestions while a writer maps, moves and syncs; each figure is the time from the
 * writer's commit to the reader's next answer that shows the change.
 */
export async function runSuggestionsBench(): Promise<SuggestionsBenchFigures> {
  // PostgreSQL when DATABASE_URL names a server (a scratch database on it), else in-memory PGlite.
  const database = await openBenchDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  try {
    const ctx = benchContext(database);
    const repos = repositories(ctx.db);
    const set = syntheticSet(SIZES.organizations, SIZES.mapped + SIZES.unmapped, 7);
    const at = new Date();
    const organizationRows = set.organizations.map((o) => ({
      psaId: o.id,
      name: o.name,
      type: "Customer" as const,
      isActive: true,
      parentPsaId: null,
    }));
    for (let i = 0; i < organizationRows.length; i += CHUNK)
      await repos.organizations.upsertMany(organizationRows.slice(i, i + CHUNK), at);
    const orgIdByPsaId = new Map(
      (await ctx.db.selectFrom("organizations").select(["id", "psa_id"]).execute()).map((r) => [
        r.psa_id,
        r.id,
      ]),
    );
    for (const [key, name] of [
      ["graphus", "Graphus"],
      ["itglue", "IT Glue"],
    ] as const) {
      await repos.modules.insert({ key, name, createdAt: at });
      await repos.modules.update(key, {
        billing_enabled: true,
        billing_changed_at: at,
        first_successful_sync_at: at,
      });
    }
    const graphus = set.queries.slice(0, SIZES.mapped);
    // The IT Glue records of the trials carry the same names as Graphus records: cross-module evidence.
    const twins = graphus.slice(0, SIZES.trials);
    const itglue = [...twins, ...set.queries.slice(SIZES.mapped + SIZES.trials)];
    const graphusIds = new Map<string, string>();
    for (let i = 0; i < graphus.length; i += CHUNK) {
      const rows = graphus
        .slice(i, i + CHUNK)
        .map((q) => ({ externalId: q.id, name: q.name, parentExternalId: null, attributes: {} }));
      for (const r of await repos.moduleOrganizations.upsertMany("graphus", rows, at))
        graphusIds.set(r.record.externalId, r.id);
    }
    const twinIds = new Map<string, string>();
    for (let i = 0; i < itglue.length; i += CHUNK) {
      const rows = itglue
        .slice(i, i + CHUNK)
        .map((q) => ({ externalId: q.id, name: q.name, parentExternalId: null, attributes: {} }));
      for (const r of await repos.moduleOrganizations.upsertMany("itglue", rows, at))
        twinIds.set(r.record.externalId, r.id);
    }
    const organizationIds = set.organizations.map((o) => orgIdByPsaId.get(o.id) as string);
    const truthOf = (q: { truth: string | null }, i: number) =>
      orgIdByPsaId.get(q.truth ?? "") ?? (organizationIds[i % organizationIds.length] as string);
    await repos.mappings.insertMany(
      graphus.map((q, i) => ({
        moduleOrganizationId: graphusIds.get(q.id) as string,
        moduleKey: "graphus",
        organizationId: truthOf(q, i),
        createdBy: "bench",
        at,
      })),
    );
    await analyzeTables(ctx.db);

    const reader = new SuggestionService(ctx);
    const writer = createServices(ctx);
    const cold = performance.now();
    const coldHeld = await longestMainThreadGap(() =>
      reader.forModuleOrganization(twinIds.get(twins[0]!.id)!),
    );
    const coldBuildMs = performance.now() - cold;
    const coldBuildWorkerMs = reader.cache.lastBuildWorkMs;

    const steady: number[] = [];
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      await reader.forModuleOrganization(twinIds.get(twins[i % twins.length]!.id)!);
      steady.push(performance.now() - start);
    }

    const change: number[] = [];
    const refresh: number[] = [];
    for (const [i, twin] of twins.entries()) {
      const target = organizationIds[(i * 7919) % organizationIds.length] as string;
      const targetName = set.organizations[(i * 7919) % organizationIds.length]!.name;
      await writer.mapping.map(cliActor, graphusIds.get(twin.id)!, target);
      const start = performance.now();
      const { items } = await reader.forModuleOrganization(twinIds.get(twin.id)!);
      change.push(performance.now() - start);
      refresh.push(reader.cache.lastRefresh.ms);
      const shown = items[0]?.candidates.find((c) => c.organizationId === target);
      if (!shown?.reasons.some((r) => r.includes(`already mapped to ${targetName}`)))
        throw new Error(`trial ${i}: the move to ${targetName} is not reflected: ${JSON.stringify(items)}`);
    }

    // A PSA sync touches every organization (updated_at) and renames one.
    const sync: number[] = [];
    for (let round = 0; round < 3; round++) {
      const renamedTo = `Quintessa Bluewater Holdings ${round}`;
      const rows = organizationRows.map((r, i) => (i === 17 ? { ...r, name: renamedTo } : r));
      const syncAt = new Date(Date.now() + round);
      for (let i = 0; i < rows.length; i += CHUNK)
        await repos.organizations.upsertMany(rows.slice(i, i + CHUNK), syncAt);
      const start = performance.now();
      const { items } = await reader.forModuleOrganization(twinIds.get(twins[1]!.id)!);
      const probe = await reader.list({ moduleKey: "itglue", limit: 1 });
      sync.push(performance.now() - start);
      if (reader.cache.organization(organizationIds[17]!)?.name !== renamedTo || !items || !probe)
        throw new Error("the PSA rename is not reflected");
    }

    // A module sync renames a mapped Graphus record: its name is evidence for its IT Glue twin.
    const renamedTwin = twins[2]!;
    const newName = "Zorbulax Quimbly Tentworks";
    await repos.moduleOrganizations.upsertMany(
      "graphus",
      [{ externalId: renamedTwin.id, name: newName, parentExternalId: null, attributes: {} }],
      new Date(),
    );
    await repos.moduleOrganizations.upsertMany(
      "itglue",
      [{ externalId: "probe", name: newName, parentExternalId: null, attributes: {} }],
      new Date(),
    );
    await ctx.db
      .insertInto("sync_runs")
      .values({
        module_key: "graphus",
        trigger: "bench",
        started_at: new Date(),
        finished_at: new Date(),
        outcome: "succeeded",
        counts: "{}",
        rejected: "[]",
      })
      .execute();
    const probeId = (await repos.moduleOrganizations.findByExternalIds("itglue", ["probe"]))[0]!.id;
    const renameStart = performance.now();
    const renamed = await reader.forModuleOrganization(probeId);
    const moduleSyncRenameMs = performance.now() - renameStart;
    if (!renamed.items[0]?.candidates[0]?.reasons[0]?.includes(newName))
      throw new Error("the module rename is not reflected");

    const listStart = performance.now();
    await reader.list({ moduleKey: "itglue", limit: 500 });
    const listPage500Ms = performance.now() - listStart;
    const acceptStart = performance.now();
    const accepted = await writer.suggestions.accept(cliActor, { moduleKey: "itglue", minScore: 0.9 });
    const acceptAll = { applied: accepted.applied, ms: performance.now() - acceptStart };

    return {
      database: database.label,
      listPage500Ms,
      acceptAll,
      organizations: SIZES.organizations,
      confirmedMappings: SIZES.mapped,
      unmappedModuleOrganizations: itglue.length,
      coldBuildMs,
      coldBuildWorkerMs,
      coldBuildMainThreadHeldMs: coldHeld,
      steadyAnswerMedianMs: median(steady),
      mappingChange: {
        trials: change.length,
        medianMs: median(change),
        maxMs: max(change),
        refreshMedianMs: median(refresh),
      },
      psaSync: { medianMs: median(sync), maxMs: max(sync) },
      moduleSyncRenameMs,
    };
  } finally {
    await database.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const figures = await runSuggestionsBench();
  console.log(JSON.stringify(figures, null, 2));
}
