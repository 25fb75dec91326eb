import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/**
 * Issue 13 point 11: search forgives typos and finds a PSA id (or a module's external id); point 9:
 * the worklist counts link to grid rows that are exactly the counted organizations.
 */
describe("search and worklist rows", () => {
  const t = useTestApp();

  async function get<T>(url: string): Promise<T> {
    const viewer = await t.loginAs("viewer");
    const res = await t.request(viewer, { method: "GET", url: `/api/v1${url}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  }
  const names = (page: { items: { name: string }[] }) => page.items.map((i) => i.name).sort();
  const gridNames = (page: { items: { organization: { name: string } }[] }) =>
    page.items.map((i) => i.organization.name).sort();

  async function world() {
    await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    const acme = await buildOrganization(t.ctx.db, { name: "Acme Capital", psaId: "4711" });
    await buildOrganization(t.ctx.db, { name: "Brookside Capital Associates LLC", psaId: "4712" });
    await buildOrganization(t.ctx.db, { name: "Acme Foods Clinic", psaId: "4713" });
    await buildOrganization(t.ctx.db, { name: "100% Uptime", psaId: "4714" });
    await buildOrganization(t.ctx.db, { name: "Acme Old Capital", psaId: "4715", type: "Dead" });
    return { acme };
  }

  it("a typo still finds the organization, and nothing unlike it, in the organization list and the grid", async () => {
    await world();
    const list = await get<{ items: { name: string }[] }>("/organizations?search=acme%20capitl");
    expect(names(list)).toEqual(["Acme Capital", "Acme Old Capital"]);
    const grid = await get<{ items: { organization: { name: string } }[]; total: number }>(
      "/mapping-grid?search=acme%20capitl",
    );
    // The grid holds mappable organizations only (rule 4): the Dead one is not a row.
    expect(gridNames(grid)).toEqual(["Acme Capital"]);
    expect(grid.total).toBe(1);
    // Substring search is unchanged, and LIKE wildcards are still literal.
    expect(names(await get("/organizations?search=capital"))).toEqual([
      "Acme Capital",
      "Acme Old Capital",
      "Brookside Capital Associates LLC",
    ]);
    expect(names(await get("/organizations?search=100%25"))).toEqual(["100% Uptime"]);
    // Three letters are matched as a substring only: no trigram noise.
    expect(names(await get("/organizations?search=cap"))).toHaveLength(3);
  });

  it("a search that some name contains stays literal: near spellings join only when nothing matches as typed", async () => {
    await buildOrganization(t.ctx.db, { name: "Acme Capital" });
    await buildOrganization(t.ctx.db, { name: "Acme Capitol" });
    expect(names(await get("/organizations?search=acme%20capital"))).toEqual(["Acme Capital"]);
    expect(names(await get("/organizations?search=acme%20capitl"))).toEqual(["Acme Capital", "Acme Capitol"]);
  });

  it("a PSA id finds its organization; the unmappable ones can be asked for (why a Dead one is not a row)", async () => {
    await world();
    expect(names(await get("/organizations?search=4711"))).toEqual(["Acme Capital"]);
    expect(gridNames(await get("/mapping-grid?search=4711"))).toEqual(["Acme Capital"]);
    expect(gridNames(await get("/mapping-grid?search=4715"))).toEqual([]);
    const dead = await get<{ items: { name: string; type: string }[] }>(
      "/organizations?search=acme%20old&isMappable=false",
    );
    expect(dead.items.map((o) => [o.name, o.type])).toEqual([["Acme Old Capital", "Dead"]]);
  });

  it("module organizations are found by a typo and by their external id", async () => {
    await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    await buildModuleOrganization(t.ctx.db, "rmm", { name: "Acme Capital - HQ", externalId: "site-981" });
    await buildModuleOrganization(t.ctx.db, "rmm", {
      name: "Brookside Capital Associates",
      externalId: "site-982",
    });
    const byTypo = await get<{ items: { name: string }[] }>("/module-organizations?search=acme%20capitl");
    expect(names(byTypo)).toEqual(["Acme Capital - HQ"]);
    const byId = await get<{ items: { name: string }[] }>("/module-organizations?search=site-982");
    expect(names(byId)).toEqual(["Brookside Capital Associates"]);
  });

  it("each worklist count opens grid rows that are exactly the organizations it counts, and the totals add up", async () => {
    await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    await buildModule(t.ctx.db, { key: "itg", name: "IT Glue" });
    const a = await buildOrganization(t.ctx.db, { name: "A Customer" });
    const b = await buildOrganization(t.ctx.db, { name: "B Customer" });
    await buildOrganization(t.ctx.db, { name: "C Customer" });
    await buildOrganization(t.ctx.db, { name: "D Prospect", type: "Prospect" });
    await buildOrganization(t.ctx.db, { name: "E Inactive", isActive: false });
    // A is done in both modules (a mapping, an ignore); B in RMM only; C in none.
    const site = await buildModuleOrganization(t.ctx.db, "rmm", { name: "A site" });
    await t.services.mapping.map(cliActor, site.id, a.id);
    await t.services.mapping.setCell(cliActor, {
      organizationId: a.id,
      moduleKey: "itg",
      moduleOrganizationId: null,
      ignore: true,
    });
    const bSite = await buildModuleOrganization(t.ctx.db, "rmm", { name: "B site" });
    await t.services.mapping.map(cliActor, bSite.id, b.id);
    await buildModuleOrganization(t.ctx.db, "rmm", { name: "Unmapped site" });
    await buildModuleOrganization(t.ctx.db, "itg", { name: "Unmapped org" });

    type Worklists = {
      totals: { unmappedModuleOrganizations: number; organizationsWithoutMapping: number };
      modules: { moduleKey: string; organizationsWithoutMapping: number }[];
    };
    const worklists = await get<Worklists>("/worklists");
    const count = (key: string) =>
      worklists.modules.find((m) => m.moduleKey === key)?.organizationsWithoutMapping;
    expect(count("rmm")).toBe(1);
    expect(count("itg")).toBe(2);
    expect(worklists.totals).toEqual({ unmappedModuleOrganizations: 2, organizationsWithoutMapping: 2 });

    type Grid = { items: { organization: { name: string } }[]; total: number };
    const rmm = await get<Grid>("/mapping-grid?worklist=active_customers&worklistModule=rmm");
    expect([gridNames(rmm), rmm.total]).toEqual([["C Customer"], 1]);
    const itg = await get<Grid>("/mapping-grid?worklist=active_customers&worklistModule=itg");
    expect([gridNames(itg), itg.total]).toEqual([["B Customer", "C Customer"], 2]);
    const any = await get<Grid>("/mapping-grid?worklist=active_customers");
    expect(any.total).toBe(worklists.totals.organizationsWithoutMapping);

    // Every mappable type: the prospect and the inactive customer join.
    const all = await get<Worklists>("/worklists?allTypes=true");
    expect(all.totals.organizationsWithoutMapping).toBe(4);
    const allRows = await get<Grid>("/mapping-grid?worklist=all_mappable&worklistModule=rmm");
    expect(gridNames(allRows)).toEqual(["C Customer", "D Prospect", "E Inactive"]);
    expect(allRows.total).toBe(all.modules.find((m) => m.moduleKey === "rmm")?.organizationsWithoutMapping);
  });
});
