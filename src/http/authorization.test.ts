import { describe, expect, it } from "vitest";
import { type Caller, useTestApp } from "../../test/support/test-app.ts";
import type { Access } from "./auth.ts";

/**
 * The authorization matrix: every registered API route must have a row here, and each row is
 * checked for anonymous, viewer, editor, admin and API-token callers. A new route without a row
 * fails this test.
 */
const MATRIX: Record<string, Access> = {
  "GET /api/v1/health": "public",
  "POST /api/v1/session": "public",
  "GET /api/v1/session": "viewer",
  "DELETE /api/v1/session": "viewer",
  "PUT /api/v1/me/password": "viewer",
  "GET /api/v1/me/sessions": "viewer",
  "POST /api/v1/session/mfa": "public",
  "GET /api/v1/me/mfa": "viewer",
  "POST /api/v1/me/mfa/totp": "viewer",
  "POST /api/v1/me/mfa/totp/confirm": "viewer",
  "POST /api/v1/me/mfa/disable": "viewer",
  "POST /api/v1/me/mfa/recovery-codes": "viewer",
  "DELETE /api/v1/users/:id/mfa": "admin",
  "GET /api/v1/security-settings": "admin",
  "PATCH /api/v1/security-settings": "admin",
  "GET /api/v1/sso": "public",
  "GET /api/v1/sso-settings": "admin",
  "PUT /api/v1/sso-settings": "admin",
  "DELETE /api/v1/sso-settings": "admin",
  "DELETE /api/v1/me/sessions/:id": "viewer",
  "GET /api/v1/sessions": "admin",
  "DELETE /api/v1/sessions/:id": "admin",
  "GET /api/v1/settings": "viewer",
  "PATCH /api/v1/settings": "admin",
  "GET /api/v1/me/preferences": "viewer",
  "PUT /api/v1/me/preferences": "viewer",
  "PUT /api/v1/settings/module-column-order": "admin",
  "GET /api/v1/organizations": "viewer",
  "GET /api/v1/organizations/:id": "viewer",
  "GET /api/v1/organizations/:id/module-mappings": "viewer",
  "PUT /api/v1/organizations/:id/module-mappings": "editor",
  "GET /api/v1/modules": "viewer",
  "GET /api/v1/modules/:key": "viewer",
  "POST /api/v1/modules": "admin",
  "PATCH /api/v1/modules/:key": "admin",
  "GET /api/v1/worklists": "viewer",
  "GET /api/v1/module-organizations": "viewer",
  "GET /api/v1/module-organizations/:id": "viewer",
  "PUT /api/v1/module-organizations/:id/mapping": "editor",
  "DELETE /api/v1/module-organizations/:id/mapping": "editor",
  "PUT /api/v1/module-organizations/:id/exclusion": "editor",
  "DELETE /api/v1/module-organizations/:id/exclusion": "editor",
  "POST /api/v1/module-organizations/bulk-mapping": "editor",
  "GET /api/v1/mapping-grid": "viewer",
  "PUT /api/v1/mapping-grid/cell": "editor",
  "GET /api/v1/audit-events": "viewer",
  "POST /api/v1/audit-events/steps/:stepId/undo": "editor",
  "GET /api/v1/audit-steps": "viewer",
  "POST /api/v1/users/:id/password-reset": "admin",
  "POST /api/v1/connector-test": "admin",
  "GET /api/v1/users": "admin",
  "POST /api/v1/users": "admin",
  "PATCH /api/v1/users/:id": "admin",
  "GET /api/v1/tokens": "admin",
  "POST /api/v1/tokens": "admin",
  "DELETE /api/v1/tokens/:id": "admin",
  "GET /api/v1/openapi.json": "viewer",
  // sync feature
  "POST /api/v1/modules/:key/sync": "admin",
  "GET /api/v1/sync-runs": "viewer",
  "GET /api/v1/sync-runs/:id": "viewer",
  "GET /api/v1/psa": "viewer",
  "PATCH /api/v1/psa": "admin",
  "POST /api/v1/psa/sync": "admin",
  "GET /api/v1/connector-kinds": "viewer",
  // suggestions feature
  "GET /api/v1/suggestions": "viewer",
  "POST /api/v1/suggestions/accept": "editor",
  "POST /api/v1/suggestions/reject": "editor",
  // posting feature (issue 10)
  "GET /api/v1/posting/switches": "viewer",
  "PUT /api/v1/posting/switches/:key": "admin",
  "GET /api/v1/posting/config": "viewer",
  "PATCH /api/v1/posting/config": "admin",
  "GET /api/v1/posting/:key/preview": "viewer",
  "POST /api/v1/posting/:key/runs": "admin",
  "GET /api/v1/posting/approvals": "viewer",
  "POST /api/v1/posting/approvals/:id/approve": "admin",
  "POST /api/v1/posting/approvals/:id/reject": "admin",
  "POST /api/v1/posting/attempts/:id/undo": "admin",
  "GET /api/v1/activity-log": "viewer",
  "GET /api/v1/activity-log/export": "viewer",
  "POST /api/v1/activity-log/:id/retry": "admin",
  // dashboard (issue 9)
  "GET /api/v1/dashboard": "viewer",
  // billing (issue 9)
  "GET /api/v1/service-mappings": "viewer",
  "PUT /api/v1/service-mappings/:moduleKey/:billingType": "admin",
  "DELETE /api/v1/service-mappings/:moduleKey/:billingType": "admin",
  "GET /api/v1/psa-services": "viewer",
  "GET /api/v1/reconciliation": "viewer",
  "GET /api/v1/reconciliation/summary": "viewer",
  "GET /api/v1/reconciliation/rows/:key": "viewer",
  "GET /api/v1/reconciliation/export": "viewer",
  // alerts feature (issue 14)
  "GET /api/v1/alert-channels": "admin",
  "POST /api/v1/alert-channels": "admin",
  "PATCH /api/v1/alert-channels/:id": "admin",
  "DELETE /api/v1/alert-channels/:id": "admin",
  "POST /api/v1/alert-channels/:id/test": "admin",
  "GET /api/v1/alert-channels/:id/deliveries": "admin",
  "GET /api/v1/me/alert-subscriptions": "viewer",
  "PUT /api/v1/me/alert-subscriptions": "viewer",
  // create the PSA organization of a module organization (issue 14 item 5)
  "GET /api/v1/module-organizations/:id/psa-organization": "admin",
  "POST /api/v1/module-organizations/:id/psa-organization": "admin",
};

