import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";
import { repositories } from "../db/repositories.ts";
import { cliActor } from "../domain/actor.ts";

/**
 * Issue 11, single sign-on follow-up: an admin sets, changes and clears a user's e-mail address
 * (single sign-on matches users by it), unique in any case, audited.
 */
describe("a user's e-mail address", () => {
  const t = useTestApp();
  const password = "correct horse battery staple";

  async function userEvents(entityId: string) {
    return t.ctx.db
      .selectFrom("audit_events")
      .select(["action", "before", "after"])
      .where("entity_type", "=", "user")
      .where("entity_id", "=", entityId)
      .orderBy("id")
      .execute();
  }

  it("is set at creation (trimmed, case kept), changed, cleared with null, listed and audited", async () => {
    const admin = await t.loginAs("admin");
    const created = await t.request(admin, {
      method: "POST",
      url: "/api/v1/users",
      payload: { username: "dana", password, role: "editor", email: "  Dana.Smith@Example.com " },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ username: "dana", email: "Dana.Smith@Example.com" });
    const id = created.json().id as string;

    const changed = await t.request(admin, {
      method: "PATCH",
      url: `/api/v1/users/${id}`,
      payload: { email: "dana@example.org" },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ id, role: "editor", email: "dana@example.org" });
    const list = await t.request(admin, { method: "GET", url: "/api/v1/users" });
    expect(list.json().items.find((u: { id: string }) => u.id === id).email).toBe("dana@example.org");
    // A user created without one has null.
    expect(list.json().items.find((u: { username: string }) => u.username !== "dana").email).toBeNull();

    const cleared = await t.request(admin, {
      method: "PATCH",
      url: `/api/v1/users/${id}`,
      payload: { email: null },
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().email).toBeNull();
    const row = await t.ctx.db
      .selectFrom("users")
      .select("email")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.email).toBeNull();

    const events = await userEvents(id);
    expect(events.map((e) => e.action)).toEqual(["user.created", "user.updated", "user.updated"]);
    expect(events[0]!.after).toMatchObject({ username: "dana", email: "Dana.Smith@Example.com" });
    expect(events[1]!.before).toMatchObject({ email: "Dana.Smith@Example.com" });
    expect(events[1]!.after).toMatchObject({ email: "dana@example.org", passwordChanged: false });
    expect(events[2]!.before).toMatchObject({ email: "dana@example.org" });
    expect(events[2]!.after).toMatchObject({ email: null });
  });

  it("refuses an address another user has in any case, or that is another e-mail-less user's username: 409 email_taken", async () => {
    const admin = await t.loginAs("admin");
    const erin = await t.services.auth.createUser(cliActor, {
      username: "erin",
      password,
      role: "viewer",
      email: "Erin@Example.com",
    });
    await t.services.auth.createUser(cliActor, { username: "frank@example.com", password, role: "viewer" });
    const gus = await t.services.auth.createUser(cliActor, { username: "gus", password, role: "viewer" });

    for (const email of ["erin@EXAMPLE.com", "FRANK@example.com"]) {
      const taken = await t.request(admin, {
        method: "PATCH",
        url: `/api/v1/users/${gus.id}`,
        payload: { email },
      });
      expect(taken.statusCode, taken.body).toBe(409);
      expect(taken.json()).toMatchObject({ code: "conflict", field: "email", reason: "email_taken" });
    }
    const onCreate = await t.request(admin, {
      method: "POST",
      url: "/api/v1/users",
      payload: { username: "hal", password, role: "viewer", email: "ERIN@example.COM" },
    });
    expect(onCreate.statusCode, onCreate.body).toBe(409);
    expect(onCreate.json()).toMatchObject({ code: "conflict", field: "email", reason: "email_taken" });
    expect(await t.ctx.db.selectFrom("users").select("id").where("username", "=", "hal").execute()).toEqual(
      [],
    );
    // A user keeps their own address in another case.
    const own = await t.request(admin, {
      method: "PATCH",
      url: `/api/v1/users/${erin.id}`,
      payload: { email: "erin@example.com" },
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().email).toBe("erin@example.com");
    expect((await userEvents(gus.id)).map((e) => e.action)).toEqual(["user.created"]);
  });

  it("gives one of two concurrent claims of the same address and answers the other 409, never 500", async () => {
    const admin = await t.loginAs("admin");
    const a = await t.services.auth.createUser(cliActor, { username: "ivy", password, role: "viewer" });
    const b = await t.services.auth.createUser(cliActor, { username: "jon", password, role: "viewer" });
    const [first, second] = await Promise.all([
      t.request(admin, {
        method: "PATCH",
        url: `/api/v1/users/${a.id}`,
        payload: { email: "Shared@example.com" },
      }),
      t.request(admin, {
        method: "PATCH",
        url: `/api/v1/users/${b.id}`,
        payload: { email: "shared@EXAMPLE.com" },
      }),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 409]);
    const lost = first.statusCode === 409 ? first : second;
    expect(lost.json()).toMatchObject({ code: "conflict", field: "email", reason: "email_taken" });
    const holders = await t.ctx.db
      .selectFrom("users")
      .select("username")
      .where("email", "is not", null)
      .where("username", "in", ["ivy", "jon"])
      .execute();
    expect(holders).toHaveLength(1);
    // The unique index's refusal (a claim committed after this one's check) is that same conflict:
    // written here past the service's check, as the loser of a race is.
    const write = repositories(t.ctx.db).users.update(b.id, { email: "SHARED@example.com", at: new Date() });
    await expect(write).rejects.toMatchObject({ code: "conflict", field: "email" });
  });

  it("gives one of two concurrent creations of the same username and answers the other 409, never 500", async () => {
    const admin = await t.loginAs("admin");
    const create = () =>
      t.request(admin, {
        method: "POST",
        url: "/api/v1/users",
        payload: { username: "twin", password, role: "viewer" },
      });
    const answers = await Promise.all([create(), create()]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    const lost = answers.find((a) => a.statusCode === 409);
    expect(lost?.json()).toMatchObject({ code: "conflict", field: "username" });
    // The key's refusal (a creation committed after this one's check) is that same conflict:
    // written here past the service's check, as the loser of a race is.
    const write = repositories(t.ctx.db).users.insert({
      username: "twin",
      passwordHash: "x",
      role: "viewer",
      mustChangePassword: false,
      at: new Date(),
    });
    await expect(write).rejects.toMatchObject({ code: "conflict", field: "username" });
  });

  it("refuses what is not an e-mail address (422), and viewers and editors (403)", async () => {
    const admin = await t.loginAs("admin");
    const kim = await t.services.auth.createUser(cliActor, { username: "kim", password, role: "viewer" });
    for (const email of ["not an address", "kim@", "", "   ", `${"k".repeat(320)}@example.com`, 42]) {
      const bad = await t.request(admin, {
        method: "PATCH",
        url: `/api/v1/users/${kim.id}`,
        payload: { email },
      });
      expect(bad.statusCode, `${JSON.stringify(email)}: ${bad.body}`).toBe(422);
      expect(bad.json()).toMatchObject({ code: "invalid_value", field: "email" });
    }
    const badCreate = await t.request(admin, {
      method: "POST",
      url: "/api/v1/users",
      payload: { username: "lee", password, role: "viewer", email: "lee at example.com" },
    });
    expect(badCreate.statusCode).toBe(422);
    for (const role of ["viewer", "editor"] as const) {
      const caller = await t.loginAs(role);
      const refused = await t.request(caller, {
        method: "PATCH",
        url: `/api/v1/users/${kim.id}`,
        payload: { email: "kim@example.com" },
      });
      expect(refused.statusCode).toBe(403);
      const refusedCreate = await t.request(caller, {
        method: "POST",
        url: "/api/v1/users",
        payload: { username: `by-${role}`, password, role: "viewer", email: "x@example.com" },
      });
      expect(refusedCreate.statusCode).toBe(403);
    }
    const row = await t.ctx.db
      .selectFrom("users")
      .select("email")
      .where("id", "=", kim.id)
      .executeTakeFirstOrThrow();
    expect(row.email).toBeNull();
  });
});
