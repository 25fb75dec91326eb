import { describe, expect, it } from "vitest";
import { buildModule } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { useTempFiles } from "../services/sync/sync-test-support.ts";

describe("PATCH /modules/{key}", () => {
  const t = useTestApp();
  const files = useTempFiles();
  const auditEvents = () =>
    t.ctx.db.selectFrom("audit_events").select(["step_id", "action"]).orderBy("id").execute();

  it("changes name, billing, schedule and connector in one transaction and one audit step", async () => {
    const admin = await t.tokenAs("admin");
    await buildModule(t.ctx.db, { key: "graphus", name: "Graphus", state: "disabled" });
    const path = files.csv([["1", "Acme"]]);
    const before = (await auditEvents()).length;
    const res = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/modules/graphus",
      payload: {
        name: "Graphus Phishing",
        billingEnabled: true,
        schedule: "15 1 * * *",
        connector: { kind: "file", settings: { path } },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      key: "graphus",
      name: "Graphus Phishing",
      billingEnabled: true,
      schedule: "15 1 * * *",
      connector: { kind: "file", settings: { path }, hasSecrets: false },
    });
    const events = (await auditEvents()).slice(before);
    expect(events.map((e) => e.action).sort()).toEqual([
      "module.billing_enabled",
      "module.renamed",
      "module.sync_configured",
    ]);
    expect(new Set(events.map((e) => e.step_id)).size).toBe(1);
  });

  it("changes nothing when one part is refused (a bad connector with a valid name)", async () => {
    const admin = await t.tokenAs("admin");
    await buildModule(t.ctx.db, { key: "graphus", name: "Graphus", state: "disabled" });
    const before = (await auditEvents()).length;
    const res = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/modules/graphus",
      payload: {
        name: "Renamed",
        billingEnabled: true,
        connector: { kind: "itglue", settings: { baseUrl: "ftp://x" }, secrets: { apiKey: "k" } },
      },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().field).toBe("connector.settings.baseUrl");
    const module = (await t.request(admin, { method: "GET", url: "/api/v1/modules/graphus" })).json();
    expect(module).toMatchObject({ name: "Graphus", billingEnabled: false, connector: null });
    expect(await auditEvents()).toHaveLength(before);
  });

  it("answers one module with its own counts and last sync", async () => {
    const viewer = await t.tokenAs("viewer");
    const admin = await t.tokenAs("admin");
    await buildModule(t.ctx.db, { key: "graphus", state: "awaiting_first_sync" });
    await buildModule(t.ctx.db, { key: "passly", state: "awaiting_first_sync" });
    for (const [key, rows] of [
      ["graphus", [["1", "Acme"]]],
      [
        "passly",
        [
          ["1", "Acme"],
          ["2", "Globex"],
        ],
      ],
    ] as const) {
      await t.request(admin, {
        method: "PATCH",
        url: `/api/v1/modules/${key}`,
        payload: { connector: { kind: "file", settings: { path: files.csv(rows) } } },
      });
      await t.services.sync.syncModule(key, "manual");
    }
    const one = (await t.request(viewer, { method: "GET", url: "/api/v1/modules/passly" })).json();
    const all = (await t.request(viewer, { method: "GET", url: "/api/v1/modules" })).json();
    expect(one).toMatchObject({
      key: "passly",
      counts: { moduleOrganizations: 2, unmapped: 2 },
      lastSync: { outcome: "succeeded" },
    });
    expect(all.items.find((m: { key: string }) => m.key === "passly")).toEqual(one);
    expect(all.items.find((m: { key: string }) => m.key === "graphus").counts.moduleOrganizations).toBe(1);
  });
});
