import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import { type Actor, systemActor } from "../domain/actor.ts";
import { AppError, invalidValue, notFound } from "../domain/errors.ts";
import type { Role } from "../domain/role.ts";
import { ApiTokens } from "./api-tokens.ts";
import { cleanUserAgent, sha256 } from "./auth-secrets.ts";
import { LoginLimiter } from "./login-limiter.ts";
import { startMfaChallenge } from "./mfa/mfa-challenge.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

/** OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const TOUCH_EVERY_MS = 60_000;

export interface AuthenticatedUser {
  id: string;
  username: string;
  role: Role;
}

export { cleanUserAgent, sha256 } from "./auth-secrets.ts";

const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");

export function userActor(user: AuthenticatedUser): Actor {
  return { kind: "user", id: user.id, label: `user:${user.username}`, role: user.role };
}

/** Users, password login with database sessions, and API tokens (their logic in api-tokens.ts). */
export class AuthService {
  private readonly limiter: LoginLimiter;
  private readonly tokens: ApiTokens;
  /** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly ctx: AppContext) {
    this.limiter = new LoginLimiter(ctx.db);
    this.tokens = new ApiTokens(ctx);
  }

  async hashPassword(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  private validatePassword(password: string, field = "password") {
    if (password.length < 12) throw invalidValue(field, "a password needs at least 12 characters");
    if (password.length > 1024) throw invalidValue(field, "a password may have at most 1024 characters");
  }

  /**
   * Creates an admin when the instance has no enabled admin (first start, or users created from
   * the CLI before it); returns the one-time password to print, once.
   */
  async ensureInitialAdmin(): Promise<{ username: string; password: string } | null> {
    const hasAdmin = (users: { role: Role; is_disabled: boolean }[]) =>
      users.some((u) => u.role === "admin" && !u.is_disabled);
    if (hasAdmin(await repositories(this.ctx.db).users.list())) return null;
    const password = this.ctx.config.initialAdminPassword ?? randomToken(15);
    // Hashing takes a while: done before the transaction, which then only checks and writes.
    const passwordHash = await this.hashPassword(password);
    const created = await inUnitOfWork(this.ctx, systemActor("start"), async ({ repos, step }) => {
      await repos.users.lockInitialAdmin();
      const users = await repos.users.list();
      if (hasAdmin(users)) return false;
      if (users.some((u) => u.username === "admin")) {
        throw new Error(
          "there is no enabled admin, and the username admin is taken; create one with `orgmap users create --role admin`",
        );
      }
      const row = await repos.users.insert({
        username: "admin",
        passwordHash,
        role: "admin",
        mustChangePassword: this.ctx.config.initialAdminPassword === undefined,
        at: step.at,
      });
      step.record(userCreated(row));
      return true;
    });
    return created ? { username: "admin", password } : null;
  }

  async login(username: string, password: string, ip: string, userAgent: string | null = null) {
    const at = this.ctx.clock.now();
    // Counted before the (slow) verification, so a parallel burst cannot pass the limit (issue 11 point 1).
    const attempt = await this.limiter.reserve(username, ip, at);
    const repos = repositories(this.ctx.db);
    const user = await repos.users.findByUsername(username);
    this.dummyHash ??= this.hashPassword(randomToken());
    const isValid = await verify(user?.password_hash ?? (await this.dummyHash), password).catch(() => false);
    if (!user || !isValid || user.is_disabled) {
      throw new AppError("unauthenticated", "wrong username or password");
    }
    // Told only after a right password, so the break-glass admin's name cannot be found by trying names.
    const passwordLogin = await repos.oidc.passwordLogin();
    if (!passwordLogin.enabled && passwordLogin.breakGlassUsername !== user.username) {
      throw new AppError(
        "forbidden",
        "password sign-in is turned off on this instance: sign in with single sign-on",
        { details: { reason: "password_login_disabled" } },
      );
    }
    await attempt.succeeded();
    // With MFA on, the password only opens the second step (POST /session/mfa, src/services/mfa/mfa-login.ts).
    if (user.totp_enabled_at !== null) {
      return { mfaChallenge: await startMfaChallenge(this.ctx, user.id, at, ip, userAgent) };
    }
    return this.openSession(user, at, ip, userAgent);
  }

