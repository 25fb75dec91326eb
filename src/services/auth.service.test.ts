import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestContext } from "../../test/support/test-context.ts";
import { cliActor } from "../domain/actor.ts";
import { AuthService } from "./auth.service.ts";

describe("first admin", () => {
  const t = useTestContext();

  it("is created once, on an instance without an enabled admin, even when other users exist", async () => {
    const auth = new AuthService(t.ctx);
    await auth.createUser(cliActor, {
      username: "viewer1",
      password: "a long enough password",
      role: "viewer",
    });
    const created = await auth.ensureInitialAdmin();
    expect(created?.username).toBe("admin");
    expect(created?.password.length).toBeGreaterThanOrEqual(16);
    expect(await auth.ensureInitialAdmin()).toBeNull();
    const login = await auth.login("admin", created!.password, "127.0.0.1");
    if ("mfaChallenge" in login) throw new Error("no MFA expected");
    expect(login.user.role).toBe("admin");
    expect(login.mustChangePassword).toBe(true);
    expect((await auth.authenticateSession(login.sessionToken))?.mustChangePassword).toBe(true);
  });

  it("two processes starting at once on an empty instance: one creates the admin, the other finds it (no error)", async () => {
    // Two services as two processes would have them (on PostgreSQL, two pool connections in parallel).
    const results = await Promise.all(
      Array.from({ length: 4 }, () => new AuthService(t.ctx).ensureInitialAdmin()),
    );
    expect(results.filter((r) => r !== null).map((r) => r?.username)).toEqual(["admin"]);
    const admins = await t.ctx.db
      .selectFrom("users")
      .select("username")
      .where("role", "=", "admin")
      .execute();
    expect(admins).toEqual([{ username: "admin" }]);
  });
});

describe("auth writes", () => {
  const t = useTestContext();

  /** The id of the transaction that last wrote the row (PostgreSQL's xmin), on both databases. */
  async function writer(table: "users" | "api_tokens" | "audit_events", where: string, id: string) {
    const row = await sql<{
      xmin: string;
    }>`select xmin::text as xmin from ${sql.table(table)} where ${sql.ref(where)} = ${id}`.execute(t.ctx.db);
    expect(row.rows).toHaveLength(1);
    return row.rows[0]!.xmin;
  }

  async function auditOf(entityId: string, action: string) {
    const events = await sql<{ id: string; step_id: string }>`
      select id::text, step_id::text from audit_events where entity_id = ${entityId} and action = ${action}
    `.execute(t.ctx.db);
    expect(events.rows).toHaveLength(1);
    return events.rows[0]!;
  }

  it("write each change and its audit record in one transaction", async () => {
    const auth = new AuthService(t.ctx);
    const user = await auth.createUser(cliActor, {
      username: "ann",
      password: "a long enough password",
      role: "viewer",
    });
    const created = await auditOf(user.id, "user.created");
    expect(await writer("audit_events", "id", created.id)).toBe(await writer("users", "id", user.id));

    await auth.updateUser(cliActor, user.id, { role: "editor", password: "another long password" });
    const updated = await auditOf(user.id, "user.updated");
    expect(await writer("audit_events", "id", updated.id)).toBe(await writer("users", "id", user.id));

    const token = await auth.createToken(cliActor, { name: "billing", role: "viewer" });
    const tokenCreated = await auditOf(token.id, "token.created");
    expect(await writer("audit_events", "id", tokenCreated.id)).toBe(
      await writer("api_tokens", "id", token.id),
    );

    await auth.revokeToken(cliActor, token.id);
    const revoked = await auditOf(token.id, "token.revoked");
    expect(await writer("audit_events", "id", revoked.id)).toBe(await writer("api_tokens", "id", token.id));

    const admin = await auth.ensureInitialAdmin();
    const adminRow = await t.ctx.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", admin!.username)
      .executeTakeFirstOrThrow();
    const adminCreated = await auditOf(adminRow.id, "user.created");
    expect(await writer("audit_events", "id", adminCreated.id)).toBe(
      await writer("users", "id", adminRow.id),
    );
  });

  it("leave neither the change nor an audit record when the write is refused", async () => {
    const auth = new AuthService(t.ctx);
    await auth.createUser(cliActor, { username: "bob", password: "a long enough password", role: "viewer" });
    await expect(
      auth.createUser(cliActor, { username: "bob", password: "a long enough password", role: "admin" }),
    ).rejects.toMatchObject({ code: "conflict" });
    await expect(auth.revokeToken(cliActor, "00000000-0000-0000-0000-000000000000")).rejects.toMatchObject({
      code: "not_found",
    });
    const events = await t.ctx.db.selectFrom("audit_events").select("action").execute();
    expect(events.map((e) => e.action)).toEqual(["user.created"]);
  });
});
