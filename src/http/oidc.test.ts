import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestOidcProvider, type TestOidcProvider } from "../../test/support/oidc-provider.ts";
import { type Caller, useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/**
 * Single sign-on end to end (issue 11): orgmap's routes against a real OpenID provider
 * (`oidc-provider`) started here, the browser played with fetch and inject.
 */
describe("single sign-on with OpenID Connect", () => {
  const t = useTestApp();
  const host = "orgmap.test";
  const redirectUri = `http://${host}/auth/oidc/callback`;
  let idp: TestOidcProvider;
  const password = "correct horse battery staple";

  beforeAll(async () => {
    idp = await startTestOidcProvider([redirectUri]);
    idp.accounts.set("alice", { email: "Alice@Example.com", email_verified: true, name: "Alice" });
    idp.accounts.set("bob", { email: "bob@example.com", email_verified: true });
    idp.accounts.set("carol", { email: "carol@example.com", email_verified: true });
    idp.accounts.set("unverified", { email: "mallory@example.com", email_verified: false });
    idp.accounts.set("outsider", { email: "eve@elsewhere.test", email_verified: true });
    idp.accounts.set("nora", { email: "nora.jones@example.com", email_verified: true });
  });
  afterAll(async () => {
    await idp?.close();
  });

  async function configure(admin: Caller, extra: Record<string, unknown> = {}) {
    const res = await t.request(admin, {
      method: "PUT",
      url: "/api/v1/sso-settings",
      headers: { host },
      payload: {
        enabled: true,
        issuerUrl: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        displayName: "Test IdP",
        defaultRole: "editor",
        allowedDomains: ["example.com"],
        ...extra,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  }

  /** GET /auth/oidc/start as a browser: the provider's URL and the login cookie. */
  async function start() {
    const res = await t.app.inject({ method: "GET", url: "/auth/oidc/start", headers: { host } });
    expect(res.statusCode, res.body).toBe(303);
    const cookie = res.cookies.find((c) => c.name === "orgmap_oidc");
    expect(cookie?.httpOnly).toBe(true);
    const url = new URL(res.headers.location as string);
    return { url, cookie: cookie!.value };
  }

  async function callback(back: URL, loginCookie: string | null) {
    return t.app.inject({
      method: "GET",
      url: `${back.pathname}${back.search}`,
      headers: { host, ...(loginCookie === null ? {} : { cookie: `orgmap_oidc=${loginCookie}` }) },
    });
  }

  async function ssoAs(login: string) {
    const { url, cookie } = await start();
    return callback(await idp.signIn(url.href, login), cookie);
  }

  function sessionOf(res: LightMyRequestResponse): Caller | null {
    const cookie = res.cookies.find((c) => c.name.endsWith("orgmap_session"));
    if (!cookie) return null;
    return { role: "viewer", headers: { cookie: `${cookie.name}=${cookie.value}` } };
  }

  const refusedWith = (res: LightMyRequestResponse, reason: string) => {
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?sso=${reason}`);
    expect(sessionOf(res)).toBeNull();
  };

  it("configures the provider with its secret sealed and never answered, then the login page offers it", async () => {
    const admin = await t.loginAs("admin");
    const before = await t.request(null, { method: "GET", url: "/api/v1/sso" });
    expect(before.json()).toEqual({ provider: null, passwordLoginEnabled: true });
    const saved = await configure(admin);
    expect(saved.json()).toMatchObject({
      configured: true,
      hasClientSecret: true,
      displayName: "Test IdP",
      redirectUri,
      allowedDomains: ["example.com"],
    });
    expect(saved.body).not.toContain(idp.clientSecret);
    const row = await t.ctx.db.selectFrom("oidc_provider").selectAll().executeTakeFirstOrThrow();
    expect(row.client_secret).toMatch(/^v1:/);
    expect(row.client_secret).not.toContain(idp.clientSecret);
    const audit = await t.request(admin, { method: "GET", url: "/api/v1/audit-events?entityType=security" });
    expect(audit.body).not.toContain(idp.clientSecret);
    expect((await t.request(null, { method: "GET", url: "/api/v1/sso" })).json()).toEqual({
      provider: { displayName: "Test IdP" },
      passwordLoginEnabled: true,
    });

    // Saved again without a secret: kept. With another issuer: dropped (it was entered for the first one).
    const kept = await configure(admin, { clientSecret: undefined });
    expect(kept.json().hasClientSecret).toBe(true);
    const moved = await configure(admin, {
      clientSecret: undefined,
      issuerUrl: "https://login.example.net/x",
    });
    expect(moved.json().hasClientSecret).toBe(false);
    const insecure = await t.request(admin, {
      method: "PUT",
      url: "/api/v1/sso-settings",
      payload: {
        enabled: true,
        issuerUrl: "http://idp.example.com",
        clientId: "x",
        displayName: "x",
        defaultRole: "viewer",
      },
    });
    // Plain http only to this machine: a client secret is never sent in clear over a network.
    expect(insecure.statusCode).toBe(422);
    expect(insecure.json()).toMatchObject({ field: "issuerUrl" });
  });

  it("creates a new user with the default role at the first sign-on (audited), and signs the same user in again", async () => {
    const admin = await t.loginAs("admin");
    await configure(admin);
    const res = await ssoAs("alice");
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe("/");
    const session = sessionOf(res)!;
    const who = await t.request(session, { method: "GET", url: "/api/v1/session" });
    expect(who.json()).toMatchObject({
      user: { username: "alice@example.com", role: "editor" },
      mustChangePassword: false,
      mustEnrollMfa: false,
    });
    const created = await t.ctx.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "user.created")
      .where("entity_id", "=", who.json().user.id)
      .executeTakeFirstOrThrow();
    expect(created.summary).toContain("first single sign-on with Test IdP");
    // No password signs this user in.
    const pw = await t.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "alice@example.com", password: "!sso" },
    });
    expect(pw.statusCode).toBe(401);

    const again = await ssoAs("alice");
    const second = await t.request(sessionOf(again)!, { method: "GET", url: "/api/v1/session" });
    expect(second.json().user.id).toBe(who.json().user.id);
    const users = await t.ctx.db
      .selectFrom("users")
      .select("username")
      .where("username", "like", "alice%")
      .execute();
    expect(users).toHaveLength(1);
  });

  it("matches an existing user by e-mail, and asks no orgmap MFA after single sign-on", async () => {
    const admin = await t.loginAs("admin");
    await configure(admin);
    const bob = await t.services.auth.createUser(cliActor, {
      username: "bob@example.com",
      password,
      role: "admin",
    });
    const settings = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/security-settings",
      payload: { mfaRequiredForAdmins: true },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const res = await ssoAs("bob");
    const who = await t.request(sessionOf(res)!, { method: "GET", url: "/api/v1/session" });
    expect(who.json()).toMatchObject({ user: { id: bob.id, role: "admin" }, mustEnrollMfa: false });
    const users = await t.request(sessionOf(res)!, { method: "GET", url: "/api/v1/users" });
    expect(users.statusCode).toBe(200);
  });

  it("links an existing user whose username is no e-mail address by the e-mail an admin sets (any case)", async () => {
    const admin = await t.loginAs("admin");
    await configure(admin);
    const nora = await t.services.auth.createUser(cliActor, { username: "nora", password, role: "viewer" });
    const set = await t.request(admin, {
      method: "PATCH",
      url: `/api/v1/users/${nora.id}`,
      payload: { email: "Nora.Jones@Example.COM" },
    });
    expect(set.statusCode, set.body).toBe(200);
    const res = await ssoAs("nora");
    expect(res.headers.location).toBe("/");
    const who = await t.request(sessionOf(res)!, { method: "GET", url: "/api/v1/session" });
    expect(who.json()).toMatchObject({ user: { id: nora.id, username: "nora", role: "viewer" } });
    const created = await t.ctx.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "nora.jones@example.com")
      .execute();
    expect(created).toEqual([]);
  });

  it("refuses a disabled user, an unverified e-mail and a domain not allowed", async () => {
    const admin = await t.loginAs("admin");
    await configure(admin);
    const carol = await t.services.auth.createUser(cliActor, {
      username: "carol@example.com",
      password,
      role: "viewer",
    });
    await t.services.auth.updateUser(cliActor, carol.id, { isDisabled: true });
    refusedWith(await ssoAs("carol"), "user_disabled");
    refusedWith(await ssoAs("unverified"), "no_verified_email");
    refusedWith(await ssoAs("outsider"), "domain_not_allowed");
    const created = await t.ctx.db
      .selectFrom("users")
      .select("username")
      .where("username", "in", ["mallory@example.com", "eve@elsewhere.test"])
      .execute();
    expect(created).toEqual([]);
  });

  it("refuses a wrong state, a wrong nonce, a missing or replayed login cookie", async () => {
    const admin = await t.loginAs("admin");
    await configure(admin);

    const a = await start();
    const back = await idp.signIn(a.url.href, "alice");
    const tampered = new URL(back);
    tampered.searchParams.set("state", "not-the-state");
    refusedWith(await callback(tampered, a.cookie), "rejected");

    const b = await start();
    await t.ctx.db.updateTable("oidc_logins").set({ nonce: "another-nonce" }).execute();
    refusedWith(await callback(await idp.signIn(b.url.href, "alice"), b.cookie), "rejected");

    const c = await start();
    const cBack = await idp.signIn(c.url.href, "alice");
    refusedWith(await callback(cBack, null), "expired");
    // The cookie of a started sign-in is used once.
    const d = await start();
    const dBack = await idp.signIn(d.url.href, "alice");
    expect((await callback(dBack, d.cookie)).headers.location).toBe("/");
    refusedWith(await callback(dBack, d.cookie), "expired");

    // A sign-in left at the provider for longer than 10 minutes has expired.
    const e = await start();
    t.ctx.clock.advance(11 * 60_000);
    refusedWith(await callback(await idp.signIn(e.url.href, "alice"), e.cookie), "expired");
  });

  it("turns password sign-in off for everyone but the break-glass admin", async () => {
    const admin = await t.loginAs("admin");
    const breakGlass = await t.services.auth.createUser(cliActor, {
      username: "glass",
      password,
      role: "admin",
    });
    await t.services.auth.createUser(cliActor, { username: "ed", password, role: "editor" });
    const patch = (payload: Record<string, unknown>) =>
      t.request(admin, { method: "PATCH", url: "/api/v1/security-settings", payload });

    // Not without single sign-on, nor without an enabled admin to name.
    expect((await patch({ passwordLoginEnabled: false, breakGlassUsername: "glass" })).statusCode).toBe(409);
    await configure(admin);
    expect((await patch({ passwordLoginEnabled: false })).statusCode).toBe(422);
    expect((await patch({ passwordLoginEnabled: false, breakGlassUsername: "ed" })).statusCode).toBe(422);
    const off = await patch({ passwordLoginEnabled: false, breakGlassUsername: "glass" });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ passwordLoginEnabled: false, breakGlassUsername: "glass" });
    expect((await t.request(null, { method: "GET", url: "/api/v1/sso" })).json().passwordLoginEnabled).toBe(
      false,
    );

    const login = (username: string, pw = password) =>
      t.app.inject({ method: "POST", url: "/api/v1/session", payload: { username, password: pw } });
    const ed = await login("ed");
    expect(ed.statusCode).toBe(403);
    expect(ed.json()).toMatchObject({ reason: "password_login_disabled" });
    // A wrong password is the usual 401 (the switch is told only to who knows the password).
    expect((await login("ed", "wrong password here")).statusCode).toBe(401);
    expect((await login("glass")).statusCode).toBe(200);
    // Single sign-on still works, and cannot be turned off or removed while password sign-in is off.
    expect((await ssoAs("alice")).headers.location).toBe("/");
    expect((await configure(admin).catch(() => null)) !== null).toBe(true);
    const disable = await t.request(admin, {
      method: "PUT",
      url: "/api/v1/sso-settings",
      payload: {
        enabled: false,
        issuerUrl: idp.issuer,
        clientId: idp.clientId,
        displayName: "Test IdP",
        defaultRole: "editor",
      },
    });
    expect(disable.statusCode).toBe(409);
    expect((await t.request(admin, { method: "DELETE", url: "/api/v1/sso-settings" })).statusCode).toBe(409);

    const on = await patch({ passwordLoginEnabled: true });
    expect(on.json()).toMatchObject({ passwordLoginEnabled: true });
    expect((await login("ed")).statusCode).toBe(200);
    expect(breakGlass.id).toBeTruthy();
  });

  it("sends the browser back with provider_error when the provider cannot be reached", async () => {
    const admin = await t.loginAs("admin");
    // Port 1 on this machine: nothing listens there, the connection is refused at once.
    await configure(admin, { issuerUrl: "http://127.0.0.1:1" });
    const res = await t.app.inject({ method: "GET", url: "/auth/oidc/start", headers: { host } });
    refusedWith(res, "provider_error");
    expect(await t.ctx.db.selectFrom("oidc_logins").selectAll().execute()).toEqual([]);
  });

  it("answers the login page with the reason when single sign-on is not set up", async () => {
    const res = await t.app.inject({ method: "GET", url: "/auth/oidc/start", headers: { host } });
    refusedWith(res, "not_configured");
  });
});
