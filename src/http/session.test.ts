import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

describe("sessions and tokens", () => {
  const t = useTestApp();
  const password = "correct horse battery staple";

  async function login(username: string, pw = password, ip = "10.0.0.1") {
    return t.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username, password: pw },
      remoteAddress: ip,
    });
  }
  const cookieOf = (res: Awaited<ReturnType<typeof login>>) => {
    const c = res.cookies.find((x) => x.name.endsWith("orgmap_session"))!;
    return `${c.name}=${c.value}`;
  };

  it("sets an HttpOnly SameSite=Strict session cookie; the password hash is argon2id with the OWASP parameters", async () => {
    await t.services.auth.createUser(cliActor, { username: "ann", password, role: "editor" });
    const res = await login("ann");
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === "orgmap_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
    const row = await t.ctx.db
      .selectFrom("users")
      .select("password_hash")
      .where("username", "=", "ann")
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const session = await t.ctx.db.selectFrom("sessions").selectAll().executeTakeFirstOrThrow();
    expect(session.id).not.toBe(cookie!.value);
  });

  it("uses a __Host- prefixed Secure cookie when served over HTTPS", async () => {
    await t.services.auth.createUser(cliActor, { username: "sec", password, role: "viewer" });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "sec", password },
      headers: { "x-forwarded-proto": "https" },
    });
    // trustProxy is off: a forwarded header must not make the cookie claim HTTPS
    expect(res.cookies[0]?.name).toBe("orgmap_session");
  });

  it("ends sessions at once on logout, when the user is disabled, and when the password changes", async () => {
    const user = await t.services.auth.createUser(cliActor, { username: "bob", password, role: "viewer" });
    const firstLogin = await login("bob");
    const first = cookieOf(firstLogin);
    const withoutCsrf = await t.app.inject({
      method: "DELETE",
      url: "/api/v1/session",
      headers: { cookie: first },
    });
    expect(withoutCsrf.statusCode).toBe(403);
    const out = await t.app.inject({
      method: "DELETE",
      url: "/api/v1/session",
      headers: { cookie: first, "x-csrf-token": firstLogin.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/settings", headers: { cookie: first } })).statusCode,
    ).toBe(401);

    const second = cookieOf(await login("bob"));
    await t.services.auth.updateUser(cliActor, user.id, { password: "another long password" });
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/settings", headers: { cookie: second } }))
        .statusCode,
    ).toBe(401);

    const third = cookieOf(await login("bob", "another long password"));
    await t.services.auth.updateUser(cliActor, user.id, { isDisabled: true });
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/settings", headers: { cookie: third } })).statusCode,
    ).toBe(401);
    expect((await login("bob", "another long password")).statusCode).toBe(401);
  });

  it("lets a user change their own password with the current one, and ends their sessions", async () => {
    await t.services.auth.createUser(cliActor, { username: "eve", password, role: "viewer" });
    const res = await login("eve");
    const headers = { cookie: cookieOf(res), "x-csrf-token": res.json().csrfToken };
    const wrong = await t.app.inject({
      method: "PUT",
      url: "/api/v1/me/password",
      headers,
      payload: { currentPassword: "not it at all", newPassword: "a brand new password" },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().field).toBe("currentPassword");
    const short = await t.app.inject({
      method: "PUT",
      url: "/api/v1/me/password",
      headers,
      payload: { currentPassword: password, newPassword: "short" },
    });
    expect(short.statusCode).toBe(422);
    expect(short.json().field).toBe("newPassword");
    const ok = await t.app.inject({
      method: "PUT",
      url: "/api/v1/me/password",
      headers,
      payload: { currentPassword: password, newPassword: "a brand new password" },
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/settings", headers })).statusCode).toBe(401);
    expect((await login("eve", "a brand new password")).statusCode).toBe(200);
  });

  it("expires idle sessions and sessions past their absolute lifetime", async () => {
    await t.services.auth.createUser(cliActor, { username: "cy", password, role: "viewer" });
    const idle = cookieOf(await login("cy"));
    t.ctx.clock.advance(t.ctx.config.sessionIdleMs + 1000);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/settings", headers: { cookie: idle } })).statusCode,
    ).toBe(401);

    const busy = cookieOf(await login("cy"));
    for (
      let elapsed = 0;
      elapsed <= t.ctx.config.sessionAbsoluteMs;
      elapsed += t.ctx.config.sessionIdleMs / 2
    ) {
      t.ctx.clock.advance(t.ctx.config.sessionIdleMs / 2);
      await t.app.inject({ method: "GET", url: "/api/v1/settings", headers: { cookie: busy } });
    }
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/settings", headers: { cookie: busy } })).statusCode,
    ).toBe(401);
  });

  it("rate-limits failed logins per account, with Retry-After", async () => {
    await t.services.auth.createUser(cliActor, { username: "dee", password, role: "viewer" });
    for (let i = 0; i < 5; i++)
      expect((await login("dee", "wrong password!", `10.0.1.${i}`)).statusCode).toBe(401);
    const limited = await login("dee", password, "10.0.2.1");
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBeDefined();
    t.ctx.clock.advance(16 * 60_000);
    expect((await login("dee", password, "10.0.2.1")).statusCode).toBe(200);
  });

  it("rate-limits failed logins per address across accounts", async () => {
    for (let i = 0; i < 30; i++) await login(`nobody-${i}`, "wrong password!", "10.9.9.9");
    expect((await login("nobody-x", "wrong password!", "10.9.9.9")).statusCode).toBe(429);
    expect((await login("nobody-x", "wrong password!", "10.9.9.10")).statusCode).toBe(401);
  });

  it("accepts API tokens stored only as hashes, refuses revoked ones, and needs no CSRF header", async () => {
    const created = await t.services.auth.createToken(cliActor, { name: "ci", role: "admin" });
    const stored = await t.ctx.db.selectFrom("api_tokens").selectAll().executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(created.token);
    const headers = { authorization: `Bearer ${created.token}` };
    const write = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/settings",
      headers,
      payload: { organizationTerm: "Client" },
    });
    expect(write.statusCode).toBe(200);
    await t.services.auth.revokeToken(cliActor, created.id);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/settings", headers })).statusCode).toBe(401);
  });

  it("sends security headers on every answer", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/health" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(res.headers["content-security-policy"])).toContain("frame-ancestors 'none'");
    const notFound = await t.app.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.headers["x-content-type-options"]).toBe("nosniff");
  });
});
