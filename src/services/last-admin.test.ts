import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";
import { isAppError } from "../domain/errors.ts";

/**
 * Issue 11 point 4: the last enabled admin cannot be disabled or demoted (409), also when two
 * requests race (the enabled admins are locked first; the race shows on PostgreSQL).
 */
describe("the last enabled admin", () => {
  const t = useTestApp();
  const password = "correct horse battery staple";
  const admin = (username: string) =>
    t.services.auth.createUser(cliActor, { username, password, role: "admin" });

  for (const [what, patch] of [
    ["disabled", { isDisabled: true }],
    ["demoted", { role: "editor" }],
  ] as const) {
    it(`cannot be ${what} through the API (409), and stays an enabled admin`, async () => {
      const caller = await t.loginAs("admin");
      const users = (await t.request(caller, { method: "GET", url: "/api/v1/users" })).json().items;
      const self = users.find((u: { role: string }) => u.role === "admin");
      const res = await t.request(caller, {
        method: "PATCH",
        url: `/api/v1/users/${self.id}`,
        payload: patch,
      });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({
        code: "conflict",
        detail: expect.stringMatching(/last enabled admin/),
      });
      const after = (await t.services.auth.listUsers()).find((u) => u.id === self.id);
      expect(after).toMatchObject({ role: "admin", isDisabled: false });
    });
  }

  it("can be demoted while another enabled admin remains", async () => {
    const a = await admin("a1");
    await admin("a2");
    await expect(t.services.auth.updateUser(cliActor, a.id, { role: "viewer" })).resolves.toMatchObject({
      role: "viewer",
    });
  });

  it("keeps one of two admins when both are demoted at once", async () => {
    const [a, b] = [await admin("a1"), await admin("a2")];
    const results = await Promise.allSettled([
      t.services.auth.updateUser(cliActor, a.id, { role: "editor" }),
      t.services.auth.updateUser(cliActor, b.id, { isDisabled: true }),
    ]);
    const refused = results.filter((r) => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const reason = (refused[0] as PromiseRejectedResult).reason;
    expect(isAppError(reason) && reason.code).toBe("conflict");
    const enabledAdmins = (await t.services.auth.listUsers()).filter(
      (u) => u.role === "admin" && !u.isDisabled,
    );
    expect(enabledAdmins).toHaveLength(1);
  });
});
