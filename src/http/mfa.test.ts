import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { type Caller, useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

describe("TOTP MFA", () => {
  const t = useTestApp();
  const password = "correct horse battery staple";

  /** The app's code for `secret` at the test clock's time (`stepsAhead` periods later). */
  const codeOf = (secret: string, stepsAhead = 0) =>
    generate({ secret, epoch: Math.floor(t.ctx.clock.now().getTime() / 1000) + stepsAhead * 30 });

  async function passwordStep(username: string, ip = "10.1.0.1") {
    return t.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username, password },
      remoteAddress: ip,
    });
  }
  async function codeStep(challenge: string, code: string, ip = "10.1.0.1") {
    return t.app.inject({
      method: "POST",
      url: "/api/v1/session/mfa",
      payload: { challenge, code },
      remoteAddress: ip,
    });
  }
  function callerOf(res: Awaited<ReturnType<typeof codeStep>>): Caller {
    const cookie = res.cookies.find((c) => c.name.endsWith("orgmap_session"))!;
    return {
      role: "editor",
      headers: { cookie: `${cookie.name}=${cookie.value}`, "x-csrf-token": res.json().csrfToken },
    };
  }

  /** Creates a user and turns MFA on through the API; answers the secret and recovery codes. */
  async function enrolled(username: string, role: "editor" | "admin" = "editor") {
    const user = await t.services.auth.createUser(cliActor, { username, password, role });
    const first = await passwordStep(username);
    const caller = callerOf(first);
    const started = await t.request(caller, { method: "POST", url: "/api/v1/me/mfa/totp" });
    expect(started.statusCode).toBe(200);
    const { secret, uri } = started.json() as { secret: string; uri: string };
    expect(uri).toMatch(new RegExp(`^otpauth://totp/orgmap:${username}\\?`));
    const wrong = await t.request(caller, {
      method: "POST",
      url: "/api/v1/me/mfa/totp/confirm",
      payload: { code: "000000" },
    });
    expect(wrong.statusCode).toBe(422);
    const confirmed = await t.request(caller, {
      method: "POST",
      url: "/api/v1/me/mfa/totp/confirm",
      payload: { code: await codeOf(secret) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const { recoveryCodes } = confirmed.json() as { recoveryCodes: string[] };
    t.ctx.clock.advance(60_000); // the enrolment's code is used: the next sign-in needs a newer one
    return { user, secret, recoveryCodes, caller };
  }

  it("enrols with a confirmed code, then signs in with password and TOTP; a code is accepted once", async () => {
    const { secret, recoveryCodes, caller } = await enrolled("ann");
    expect(recoveryCodes).toHaveLength(10);
    const status = await t.request(caller, { method: "GET", url: "/api/v1/me/mfa" });
    expect(status.json()).toEqual({ enabled: true, recoveryCodesLeft: 10, required: false });
    const stored = await t.ctx.db
      .selectFrom("users")
      .select("totp_secret")
      .where("username", "=", "ann")
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret).toMatch(/^v1:/);
    expect(stored.totp_secret).not.toContain(secret);

    const step1 = await passwordStep("ann");
    expect(step1.statusCode).toBe(200);
    expect(step1.json()).toMatchObject({ mfaRequired: true });
    expect(step1.cookies.find((c) => c.name.endsWith("orgmap_session"))).toBeUndefined();
    const code = await codeOf(secret);
    const step2 = await codeStep(step1.json().challenge, code);
    expect(step2.statusCode, step2.body).toBe(200);
    expect(step2.json().user.username).toBe("ann");
    expect((await t.request(callerOf(step2), { method: "GET", url: "/api/v1/session" })).statusCode).toBe(
      200,
    );

    // The same code again (a replay, even with a new challenge) and a used challenge are refused.
    expect((await codeStep((await passwordStep("ann")).json().challenge, code)).statusCode).toBe(401);
    expect((await codeStep(step1.json().challenge, await codeOf(secret, 1))).statusCode).toBe(401);

    // A recovery code signs in once.
    const recovered = await codeStep(
      (await passwordStep("ann")).json().challenge,
      recoveryCodes[0]!.toLowerCase(),
    );
    expect(recovered.statusCode).toBe(200);
    const again = await codeStep((await passwordStep("ann")).json().challenge, recoveryCodes[0]!);
    expect(again.statusCode).toBe(401);
  });

  it("limits the code step like passwords: 5 wrong codes, then 429 even for the right one", async () => {
    const { secret } = await enrolled("bob");
    const { challenge } = (await passwordStep("bob")).json();
    const answers = await Promise.all(Array.from({ length: 8 }, () => codeStep(challenge, "123456")));
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect((await codeStep(challenge, await codeOf(secret))).statusCode).toBe(429);
  });

  it("when admins must have MFA, an admin without it may only enrol; an admin resets another user's MFA (audited)", async () => {
    const admin = await t.loginAs("admin");
    const { user: ann } = await enrolled("cy");
    const on = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/security-settings",
      payload: { mfaRequiredForAdmins: true },
    });
    expect(on.json()).toMatchObject({ mfaRequiredForAdmins: true });
    const session = await t.request(admin, { method: "GET", url: "/api/v1/session" });
    expect(session.json(), session.body).toMatchObject({ mustEnrollMfa: true });
    const blocked = await t.request(admin, { method: "GET", url: "/api/v1/organizations" });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ code: "mfa_enrollment_required" });
    expect((await t.request(admin, { method: "POST", url: "/api/v1/me/mfa/totp" })).statusCode).toBe(200);

    // An admin without MFA cannot turn the switch off either; from the server's side (CLI) one can.
    const other = await t.loginAs("admin");
    const refused = await t.request(other, {
      method: "PATCH",
      url: "/api/v1/security-settings",
      payload: { mfaRequiredForAdmins: false },
    });
    expect(refused.statusCode).toBe(403);
    await t.services.mfa.updateSecuritySettings(cliActor, { mfaRequiredForAdmins: false });
    const reset = await t.request(other, { method: "DELETE", url: `/api/v1/users/${ann.id}/mfa` });
    expect(reset.statusCode).toBe(204);
    const plain = await passwordStep("cy");
    expect(plain.json()).toMatchObject({ user: { username: "cy" } });
    expect(
      (await t.request(other, { method: "DELETE", url: `/api/v1/users/${ann.id}/mfa` })).statusCode,
    ).toBe(409);
    const events = await t.request(other, { method: "GET", url: "/api/v1/audit-events?entityType=user" });
    const actions = events.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["user.mfa_enabled", "user.mfa_reset"]));
    const viewer = await t.loginAs("viewer");
    const hidden = await t.request(viewer, {
      method: "GET",
      url: "/api/v1/audit-events?entityType=security",
    });
    expect(hidden.json().items).toEqual([]);
  });
});