const RANK = { anonymous: -1, viewer: 0, editor: 1, admin: 2 } as const;
const UNKNOWN_ID = "5f0c8c5e-0000-4000-8000-000000000000";

describe("authorization matrix", () => {
  const t = useTestApp();

  it("has a row, with the same access, for every registered route, and no row for a route that does not exist", () => {
    const registered = t.app.apiRoutes.map((r) => `${r.method} ${r.url}`);
    const missing = registered.filter((key) => !(key in MATRIX));
    expect(missing, "routes without a row in the authorization matrix").toEqual([]);
    expect(
      Object.keys(MATRIX).filter((key) => !registered.includes(key)),
      "rows for routes that do not exist",
    ).toEqual([]);
    for (const route of t.app.apiRoutes) {
      expect(route.access, `${route.method} ${route.url}`).toBe(MATRIX[`${route.method} ${route.url}`]);
    }
  });

  it("answers 401 to anonymous callers, 403 to roles too low, and lets the rest through (never 500)", async () => {
    const callers: Record<string, Caller | null> = {
      anonymous: null,
      viewer: await t.loginAs("viewer"),
      editor: await t.loginAs("editor"),
      admin: await t.loginAs("admin"),
      "viewer token": await t.tokenAs("viewer"),
      "admin token": await t.tokenAs("admin"),
    };
    const roleOf = (name: string) =>
      name.includes("admin")
        ? "admin"
        : name.includes("editor")
          ? "editor"
          : name.includes("viewer")
            ? "viewer"
            : "anonymous";
    for (const route of t.app.apiRoutes) {
      for (const [name, caller] of Object.entries(callers)) {
        const fresh =
          route.method === "DELETE" &&
          route.url.endsWith("/session") &&
          caller?.role !== "token" &&
          caller !== null
            ? await t.loginAs(caller.role as "viewer")
            : caller;
        const url = route.url.replace(/:[a-zA-Z]+/g, UNKNOWN_ID);
        const res = await t.request(fresh, {
          method: route.method as "GET",
          url,
          ...(route.method === "GET" || route.method === "DELETE" ? {} : { payload: {} }),
        });
        const label = `${route.method} ${route.url} as ${name}`;
        expect(res.statusCode, `${label}: ${res.body}`).not.toBe(500);
        const role = roleOf(name);
        if (route.access === "public") {
          expect([401, 403], label).not.toContain(res.statusCode);
        } else if (role === "anonymous") {
          expect(res.statusCode, label).toBe(401);
          expect(res.headers["content-type"]).toContain("application/problem+json");
        } else if (RANK[role] < RANK[route.access]) {
          expect(res.statusCode, label).toBe(403);
        } else {
          expect([401, 403], `${label}: ${res.body}`).not.toContain(res.statusCode);
        }
      }
    }
  }, 120_000); // ~900 requests (every route x 6 callers): 30 s is too tight on a loaded machine

  it("refuses a cookie write without the CSRF header, and accepts it with the header", async () => {
    const admin = await t.loginAs("admin");
    const { "x-csrf-token": _csrf, ...cookieOnly } = admin.headers;
    const refused = await t.request(
      { role: "admin", headers: cookieOnly },
      { method: "PATCH", url: "/api/v1/settings", payload: { organizationTerm: "Client" } },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: "csrf_failed" });
    const accepted = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/settings",
      payload: { organizationTerm: "Client" },
    });
    expect(accepted.statusCode).toBe(200);
  });
});
