import { sql } from "kysely";
import { AppError } from "../domain/errors.ts";
import { isUuid } from "../domain/ids.ts";
import type { Role } from "../domain/role.ts";
import type { Db } from "./database.ts";
import type { UserRow } from "./schema.ts";

/** Users, their sessions and API tokens. Secrets are stored only as hashes. */
export class UserRepository {
  constructor(private readonly db: Db) {}

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async list(): Promise<UserRow[]> {
    return this.db.selectFrom("users").selectAll().orderBy("username").execute();
  }

  async findById(id: string): Promise<UserRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * Locks the enabled admins' rows (in id order, so two callers cannot deadlock) and returns their
   * ids: a change that removes an admin decides on the admins that remain after concurrent ones.
   */
  async lockEnabledAdmins(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("users")
      .select("id")
      .where("role", "=", "admin")
      .where("is_disabled", "=", false)
      .orderBy("id")
      .forUpdate()
      .execute();
    return rows.map((r) => r.id);
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
  }

  /** The user whose e-mail (or, for users without one, whose username) is this address, any case. */
  async findByEmail(email: string): Promise<UserRow | undefined> {
    const lower = email.toLowerCase();
    return (
      (await this.db
        .selectFrom("users")
        .selectAll()
        .where((eb) => eb(eb.fn("lower", ["email"]), "=", lower))
        .executeTakeFirst()) ??
      (await this.db
        .selectFrom("users")
        .selectAll()
        .where("email", "is", null)
        .where((eb) => eb(eb.fn("lower", ["username"]), "=", lower))
        .executeTakeFirst())
    );
  }

  /**
   * Serializes the initial admin's creation (in the caller's transaction): two processes starting
   * at once on an empty database would both see no admin, and one would then fail on the unique
   * username.
   */
  async lockInitialAdmin(): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext('orgmap.initial-admin'))`.execute(this.db);
  }

  async insert(user: {
    username: string;
    passwordHash: string;
    role: Role;
    mustChangePassword: boolean;
    at: Date;
    email?: string | null;
  }) {
    return this.db
      .insertInto("users")
      .values({
        username: user.username,
        password_hash: user.passwordHash,
        role: user.role,
        must_change_password: user.mustChangePassword,
        created_at: user.at,
        password_changed_at: user.at,
        email: user.email ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(emailTaken);
  }

  async update(
    id: string,
    patch: {
      role?: Role;
      isDisabled?: boolean;
      passwordHash?: string;
      mustChangePassword?: boolean;
      /** null clears it. */
      email?: string | null;
      at: Date;
    },
  ) {
    return this.db
      .updateTable("users")
      .set({
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.isDisabled !== undefined ? { is_disabled: patch.isDisabled } : {}),
        ...(patch.passwordHash !== undefined
          ? { password_hash: patch.passwordHash, password_changed_at: patch.at }
          : {}),
        ...(patch.mustChangePassword !== undefined ? { must_change_password: patch.mustChangePassword } : {}),
        ...(patch.email !== undefined ? { email: patch.email } : {}),
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst()
      .catch(emailTaken);
  }

  async insertSession(session: {
    idHash: string;
    userId: string;
    csrfToken: string;
    at: Date;
    ip: string | null;
    userAgent?: string | null;
    authMethod?: "password" | "sso";
  }) {
    await this.db
      .insertInto("sessions")
      .values({
        id: session.idHash,
        user_id: session.userId,
        csrf_token: session.csrfToken,
        created_at: session.at,
        last_seen_at: session.at,
        ip: session.ip,
        user_agent: session.userAgent ?? null,
        auth_method: session.authMethod ?? "password",
      })
      .execute();
  }

  async findSession(idHash: string) {
    return this.db
      .selectFrom("sessions as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .select([
        "s.id",
        "s.public_id",
        "s.csrf_token",
        "s.created_at",
        "s.last_seen_at",
        "s.auth_method",
        "u.id as user_id",
        "u.username",
        "u.role",
        "u.is_disabled",
        "u.must_change_password",
        "u.totp_enabled_at",
        (eb) =>
          eb
            .selectFrom("security_settings")
            .select("mfa_required_for_admins")
            .limit(1)
            .as("mfa_required_for_admins"),
      ])
      .where("s.id", "=", idHash)
      .executeTakeFirst();
  }

  async touchSession(idHash: string, at: Date): Promise<void> {
    await this.db.updateTable("sessions").set({ last_seen_at: at }).where("id", "=", idHash).execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id", "=", idHash).execute();
  }

  async deleteSessionsOfUser(userId: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("user_id", "=", userId).execute();
  }

  async insertToken(token: {
    name: string;
    role: Role;
    tokenHash: string;
    createdBy: string;
    ownerUserId: string | null;
    at: Date;
  }) {
    return this.db
      .insertInto("api_tokens")
      .values({
        name: token.name,
        role: token.role,
        token_hash: token.tokenHash,
        created_by: token.createdBy,
        owner_user_id: token.ownerUserId,
        created_at: token.at,
        last_used_at: null,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** An unrevoked token with its owner's current role and state (null for a token of the instance). */
  async findActiveToken(tokenHash: string) {
    return this.db
      .selectFrom("api_tokens as t")
      .leftJoin("users as u", "u.id", "t.owner_user_id")
      .selectAll("t")
      .select(["u.role as owner_role", "u.is_disabled as owner_is_disabled"])
      .where("t.token_hash", "=", tokenHash)
      .where("t.revoked_at", "is", null)
      .executeTakeFirst();
  }

  /** The user a token belongs to (null: the instance's, or no such token). */
  async tokenOwner(tokenId: string): Promise<string | null> {
    if (!isUuid(tokenId)) return null;
    const row = await this.db
      .selectFrom("api_tokens")
      .select("owner_user_id")
      .where("id", "=", tokenId)
      .executeTakeFirst();
    return row?.owner_user_id ?? null;
  }

  async listTokens() {
    return this.db.selectFrom("api_tokens").selectAll().orderBy("created_at").execute();
  }

  async revokeToken(id: string, at: Date): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.db
      .updateTable("api_tokens")
      .set({ revoked_at: at })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async touchToken(id: string, at: Date): Promise<void> {
    await this.db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", id).execute();
  }
}

/**
 * A unique index refused the write: another user took this address (the index on lower(email)) or
 * this username (the column's unique key) in a transaction that committed after the caller's check
 * (the checks are in the service). A 409 like those checks', never a 500.
 */
function emailTaken(error: unknown): never {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  const refusedBy = (name: string) => e?.constraint === name || String(e?.message).includes(name);
  if (e?.code === "23505" && refusedBy("users_email")) {
    throw new AppError("conflict", "another user has this e-mail address", {
      field: "email",
      details: { reason: "email_taken" },
    });
  }
  if (e?.code === "23505" && refusedBy("users_username_key")) {
    throw new AppError("conflict", "a user with this username exists already", { field: "username" });
  }
  throw error;
}
