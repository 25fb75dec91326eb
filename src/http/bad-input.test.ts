import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";

const UNKNOWN_ID = "5f0c8c5e-0000-4000-8000-000000000000";

/** Rule 11: bad input gets a clear problem+json error, changes nothing, and never a 500. */
describe("bad input", () => {
  const t = useTestApp();

  const writeRoutes = () => t.app.apiRoutes.filter((r) => ["POST", "PUT", "PATCH"].includes(r.method));
  const urlOf = (url: string, id = UNKNOWN_ID) => url.replace(/:[a-zA-Z]+/g, id);

  it("answers 400 to a malformed JSON body on every write route", async () => {
    const admin = await t.loginAs("admin");
    for (const route of writeRoutes()) {
      const res = await t.request(admin, {
        method: route.method as "POST",
        url: urlOf(route.url),
        headers: { "content-type": "application/json" },
        payload: '{"organizationId": ',
      });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json()).toMatchObject({ status: 400, code: "bad_request" });
    }
  });

  it("answers 413 to a body over 1 MiB on every write route", async () => {
    const admin = await t.loginAs("admin");
    const huge = JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) });
    for (const route of writeRoutes()) {
      const res = await t.request(admin, {
        method: route.method as "POST",
        url: urlOf(route.url),
        headers: { "content-type": "application/json" },
        payload: huge,
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(413);
      expect(res.json()).toMatchObject({ code: "payload_too_large" });
    }
  });

  it("answers 404 for unknown ids, also when the id is not a UUID", async () => {
    const admin = await t.loginAs("admin");
    await buildModule(t.ctx.db, { key: "m" });
    const org = await buildOrganization(t.ctx.db);
    for (const id of [UNKNOWN_ID, "not-a-uuid", "1; drop table organizations"]) {
      const cases = [
        { method: "GET", url: `/api/v1/organizations/${encodeURIComponent(id)}` },
        { method: "GET", url: `/api/v1/organizations/${encodeURIComponent(id)}/module-mappings` },
        { method: "GET", url: `/api/v1/module-organizations/${encodeURIComponent(id)}` },
        {
          method: "PUT",
          url: `/api/v1/module-organizations/${encodeURIComponent(id)}/mapping`,
          payload: { organizationId: org.id },
        },
        { method: "DELETE", url: `/api/v1/module-organizations/${encodeURIComponent(id)}/mapping` },
        { method: "PUT", url: `/api/v1/module-organizations/${encodeURIComponent(id)}/exclusion` },
        { method: "GET", url: `/api/v1/modules/${encodeURIComponent(id)}` },
        { method: "PATCH", url: `/api/v1/users/${encodeURIComponent(id)}`, payload: { role: "viewer" } },
        { method: "POST", url: `/api/v1/audit-events/steps/${encodeURIComponent(id)}/undo` },
        {
          method: "PUT",
          url: "/api/v1/mapping-grid/cell",
          payload: { organizationId: id, moduleKey: "m", moduleOrganizationId: null },
        },
        { method: "GET", url: `/api/v1/module-organizations?organizationId=${encodeURIComponent(id)}` },
      ] as const;
      for (const c of cases) {
        const res = await t.request(admin, {
          method: c.method,
          url: c.url,
          ...("payload" in c ? { payload: c.payload } : {}),
        });
        expect(res.statusCode, `${c.method} ${c.url}: ${res.body}`).toBe(404);
        expect(res.json()).toMatchObject({ code: "not_found" });
      }
    }
    expect(await t.ctx.db.selectFrom("organizations").selectAll().execute()).toHaveLength(1);
  });

  it("answers 422 naming the field for wrong types and missing fields", async () => {
    const editor = await t.loginAs("editor");
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const cases = [
      {
        method: "PUT",
        url: `/api/v1/module-organizations/${mo.id}/mapping`,
        payload: {},
        field: "organizationId",
      },
      {
        method: "PUT",
        url: `/api/v1/module-organizations/${mo.id}/mapping`,
        payload: { organizationId: 42 },
        field: "organizationId",
      },
      {
        method: "PUT",
        url: `/api/v1/module-organizations/${mo.id}/mapping`,
        payload: { organizationId: UNKNOWN_ID, version: "one" },
        field: "version",
      },
      {
        method: "PUT",
        url: "/api/v1/mapping-grid/cell",
        payload: { organizationId: UNKNOWN_ID, moduleKey: "m" },
        field: "moduleOrganizationId",
      },
      {
        method: "POST",
        url: "/api/v1/module-organizations/bulk-mapping",
        payload: { moduleOrganizationIds: [], organizationId: UNKNOWN_ID },
        field: "moduleOrganizationIds",
      },
      {
        method: "PUT",
        url: "/api/v1/me/preferences",
        payload: { moduleColumnOrder: "itglue" },
        field: "moduleColumnOrder",
      },
      {
        method: "PUT",
        url: "/api/v1/me/preferences",
        payload: { moduleColumnOrder: [] },
        field: "moduleColumnOrder",
      },
    ] as const;
    for (const c of cases) {
      const res = await t.request(editor, { method: c.method, url: c.url, payload: c.payload });
      expect(res.statusCode, `${c.method} ${c.url} ${JSON.stringify(c.payload)}: ${res.body}`).toBe(422);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json().field).toBe(c.field);
    }
    const admin = await t.loginAs("admin");
    const settings = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/settings",
      payload: { organizationTerm: "Galaxy" },
    });
    expect(settings.statusCode).toBe(422);
    expect(settings.json().field).toBe("organizationTerm");
    const zone = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/settings",
      payload: { timeZone: "Mars/Olympus" },
    });
    expect(zone.statusCode).toBe(422);
    expect(zone.json().field).toBe("timeZone");
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(0);
  });

  it("answers 400 to bad query parameters", async () => {
    const viewer = await t.loginAs("viewer");
    for (const url of [
      "/api/v1/organizations?limit=0",
      "/api/v1/organizations?limit=abc",
      "/api/v1/organizations?type=Galaxy",
      "/api/v1/module-organizations?status=weird",
      "/api/v1/mapping-grid?unmappedOnly=maybe",
      "/api/v1/organizations?cursor=garbage",
    ]) {
      const res = await t.request(viewer, { method: "GET", url });
      expect([400, 422], `${url}: ${res.body}`).toContain(res.statusCode);
      expect(res.headers["content-type"]).toContain("application/problem+json");
    }
  });

  it("answers 422 naming the organization and its type for a Dead target, and 409 for a stale version", async () => {
    const editor = await t.loginAs("editor");
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const dead = await buildOrganization(t.ctx.db, { name: "Bygone Dental, Inc.", type: "Dead" });
    const alive = await buildOrganization(t.ctx.db, { name: "Living Dental" });
    const refused = await t.request(editor, {
      method: "PUT",
      url: `/api/v1/module-organizations/${mo.id}/mapping`,
      payload: { organizationId: dead.id },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: "unmappable_target",
      field: "organizationId",
      organizationName: "Bygone Dental, Inc.",
      organizationType: "Dead",
    });
    expect(refused.json().detail).toContain("Bygone Dental, Inc.");
    const ok = await t.request(editor, {
      method: "PUT",
      url: `/api/v1/module-organizations/${mo.id}/mapping`,
      payload: { organizationId: alive.id, version: mo.version },
    });
    expect(ok.statusCode).toBe(200);
    const stale = await t.request(editor, {
      method: "DELETE",
      url: `/api/v1/module-organizations/${mo.id}/mapping?version=${mo.version}`,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: "version_conflict" });
    const grid = await t.request(editor, { method: "GET", url: "/api/v1/mapping-grid" });
    const cell = grid
      .json()
      .items.find((i: { organization: { id: string } }) => i.organization.id === alive.id).cells[module.key];
    const staleCell = await t.request(editor, {
      method: "PUT",
      url: "/api/v1/mapping-grid/cell",
      payload: {
        organizationId: alive.id,
        moduleKey: module.key,
        moduleOrganizationId: null,
        version: "not-the-version",
      },
    });
    expect(staleCell.statusCode).toBe(409);
    const okCell = await t.request(editor, {
      method: "PUT",
      url: "/api/v1/mapping-grid/cell",
      payload: {
        organizationId: alive.id,
        moduleKey: module.key,
        moduleOrganizationId: null,
        version: cell.version,
      },
    });
    expect(okCell.statusCode).toBe(200);
  });
});