  /**
   * A new session for a user whose sign-in is complete (password, and the TOTP step when MFA is on;
   * or single sign-on, after which neither a password change nor orgmap's MFA is asked).
   */
  async openSession(
    user: { id: string; username: string; role: Role; must_change_password: boolean },
    at: Date,
    ip: string,
    userAgent: string | null,
    authMethod: "password" | "sso" = "password",
  ) {
    const sessionToken = randomToken();
    const csrfToken = randomToken();
    await repositories(this.ctx.db).users.insertSession({
      idHash: sha256(sessionToken),
      userId: user.id,
      csrfToken,
      at,
      ip,
      userAgent: userAgent === null ? null : cleanUserAgent(userAgent),
      authMethod,
    });
    return {
      sessionToken,
      csrfToken,
      user: { id: user.id, username: user.username, role: user.role },
      mustChangePassword: authMethod === "password" && user.must_change_password,
    };
  }

  /** The session's user, or null when the session is unknown, expired (idle or absolute) or its user disabled. */
  async authenticateSession(sessionToken: string): Promise<{
    user: AuthenticatedUser;
    csrfToken: string;
    mustChangePassword: boolean;
    mustEnrollMfa: boolean;
    sessionId: string;
  } | null> {
    const repos = repositories(this.ctx.db);
    const idHash = sha256(sessionToken);
    const session = await repos.users.findSession(idHash);
    if (!session) return null;
    const now = this.ctx.clock.now();
    const idleFor = now.getTime() - new Date(session.last_seen_at).getTime();
    const age = now.getTime() - new Date(session.created_at).getTime();
    if (
      session.is_disabled ||
      idleFor > this.ctx.config.sessionIdleMs ||
      age > this.ctx.config.sessionAbsoluteMs
    ) {
      await repos.users.deleteSession(idHash);
      return null;
    }
    if (idleFor > TOUCH_EVERY_MS) await repos.users.touchSession(idHash, now);
    // After single sign-on the identity provider did the checks: no password to change, no orgmap MFA.
    const viaPassword = session.auth_method === "password";
    return {
      user: { id: session.user_id, username: session.username, role: session.role },
      csrfToken: session.csrf_token,
      mustChangePassword: viaPassword && session.must_change_password,
      // An admin without MFA while admins must have it may only enrol (enforced in src/http/auth.ts).
      mustEnrollMfa:
        viaPassword &&
        session.role === "admin" &&
        session.mfa_required_for_admins === true &&
        session.totp_enabled_at === null,
      sessionId: session.public_id,
    };
  }

  async logout(sessionToken: string): Promise<void> {
    await repositories(this.ctx.db).users.deleteSession(sha256(sessionToken));
  }

