import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/**
 * Issue 13: tab 1, tab 2 and the history sort on the server; every order ends on the id, so paging
 * by offset (the web's blocks) or by the answer's cursor never repeats or skips a row; a sort that
 * is not one of the list's is a 400 problem, never a 500.
 */
describe("sorted lists", () => {
  const t = useTestApp();

  async function get<T>(url: string): Promise<T> {
    const viewer = await t.loginAs("viewer");
    const res = await t.request(viewer, { method: "GET", url: `/api/v1${url}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  }

  type GridPage = { items: { organization: { name: string; psaId: string } }[]; nextCursor: string | null };
  type MoPage = {
    items: { name: string; moduleName: string; organization: { name: string } | null }[];
    nextCursor: string | null;
  };

  /** Every row, three at a time by offset, and again by the answers' cursors. */
  async function allPages<P extends { items: unknown[]; nextCursor: string | null }>(url: string) {
    const byOffset: P["items"] = [];
    for (let offset = 0; ; offset += 3) {
      const page = await get<P>(`${url}&limit=3&offset=${offset}`);
      byOffset.push(...page.items);
      if (page.items.length < 3) break;
    }
    const byCursor: P["items"] = [];
    let cursor: string | null = null;
    do {
      const page: P = await get<P>(`${url}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      byCursor.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(byCursor).toEqual(byOffset);
    return byOffset;
  }

  async function gridWorld() {
    await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    // Two organizations with the same name: only the id tells them apart (the tie-breaker).
    for (const [name, psaId] of [
      ["Bravo", "9"],
      ["alpha", "10"],
      ["Delta", "100"],
      ["Charlie", "2"],
      ["Echo", "11"],
      ["Echo", "12"],
      ["Foxtrot", "3"],
    ] as const)
      await buildOrganization(t.ctx.db, { name, psaId });
    await buildOrganization(t.ctx.db, { name: "Alpha site", psaId: "5", parentPsaId: "10" });
    await buildOrganization(t.ctx.db, { name: "Aardvark gone", psaId: "1", type: "Dead" });
  }

  it("tab 1: by name descending and by PSA id (as numbers), each page after the last, no row twice", async () => {
    await gridWorld();
    const names = (items: GridPage["items"]) => items.map((i) => i.organization.name);
    const ids = (items: GridPage["items"]) => items.map((i) => i.organization.psaId);
    expect(names(await allPages<GridPage>("/mapping-grid?withTotal=false"))).toEqual([
      "alpha",
      "Alpha site",
      "Bravo",
      "Charlie",
      "Delta",
      "Echo",
      "Echo",
      "Foxtrot",
    ]);
    const descending = await allPages<GridPage>("/mapping-grid?withTotal=false&sort=-name");
    expect(names(descending)).toEqual([
      "Foxtrot",
      "Echo",
      "Echo",
      "Delta",
      "Charlie",
      "Bravo",
      "Alpha site",
      "alpha",
    ]);
    expect(new Set(ids(descending)).size).toBe(8);
    expect(ids(await allPages<GridPage>("/mapping-grid?withTotal=false&sort=psaId"))).toEqual([
      "2",
      "3",
      "5",
      "9",
      "10",
      "11",
      "12",
      "100",
    ]);
    expect(ids(await allPages<GridPage>("/mapping-grid?withTotal=false&sort=-psaId"))).toEqual([
      "100",
      "12",
      "11",
      "10",
      "9",
      "5",
      "3",
      "2",
    ]);
  });

  it("tab 2: by name, by module, by mapped organization (unmapped last either way)", async () => {
    await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    await buildModule(t.ctx.db, { key: "glue", name: "IT Glue" });
    const acme = await buildOrganization(t.ctx.db, { name: "Acme" });
    const zeta = await buildOrganization(t.ctx.db, { name: "Zeta" });
    const a = await buildModuleOrganization(t.ctx.db, "glue", { name: "A glue" });
    await buildModuleOrganization(t.ctx.db, "rmm", { name: "B rmm" });
    const c = await buildModuleOrganization(t.ctx.db, "glue", { name: "C glue" });
    const d = await buildModuleOrganization(t.ctx.db, "rmm", { name: "D rmm" });
    await buildModuleOrganization(t.ctx.db, "rmm", { name: "E rmm" });
    await t.services.mapping.map(cliActor, a.id, zeta.id);
    await t.services.mapping.map(cliActor, c.id, acme.id);
    await t.services.mapping.map(cliActor, d.id, acme.id);
    const names = (items: MoPage["items"]) => items.map((i) => i.name);
    expect(names(await allPages<MoPage>("/module-organizations?sort=-name"))).toEqual([
      "E rmm",
      "D rmm",
      "C glue",
      "B rmm",
      "A glue",
    ]);
    expect(names(await allPages<MoPage>("/module-organizations?sort=module"))).toEqual([
      "B rmm",
      "D rmm",
      "E rmm",
      "A glue",
      "C glue",
    ]);
    expect(names(await allPages<MoPage>("/module-organizations?sort=-module"))).toEqual([
      "A glue",
      "C glue",
      "B rmm",
      "D rmm",
      "E rmm",
    ]);
    expect(names(await allPages<MoPage>("/module-organizations?sort=organization"))).toEqual([
      "C glue",
      "D rmm",
      "A glue",
      "B rmm",
      "E rmm",
    ]);
    expect(names(await allPages<MoPage>("/module-organizations?sort=-organization"))).toEqual([
      "A glue",
      "C glue",
      "D rmm",
      "B rmm",
      "E rmm",
    ]);
  });

  it("tab 2: by module when the keys sort as the names (the order the indexes walk), each module in tree order", async () => {
    await buildModule(t.ctx.db, { key: "autotask-rmm", name: "Autotask RMM" });
    await buildModule(t.ctx.db, { key: "it-glue", name: "IT Glue" });
    await buildModuleOrganization(t.ctx.db, "it-glue", { name: "B parent", externalId: "glue-parent" });
    await buildModuleOrganization(t.ctx.db, "it-glue", { name: "A child", parentExternalId: "glue-parent" });
    await buildModuleOrganization(t.ctx.db, "it-glue", { name: "C glue" });
    await buildModuleOrganization(t.ctx.db, "autotask-rmm", { name: "Z rmm" });
    await buildModuleOrganization(t.ctx.db, "autotask-rmm", { name: "Y rmm" });
    const names = (items: MoPage["items"]) => items.map((i) => i.name);
    expect(names(await allPages<MoPage>("/module-organizations?sort=module"))).toEqual([
      "Y rmm",
      "Z rmm",
      "B parent",
      "A child",
      "C glue",
    ]);
    expect(names(await allPages<MoPage>("/module-organizations?sort=-module"))).toEqual([
      "B parent",
      "A child",
      "C glue",
      "Y rmm",
      "Z rmm",
    ]);
  });

  it("history: oldest first pages forward as newest first pages back", async () => {
    await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    const org = await buildOrganization(t.ctx.db, { name: "Acme" });
    for (const name of ["one", "two", "three", "four", "five"]) {
      const mo = await buildModuleOrganization(t.ctx.db, "rmm", { name });
      await t.services.mapping.map(cliActor, mo.id, org.id);
    }
    type StepPage = { items: { stepId: string }[]; nextCursor: string | null };
    const walk = async (sort: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: StepPage = await get<StepPage>(
          `/audit-steps?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        ids.push(...page.items.map((i) => i.stepId));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    const newest = await walk("-at");
    expect(newest).toHaveLength(5);
    expect(await walk("at")).toEqual([...newest].reverse());
  });

  it("a sort that is not the list's is a 400 problem naming the field", async () => {
    const viewer = await t.loginAs("viewer");
    for (const url of [
      "/mapping-grid?sort=type",
      "/module-organizations?sort=psaId",
      "/audit-steps?sort=name",
    ]) {
      const res = await t.request(viewer, { method: "GET", url: `/api/v1${url}` });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.body).toContain("sort");
    }
  });
});
