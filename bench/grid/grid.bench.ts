import type { AppContext } from "../../src/context.ts";
import { analyzeTables, type Db } from "../../src/db/database.ts";
import { repositories } from "../../src/db/repositories.ts";
import type { OrganizationType } from "../../src/domain/organization.ts";
import { seededRandom } from "../../src/services/demo/demo-data.ts";
import { GridService } from "../../src/services/grid.service.ts";
import { ModuleOrganizationService } from "../../src/services/module-organization.service.ts";
import { SettingsService } from "../../src/services/settings.service.ts";
import {
  type BenchDatabase,
  benchContext,
  fmt,
  median,
  openBenchDatabase,
  percentile,
  timed,
} from "../support.ts";

const WORDS = [
  "Summit",
  "Harbor",
  "Cedar",
  "Granite",
  "Lakeside",
  "Dental",
  "Legal",
  "Logistics",
  "Clinic",
  "Group",
  "Partners",
  "Realty",
  "Marine",
  "Foods",
  "Capital",
  "Ridge",
  "Valley",
  "North",
  "West",
  "Bay",
];

export interface GridFigures {
  database: string;
  loadOrganizationsMs: number;
  loadModuleOrganizationsMs: number;
  firstPageMedianMs: number;
  firstPageWithTotalMedianMs: number;
  deepPageMedianMs: number;
  searchPageMedianMs: number;
  unmappedOnlyMedianMs: number;
  /** Issue 13 point 11: the first page of a search with its total, by substring and with a typo. */
  searchWithTotalMedianMs: number;
  searchTypoWithTotalMedianMs: number;
  p95Ms: number;
  listAllMedianMs: number;
  listUnmappedFirstMedianMs: number;
  listNeedsAttentionMedianMs: number;
  /** Issue 13: pages in a sorted order (by offset), first and deep, per list and order. */
  sorted: Record<string, number>;
}

/** Loads 50,000 organizations, 8 ready modules and 200,000 module organizations, then times grid pages. */
export async function benchGrid(
  kind: "pglite" | "postgres",
  sizes = { organizations: 50_000, modules: 8, moduleOrganizations: 200_000 },
): Promise<GridFigures> {
  const database: BenchDatabase = await openBenchDatabase(kind);
  try {
    const ctx = benchContext(database);
    const { loadOrgsMs, loadModuleOrganizationsMs } = await seedGridInstance(ctx.db, sizes);
    const grid = new GridService(ctx, new SettingsService(ctx));
    const all: number[] = [];
    const sample = async (
      filter: Parameters<GridService["page"]>[1],
      cursorOf?: () => Promise<string | undefined>,
      withTotal = false,
    ) => {
      const times: number[] = [];
      await grid.page(null, filter, { limit: 100 });
      for (let i = 0; i < 15; i++) {
        const cursor = cursorOf ? await cursorOf() : undefined;
        const { ms } = await timed(() => grid.page(null, filter, { limit: 100, cursor, withTotal }));
        times.push(ms);
      }
      all.push(...times);
      return median(times);
    };
    // A cursor deep in the list: the organization row at about 40,000 in tree order.
    const deep = await ctx.db
      .selectFrom("organizations")
      .select(["tree_sort", "id"])
      .orderBy("tree_sort")
      .orderBy("id")
      .offset(Math.floor(sizes.organizations * 0.8))
      .limit(1)
      .executeTakeFirstOrThrow();
    const deepCursor = Buffer.from(JSON.stringify({ k: deep.tree_sort, id: deep.id })).toString("base64url");
    return {
      database: database.label,
      loadOrganizationsMs: loadOrgsMs,
      loadModuleOrganizationsMs,
      firstPageMedianMs: await sample({}),
      firstPageWithTotalMedianMs: await sample({}, undefined, true),
      deepPageMedianMs: await sample({}, async () => deepCursor),
      searchPageMedianMs: await sample({ search: "harbor" }),
      unmappedOnlyMedianMs: await sample({ unmappedOnly: true }),
      searchWithTotalMedianMs: await sample({ search: "harbor" }, undefined, true),
      searchTypoWithTotalMedianMs: await sample({ search: "harbr logistcs" }, undefined, true),
      p95Ms: percentile(all, 95),
      ...(await benchList(ctx)),
      sorted: await benchSorted(ctx, grid),
    };
  } finally {
    await database.dispose();
  }
}

