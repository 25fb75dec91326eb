import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { billingWorld, psaData } from "../../../test/support/billing-world.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { arrayLiteral, ReconciliationRepository } from "../../db/reconciliation.repository.ts";
import { repositories } from "../../db/repositories.ts";
import { type RowTrace, rowTrace } from "../../domain/billing/reconcile-period.ts";
import { stateTotals } from "./reconciliation-detail.ts";

const SERVICES = [
  { id: "s-dev", name: "Managed device", price: "12.50" },
  { id: "s-srv", name: "Managed server", price: "40.00" },
];

/**
 * The snapshot's store (migration 0013): rows sent as array literals of our own, one partition per
 * period swapped in whole, and the unfiltered totals kept with the snapshot.
 */
describe("reconciliation snapshot store", () => {
  const t = useTestContext();
  const w = billingWorld(t);

  const partitions = async () =>
    (
      await sql<{ name: string; bound: string; indexes: number }>`
        select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound,
          (select count(*)::int from pg_index x where x.indrelid = c.oid) as indexes
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'reconciliation_rows'::regclass order by bound
      `.execute(t.ctx.db)
    ).rows;

  it("sends any text through its array literal unchanged", async () => {
    const values = [
      'a "quoted" word',
      "back\\slash",
      "comma, {brace}",
      "line\nbreak",
      "NULL",
      "",
      null,
      "é €",
    ];
    const result = await sql<{ v: string | null }>`
      select unnest(${arrayLiteral(values)}::text[]) as v
    `.execute(t.ctx.db);
    expect(result.rows.map((r) => r.v)).toEqual(values);
    const numbers = await sql<{ v: number | null }>`
      select unnest(${arrayLiteral([1, -2, null, 0])}::int[]) as v
    `.execute(t.ctx.db);
    expect(numbers.rows.map((r) => r.v)).toEqual([1, -2, null, 0]);
  });

  it("swaps one partition per period, adopts the parent's indexes, and keeps totals equal to the rows'", async () => {
    // The test files of a worker share one database (test-context.ts): the periods another file
    // reconciled still have their (emptied) partitions.
    for (const { name } of await partitions()) await sql`drop table ${sql.table(name)}`.execute(t.ctx.db);
    const orgs = [];
    for (const [i, name] of ["Balanced", "Under", "Over", "Psa only", "No price"].entries())
      orgs.push(await w.organization(`P${i}`, name));
    await w.module("rmm");
    await w.module("saas");
    await w.contracts(
      psaData(SERVICES, [
        { organizationPsaId: "P0", lines: [{ serviceId: "s-dev", units: 10 }] },
        { organizationPsaId: "P1", lines: [{ serviceId: "s-dev", units: 10 }] },
        { organizationPsaId: "P2", lines: [{ serviceId: "s-dev", units: 8 }] },
        { organizationPsaId: "P3", lines: [{ serviceId: "s-dev", units: 5 }] },
        { organizationPsaId: "P4", lines: [{ serviceId: "s-dev", units: 1, price: null }] },
      ]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    await w.serviceMapping("saas", "devices", "s-dev");
    const sites = [];
    for (const [i, org] of orgs.entries()) {
      if (i === 3) continue;
      const site = await w.moduleOrganization("rmm", `s${i}`);
      sites.push(site);
      await w.map(site.id, org.id, "2026-10-01T00:00:00Z");
    }
    const seats = await w.moduleOrganization("saas", "t1");
    await w.map(seats.id, orgs[1]!.id, "2026-10-01T00:00:00Z");
    await w.moduleOrganization("rmm", "loose");
    await w.moduleOrganization("saas", "loose-too");
    const quantities = { s0: 10, s1: 12, s2: 5, s4: 3, loose: 7 };
    await w.read("rmm", "2026-11-02T02:00:00Z", quantities, { "devices.server": { s0: 2, loose: 1 } });
    await w.read("saas", "2026-11-02T02:00:00Z", { t1: 4, "loose-too": 2 });
    t.ctx.clock.set("2026-11-25T00:00:00Z");
    await w.read("rmm", "2026-11-25T00:00:00Z", quantities, { "devices.server": { s0: 2, loose: 1 } });
    await w.read("saas", "2026-11-25T00:00:00Z", { t1: 4, "loose-too": 2 });

    const service = w.reconciliation();
    const repo = new ReconciliationRepository(t.ctx.db);
    const fromRows = async (period: string) => ({
      byState: stateTotals(await repo.totalsByState(period, {})),
      byModule: (await repo.totalsByModule(period, {})).sort((a, b) =>
        `${a.moduleKey}${a.state}`.localeCompare(`${b.moduleKey}${b.state}`),
      ),
      unmapped: await repo.unmappedModuleOrganizations(period, {}),
    });
    const summary = await service.summary({ period: "2026-11" });
    const { snapshot } = await service.ensure("2026-11");
    expect(snapshot.totals).not.toBeNull();
    const rows = await fromRows("2026-11");
    // Every state, every module: the stored totals are the rows' own.
    expect(summary.totals).toEqual(rows.byState);
    expect(summary.unmappedModuleOrganizations).toBe(rows.unmapped);
    expect(rows.unmapped).toBe(2);
    expect(
      snapshot
        .totals!.byModule.map((m) => ({ ...m, money: stateTotals([m])[0]!.money }))
        .sort((a, b) => `${a.moduleKey}${a.state}`.localeCompare(`${b.moduleKey}${b.state}`)),
    ).toEqual(rows.byModule.map((m) => ({ ...m, money: stateTotals([m])[0]!.money })));
    for (const module of summary.modules) {
      expect(module.byState).toEqual(
        stateTotals(rows.byModule.filter((m) => m.moduleKey === module.moduleKey)),
      );
    }
    expect(summary.totals.find((s) => s.state === "under_billed")).toMatchObject({
      rows: 2,
      units: 8,
      rowsWithoutMoney: 1,
    });
    expect(summary.totals.find((s) => s.state === "unmapped_usage")?.rows).toBe(3);
    // A filter reads the rows: the module's own totals.
    const filtered = await service.summary({ period: "2026-11", moduleKey: "saas" });
    expect(filtered.totals).toEqual(stateTotals(await repo.totalsByState("2026-11", { moduleKey: "saas" })));
    expect(filtered.totals.find((s) => s.state === "unmapped_usage")?.rows).toBe(1);

    const first = await partitions();
    expect(first).toHaveLength(1);
    expect(first[0]!.bound).toBe("FOR VALUES IN ('2026-11')");
    // The key and the seven indexes built before the attach (migration 0024), adopted: none built twice.
    expect(first[0]!.indexes).toBe(8);

    // A mapping changes the snapshot in place (migration 0024): the rows it reaches, same partition.
    await w.map(sites[0]!.id, orgs[2]!.id, "2026-11-26T00:00:00Z");
    const after = await service.list({ period: "2026-11" }, { sort: "attention", limit: 100, offset: 0 });
    expect(after.total).toBeGreaterThan(0);
    expect(service.lastRefresh?.kind).toBe("changes");
    expect((await partitions()).map((p) => p.name)).toEqual([first[0]!.name]);
    expect((await service.summary({ period: "2026-11" })).totals).toEqual(
      (await fromRows("2026-11")).byState,
    );
    // A service mapping reaches every row: a new snapshot, whose partition replaces the old one.
    await w.serviceMapping("saas", "devices", "s-srv");
    await service.list({ period: "2026-11" }, { sort: "attention", limit: 100, offset: 0 });
    expect(service.lastRefresh?.kind).toBe("whole");
    const second = await partitions();
    expect(second).toHaveLength(1);
    expect(second[0]!.name).not.toBe(first[0]!.name);
    expect((await service.summary({ period: "2026-11" })).totals).toEqual(
      (await fromRows("2026-11")).byState,
    );

    // Another period has a partition of its own; the state filter reads only its period.
    await service.list({ period: "2026-10" }, { sort: "attention", limit: 100, offset: 0 });
    expect((await partitions()).map((p) => p.bound)).toEqual([
      "FOR VALUES IN ('2026-10')",
      "FOR VALUES IN ('2026-11')",
    ]);
    const underBilled = await service.list(
      { period: "2026-11", state: "under_billed" },
      { sort: "attention", limit: 100, offset: 0 },
    );
    expect(underBilled.items.every((row) => row.state === "under_billed")).toBe(true);
    expect(underBilled.total).toBe(underBilled.items.length);
  });

  it("keeps the rows unlogged, and recomputes a snapshot whose rows a crash emptied", async () => {
    const a = await w.organization("A", "Alpha");
    await w.module("rmm");
    await w.contracts(
      psaData(SERVICES, [{ organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 3 }] }]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    const site = await w.moduleOrganization("rmm", "s1");
    await w.map(site.id, a.id, "2026-10-01T00:00:00Z");
    await w.moduleOrganization("rmm", "loose");
    await w.read("rmm", "2026-11-02T02:00:00Z", { s1: 5, loose: 2 });
    t.ctx.clock.set("2026-11-03T00:00:00Z");
    const service = w.reconciliation();
    const page = { sort: "attention" as const, limit: 100, offset: 0 };
    const before = await service.list({ period: "2026-11" }, page);
    expect(before.total).toBe(2);
    const partition = (await partitions()).find((p) => p.bound === "FOR VALUES IN ('2026-11')");
    // No write-ahead log for the rows (derived data): a crash leaves the table empty.
    const persistence = await sql<{ p: string }>`
      select relpersistence as p from pg_class where relname = ${partition!.name}
    `.execute(t.ctx.db);
    expect(persistence.rows[0]!.p).toBe("u");
    // What PostgreSQL's crash recovery does to an unlogged table: empties it, the snapshot's
    // record (logged) still there and still current.
    await sql`truncate ${sql.table(partition!.name)}`.execute(t.ctx.db);
    t.ctx.clock.advance(60_000);
    const after = await service.list({ period: "2026-11" }, page);
    expect(after.items.map((r) => r.key)).toEqual(before.items.map((r) => r.key));
    expect(after.total).toBe(2);
    expect(after.computedAt).not.toBe(before.computedAt);
    // An empty period's snapshot is no crash: it stays.
    const empty = await service.list({ period: "2026-09" }, page);
    expect(empty.total).toBe(0);
    expect((await service.list({ period: "2026-09" }, page)).computedAt).toBe(empty.computedAt);
  });

  it("works out each row's drill-down from the row's own pairs, the same as the whole period's compute", async () => {
    const a = await w.organization("A", "Alpha");
    const b = await w.organization("B", "Beta");
    const c = await w.organization("C", "Gamma");
    await w.module("rmm");
    await w.module("saas");
    await w.contracts(
      psaData(SERVICES, [
        { organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 4 }] },
        { organizationPsaId: "C", lines: [{ serviceId: "s-dev", units: 3 }] },
      ]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev", "peak");
    await w.serviceMapping("saas", "devices", "s-dev");
    // devices.server has no service mapping: one row for all organizations.
    const moved = await w.moduleOrganization("rmm", "moved");
    const steady = await w.moduleOrganization("rmm", "steady");
    const excluded = await w.moduleOrganization("rmm", "excluded");
    const tenant = await w.moduleOrganization("saas", "tenant");
    await w.moduleOrganization("rmm", "loose");
    await w.map(moved.id, a.id, "2026-10-20T00:00:00Z");
    await w.map(steady.id, a.id, "2026-10-20T00:00:00Z");
    await w.map(excluded.id, b.id, "2026-10-20T00:00:00Z");
    await w.map(tenant.id, b.id, "2026-10-20T00:00:00Z");
    await w.exclude(excluded.id, "2026-10-21T00:00:00Z");
    const devices = { moved: 10, steady: 3, excluded: 50, loose: 7 };
    const servers = { "devices.server": { moved: 2, steady: 1, loose: 1 } };
    await w.read("rmm", "2026-11-02T02:00:00Z", devices, servers);
    await w.read("saas", "2026-11-02T02:00:00Z", { tenant: 5 });
    await w.map(moved.id, b.id, "2026-11-15T00:00:00Z");
    await w.read("rmm", "2026-11-16T02:00:00Z", { ...devices, moved: 12 }, servers);
    await w.read("saas", "2026-11-17T02:00:00Z", "failed");
    t.ctx.clock.set("2026-11-20T00:00:00Z");
    await w.read("rmm", "2026-11-20T00:00:00Z", { ...devices, moved: 12, steady: 4 }, servers);
    // saas's last complete read is now older than 36 hours: its sources are stale.

    const service = w.reconciliation();
    const { period, snapshot, staleness } = await service.ensure("2026-11");
    expect(staleness.staleFrom.has("saas")).toBe(true);
    const repo = new ReconciliationRepository(t.ctx.db);
    const repos = repositories(t.ctx.db);
    const full = {
      period,
      asOf: new Date(Math.min(snapshot.computedAt.getTime(), period.end.getTime())),
      staleFrom: staleness.staleFrom,
      serviceMappings: await repos.serviceMappings.list(),
      usage: await repo.usageForPeriod(period),
      mappings: await repo.mappingsForPeriod(period),
    };
    const rows = await repo.all("2026-11", {}, "attention");
    const keys = rows.map((row) => row.row_key);
    // Every kind of row is there: mapped, a billing type with no service mapping, unmapped, PSA-only.
    expect(keys).toEqual(
      expect.arrayContaining([
        `o:${a.id}:s:s-dev`,
        `o:${b.id}:s:s-dev`,
        `o:${c.id}:s:s-dev`,
        "t:rmm:devices.server",
        expect.stringMatching(/^u:/),
      ]),
    );
    for (const row of rows) {
      // The sources in a stable order: the whole compute lists them as the ledger read returned them.
      const ordered = (trace: RowTrace | null) =>
        trace && {
          ...trace,
          sources: [...trace.sources].sort((x, y) =>
            `${x.moduleOrganizationId}${x.billingType}`.localeCompare(
              `${y.moduleOrganizationId}${y.billingType}`,
            ),
          ),
        };
      const alone = await service.trace(period, snapshot, staleness, row);
      const whole = rowTrace(full, row.row_key);
      expect(ordered(alone), row.row_key).toEqual(ordered(whole));
      expect(new Set((alone?.sources ?? []).map((s) => s.moduleOrganizationId)).size, row.row_key).toBe(
        row.source_count,
      );
    }
    expect(rowTrace(full, `o:${c.id}:s:s-dev`)).toBeNull();
    expect((await service.row(`o:${b.id}:s:s-dev`, "2026-11")).steps.length).toBeGreaterThan(1);
  });
});
