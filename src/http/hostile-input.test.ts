import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildModule } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * Issue 11 points 8-9: input PostgreSQL cannot store (a NUL byte, a lone UTF-16 surrogate) is a
 * 422 at the edge; a tampered cursor is a 400; an empty user patch changes nothing; a vendor's
 * lone surrogate is replaced before comparing, so an unchanged record is never a rename. None of
 * them may be a 500.
 */
describe("hostile input at the edge", () => {
  const t = useTestApp();
  const dir = mkdtempSync(join(tmpdir(), "orgmap-hostile-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers 422 to a NUL byte or a lone surrogate in a query, a path or a body", async () => {
    const admin = await t.tokenAs("admin");
    const requests = [
      { method: "GET", url: "/api/v1/organizations?search=a%00b" },
      { method: "GET", url: "/api/v1/module-organizations?moduleKey=a%00b" },
      { method: "GET", url: "/api/v1/audit-events?entityType=a%00b" },
      { method: "GET", url: "/api/v1/audit-events?entityId=a%00b" },
      { method: "GET", url: "/api/v1/organizations/a%00b" },
      {
        method: "POST",
        url: "/api/v1/tokens",
        headers: { "content-type": "application/json" },
        payload: '{"name":"a\\u0000b","role":"viewer"}',
      },
      {
        method: "POST",
        url: "/api/v1/tokens",
        headers: { "content-type": "application/json" },
        payload: '{"name":"lone\\ud800surrogate","role":"viewer"}',
      },
    ] as const;
    for (const request of requests) {
      const res = await t.request(admin, request);
      expect(res.statusCode, `${request.method} ${request.url}: ${res.body}`).toBe(422);
      expect(res.json().code).toBe("invalid_value");
    }
  });

  it("answers 400 to a tampered cursor on every list", async () => {
    const viewer = await t.tokenAs("viewer");
    const tampered = [
      "garbage",
      cursor({ k: "", id: "not-a-uuid" }),
      cursor({ k: "a\u0000b", id: "1" }),
      cursor({ k: "x", id: "NaN" }),
      cursor({ o: 1e20 }),
      cursor({ o: -1 }),
      cursor([1]),
      `${cursor({ k: "", id: "1" }).slice(0, -2)}!!`,
    ];
    const lists = {
      "/organizations": [],
      "/module-organizations": [],
      "/audit-events": [cursor({ k: "", id: "00000000-0000-0000-0000-000000000000" })],
      "/sync-runs": [cursor({ k: "not a timestamp", id: "00000000-0000-0000-0000-000000000000" })],
      "/suggestions": [],
    };
    for (const [list, extra] of Object.entries(lists)) {
      for (const value of [...tampered, ...extra]) {
        const res = await t.request(viewer, { method: "GET", url: `/api/v1${list}?cursor=${value}` });
        expect(res.statusCode, `${list} ${value}: ${res.body}`).toBe(400);
      }
    }
  });

  it("changes nothing on an empty user patch", async () => {
    const admin = await t.tokenAs("admin");
    const user = (await t.loginAs("viewer")) && (await t.services.auth.listUsers())[0]!;
    const res = await t.request(admin, { method: "PATCH", url: `/api/v1/users/${user.id}`, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: user.id, role: user.role, isDisabled: false });
  });

  it("sees an unchanged vendor name with a lone surrogate as unchanged on the next sync", async () => {
    const path = join(dir, "lone.json");
    writeFileSync(path, '[{"externalId":"1","name":"lone\\ud800surrogate"}]');
    await buildModule(t.ctx.db, { key: "m", state: "awaiting_first_sync" });
    await t.services.syncConfig.configureModule(cliActor, "m", {
      connector: { kind: "file", settings: { path } },
    });
    const first = await t.services.sync.syncModule("m", "manual");
    const second = await t.services.sync.syncModule("m", "manual");
    expect(first.outcome, first.error ?? "").toBe("succeeded");
    expect(second.outcome, second.error ?? "").toBe("succeeded");
    expect(second.counts.renamed).toBe(0);
  });
});
