import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { billingWorld, psaData } from "../../../test/support/billing-world.ts";
import { seededPicker } from "../../../test/support/seeded-random.ts";
import { testServerUrl, useTestContext } from "../../../test/support/test-context.ts";
import { ReconciliationRepository, type SnapshotTotals } from "../../db/reconciliation.repository.ts";
import { repositories } from "../../db/repositories.ts";
import { cliActor } from "../../domain/actor.ts";
import { MappingService } from "../mapping.service.ts";
import { SettingsService } from "../settings.service.ts";
import { ReconciliationService } from "./reconciliation.service.ts";

const SERVICES = [
  { id: "s-dev", name: "Managed device", price: "12.50" },
  { id: "s-srv", name: "Managed server", price: "40.00" },
];
const PERIODS = ["2026-10", "2026-11"];
/** Read through a function: TypeScript narrows the field after the test sets it to null. */
const refreshOf = (service: ReconciliationService) => service.lastRefresh;

/** The unfiltered totals in one order (a snapshot changed in place lists its modules as met). */
function sortedTotals(totals: SnapshotTotals | null) {
  if (totals === null) return null;
  const { kinds: _, ...rest } = totals;
  return {
    ...rest,
    byState: [...rest.byState].sort((a, b) => a.state.localeCompare(b.state)),
    byModule: [...rest.byModule].sort((a, b) =>
      `${a.moduleKey} ${a.state}`.localeCompare(`${b.moduleKey} ${b.state}`),
    ),
  };
}

/**
 * A snapshot changed in place by what changed (migration 0024) holds exactly the rows a whole
 * compute gives: random changes of every kind that feeds the rows (mappings moved, unmapped and
 * excluded mid-period, usage reads with new quantities and failed ones, contracts edited, added and
 * removed, organizations renamed, organizations and module organizations added), each round's
 * snapshot compared, row by row and in both stored orders, with the period computed whole.
 */
