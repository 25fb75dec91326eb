import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";
import { API_PREFIX } from "./app.ts";

const UNKNOWN_ID = "5f0c8c5e-0000-4000-8000-000000000000";
const JSON_HEADER = { "content-type": "application/json" };

/**
 * Issue 8 item 12: automation clients (PowerShell's `Invoke-RestMethod -ContentType`, many SDKs)
 * send `Content-Type: application/json` with an empty body on a DELETE or a bodiless POST.
 */
describe("request bodies", () => {
  const t = useTestApp();

  it("accepts an empty JSON body on a DELETE and on a bodiless POST or PUT", async () => {
    const admin = await t.tokenAs("admin");
    await buildModule(t.ctx.db, { key: "m", state: "ready" });
    const moduleOrganization = await buildModuleOrganization(t.ctx.db, "m");

    const excluded = await t.request(admin, {
      method: "PUT",
      url: `${API_PREFIX}/module-organizations/${moduleOrganization.id}/exclusion`,
      headers: JSON_HEADER,
      payload: "",
    });
    expect(excluded.statusCode, excluded.body).toBe(200);
    expect(excluded.json()).toMatchObject({ isExcluded: true });

    const included = await t.request(admin, {
      method: "DELETE",
      url: `${API_PREFIX}/module-organizations/${moduleOrganization.id}/exclusion`,
      headers: JSON_HEADER,
      payload: "",
    });
    expect(included.statusCode, included.body).toBe(200);
    expect(included.json()).toMatchObject({ isExcluded: false });

    const [step] = (await t.services.audit.list(cliActor, { entityId: moduleOrganization.id }, { limit: 1 }))
      .items;
    const undone = await t.request(admin, {
      method: "POST",
      url: `${API_PREFIX}/audit-events/steps/${step!.stepId}/undo`,
      headers: JSON_HEADER,
      payload: "",
    });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toMatchObject({ undoneStepId: step!.stepId, changes: 1 });

    const { id: tokenId } = await t.services.auth.createToken(cliActor, {
      name: "to revoke",
      role: "viewer",
    });
    const revoked = await t.request(admin, {
      method: "DELETE",
      url: `${API_PREFIX}/tokens/${tokenId}`,
      headers: JSON_HEADER,
      payload: "",
    });
    expect(revoked.statusCode, revoked.body).toBe(204);
    expect(revoked.body).toBe("");
  });

  it("never answers 400 to an empty JSON body on a route that takes no body", async () => {
    const admin = await t.tokenAs("admin");
    const doc = (await t.request(admin, { method: "GET", url: `${API_PREFIX}/openapi.json` })).json() as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    const bodiless = t.app.apiRoutes.filter((route) => {
      if (route.method === "GET") return false;
      const operation = doc.paths[route.url.replace(/:([a-zA-Z]+)/g, "{$1}")]?.[route.method.toLowerCase()];
      return operation !== undefined && operation.requestBody === undefined;
    });
    expect(bodiless.map((r) => `${r.method} ${r.url}`)).toContain(`POST ${API_PREFIX}/modules/:key/sync`);
    for (const route of bodiless) {
      const res = await t.request(admin, {
        method: route.method as "POST",
        url: route.url.replace(/:[a-zA-Z]+/g, UNKNOWN_ID),
        headers: JSON_HEADER,
        payload: "",
      });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).not.toBe(400);
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBeLessThan(500);
    }
  });

  it("still answers 400 problem+json to malformed JSON, and 422 to an empty body where one is needed", async () => {
    const admin = await t.tokenAs("admin");
    const malformed = await t.request(admin, {
      method: "POST",
      url: `${API_PREFIX}/modules`,
      headers: JSON_HEADER,
      payload: '{"key": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers["content-type"]).toContain("application/problem+json");
    expect(malformed.json()).toMatchObject({ status: 400, code: "bad_request" });

    const empty = await t.request(admin, {
      method: "POST",
      url: `${API_PREFIX}/modules`,
      headers: JSON_HEADER,
      payload: "",
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.json()).toMatchObject({ code: "invalid_value" });
  });
});
