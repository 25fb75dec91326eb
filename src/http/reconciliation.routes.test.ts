import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { billingWorld, psaData } from "../../test/support/billing-world.ts";
import { useTestApp } from "../../test/support/test-app.ts";

const SERVICES = [{ id: "s-dev", name: "Managed device", price: "12.50" }];

/** Service mapping and reconciliation routes: answers, CSV, undo, and bad input refused with 4xx. */
describe("billing API", () => {
  const t = useTestApp();
  const w = billingWorld(t);

  async function scenario() {
    const a = await w.organization("A", "@SUM(A1) Dental");
    await w.module("rmm");
    const site = await w.moduleOrganization("rmm", "site-1");
    await w.contracts(
      psaData(SERVICES, [{ organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 3 }] }]),
    );
    await w.map(site.id, a.id, "2026-11-01T00:00:00Z");
    await w.read("rmm", "2026-11-02T02:00:00Z", { "site-1": 5 });
    t.ctx.clock.set("2026-11-02T03:00:00Z");
    return { a, site };
  }

  it("an admin maps a billing type to a service; the rows, totals, drill-down and CSV follow; undo takes it back", async () => {
    const { a } = await scenario();
    const admin = await t.loginAs("admin");
    const viewer = await t.tokenAs("viewer");
    const list = await t.request(viewer, { method: "GET", url: "/api/v1/service-mappings" });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().modules[0].billingTypes).toEqual([
      { key: "devices", label: "Devices", origin: "ledger", serviceMapping: null },
    ]);
    const before = await t.request(viewer, { method: "GET", url: "/api/v1/reconciliation?period=2026-11" });
    expect(before.json().items.map((r: { state: string }) => r.state)).toEqual(["no_service_mapping"]);

    const put = await t.request(admin, {
      method: "PUT",
      url: "/api/v1/service-mappings/rmm/devices",
      payload: { psaServiceId: "s-dev" },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      psaServiceName: "Managed device",
      policy: "latest",
      serviceStatus: "active",
    });

    const page = await t.request(viewer, {
      method: "GET",
      url: "/api/v1/reconciliation?period=2026-11&limit=1",
    });
    expect(page.statusCode, page.body).toBe(200);
    const body = page.json();
    expect(body).toMatchObject({ total: 1, limit: 1, offset: 0, currency: "USD", locale: "en-US" });
    expect(body.items[0]).toMatchObject({
      state: "under_billed",
      organization: { id: a.id, name: "@SUM(A1) Dental", psaId: "A" },
      desiredUnits: 5,
      psaUnits: 3,
      money: "25.00",
    });
    const summary = await t.request(viewer, {
      method: "GET",
      url: "/api/v1/reconciliation/summary?period=2026-11",
    });
    expect(summary.json().totals[0]).toEqual({
      state: "under_billed",
      rows: 1,
      units: 2,
      money: "25.00",
      rowsWithoutMoney: 0,
    });
    const detail = await t.request(viewer, {
      method: "GET",
      url: `/api/v1/reconciliation/rows/${encodeURIComponent(body.items[0].key)}?period=2026-11`,
    });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().sources[0]).toMatchObject({
      units: 5,
      moduleOrganization: { externalId: "site-1" },
    });

    const csv = await t.request(viewer, {
      method: "GET",
      url: "/api/v1/reconciliation/export?period=2026-11",
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const rows = parse(csv.body) as string[][];
    expect(rows[1]?.[2]).toBe("'@SUM(A1) Dental");

    const history = await t.request(admin, {
      method: "GET",
      url: "/api/v1/audit-events?entityType=service_mapping",
    });
    const stepId = history.json().items[0].stepId;
    const undo = await t.request(admin, { method: "POST", url: `/api/v1/audit-events/steps/${stepId}/undo` });
    expect(undo.statusCode, undo.body).toBe(200);
    const after = await t.request(viewer, { method: "GET", url: "/api/v1/service-mappings?moduleKey=rmm" });
    expect(after.json().modules[0].billingTypes[0].serviceMapping).toBeNull();
  });

  it("refuses bad input with 4xx problems, never 500", async () => {
    await scenario();
    const admin = await t.loginAs("admin");
    const cases: [string, string, unknown, number, string?][] = [
      ["GET", "/api/v1/reconciliation?period=2026-13", undefined, 400],
      ["GET", "/api/v1/reconciliation?period=november", undefined, 400],
      ["GET", "/api/v1/reconciliation?state=bogus", undefined, 400],
      ["GET", "/api/v1/reconciliation?limit=0", undefined, 400],
      ["GET", "/api/v1/reconciliation?sort=price", undefined, 400],
      ["GET", "/api/v1/reconciliation/rows/nope?period=2026-11", undefined, 404, "not_found"],
      ["GET", "/api/v1/service-mappings?moduleKey=nope", undefined, 404, "not_found"],
      ["PUT", "/api/v1/service-mappings/rmm/Bad%20Type", { psaServiceId: "s-dev" }, 400],
      ["PUT", "/api/v1/service-mappings/rmm/devices", { psaServiceId: "s-dev", policy: "max" }, 422],
      ["PUT", "/api/v1/service-mappings/rmm/devices", { psaServiceId: "s-dev", extra: 1 }, 422],
      ["PUT", "/api/v1/service-mappings/rmm/devices", { psaServiceId: "no-such" }, 422, "invalid_value"],
      ["PUT", "/api/v1/service-mappings/nope/devices", { psaServiceId: "s-dev" }, 404, "not_found"],
      ["DELETE", "/api/v1/service-mappings/rmm/devices", undefined, 404, "not_found"],
      ["PATCH", "/api/v1/settings", { currency: "XYZ" }, 422, "invalid_value"],
      ["PATCH", "/api/v1/settings", { currency: "dollars" }, 422],
      ["PATCH", "/api/v1/settings", { locale: "not a locale!" }, 422, "invalid_value"],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const res = await t.request(admin, {
        method: method as "GET",
        url,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
      if (code) expect(res.json().code).toBe(code);
    }
    const ok = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/settings",
      payload: { currency: "eur", locale: "de-de" },
    });
    expect(ok.json()).toMatchObject({ currency: "EUR", locale: "de-DE" });
  });
});
