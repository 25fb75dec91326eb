import { describe, expect, it } from "vitest";
import { buildMatchIndex, suggest } from "./engine.ts";

describe("MatchIndex incremental updates", () => {
  it("adds, renames and removes organizations without a rebuild", () => {
    const index = buildMatchIndex({ organizations: [{ id: "a", name: "Vandelay Industries" }] });
    index.upsertOrganization({ id: "b", name: "Kramerica" });
    expect(suggest(index, { id: "m", name: "Kramerica Inc" })[0]?.organizationId).toBe("b");
    index.upsertOrganization({ id: "b", name: "Pendant Publishing" });
    expect(suggest(index, { id: "m", name: "Kramerica Inc" })).toEqual([]);
    expect(suggest(index, { id: "m", name: "Pendant Publishing" })[0]?.organizationId).toBe("b");
    index.removeOrganization("b");
    expect(suggest(index, { id: "m", name: "Pendant Publishing" })).toEqual([]);
  });

  it("stops proposing an organization that became Dead", () => {
    const index = buildMatchIndex({ organizations: [{ id: "a", name: "Vandelay Industries" }] });
    index.upsertOrganization({ id: "a", name: "Vandelay Industries", type: "Dead" });
    expect(suggest(index, { id: "m", name: "Vandelay Industries" })).toEqual([]);
  });

  it("reflects a new, moved and removed confirmed mapping", () => {
    const index = buildMatchIndex({
      organizations: [
        { id: "a", name: "Vandelay Industries" },
        { id: "b", name: "Kramerica" },
      ],
    });
    const query = { id: "q", name: "Art Imports", moduleKey: "itglue" };
    expect(suggest(index, query)).toEqual([]);
    const mapping = {
      moduleKey: "graphus",
      moduleOrganizationId: "g1",
      name: "Art Imports",
      organizationId: "a",
    };
    index.addConfirmedMapping(mapping);
    expect(suggest(index, query)[0]).toMatchObject({ organizationId: "a", accept: true });
    index.addConfirmedMapping({ ...mapping, organizationId: "b" });
    expect(suggest(index, query).map((c) => c.organizationId)).toEqual(["b"]);
    index.removeConfirmedMapping("graphus", "g1");
    expect(suggest(index, query)).toEqual([]);
  });

  it("adds and removes aliases", () => {
    const index = buildMatchIndex({ organizations: [{ id: "a", name: "Vandelay Industries" }] });
    index.addAlias({ name: "Art Vandelay Latex", organizationId: "a" });
    expect(suggest(index, { id: "m", name: "Art Vandelay Latex" })[0]?.organizationId).toBe("a");
    index.removeAlias({ name: "Art Vandelay Latex", organizationId: "a" });
    expect(suggest(index, { id: "m", name: "Art Vandelay Latex" })[0]?.score ?? 0).toBeLessThan(0.9);
  });

  it("updates a PSA id", () => {
    const index = buildMatchIndex({ organizations: [{ id: "a", name: "Vandelay", psaId: "1" }] });
    index.upsertOrganization({ id: "a", name: "Vandelay", psaId: "2" });
    expect(suggest(index, { id: "m", name: "Zzz", psaId: "1" })).toEqual([]);
    expect(suggest(index, { id: "m", name: "Zzz", psaId: "2" })[0]?.organizationId).toBe("a");
  });
});
