import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";

/** Issue 13 points 7 and 8: Test connection, and an admin resetting a lost password. */
describe("admin tools", () => {
  const t = useTestApp();

  it("Test connection reads the first page with the form's settings and stores nothing", async () => {
    const admin = await t.loginAs("admin");
    const file = `orgmap-test-connection-${process.pid}.csv`;
    await writeFile(join(tmpdir(), file), "externalId,name\n1,Acme Corp\n2,Globex\n3,Initech\n4,Umbrella\n");
    const ok = await t.request(admin, {
      method: "POST",
      url: "/api/v1/connector-test",
      payload: { target: "module", connector: { kind: "file", settings: { path: file } } },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      ok: true,
      firstPageRecords: 4,
      sampleNames: ["Acme Corp", "Globex", "Initech"],
    });
    expect(ok.json().message).toMatch(/^Connected: the first page holds 4 records/);

    // A wrong path is an answer in words, not "saved".
    const missing = await t.request(admin, {
      method: "POST",
      url: "/api/v1/connector-test",
      payload: { target: "module", connector: { kind: "file", settings: { path: "no-such-file.csv" } } },
    });
    expect(missing.statusCode).toBe(200);
    expect(missing.json().ok).toBe(false);
    expect(missing.json().message).toMatch(/^Not connected: /);

    // A setting the kind does not have: 422 naming the field.
    const bad = await t.request(admin, {
      method: "POST",
      url: "/api/v1/connector-test",
      payload: { target: "module", connector: { kind: "file", settings: { path: file, nope: 1 } } },
    });
    expect(bad.statusCode).toBe(422);
    expect(
      await t.ctx.db
        .selectFrom("audit_events")
        .selectAll()
        .where("entity_type", "=", "module_sync")
        .execute(),
    ).toEqual([]);
  });

  it("an admin resets another user's password to a one-time one, which must be changed at sign-in", async () => {
    const admin = await t.loginAs("admin");
    const user = await t.services.auth.createUser(
      { kind: "cli", id: "cli", label: "cli", role: "admin" },
      { username: "lost", password: "forgotten password 1", role: "editor" },
    );
    const reset = await t.request(admin, { method: "POST", url: `/api/v1/users/${user.id}/password-reset` });
    expect(reset.statusCode).toBe(200);
    const { password, username } = reset.json();
    expect(username).toBe("lost");
    expect(password.length).toBeGreaterThanOrEqual(16);

    const old = await t.request(null, {
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "lost", password: "forgotten password 1" },
    });
    expect(old.statusCode).toBe(401);
    const signIn = await t.request(null, {
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "lost", password },
    });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json().mustChangePassword).toBe(true);

    const steps = await t.services.audit.listSteps({ role: "admin" }, { entityType: "user" }, { limit: 5 });
    expect(steps.items[0]?.title).toBe("Reset the password of lost");
    // Not one's own (Change password is for that), and not for editors.
    const editor = await t.loginAs("editor");
    expect(
      (await t.request(editor, { method: "POST", url: `/api/v1/users/${user.id}/password-reset` }))
        .statusCode,
    ).toBe(403);
  });
});
