import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/**
 * Issue 11 point 7: audit events about users and tokens (names, roles) are for admins only:
 * viewers and editors see neither them in the list nor through a filter.
 */
describe("audit events about users and tokens", () => {
  const t = useTestApp();

  async function accountEvents() {
    await t.services.auth.createUser(cliActor, {
      username: "secret-username",
      password: "correct horse battery staple",
      role: "admin",
    });
    await t.services.auth.createToken(cliActor, { name: "secret-token-name", role: "admin" });
  }

  for (const role of ["viewer", "editor"] as const) {
    it(`are hidden from ${role}s, in the list and through every filter`, async () => {
      await accountEvents();
      const caller = await t.tokenAs(role);
      for (const url of [
        "/api/v1/audit-events?limit=200",
        "/api/v1/audit-events?entityType=user",
        "/api/v1/audit-events?entityType=token",
      ]) {
        const res = await t.request(caller, { method: "GET", url });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.body, url).not.toMatch(/secret-username|secret-token-name/);
        expect(
          res.json().items.filter((e: { entityType: string }) => ["user", "token"].includes(e.entityType)),
        ).toEqual([]);
      }
    });
  }

  it("are listed for admins", async () => {
    await accountEvents();
    const admin = await t.tokenAs("admin");
    const res = await t.request(admin, { method: "GET", url: "/api/v1/audit-events?entityType=user" });
    expect(res.body).toContain("secret-username");
  });
});