describe("reconciliation changed in place", () => {
  const t = useTestContext();
  const w = billingWorld(t);

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`gives the rows and totals of a whole compute after random changes (seed ${seed})`, async () => {
      const { next, pick, chance } = seededPicker(seed);
      const day = (d: number) => new Date(Date.UTC(2026, 9, 20) + d * 86_400_000).toISOString();
      const organizations: { id: string; psaId: string }[] = [];
      for (let i = 0; i < 8; i++) {
        const org = await w.organization(`P${seed}-${i}`, `Org ${i}`);
        organizations.push({ id: org.id, psaId: `P${seed}-${i}` });
      }
      await w.module("rmm");
      await w.module("saas");
      const contracts = psaData(
        SERVICES,
        organizations.slice(0, 6).map((o) => ({
          organizationPsaId: o.psaId,
          lines: [
            { serviceId: "s-dev", units: Math.floor(next() * 12) },
            ...(chance(0.5) ? [{ serviceId: "s-srv", units: Math.floor(next() * 3) }] : []),
          ],
        })),
      );
      // Contracts billing October too, so that both periods have a PSA side.
      for (const unit of [...contracts.contractServiceUnits]) {
        contracts.contractServiceUnits.push({
          ...unit,
          psaId: `${unit.psaId}-oct`,
          startDate: "2026-10-01",
          endDate: "2026-10-31",
        });
      }
      await w.contracts(contracts);
      await w.serviceMapping("rmm", "devices", "s-dev");
      await w.serviceMapping("rmm", "devices.server", "s-srv", "peak");
      // saas devices has no service mapping: its `t:` row adds up every organization.
      const sites: { id: string; module: "rmm" | "saas"; externalId: string }[] = [];
      for (let i = 0; i < 30; i++) {
        const site = await w.moduleOrganization("rmm", `r${i}`);
        sites.push({ id: site.id, module: "rmm", externalId: `r${i}` });
      }
      for (let i = 0; i < 8; i++) {
        const site = await w.moduleOrganization("saas", `t${i}`);
        sites.push({ id: site.id, module: "saas", externalId: `t${i}` });
      }
      for (const site of sites) {
        if (chance(0.8)) await w.map(site.id, pick(organizations).id, day(0));
      }
      const quantities = new Map(sites.map((s) => [s.id, Math.floor(next() * 20)]));
      const servers = new Map(sites.map((s) => [s.id, Math.floor(next() * 4)]));
      const read = async (module: "rmm" | "saas", when: string) => {
        const listed = sites.filter((s) => s.module === module && quantities.get(s.id)! >= 0);
        const devices = Object.fromEntries(listed.map((s) => [s.externalId, quantities.get(s.id)!]));
        const servers: Record<string, Record<string, number>> = module === "rmm"
          ? {
              "devices.server": Object.fromEntries(
                listed.map((s) => [s.externalId, quantities.get(s.id)! % 4]),
              ),
            }
          : {};
        await w.read(module, when, devices, servers);
      };
      await read("rmm", day(1));
      await read("saas", day(1));

      // Stale never (so that no module turning stale forces a whole compute), every change weighed.
      const service = new ReconciliationService(t.ctx, new SettingsService(t.ctx), {
        staleAfterHours: 100_000,
        deltaReachLimit: 1,
      });
      const repo = new ReconciliationRepository(t.ctx.db);
      let clock = 2;
      t.ctx.clock.set(day(clock));
      for (const period of PERIODS) await service.ensure(period);
      expect(refreshOf(service)?.kind).toBe("whole");

      const changes: (() => Promise<string>)[] = [
        async () => {
          const site = pick(sites);
          const org = pick(organizations);
          t.ctx.clock.set(day(clock));
          await new MappingService(t.ctx).map(cliActor, site.id, org.id);
          return "map";
        },
        async () => {
          t.ctx.clock.set(day(clock));
          await new MappingService(t.ctx).unmap(cliActor, pick(sites).id);
          return "unmap";
        },
        async () => {
          t.ctx.clock.set(day(clock));
          await new MappingService(t.ctx).setExcluded(cliActor, pick(sites).id, true);
          return "exclude";
        },
        async () => {
          // Some sites' devices, others' servers: one reading of a pair changes, not the site's.
          for (const site of sites) {
            if (chance(0.12)) quantities.set(site.id, Math.floor(next() * 20));
            if (chance(0.12)) servers.set(site.id, Math.floor(next() * 4));
          }
          // Now and then a site the read no longer lists.
          if (chance(0.3)) quantities.set(pick(sites).id, -1);
          await read(pick(["rmm", "saas"] as const), day(clock));
          return "read";
        },
        async () => {
          if (chance(0.5)) return "no failed read";
          await w.read(pick(["rmm", "saas"]), day(clock), "failed");
          return "failed read";
        },
        async () => {
          const unit = pick(contracts.contractServiceUnits);
          unit.units = Math.floor(next() * 12);
          if (chance(0.3) && contracts.contractServices.length > 1) {
            const line = pick(contracts.contractServices);
            contracts.contractServices = contracts.contractServices.filter((l) => l !== line);
            contracts.contractServiceUnits = contracts.contractServiceUnits.filter(
              (u) => u.contractServicePsaId !== line.psaId,
            );
          }
          if (chance(0.3)) {
            const line = pick(contracts.contractServices);
            line.unitPrice = line.unitPrice === null ? 90_000n : null;
          }
          await w.contracts(contracts, day(clock));
          return "contracts";
        },
        async () => {
          const org = pick(organizations);
          const psaId = org.psaId;
          const index = Number(psaId.split("-")[1]);
          await repositories(t.ctx.db).organizations.upsertMany(
            [
              {
                psaId,
                name: `${chance(0.5) ? "Zed" : "Aardvark"} ${index}`,
                type: "Customer",
                isActive: true,
                parentPsaId: null,
              },
            ],
            new Date(day(clock)),
          );
          return "rename";
        },
        async () => {
          const i = organizations.length;
          const org = await w.organization(`P${seed}-${i}`, `Org ${i}`);
          organizations.push({ id: org.id, psaId: `P${seed}-${i}` });
          contracts.contracts.push({
            psaId: `new-${i}`,
            organizationPsaId: `P${seed}-${i}`,
            name: "New contract",
            startDate: "2026-01-01",
            endDate: "2027-12-31",
          });
          contracts.contractServices.push({
            psaId: `new-${i}-cs`,
            contractPsaId: `new-${i}`,
            servicePsaId: "s-dev",
            unitPrice: 125_000n,
          });
          contracts.contractServiceUnits.push({
            psaId: `new-${i}-u`,
            contractPsaId: `new-${i}`,
            contractServicePsaId: `new-${i}-cs`,
            servicePsaId: "s-dev",
            startDate: "2026-11-01",
            endDate: "2026-11-30",
            units: 4,
            approveAndPostDate: null,
          });
          await w.contracts(contracts, day(clock));
          const site = await w.moduleOrganization("rmm", `r-new-${i}`);
          sites.push({ id: site.id, module: "rmm", externalId: `r-new-${i}` });
          quantities.set(site.id, 3);
          await new MappingService(t.ctx).map(cliActor, site.id, org.id);
          return "new organization";
        },
      ];

      let inPlaceRounds = 0;
      for (let round = 0; round < 14; round++) {
        clock += 1;
        const done = [];
        for (let c = 0; c < 1 + Math.floor(next() * 3); c++) done.push(await pick(changes)());
        // Read an hour after the changes (a piece starting at the very instant of a snapshot has
        // its own test below).
        t.ctx.clock.set(new Date(new Date(day(clock)).getTime() + 3_600_000).toISOString());
        for (const period of PERIODS) {
          service.lastRefresh = null;
          const { snapshot } = await service.ensure(period);
          // In place, unless November's snapshot was computed in October (before the period began:
          // every piece starts since). Null: nothing committed since (no-op changes: excluding twice).
          const refresh = refreshOf(service);
          expect(
            refresh === null || refresh.kind === "changes" || refresh.why === "the period had not begun",
            `${period} after ${done.join(", ")}: ${JSON.stringify(refresh)}`,
          ).toBe(true);
          if (refresh?.kind === "changes") inPlaceRounds++;
          const inPlace = {
            attention: await repo.all(period, {}, "attention"),
            organization: (await repo.all(period, {}, "organization")).map((r) => r.row_key),
          };
          // The same period computed whole from the same data.
          await sql`delete from reconciliation_snapshots where period_key = ${period}`.execute(t.ctx.db);
          const whole = await service.ensure(period);
          expect(refreshOf(service)?.kind).toBe("whole");
          const message = `seed ${seed} round ${round} ${period} after ${done.join(", ")}`;
          const wholeRows = await repo.all(period, {}, "attention");
          const byKey = (rows: typeof wholeRows) => Object.fromEntries(rows.map((r) => [r.row_key, r]));
          expect(byKey(inPlace.attention), message).toEqual(byKey(wholeRows));
          expect(
            inPlace.attention.map((r) => r.row_key),
            message,
          ).toEqual(wholeRows.map((r) => r.row_key));
          expect(inPlace.organization, message).toEqual(
            (await repo.all(period, {}, "organization")).map((r) => r.row_key),
          );
          expect(snapshot.rowCount, message).toBe(whole.snapshot.rowCount);
          expect(sortedTotals(snapshot.totals), message).toEqual(sortedTotals(whole.snapshot.totals));
          for (const kind of whole.snapshot.totals?.kinds ?? [])
            expect(snapshot.totals?.kinds).toContain(kind);
        }
      }
      expect(inPlaceRounds).toBeGreaterThan(12);
    });
  }

  it("recomputes a reading that starts at the very instant of the snapshot (or later, by another clock)", async () => {
    const a = await w.organization("A", "Alpha");
    const b = await w.organization("B", "Beta");
    await w.module("rmm");
    await w.contracts(
      psaData(SERVICES, [
        { organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 5 }] },
        { organizationPsaId: "B", lines: [{ serviceId: "s-dev", units: 1 }] },
      ]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    const site = await w.moduleOrganization("rmm", "s1");
    const other = await w.moduleOrganization("rmm", "s2");
    await w.map(site.id, a.id, "2026-10-01T00:00:00Z");
    await w.read("rmm", "2026-11-02T00:00:00Z", { s1: 5 });
    const service = new ReconciliationService(t.ctx, new SettingsService(t.ctx), { deltaReachLimit: 1 });
    const desired = async () =>
      (await new ReconciliationRepository(t.ctx.db).all("2026-11", { organizationId: a.id }, "attention"))[0]
        ?.desired_units;
    t.ctx.clock.set("2026-11-03T00:00:00Z");
    await service.ensure("2026-11");
    // Written at the snapshot's instant and 30 s after it (a server whose clock runs ahead), both
    // before it is computed: each counts from the instant after, so the snapshot still has 5.
    await w.read("rmm", "2026-11-03T00:00:00Z", { s1: 9 });
    await w.read("rmm", "2026-11-03T00:00:30Z", { s1: 11 });
    t.ctx.clock.set("2026-11-03T00:00:00Z");
    await service.ensure("2026-11");
    expect(await desired()).toBe(5);
    // An hour later a change elsewhere: the snapshot changed in place counts the readings now.
    await w.map(other.id, b.id, "2026-11-03T01:00:00Z");
    await service.ensure("2026-11");
    expect(refreshOf(service)?.kind).toBe("changes");
    expect(await desired()).toBe(11);
  });
});

