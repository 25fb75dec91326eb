import { describe, expect, it } from "vitest";
import { type Caller, useTestApp } from "../../test/support/test-app.ts";

/**
 * Issue 11 point 5: a session whose password must change (the first admin's printed one-time
 * password) can read the session, change the password and sign out; every other route answers
 * 403 password_change_required, whatever the web app does.
 */
describe("the forced password change, enforced by the server", () => {
  const t = useTestApp();

  async function firstAdmin(): Promise<{ caller: Caller; password: string }> {
    const initial = await t.services.auth.ensureInitialAdmin();
    if (!initial) throw new Error("an admin exists already");
    const res = await t.app.inject({ method: "POST", url: "/api/v1/session", payload: initial });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().mustChangePassword).toBe(true);
    const cookie = res.cookies.find((c) => c.name.endsWith("orgmap_session"))!;
    return {
      password: initial.password,
      caller: {
        role: "admin",
        headers: { cookie: `${cookie.name}=${cookie.value}`, "x-csrf-token": res.json().csrfToken },
      },
    };
  }

  it("refuses tokens, users and reads until the password is changed", async () => {
    const { caller } = await firstAdmin();
    const attempts = [
      { method: "POST", url: "/api/v1/tokens", payload: { name: "backdoor", role: "admin" } },
      {
        method: "POST",
        url: "/api/v1/users",
        payload: { username: "other", password: "another long password", role: "admin" },
      },
      { method: "GET", url: "/api/v1/users" },
      { method: "GET", url: "/api/v1/organizations" },
    ] as const;
    for (const attempt of attempts) {
      const res = await t.request(caller, attempt);
      expect(res.statusCode, `${attempt.method} ${attempt.url}: ${res.body}`).toBe(403);
      expect(res.json().code).toBe("password_change_required");
    }
    expect(await t.services.auth.listTokens()).toHaveLength(0);
    expect((await t.services.auth.listUsers()).map((u) => u.username)).toEqual(["admin"]);
  });

  it("lets the session be read, the password changed, and then everything else", async () => {
    const { caller, password } = await firstAdmin();
    expect((await t.request(caller, { method: "GET", url: "/api/v1/session" })).statusCode).toBe(200);
    const newPassword = "a brand new long password";
    const changed = await t.request(caller, {
      method: "PUT",
      url: "/api/v1/me/password",
      payload: { currentPassword: password, newPassword },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const again = await t.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "admin", password: newPassword },
    });
    expect(again.json().mustChangePassword).toBe(false);
    const cookie = again.cookies.find((c) => c.name.endsWith("orgmap_session"))!;
    const res = await t.request(
      {
        role: "admin",
        headers: { cookie: `${cookie.name}=${cookie.value}`, "x-csrf-token": again.json().csrfToken },
      },
      { method: "POST", url: "/api/v1/tokens", payload: { name: "ok", role: "viewer" } },
    );
    expect(res.statusCode, res.body).toBe(201);
  });

  it("lets the session sign out", async () => {
    const { caller } = await firstAdmin();
    expect((await t.request(caller, { method: "DELETE", url: "/api/v1/session" })).statusCode).toBe(204);
  });
});
