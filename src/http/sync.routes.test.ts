import { describe, expect, it } from "vitest";
import { buildModule } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { startItGlueServer } from "../../test/vendors/itglue.server.ts";
import { useTempFiles } from "../services/sync/sync-test-support.ts";

describe("sync API", () => {
  const t = useTestApp();
  const files = useTempFiles();
  const idle = () => t.services.sync.idle();

  it("configures a module's connector and schedule, syncs now (202), and lists the run", async () => {
    const admin = await t.tokenAs("admin");
    const viewer = await t.tokenAs("viewer");
    await buildModule(t.ctx.db, { key: "graphus", state: "awaiting_first_sync" });
    const path = files.csv([
      ["1", "Acme"],
      ["", "no id"],
    ]);
    const patched = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/modules/graphus",
      payload: { connector: { kind: "file", settings: { path } }, schedule: "30 3 * * *" },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      schedule: "30 3 * * *",
      connector: { kind: "file", settings: { path }, hasSecrets: false },
      state: "awaiting_first_sync",
    });
    expect(
      (await t.request(viewer, { method: "POST", url: "/api/v1/modules/graphus/sync" })).statusCode,
    ).toBe(403);
    const started = await t.request(admin, { method: "POST", url: "/api/v1/modules/graphus/sync" });
    expect(started.statusCode, started.body).toBe(202);
    const { runId } = started.json() as { runId: string };
    await idle();
    const list = await t.request(viewer, {
      method: "GET",
      url: "/api/v1/sync-runs?moduleKey=graphus&limit=5",
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      items: [
        {
          id: runId,
          moduleKey: "graphus",
          trigger: "manual",
          startedAt: expect.any(String),
          finishedAt: expect.any(String),
          outcome: "succeeded",
          counts: {
            ...{ seen: 1, added: 1, renamed: 0, missing: 0, returned: 0, rejected: 1 },
            ...{ requests: 0, unmappedAtEnd: 1 },
          },
          error: null,
          billing: null,
        },
      ],
      nextCursor: null,
    });
    const detail = await t.request(viewer, { method: "GET", url: `/api/v1/sync-runs/${runId}` });
    expect(detail.json().rejected).toEqual([
      { reason: expect.stringMatching(/externalId/), raw: expect.anything() },
    ]);
    expect((await t.request(viewer, { method: "GET", url: "/api/v1/modules/graphus" })).json().state).toBe(
      "ready",
    );
  });

  it("pages the run history with a cursor", async () => {
    const admin = await t.tokenAs("admin");
    await buildModule(t.ctx.db, { key: "passly" });
    const path = files.csv([["1", "Acme"]]);
    await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/modules/passly",
      payload: { connector: { kind: "file", settings: { path } } },
    });
    for (let i = 0; i < 3; i++) {
      t.ctx.clock.advance(1000);
      await t.request(admin, { method: "POST", url: "/api/v1/modules/passly/sync" });
      await idle();
    }
    const first = (await t.request(admin, { method: "GET", url: "/api/v1/sync-runs?limit=2" })).json();
    expect(first.items).toHaveLength(2);
    const second = (
      await t.request(admin, { method: "GET", url: `/api/v1/sync-runs?limit=2&cursor=${first.nextCursor}` })
    ).json();
    expect(second).toMatchObject({ items: [expect.any(Object)], nextCursor: null });
    expect(new Set([...first.items, ...second.items].map((r: { id: string }) => r.id)).size).toBe(3);
  });

  it("refuses bad input: 404 unknown module or run, 422 naming the field, 409 while a run is under way", async () => {
    const admin = await t.tokenAs("admin");
    await buildModule(t.ctx.db, { key: "itglue" });
    const cases = [
      {
        url: "/api/v1/modules/nope",
        payload: { connector: { kind: "file", settings: { path: "/x" } } },
        status: 404,
      },
      {
        url: "/api/v1/modules/itglue",
        payload: {
          connector: { kind: "itglue", settings: { baseUrl: "ftp://x" }, secrets: { apiKey: "k" } },
        },
        status: 422,
        field: "connector.settings.baseUrl",
      },
      {
        url: "/api/v1/modules/itglue",
        payload: { connector: { kind: "itglue", settings: {} } },
        status: 422,
        field: "connector.secrets.apiKey",
      },
      {
        url: "/api/v1/modules/itglue",
        payload: { connector: { kind: "autotask", settings: {} } },
        status: 422,
        field: "connector.kind",
      },
      {
        url: "/api/v1/modules/itglue",
        payload: { connector: { kind: "smoke" } },
        status: 422,
        field: "connector.kind",
      },
      { url: "/api/v1/modules/itglue", payload: { schedule: "every night" }, status: 422, field: "schedule" },
      { url: "/api/v1/modules/itglue", payload: { connector: "file" }, status: 422, field: "connector" },
    ];
    for (const c of cases) {
      const res = await t.request(admin, { method: "PATCH", url: c.url, payload: c.payload });
      expect(res.statusCode, `${JSON.stringify(c.payload)}: ${res.body}`).toBe(c.status);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      if (c.field) expect(res.json().field).toBe(c.field);
    }
    expect(
      (await t.request(admin, { method: "GET", url: "/api/v1/modules/itglue" })).json().connector,
    ).toBeNull();
    expect((await t.request(admin, { method: "POST", url: "/api/v1/modules/nope/sync" })).statusCode).toBe(
      404,
    );
    expect(
      (await t.request(admin, { method: "GET", url: "/api/v1/sync-runs?moduleKey=nope" })).statusCode,
    ).toBe(404);
    expect((await t.request(admin, { method: "GET", url: "/api/v1/sync-runs/nope" })).statusCode).toBe(404);
    expect((await t.request(admin, { method: "GET", url: "/api/v1/sync-runs?limit=0" })).statusCode).toBe(
      400,
    );
    const unconfigured = await t.request(admin, { method: "POST", url: "/api/v1/modules/itglue/sync" });
    expect(unconfigured.statusCode).toBe(422);
    expect(unconfigured.json().field).toBe("connector");

    const server = await startItGlueServer({
      count: 20,
      faults: [{ fault: { kind: "hang" }, page: 2, times: Infinity }],
    });
    try {
      await t.request(admin, {
        method: "PATCH",
        url: "/api/v1/modules/itglue",
        payload: {
          connector: {
            kind: "itglue",
            settings: { baseUrl: server.url, pageSize: 10, requestTimeoutMs: 2_000, maxAttempts: 1 },
            secrets: { apiKey: "itg-test-key" },
          },
        },
      });
      const first = await t.request(admin, { method: "POST", url: "/api/v1/modules/itglue/sync" });
      expect(first.statusCode).toBe(202);
      const second = await t.request(admin, { method: "POST", url: "/api/v1/modules/itglue/sync" });
      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({ code: "conflict", runId: first.json().runId });
      await idle();
    } finally {
      await server.close();
    }
  });

  it("PSA: configure with secrets (never returned), sync, and read the last sync", async () => {
    const admin = await t.tokenAs("admin");
    const viewer = await t.tokenAs("viewer");
    const secrets = { apiIntegrationCode: "CODE-SECRET-1", userName: "api@x", secret: "PSA-SECRET-2" };
    const configured = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/psa",
      payload: { connector: { kind: "autotask", settings: { baseUrl: "http://127.0.0.1:9" }, secrets } },
    });
    expect(configured.statusCode, configured.body).toBe(200);
    expect(configured.json()).toMatchObject({
      connector: { kind: "autotask", hasSecrets: true },
      lastSync: null,
    });
    expect(configured.body).not.toContain("SECRET");
    // Settings change without secrets keeps the stored ones while the address stays (issue 11 point 2).
    const kept = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/psa",
      payload: {
        connector: { kind: "autotask", settings: { baseUrl: "http://127.0.0.1:9/", pageSize: 100 } },
        schedule: "0 4 * * *",
      },
    });
    expect(kept.json()).toMatchObject({ connector: { hasSecrets: true }, schedule: "0 4 * * *" });
    const psaRow = await t.ctx.db.selectFrom("psa_connection").selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(psaRow)).not.toContain("SECRET");
    const bad = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/psa",
      payload: { connector: { kind: "itglue", settings: {} } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().field).toBe("connector.kind");

    const path = files.json([{ psaId: "1", name: "Acme", type: "Customer" }]);
    await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/psa",
      payload: { connector: { kind: "file", settings: { path } } },
    });
    const started = await t.request(admin, { method: "POST", url: "/api/v1/psa/sync" });
    expect(started.statusCode).toBe(202);
    await idle();
    const psa = (await t.request(viewer, { method: "GET", url: "/api/v1/psa" })).json();
    expect(psa).toMatchObject({
      connector: { kind: "file", hasSecrets: false },
      lastSync: { id: started.json().runId, moduleKey: null, outcome: "succeeded", counts: { added: 1 } },
    });
    const psaRuns = (await t.request(viewer, { method: "GET", url: "/api/v1/sync-runs?psa=true" })).json();
    expect(psaRuns.items.map((r: { moduleKey: string | null }) => r.moduleKey)).toEqual([null]);
  });

  it("serves the connector kinds with JSON Schemas a form renders (labels, secrets write-only)", async () => {
    const viewer = await t.tokenAs("viewer");
    const res = await t.request(viewer, { method: "GET", url: "/api/v1/connector-kinds" });
    expect(res.statusCode, res.body).toBe(200);
    const { items } = res.json() as {
      items: { kind: string; role: string; label: string; settings: unknown; secrets: unknown }[];
    };
    expect(items.map((k) => `${k.role}:${k.kind}`)).toEqual([
      "psa:autotask",
      "psa:file",
      "module:itglue",
      "module:datto-rmm",
      "module:datto-saas",
      "module:file",
    ]);
    expect(items.find((k) => k.kind === "datto-rmm")).toMatchObject({
      label: "Datto RMM",
      settings: { type: "object", properties: { baseUrl: { title: "Base URL", format: "uri" } } },
      secrets: {
        properties: {
          apiKey: { title: "API key", writeOnly: true, format: "password" },
          apiSecret: { title: "API secret key", writeOnly: true, format: "password" },
        },
        required: ["apiKey", "apiSecret"],
      },
    });
    const openapi = (await t.request(viewer, { method: "GET", url: "/api/v1/openapi.json" })).json();
    expect(openapi.paths["/api/v1/connector-kinds"].get.responses).toHaveProperty("200");
  });
});