/**
 * Races only PostgreSQL shows (PGlite runs one transaction at a time): changes of a transaction
 * that commits after a snapshot was computed, though it began and wrote before; and two servers
 * bringing the same snapshot up to date at once.
 */
describe.skipIf(!testServerUrl())("reconciliation changed in place, concurrent writers on PostgreSQL", () => {
  const t = useTestContext();
  const w = billingWorld(t);

  it("a change committed after a snapshot, though written before it, is in the next one; two services at once agree", async () => {
    const a = await w.organization("A", "Alpha");
    const b = await w.organization("B", "Beta");
    await w.module("rmm");
    await w.contracts(
      psaData(SERVICES, [
        { organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 5 }] },
        { organizationPsaId: "B", lines: [{ serviceId: "s-dev", units: 5 }] },
      ]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    const s1 = await w.moduleOrganization("rmm", "s1");
    const s2 = await w.moduleOrganization("rmm", "s2");
    await w.map(s1.id, a.id, "2026-10-01T00:00:00Z");
    await w.map(s2.id, b.id, "2026-10-01T00:00:00Z");
    await w.read("rmm", "2026-11-02T00:00:00Z", { s1: 5, s2: 5 });
    t.ctx.clock.set("2026-11-03T00:00:00Z");
    const first = new ReconciliationService(t.ctx, new SettingsService(t.ctx), { deltaReachLimit: 1 });
    const second = new ReconciliationService(t.ctx, new SettingsService(t.ctx), { deltaReachLimit: 1 });
    const repo = new ReconciliationRepository(t.ctx.db);
    await first.ensure("2026-11");

    // A slow writer: it writes s1's new reading, then waits before committing.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => {
      written = resolve;
    });
    const slow = t.ctx.db.transaction().execute(async (tx) => {
      await sql`update usage_ledger set valid_to = '2026-11-02T12:00:00Z'
        where module_organization_id = ${s1.id} and valid_to is null`.execute(tx);
      await sql`insert into usage_ledger (module_organization_id, billing_type, quantity, valid_from, read_at)
        values (${s1.id}, 'devices', 9, '2026-11-02T12:00:00Z', '2026-11-02T12:00:00Z')`.execute(tx);
      written();
      await gate;
    });
    await wrote;
    // Meanwhile a quick one commits s2's, and the snapshot is brought up to it.
    await w.read("rmm", "2026-11-02T13:00:00Z", { s1: 5, s2: 7 });
    t.ctx.clock.set("2026-11-03T01:00:00Z");
    await first.ensure("2026-11");
    const units = async (organizationId: string) =>
      (await repo.all("2026-11", { organizationId }, "attention"))[0]?.desired_units;
    expect(await units(b.id)).toBe(7);
    expect(await units(a.id)).toBe(5);
    release();
    await slow;

    // The slow one's change has a later version than the snapshot: both services bring it in, at once.
    t.ctx.clock.set("2026-11-03T02:00:00Z");
    await Promise.all([first.ensure("2026-11"), second.ensure("2026-11")]);
    expect(await units(a.id)).toBe(9);
    const inPlace = await repo.all("2026-11", {}, "attention");
    await sql`delete from reconciliation_snapshots where period_key = '2026-11'`.execute(t.ctx.db);
    await first.ensure("2026-11");
    expect(inPlace).toEqual(await repo.all("2026-11", {}, "attention"));
  });
});