/** Fills an empty database with the benchmark instance; returns how long the loads took. */
export async function seedGridInstance(
  db: Db,
  sizes: { organizations: number; modules: number; moduleOrganizations: number },
): Promise<{ loadOrgsMs: number; loadModuleOrganizationsMs: number }> {
  const repos = repositories(db);
  const random = seededRandom(7);
  const word = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const at = new Date();
  const types: OrganizationType[] = [
    "Customer",
    "Customer",
    "Customer",
    "Lead",
    "Prospect",
    "Vendor",
    "Partner",
    "Dead",
    "Cancelation",
  ];

  const loadOrgs = await timed(async () => {
    for (let i = 0; i < sizes.organizations; i += 1000) {
      const chunk = Array.from({ length: Math.min(1000, sizes.organizations - i) }, (_, j) => ({
        psaId: String(i + j + 1),
        name: `${word()} ${word()} ${i + j}`,
        type: types[(i + j) % types.length]!,
        isActive: true,
        parentPsaId: (i + j) % 25 === 1 ? String(i + j) : null,
      }));
      await repos.organizations.upsertMany(chunk, at);
    }
    await repos.organizations.recomputeTreeSort();
  });
  const moduleKeys = Array.from({ length: sizes.modules }, (_, i) => `module-${i + 1}`);
  for (const [i, key] of moduleKeys.entries()) {
    await repos.modules.insert({ key, name: `Module ${i + 1}`, createdAt: new Date(at.getTime() + i) });
    await repos.modules.update(key, { billing_enabled: true, first_successful_sync_at: at });
  }
  const perModule = Math.floor(sizes.moduleOrganizations / sizes.modules);
  const loadMos = await timed(async () => {
    for (const key of moduleKeys) {
      for (let i = 0; i < perModule; i += 1000) {
        const chunk = Array.from({ length: Math.min(1000, perModule - i) }, (_, j) => ({
          externalId: String(i + j + 1),
          name: `${word()} ${word()} ${i + j}`,
          parentExternalId: (i + j) % 10 === 9 ? String(i + j) : null,
          attributes: {},
        }));
        await repos.moduleOrganizations.upsertMany(key, chunk, at);
      }
      await repos.moduleOrganizations.recomputeTreeSort(key);
    }
  });
  // Map about 60% of the module organizations to organizations, a few several per cell.
  const orgIds = (
    await db
      .selectFrom("organizations")
      .select("id")
      .where("type", "not in", ["Dead", "Cancelation"])
      .execute()
  ).map((r) => r.id);
  for (const key of moduleKeys) {
    const mos = await db
      .selectFrom("module_organizations")
      .select("id")
      .where("module_key", "=", key)
      .execute();
    await repos.mappings.insertMany(
      mos
        .filter(() => random() < 0.6)
        .map((mo) => ({
          moduleOrganizationId: mo.id,
          moduleKey: key,
          organizationId: orgIds[Math.floor(random() * orgIds.length)]!,
          createdBy: "bench",
          at,
        })),
    );
  }

  // What autovacuum does within a minute of a load on a real instance.
  await analyzeTables(db);
  return { loadOrgsMs: loadOrgs.ms, loadModuleOrganizationsMs: loadMos.ms };
}

/** Map by Module Organization over the same instance: every module, a picker's unmapped-first page, needs attention. */
async function benchList(ctx: AppContext) {
  const list = new ModuleOrganizationService(ctx);
  const med = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    await work();
    for (let i = 0; i < 15; i++) times.push((await timed(work)).ms);
    return median(times);
  };
  return {
    listAllMedianMs: await med(() => list.list({}, { limit: 100 })),
    listUnmappedFirstMedianMs: await med(() =>
      list.list({ moduleKey: "module-3" }, { limit: 20, orderBy: "unmappedFirst" }),
    ),
    listNeedsAttentionMedianMs: await med(() => list.list({ needsAttention: true }, { limit: 100 })),
  };
}

/**
 * Issue 13: the sorted orders, as the web's blocks ask them (100 rows by offset, no total): the
 * first block and a deep one (row 38,000 of tab 1's 38,890 rows; row 150,000 of tab 2's 200,000).
 */
async function benchSorted(ctx: AppContext, grid: GridService): Promise<Record<string, number>> {
  const list = new ModuleOrganizationService(ctx);
  const med = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    await work();
    for (let i = 0; i < 7; i++) times.push((await timed(work)).ms);
    return median(times);
  };
  const figures: Record<string, number> = {};
  for (const sort of ["-name", "psaId"] as const) {
    for (const offset of [0, 38_000]) {
      figures[`tab 1 ${sort} @${offset}`] = await med(() =>
        grid.page(null, {}, { limit: 100, offset, withTotal: false, sort }),
      );
    }
  }
  for (const sort of ["-name", "module", "organization"] as const) {
    for (const offset of [0, 150_000]) {
      figures[`tab 2 ${sort} @${offset}`] = await med(() => list.list({}, { limit: 100, offset, sort }));
    }
  }
  return figures;
}

export function printGridFigures(figures: GridFigures[]): void {
  console.log(
    "\nMap by Organization grid: 50,000 organizations, 8 modules, 200,000 module organizations; one page = 100 rows (the total is asked once per filter)",
  );
  console.table(
    figures.map((f) => ({
      database: f.database,
      "load 50k orgs": fmt(f.loadOrganizationsMs),
      "load 200k module orgs": fmt(f.loadModuleOrganizationsMs),
      "first page (median)": fmt(f.firstPageMedianMs),
      "first page + total count": fmt(f.firstPageWithTotalMedianMs),
      "page at row 40,000": fmt(f.deepPageMedianMs),
      "search page": fmt(f.searchPageMedianMs),
      "unmapped only": fmt(f.unmappedOnlyMedianMs),
      "search + total": fmt(f.searchWithTotalMedianMs),
      "typo search + total": fmt(f.searchTypoWithTotalMedianMs),
      "p95 all pages": fmt(f.p95Ms),
      "tab 2 page": fmt(f.listAllMedianMs),
      "picker (unmapped first)": fmt(f.listUnmappedFirstMedianMs),
      "needs attention": fmt(f.listNeedsAttentionMedianMs),
    })),
  );
  console.log("\nSorted pages (100 rows by offset, median of 7): first block and a deep one");
  console.table(
    figures.map((f) => ({
      database: f.database,
      ...Object.fromEntries(Object.entries(f.sorted).map(([name, ms]) => [name, fmt(ms)])),
    })),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kinds = (process.argv[2]?.split(",") ?? ["postgres", "pglite"]) as ("pglite" | "postgres")[];
  const figures: GridFigures[] = [];
  for (const kind of kinds) figures.push(await benchGrid(kind));
  printGridFigures(figures);
}
