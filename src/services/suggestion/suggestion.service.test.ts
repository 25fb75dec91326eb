import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { repositories } from "../../db/repositories.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";
import { SuggestionService } from "./suggestion.service.ts";

describe("suggestions", () => {
  const t = useTestContext();

  async function suggestionsFor(service: SuggestionService, moduleOrganizationId: string) {
    const { items } = await service.forModuleOrganization(moduleOrganizationId);
    return items[0]?.candidates ?? [];
  }

  it("a PSA id carried by a Datto RMM site wins over a closer name", async () => {
    const rmm = await buildModule(t.ctx.db, { key: "datto-rmm", name: "Datto RMM" });
    const named = await buildOrganization(t.ctx.db, { name: "Harbor Dental Group", psaId: "100" });
    const carried = await buildOrganization(t.ctx.db, { name: "Seaside Smiles LLC", psaId: "4711" });
    const site = await buildModuleOrganization(t.ctx.db, rmm.key, {
      name: "Harbor Dental Group",
      attributes: { autotaskCompanyId: "4711", autotaskCompanyName: "Seaside Smiles LLC" },
    });
    const [best, second] = await suggestionsFor(new SuggestionService(t.ctx), site.id);
    expect(best).toMatchObject({ organizationId: carried.id, organizationName: "Seaside Smiles LLC" });
    expect(best?.reasons.join(" ")).toContain("4711");
    expect(second?.organizationId).toBe(named.id);
  });

  it("offers every PSA organization of the same name together, each saying what tells it apart", async () => {
    const passly = await buildModule(t.ctx.db, { key: "passly", name: "Passly" });
    const sites = await Promise.all(
      ["501", "502", "503", "504"].map((psaId) =>
        buildOrganization(t.ctx.db, { name: "Bright Start Learning Center", psaId }),
      ),
    );
    await buildOrganization(t.ctx.db, { name: "Bright Horizons Academy" });
    const record = await buildModuleOrganization(t.ctx.db, passly.key, {
      name: "Bright Start Learning Center",
    });
    const candidates = await suggestionsFor(new SuggestionService(t.ctx), record.id);
    const offered = candidates.filter((c) => sites.some((s) => s.id === c.organizationId));
    expect(offered).toHaveLength(4);
    for (const candidate of offered) {
      expect(candidate.accept).toBe(false);
      expect(candidate.reasons.join(" ")).toMatch(
        /one of 4 organizations named 'Bright Start Learning Center' \(PSA id 50\d\)/,
      );
    }
  });

  it("cross-module evidence: Graphus's 'Acme NY' mapped to X suggests X for IT Glue's 'Acme NY'", async () => {
    const graphus = await buildModule(t.ctx.db, { key: "graphus", name: "Graphus" });
    const itglue = await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    const acme = await buildOrganization(t.ctx.db, { name: "Acme Corporation" });
    await buildOrganization(t.ctx.db, { name: "New York Acme Holdings" });
    const g = await buildModuleOrganization(t.ctx.db, graphus.key, { name: "Acme NY" });
    const i = await buildModuleOrganization(t.ctx.db, itglue.key, { name: "Acme NY" });
    const services = createServices(t.ctx);
    await services.mapping.map(cliActor, g.id, acme.id);
    const [best] = await suggestionsFor(services.suggestions, i.id);
    expect(best).toMatchObject({ organizationId: acme.id, accept: true });
    expect(best?.reasons[0]).toBe("Graphus's 'Acme NY' is already mapped to Acme Corporation");
    // Its own mapping is no evidence for itself.
    const [own] = await suggestionsFor(services.suggestions, g.id);
    expect(own?.reasons.join(" ")).not.toContain("Graphus's 'Acme NY'");
  });

  it("reflects a mapping change on the next call, also in another service instance on the same database", async () => {
    const graphus = await buildModule(t.ctx.db, { key: "graphus", name: "Graphus" });
    const itglue = await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    const first = await buildOrganization(t.ctx.db, { name: "Northwind Traders" });
    const second = await buildOrganization(t.ctx.db, { name: "Contoso Pharmaceuticals" });
    const g = await buildModuleOrganization(t.ctx.db, graphus.key, { name: "NWT Main" });
    const i = await buildModuleOrganization(t.ctx.db, itglue.key, { name: "NWT Main" });
    const writer = createServices(t.ctx);
    const reader = new SuggestionService(t.ctx); // another process, in effect
    expect(await suggestionsFor(reader, i.id)).toEqual([]);
    expect(reader.cache.lastRefresh.kind).toBe("full");

    await writer.mapping.map(cliActor, g.id, first.id);
    expect((await suggestionsFor(reader, i.id))[0]?.organizationId).toBe(first.id);
    expect(reader.cache.lastRefresh.kind).toBe("incremental");

    await writer.mapping.map(cliActor, g.id, second.id); // a move
    expect((await suggestionsFor(reader, i.id)).map((c) => c.organizationId)).toEqual([second.id]);
    expect((await suggestionsFor(writer.suggestions, i.id))[0]?.organizationId).toBe(second.id);

    await writer.mapping.unmap(cliActor, g.id);
    expect(await suggestionsFor(reader, i.id)).toEqual([]);
    expect(reader.cache.lastRefresh.kind).toBe("incremental");
  });

  it("reflects organizations added, renamed or made Dead by a PSA sync", async () => {
    const itglue = await buildModule(t.ctx.db, { key: "itglue" });
    const mo = await buildModuleOrganization(t.ctx.db, itglue.key, { name: "Blue Lagoon Resorts" });
    const service = new SuggestionService(t.ctx);
    expect(await suggestionsFor(service, mo.id)).toEqual([]);
    const org = await buildOrganization(t.ctx.db, { name: "Blue Lagoon Resorts Inc.", psaId: "77" });
    expect((await suggestionsFor(service, mo.id))[0]?.organizationId).toBe(org.id);
    const repos = repositories(t.ctx.db);
    const renamed = { psaId: "77", isActive: true, parentPsaId: null };
    await repos.organizations.upsertMany(
      [{ ...renamed, name: "Red Rock Hotels", type: "Customer" }],
      t.ctx.clock.now(),
    );
    expect(await suggestionsFor(service, mo.id)).toEqual([]);
    await repos.organizations.upsertMany(
      [{ ...renamed, name: "Blue Lagoon Resorts", type: "Dead" }],
      new Date(t.ctx.clock.now().getTime() + 1000),
    );
    expect(await suggestionsFor(service, mo.id)).toEqual([]);
  });

  it("reflects a module organization renamed by a module sync (its name is evidence elsewhere)", async () => {
    const graphus = await buildModule(t.ctx.db, { key: "graphus", name: "Graphus" });
    const itglue = await buildModule(t.ctx.db, { key: "itglue" });
    const org = await buildOrganization(t.ctx.db, { name: "Tailspin Toys" });
    const g = await buildModuleOrganization(t.ctx.db, graphus.key, { name: "TT Old", externalId: "g1" });
    const i = await buildModuleOrganization(t.ctx.db, itglue.key, { name: "Quillfeather Co-op" });
    const services = createServices(t.ctx);
    await services.mapping.map(cliActor, g.id, org.id);
    expect(await suggestionsFor(services.suggestions, i.id)).toEqual([]);
    await buildModuleOrganization(t.ctx.db, graphus.key, { name: "Quillfeather Co-op", externalId: "g1" });
    const now = t.ctx.clock.now();
    await t.ctx.db
      .insertInto("sync_runs")
      .values({
        module_key: graphus.key,
        trigger: "test",
        started_at: now,
        finished_at: now,
        outcome: "succeeded",
      })
      .execute();
    const [best] = await suggestionsFor(services.suggestions, i.id);
    expect(best?.organizationId).toBe(org.id);
    expect(best?.reasons[0]).toBe("Graphus's 'Quillfeather Co-op' is already mapped to Tailspin Toys");
  });

  it("never proposes Dead or Cancelation organizations", async () => {
    const module = await buildModule(t.ctx.db);
    await buildOrganization(t.ctx.db, { name: "Bygone Dental, Inc.", type: "Dead" });
    await buildOrganization(t.ctx.db, { name: "Bygone Dental LLC", type: "Cancelation" });
    const alive = await buildOrganization(t.ctx.db, { name: "Bygone Dental Studio", type: "Prospect" });
    const mo = await buildModuleOrganization(t.ctx.db, module.key, { name: "Bygone Dental" });
    const candidates = await suggestionsFor(new SuggestionService(t.ctx), mo.id);
    expect(candidates.map((c) => c.organizationId)).toEqual([alive.id]);
  });

  it("a confirmed mapping teaches its words: after 'Quillon Teachers Acad', 'Acad' counts as 'Academy' elsewhere", async () => {
    const module = await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    const quillon = await buildOrganization(t.ctx.db, { name: "Quillon Teachers Academy" });
    const marrowby = await buildOrganization(t.ctx.db, { name: "Marrowby Science Academy" });
    for (const name of ["Marrowby Science Center", "Marrowby Arts Academy", "Zephyr Dental Group"])
      await buildOrganization(t.ctx.db, { name });
    const taught = await buildModuleOrganization(t.ctx.db, module.key, { name: "Quillon Teachers Acad" });
    const other = await buildModuleOrganization(t.ctx.db, module.key, { name: "Marrowby Acad of Science" });
    const services = createServices(t.ctx);
    const [before] = await suggestionsFor(services.suggestions, other.id);
    expect(before?.organizationId).toBe(marrowby.id);
    expect(before?.reasons.join(" ")).not.toContain("in mappings users confirmed");
    await services.mapping.map(cliActor, taught.id, quillon.id);
    for (const service of [services.suggestions, new SuggestionService(t.ctx)]) {
      const [after] = await suggestionsFor(service, other.id);
      expect(after?.organizationId).toBe(marrowby.id);
      expect(after?.score).toBeGreaterThan(before?.score ?? 1);
      expect(after?.reasons).toContain("'Acad' stands for 'Academy' in mappings users confirmed");
    }
  });

  it("never proposes a rejected pair again", async () => {
    const module = await buildModule(t.ctx.db);
    const wrong = await buildOrganization(t.ctx.db, { name: "Summit Legal LLP" });
    const right = await buildOrganization(t.ctx.db, { name: "Summit Legal Partners" });
    const mo = await buildModuleOrganization(t.ctx.db, module.key, { name: "Summit Legal" });
    const services = createServices(t.ctx);
    expect((await suggestionsFor(services.suggestions, mo.id)).map((c) => c.organizationId)).toContain(
      wrong.id,
    );
    await services.suggestions.reject(cliActor, mo.id, wrong.id);
    await services.suggestions.reject(cliActor, mo.id, wrong.id); // twice is fine
    for (const service of [services.suggestions, new SuggestionService(t.ctx)]) {
      const ids = (await suggestionsFor(service, mo.id)).map((c) => c.organizationId);
      expect(ids).not.toContain(wrong.id);
      expect(ids).toContain(right.id);
      const page = await service.list({ moduleKey: module.key, limit: 10 });
      expect(page.items.flatMap((s) => s.candidates.map((c) => c.organizationId))).not.toContain(wrong.id);
    }
  });

  it("accept-all applies only confident suggestions at or above minScore, in one step that undoes as one", async () => {
    const module = await buildModule(t.ctx.db, { key: "itglue" });
    const other = await buildModule(t.ctx.db, { key: "graphus" });
    const acme = await buildOrganization(t.ctx.db, { name: "Acme Corporation" });
    const globex = await buildOrganization(t.ctx.db, { name: "Globex, Inc." });
    await buildOrganization(t.ctx.db, { name: "Initech Services" });
    await buildOrganization(t.ctx.db, { name: "Initech Solutions" });
    const a = await buildModuleOrganization(t.ctx.db, module.key, { name: "ACME Corp." });
    const g = await buildModuleOrganization(t.ctx.db, module.key, { name: "Globex Inc" });
    const vague = await buildModuleOrganization(t.ctx.db, module.key, { name: "Initech" });
    const elsewhere = await buildModuleOrganization(t.ctx.db, other.key, { name: "Acme Corporation" });
    const services = createServices(t.ctx);
    const page = await services.suggestions.list({ moduleKey: module.key, limit: 10 });
    const vagueItem = page.items.find((s) => s.moduleOrganizationId === vague.id);
    expect(vagueItem?.candidates[0]?.accept).toBe(false);

    const preview = await services.suggestions.accept(cliActor, {
      moduleKey: module.key,
      minScore: 0.8,
      dryRun: true,
    });
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(0);
    const result = await services.suggestions.accept(cliActor, { moduleKey: module.key, minScore: 0.8 });
    expect(preview.wouldApply).toBe(result.applied);
    expect(result.applied).toBe(2);
    const mappings = await t.ctx.db.selectFrom("mappings").selectAll().orderBy("organization_id").execute();
    expect(mappings.map((m) => [m.module_organization_id, m.organization_id, m.source]).sort()).toEqual(
      [
        [a.id, acme.id, "suggestion"],
        [g.id, globex.id, "suggestion"],
      ].sort(),
    );
    const steps = await t.ctx.db.selectFrom("audit_events").select("step_id").distinct().execute();
    expect(steps.map((s) => s.step_id)).toEqual([result.stepId]);
    expect(
      (await services.suggestions.list({ moduleKey: module.key, limit: 10 })).items.map(
        (s) => s.moduleOrganizationId,
      ),
    ).toEqual([vague.id]);
    expect((await suggestionsFor(services.suggestions, elsewhere.id))[0]?.organizationId).toBe(acme.id);

    await services.audit.undo(cliActor, result.stepId!);
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toEqual([]);
    expect(
      (await services.suggestions.accept(cliActor, { moduleKey: module.key, minScore: 1 })).applied,
    ).toBe(0);
  });

  it("accepts chosen pairs, refusing an unmappable target by name and changing nothing", async () => {
    const module = await buildModule(t.ctx.db);
    const alive = await buildOrganization(t.ctx.db, { name: "Fabrikam" });
    const dead = await buildOrganization(t.ctx.db, { name: "Old Fabrikam", type: "Dead" });
    const one = await buildModuleOrganization(t.ctx.db, module.key, { name: "Fabrikam" });
    const two = await buildModuleOrganization(t.ctx.db, module.key, { name: "Fabrikam East" });
    const services = createServices(t.ctx);
    const refused = await services.suggestions
      .accept(cliActor, {
        items: [
          { moduleOrganizationId: one.id, organizationId: alive.id },
          { moduleOrganizationId: two.id, organizationId: dead.id },
        ],
      })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "unmappable_target", field: "items.1.organizationId" });
    expect((refused as Error).message).toContain("Old Fabrikam");
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toEqual([]);
    const done = await services.suggestions.accept(cliActor, {
      items: [{ moduleOrganizationId: one.id, organizationId: alive.id }],
    });
    expect(done).toMatchObject({ applied: 1, stepId: expect.any(String) });
  });

  it("finds the module organizations of a module most likely to belong to an organization", async () => {
    const module = await buildModule(t.ctx.db, { key: "datto-rmm", name: "Datto RMM" });
    const org = await buildOrganization(t.ctx.db, { name: "Wayne Enterprises", psaId: "900" });
    await buildOrganization(t.ctx.db, { name: "Stark Industries" });
    const byName = await buildModuleOrganization(t.ctx.db, module.key, {
      name: "Wayne Enterprises - Gotham",
    });
    const byPsaId = await buildModuleOrganization(t.ctx.db, module.key, {
      name: "WE Site 2",
      attributes: { autotaskCompanyId: "900" },
    });
    await buildModuleOrganization(t.ctx.db, module.key, { name: "Stark Industries" });
    const service = new SuggestionService(t.ctx);
    const { items } = await service.forOrganization(org.id, module.key);
    expect(items.map((i) => i.moduleOrganizationId).sort()).toEqual([byName.id, byPsaId.id].sort());
    expect(items.every((i) => i.candidates.length === 1 && i.candidates[0]?.organizationId === org.id)).toBe(
      true,
    );
    const renamed = await buildModuleOrganization(t.ctx.db, module.key, {
      name: "Wayne Ent.",
      externalId: "late",
    });
    expect(
      (await service.forOrganization(org.id, module.key)).items.map((i) => i.moduleOrganizationId),
    ).toContain(renamed.id);
  });

  it("pages unmapped module organizations of ready modules, skipping those without candidates", async () => {
    const module = await buildModule(t.ctx.db);
    const hidden = await buildModule(t.ctx.db, { state: "awaiting_first_sync" });
    for (const name of ["Alpha Corp", "Beta Corp", "Gamma Corp"]) await buildOrganization(t.ctx.db, { name });
    for (const name of ["Alpha", "Beta", "Gamma", "Zzyzx Unrelated"])
      await buildModuleOrganization(t.ctx.db, module.key, { name });
    await buildModuleOrganization(t.ctx.db, hidden.key, { name: "Alpha" });
    const service = new SuggestionService(t.ctx);
    const first = await service.list({ limit: 2 });
    expect(first.items.map((i) => i.moduleOrganizationName)).toEqual(["Alpha", "Beta"]);
    const second = await service.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((i) => i.moduleOrganizationName)).toEqual(["Gamma"]);
    expect(second.nextCursor).toBeNull();
    const last = await service.list({ limit: 3 });
    expect(last.items).toHaveLength(3);
    const empty = await service.list({ limit: 3, cursor: last.nextCursor ?? undefined });
    expect(empty).toEqual({ items: [], nextCursor: null });
    await expect(service.list({ moduleKey: hidden.key, limit: 2 })).rejects.toMatchObject({
      code: "module_not_ready",
    });
  });
});
