import { describe, expect, it } from "vitest";
import { billingWorld, psaData } from "../../../test/support/billing-world.ts";
import { useTestContext } from "../../../test/support/test-context.ts";

const NOVEMBER = { period: "2026-11" };
const page = { sort: "attention" as const, limit: 100, offset: 0 };
const SERVICES = [
  { id: "s-dev", name: "Managed device", price: "12.50" },
  { id: "s-srv", name: "Managed server", price: "40.00" },
];

/** Rules 12, 13 and 14 through the whole service (ledger, dated mappings, contracts, snapshot). */
describe("ReconciliationService", () => {
  const t = useTestContext();
  const w = billingWorld(t);

  it("rule 12: usage follows the mapping in force when it was read; a move splits the period, exclusion is never billed", async () => {
    const a = await w.organization("A", "Alpha");
    const b = await w.organization("B", "Beta");
    await w.module("rmm");
    const moved = await w.moduleOrganization("rmm", "site-moved");
    const excluded = await w.moduleOrganization("rmm", "site-excluded");
    const later = await w.moduleOrganization("rmm", "site-later");
    await w.contracts(psaData(SERVICES, []));
    await w.serviceMapping("rmm", "devices", "s-dev", "peak");
    await w.map(moved.id, a.id, "2026-10-20T00:00:00Z");
    await w.map(excluded.id, a.id, "2026-10-20T00:00:00Z");
    await w.exclude(excluded.id, "2026-10-21T00:00:00Z");
    await w.read("rmm", "2026-11-02T02:00:00Z", { "site-moved": 10, "site-excluded": 50, "site-later": 7 });
    await w.map(moved.id, b.id, "2026-11-15T00:00:00Z");
    // Mapped after the period: November still saw it unmapped.
    await w.map(later.id, a.id, "2026-12-03T00:00:00Z");
    t.ctx.clock.set("2026-12-04T00:00:00Z");
    await w.read("rmm", "2026-12-04T00:00:00Z", { "site-moved": 10, "site-excluded": 50, "site-later": 7 });

    const { items } = await w.reconciliation().list(NOVEMBER, page);
    const byKey = new Map(items.map((row) => [row.key, row]));
    // Peak: Alpha had the 10 devices from the 2nd to the 15th, Beta from the 15th on; the excluded 50 nowhere.
    expect(byKey.get(`o:${a.id}:s:s-dev`)).toMatchObject({
      desiredUnits: 10,
      state: "no_contract",
      sourceCount: 1,
    });
    expect(byKey.get(`o:${b.id}:s:s-dev`)).toMatchObject({ desiredUnits: 10, state: "no_contract" });
    expect(byKey.get(`u:${later.id}:devices`)).toMatchObject({ state: "unmapped_usage", desiredUnits: 7 });
    expect(
      items.some((row) => row.desiredUnits === 50 || row.desiredUnits === 60 || row.desiredUnits === 17),
    ).toBe(false);

    const detail = await w.reconciliation().row(`o:${b.id}:s:s-dev`, "2026-11");
    expect(detail.steps).toEqual([
      { from: "2026-11-15T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z", units: 10, unknownSources: 0 },
    ]);
    expect(detail.sources[0]?.mappings.map((m) => m.organizationName)).toEqual(["Alpha", "Beta"]);
    expect(detail.sources[0]?.readings[0]).toMatchObject({ quantity: 10 });
  });

  it("rule 13: unknown keeps the last known units and never decreases them; an old last read makes the source stale", async () => {
    const a = await w.organization("A");
    const b = await w.organization("B");
    await w.module("rmm");
    await w.module("saas");
    const site = await w.moduleOrganization("rmm", "site-1");
    const customer = await w.moduleOrganization("saas", "cust-1");
    await w.contracts(
      psaData(SERVICES, [
        { organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 10 }] },
        { organizationPsaId: "B", lines: [{ serviceId: "s-srv", units: 5 }] },
      ]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    await w.serviceMapping("saas", "devices", "s-srv");
    await w.map(site.id, a.id, "2026-10-01T00:00:00Z");
    await w.map(customer.id, b.id, "2026-10-01T00:00:00Z");
    await w.read("rmm", "2026-11-02T02:00:00Z", { "site-1": 10 });
    await w.read("rmm", "2026-11-19T02:00:00Z", { "site-1": 10 });
    await w.read("rmm", "2026-11-20T02:00:00Z", "failed");
    await w.read("saas", "2026-11-02T02:00:00Z", { "cust-1": 5 });
    // Now: rmm's last complete read is 34 hours old, saas's 18 days: older than 36 hours.
    t.ctx.clock.set("2026-11-20T12:00:00Z");

    const { items } = await w.reconciliation().list(NOVEMBER, page);
    const failed = items.find((row) => row.key === `o:${a.id}:s:s-dev`);
    expect(failed).toMatchObject({
      state: "stale_source",
      desiredUnits: 10,
      psaUnits: 10,
      differenceUnits: 0,
      isStale: true,
    });
    const stale = items.find((row) => row.key === `o:${b.id}:s:s-srv`);
    expect(stale).toMatchObject({ state: "stale_source", desiredUnits: 5, isStale: true });
    const summary = await w.reconciliation().summary(NOVEMBER);
    expect(summary.modules.find((m) => m.moduleKey === "saas")).toMatchObject({ isStale: true });
    expect(summary.modules.find((m) => m.moduleKey === "rmm")?.isStale).toBe(false);

    // A fresh complete read: the staleness is decided at read time, so the same rows turn current.
    t.ctx.clock.set("2026-11-21T02:00:00Z");
    await w.read("saas", "2026-11-21T01:00:00Z", { "cust-1": 5 });
    await w.read("rmm", "2026-11-21T01:00:00Z", { "site-1": 10 });
    const fresh = await w.reconciliation().list(NOVEMBER, page);
    expect(fresh.items.map((row) => [row.key, row.state]).sort()).toEqual(
      [
        [`o:${a.id}:s:s-dev`, "in_balance"],
        [`o:${b.id}:s:s-srv`, "in_balance"],
      ].sort(),
    );
  });

  it("rule 14: every state, money at the unit price or unknown, PSA-only over-billing, totals, filters and a formula-safe CSV", async () => {
    const names = [
      "Balanced",
      "Under",
      "Over",
      "Psa only",
      "No contract",
      "Wrong service",
      '=HYPERLINK("x")',
      "No price",
    ];
    const orgs: { id: string }[] = [];
    for (const [i, name] of names.entries()) orgs.push(await w.organization(`P${i}`, name));
    await w.module("rmm");
    await w.contracts(
      psaData(SERVICES, [
        { organizationPsaId: "P0", lines: [{ serviceId: "s-dev", units: 10 }] },
        { organizationPsaId: "P1", lines: [{ serviceId: "s-dev", units: 10 }] },
        { organizationPsaId: "P2", lines: [{ serviceId: "s-dev", units: 8 }] },
        { organizationPsaId: "P3", lines: [{ serviceId: "s-dev", units: 5 }] },
        { organizationPsaId: "P5", lines: [{ serviceId: "s-srv", units: 2 }] },
        { organizationPsaId: "P6", lines: [{ serviceId: "s-dev", units: 1 }] },
        { organizationPsaId: "P7", lines: [{ serviceId: "s-dev", units: 1, price: null }] },
      ]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    const quantities: Record<string, number> = {
      s0: 10,
      s1: 12,
      s2: 5,
      s4: 3,
      s5: 4,
      s6: 1,
      s7: 3,
      loose: 7,
    };
    for (const [i, org] of orgs.entries()) {
      if (i === 3) continue;
      const site = await w.moduleOrganization("rmm", `s${i}`);
      await w.map(site.id, org.id, "2026-10-01T00:00:00Z");
    }
    const loose = await w.moduleOrganization("rmm", "loose");
    const servers = { "devices.server": { s0: 2, s1: 2 } };
    await w.read("rmm", "2026-11-02T02:00:00Z", quantities, servers);
    t.ctx.clock.set("2026-11-25T00:00:00Z");
    await w.read("rmm", "2026-11-25T00:00:00Z", quantities, servers);

    const service = w.reconciliation();
    const { items, total } = await service.list(NOVEMBER, page);
    const state = (key: string) => items.find((row) => row.key === key);
    const org = (i: number) => orgs[i]!.id;
    expect(state(`o:${org(0)}:s:s-dev`)).toMatchObject({ state: "in_balance", money: "0.00" });
    expect(state(`o:${org(1)}:s:s-dev`)).toMatchObject({
      state: "under_billed",
      differenceUnits: 2,
      money: "25.00",
      unitPrice: "12.50",
      priceSource: "contract",
    });
    expect(state(`o:${org(2)}:s:s-dev`)).toMatchObject({
      state: "over_billed",
      differenceUnits: -3,
      money: "-37.50",
    });
    expect(state(`o:${org(3)}:s:s-dev`)).toMatchObject({
      state: "over_billed",
      desiredUnits: 0,
      psaUnits: 5,
      sourceCount: 0,
    });
    expect(state(`o:${org(4)}:s:s-dev`)).toMatchObject({
      state: "no_contract",
      desiredUnits: 3,
      money: "37.50",
      priceSource: "service",
    });
    expect(state(`o:${org(5)}:s:s-dev`)).toMatchObject({
      state: "service_not_on_contract",
      desiredUnits: 4,
      contract: { psaId: "c5" },
    });
    expect(state(`o:${org(7)}:s:s-dev`)).toMatchObject({
      state: "under_billed",
      differenceUnits: 2,
      money: null,
      unitPrice: null,
    });
    expect(state(`u:${loose.id}:devices`)).toMatchObject({
      state: "unmapped_usage",
      desiredUnits: 7,
      money: "87.50",
      moduleOrganization: { externalId: "loose" },
    });
    expect(state("t:rmm:devices.server")).toMatchObject({
      state: "no_service_mapping",
      desiredUnits: 4,
      sourceCount: 2,
      organization: null,
    });
    expect(total).toBe(10);
    // Attention order: the state order of rule 14, under-billed first.
    expect(items[0]?.state).toBe("under_billed");

    const summary = await service.summary(NOVEMBER);
    expect(summary.totals.find((s) => s.state === "under_billed")).toEqual({
      state: "under_billed",
      rows: 2,
      units: 4,
      money: "25.00",
      rowsWithoutMoney: 1,
    });
    expect(summary.totals.map((s) => s.state)).toHaveLength(8);
    expect(summary.unmappedModuleOrganizations).toBe(1);
    expect(summary.currency).toBe("USD");

    expect((await service.list({ ...NOVEMBER, state: "over_billed" }, page)).total).toBe(2);
    expect(
      (await service.list({ ...NOVEMBER, search: "wrong serv" }, page)).items.map((r) => r.state),
    ).toEqual(["service_not_on_contract"]);
    expect((await service.list({ ...NOVEMBER, organizationId: org(1) }, page)).total).toBe(1);
    expect((await service.list({ ...NOVEMBER, needsAttention: true }, page)).total).toBe(8);

    const { csv } = await service.csv(NOVEMBER);
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv.split("\n")[0]).toContain("Organization PSA id");
    expect(csv).toContain("-37.50");
  });

  it("searches each name by substring in any case, ids whole, wildcards literal, short searches too", async () => {
    const orgs = [
      await w.organization("A", "Acme Capital"),
      await w.organization("B", "Brookside Holdings"),
      await w.organization("C", "100% Tools"),
    ];
    await w.module("rmm");
    await w.contracts(psaData(SERVICES, []));
    await w.serviceMapping("rmm", "devices", "s-dev");
    const counts: Record<string, number> = {};
    for (const [i, org] of orgs.entries()) {
      const site = await w.moduleOrganization("rmm", `site-${i}`, `Site ${i}`);
      await w.map(site.id, org.id, "2026-10-01T00:00:00Z");
      counts[`site-${i}`] = i + 1;
    }
    // An unmapped site: its row is found by the site's name and its whole external id.
    await w.moduleOrganization("rmm", "ext-77", "Lonely Harbor Site");
    counts["ext-77"] = 5;
    await w.read("rmm", "2026-11-02T02:00:00Z", counts);
    t.ctx.clock.set("2026-11-20T00:00:00Z");
    const service = w.reconciliation();
    const found = async (search: string) => {
      const result = await service.list({ ...NOVEMBER, search }, page);
      return { names: result.items.map((r) => r.organization?.name), total: result.total };
    };

    expect(await found("ACME cap")).toEqual({ names: ["Acme Capital"], total: 1 });
    expect(await found("  me CAPI ")).toEqual({ names: ["Acme Capital"], total: 1 });
    // "%" is a character, not a wildcard; two letters (no trigram) still match by substring.
    expect(await found("100%")).toEqual({ names: ["100% Tools"], total: 1 });
    expect(await found("ok")).toEqual({ names: ["Brookside Holdings"], total: 1 });
    // The service name and the PSA id are searched too.
    expect((await found("managed DEVICE")).total).toBe(4);
    expect((await service.summary({ ...NOVEMBER, search: "ACME" })).totals).toContainEqual(
      expect.objectContaining({ state: "no_contract", rows: 1 }),
    );
    expect(await found("zzqx nothing")).toEqual({ names: [], total: 0 });
    const unmapped = async (search: string) =>
      (await service.list({ ...NOVEMBER, search }, page)).items.map((r) => [
        r.state,
        r.moduleOrganization?.name,
      ]);
    expect(await unmapped("LONELY harbor")).toEqual([["unmapped_usage", "Lonely Harbor Site"]]);
    expect(await unmapped("ext-77")).toEqual([["unmapped_usage", "Lonely Harbor Site"]]);
    // An id matches whole (as the mapping tabs' search), a name by any piece.
    expect(await unmapped("ext-7")).toEqual([]);
    // The module's name and the billing type's label, as the rows show them: every row of the module.
    expect((await found("module RMM")).total).toBe(4);
    expect((await service.summary({ ...NOVEMBER, search: "lonely" })).totals).toContainEqual(
      expect.objectContaining({ state: "unmapped_usage", rows: 1 }),
    );
  });

  it("recomputes the snapshot when a mapping changes, and answers a page from it otherwise", async () => {
    const a = await w.organization("A");
    await w.module("rmm");
    const site = await w.moduleOrganization("rmm", "site-1");
    await w.contracts(
      psaData(SERVICES, [{ organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 4 }] }]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    await w.read("rmm", "2026-11-02T02:00:00Z", { "site-1": 4 });
    t.ctx.clock.set("2026-11-02T03:00:00Z");
    const service = w.reconciliation();
    const first = await service.list(NOVEMBER, page);
    expect(first.items.map((row) => row.state)).toEqual(["over_billed", "unmapped_usage"]);
    expect((await service.list(NOVEMBER, page)).computedAt).toBe(first.computedAt);
    await w.map(site.id, a.id, "2026-11-01T00:00:00Z");
    t.ctx.clock.set("2026-11-02T04:00:00Z");
    const second = await service.list(NOVEMBER, page);
    expect(second.items.map((row) => row.state)).toEqual(["in_balance"]);
    expect(second.computedAt).not.toBe(first.computedAt);
  });
});
