import { randomBytes } from "node:crypto";
import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import type { Actor } from "../domain/actor.ts";
import { AppError, notFound } from "../domain/errors.ts";
import type { AuthService } from "./auth.service.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

/**
 * An admin resets another user's password to a one-time one (issue 13 point 8): a random password,
 * shown once to the admin, which the user must change at their next sign-in; their sessions end.
 * The way back when a password (the first admin's included) is lost, with another admin account;
 * with none, `orgmap users set-password` (docs/OPERATIONS.md).
 */
export class PasswordResetService {
  constructor(
    private readonly ctx: AppContext,
    private readonly auth: AuthService,
  ) {}

  /** The CLI's way: by username (`orgmap users reset-password --username alice`). */
  async resetByUsername(actor: Actor, username: string) {
    const user = await repositories(this.ctx.db).users.findByUsername(username);
    if (!user) throw notFound("user", username, "username");
    return this.reset(actor, user.id);
  }

  async reset(actor: Actor, userId: string): Promise<{ username: string; password: string }> {
    if (actor.kind === "user" && actor.id === userId) {
      throw new AppError("invalid_value", "use Change password for your own account", { field: "id" });
    }
    const password = randomBytes(15).toString("base64url");
    const passwordHash = await this.auth.hashPassword(password);
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const user = await repos.users.findById(userId);
      if (!user) throw notFound("user", userId, "id");
      await repos.users.update(userId, { passwordHash, mustChangePassword: true, at: step.at });
      await repos.users.deleteSessionsOfUser(userId);
      step.title = `Reset the password of ${user.username}`;
      step.record({
        action: "user.updated",
        entityType: "user",
        entityId: userId,
        summary: `password of ${user.username} reset to a one-time password`,
        before: { role: user.role, isDisabled: user.is_disabled },
        after: { role: user.role, isDisabled: user.is_disabled, passwordReset: true },
      });
      return { username: user.username, password };
    });
  }
}