  async createUser(
    actor: Actor,
    input: { username: string; password: string; role: Role; email?: string | null | undefined },
  ) {
    this.validatePassword(input.password);
    const passwordHash = await this.hashPassword(input.password);
    const email = input.email ?? null;
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (await repos.users.findByUsername(input.username)) {
        throw new AppError("conflict", `user ${input.username} exists already`, { field: "username" });
      }
      if (email !== null) await refuseTakenEmail(repos.users, email, null);
      const row = await repos.users.insert({
        username: input.username,
        passwordHash,
        role: input.role,
        mustChangePassword: false,
        email,
        at: step.at,
      });
      step.record(userCreated(row));
      return toUserView(row);
    });
  }

  async listUsers() {
    return (await repositories(this.ctx.db).users.list()).map(toUserView);
  }

  /** Disabling a user or changing their password ends their sessions at once. */
  async updateUser(
    actor: Actor,
    id: string,
    patch: {
      role?: Role | undefined;
      isDisabled?: boolean | undefined;
      password?: string | undefined;
      /** null clears it. */
      email?: string | null | undefined;
    },
  ) {
    if (patch.password !== undefined) this.validatePassword(patch.password);
    const passwordHash = patch.password !== undefined ? await this.hashPassword(patch.password) : undefined;
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await repos.users.findById(id);
      if (!before) throw notFound("user", id, "id");
      // An empty patch changes nothing (and writes no audit event).
      if (
        patch.role === undefined &&
        patch.isDisabled === undefined &&
        passwordHash === undefined &&
        patch.email === undefined
      ) {
        return toUserView(before);
      }
      if (patch.email !== undefined && patch.email !== null)
        await refuseTakenEmail(repos.users, patch.email, id);
      const removesAnAdmin =
        before.role === "admin" &&
        !before.is_disabled &&
        (patch.isDisabled === true || (patch.role !== undefined && patch.role !== "admin"));
      // Under the admins' row locks, so two concurrent removals cannot both pass (issue 11 point 4).
      if (removesAnAdmin && (await repos.users.lockEnabledAdmins()).every((admin) => admin === id)) {
        throw new AppError(
          "conflict",
          `${before.username} is the last enabled admin: make another user admin first, then change this one`,
          { field: patch.isDisabled === true ? "isDisabled" : "role" },
        );
      }
      const after = await repos.users.update(id, {
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.isDisabled !== undefined ? { isDisabled: patch.isDisabled } : {}),
        ...(passwordHash !== undefined ? { passwordHash, mustChangePassword: false } : {}),
        ...(patch.email !== undefined ? { email: patch.email } : {}),
        at: step.at,
      });
      if (patch.isDisabled || patch.password !== undefined) await repos.users.deleteSessionsOfUser(id);
      step.record({
        action: "user.updated",
        entityType: "user",
        entityId: id,
        summary: `user ${before.username} changed`,
        before: {
          role: before.role,
          isDisabled: before.is_disabled,
          ...(patch.email !== undefined ? { email: before.email } : {}),
        },
        after: {
          role: after!.role,
          isDisabled: after!.is_disabled,
          passwordChanged: patch.password !== undefined,
          ...(patch.email !== undefined ? { email: after!.email } : {}),
        },
      });
      return toUserView(after!);
    });
  }

  /**
   * A user changes their own password (the current one is required). Every session of theirs ends,
   * this one included, so they sign in again with the new password.
   */
  async changeOwnPassword(actor: Actor, userId: string, currentPassword: string, newPassword: string) {
    this.validatePassword(newPassword, "newPassword");
    const repos = repositories(this.ctx.db);
    const user = await repos.users.findById(userId);
    if (!user) throw notFound("user", userId, "id");
    if (!(await verify(user.password_hash, currentPassword).catch(() => false))) {
      throw invalidValue("currentPassword", "the current password is wrong");
    }
    if (currentPassword === newPassword)
      throw invalidValue("newPassword", "the new password must differ from the current one");
    await this.updateUser(actor, userId, { password: newPassword });
  }

  /** The token's id, name and role, or null (src/services/api-tokens.ts). */
  authenticateToken(token: string) {
    return this.tokens.authenticate(token);
  }

  /** Creates an API token; the clear token is returned once and stored only as a hash. */
  createToken(actor: Actor, input: { name: string; role: Role }) {
    return this.tokens.create(actor, input);
  }

  listTokens() {
    return this.tokens.list();
  }

  revokeToken(actor: Actor, id: string) {
    return this.tokens.revoke(actor, id);
  }
}

/**
 * Refuses an e-mail address single sign-on would already match to another user: another user's
 * e-mail in any case, or the username of a user without an e-mail (UserRepository.findByEmail).
 * Setting it would silently move that user's sign-ons to this one.
 */
async function refuseTakenEmail(
  users: { findByEmail(email: string): Promise<{ id: string; username: string } | undefined> },
  email: string,
  userId: string | null,
) {
  const holder = await users.findByEmail(email);
  if (holder && holder.id !== userId) {
    throw new AppError("conflict", `user ${holder.username} has this e-mail address already`, {
      field: "email",
      details: { reason: "email_taken" },
    });
  }
}

function userCreated(row: { id: string; username: string; role: Role; email: string | null }) {
  return {
    action: "user.created",
    entityType: "user",
    entityId: row.id,
    summary: `user ${row.username} (${row.role}) created`,
    before: null,
    after: { username: row.username, role: row.role, ...(row.email !== null ? { email: row.email } : {}) },
  } as const;
}

function toUserView(row: {
  id: string;
  username: string;
  role: Role;
  email: string | null;
  is_disabled: boolean;
  created_at: Date;
}) {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    email: row.email,
    isDisabled: row.is_disabled,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
