import { randomBytes } from "node:crypto";
import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import type { Actor } from "../domain/actor.ts";
import { notFound } from "../domain/errors.ts";
import { hasRole, type Role } from "../domain/role.ts";
import { sha256 } from "./auth-secrets.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

export const TOKEN_PREFIX = "omt_";
/** A token's last use is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");

/**
 * API tokens (`omt_…`): created with a role, stored as a hash, acting for their owner (split out of
 * auth.service.ts, which keeps its token methods as the entry points).
 */
export class ApiTokens {
  constructor(private readonly ctx: AppContext) {}

  async authenticate(token: string): Promise<{ id: string; name: string; role: Role } | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const repos = repositories(this.ctx.db);
    const row = await repos.users.findActiveToken(sha256(token));
    if (!row) return null;
    // A token acts for its owner: it stops while the owner is disabled or below its role (issue 11 point 6).
    if (
      row.owner_user_id !== null &&
      (row.owner_is_disabled !== false || row.owner_role === null || !hasRole(row.owner_role, row.role))
    ) {
      return null;
    }
    const now = this.ctx.clock.now();
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > TOUCH_EVERY_MS) {
      await repos.users.touchToken(row.id, now);
    }
    return { id: row.id, name: row.name, role: row.role };
  }

  /** Creates a token; the clear token is returned once and stored only as a hash. */
  async create(actor: Actor, input: { name: string; role: Role }) {
    const token = `${TOKEN_PREFIX}${randomToken()}`;
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const row = await repos.users.insertToken({
        ...input,
        tokenHash: sha256(token),
        createdBy: actor.label,
        // A user's token is theirs; one made with a token belongs to that token's owner; the CLI's to the instance.
        ownerUserId:
          actor.kind === "user"
            ? actor.id
            : actor.kind === "token"
              ? await repos.users.tokenOwner(actor.id)
              : null,
        at: step.at,
      });
      step.record({
        action: "token.created",
        entityType: "token",
        entityId: row.id,
        summary: `API token ${row.name} (${row.role}) created`,
        before: null,
        after: { name: row.name, role: row.role },
      });
      return { id: row.id, name: row.name, role: row.role, token };
    });
  }

  async list() {
    return (await repositories(this.ctx.db).users.listTokens()).map((t) => ({
      id: t.id,
      name: t.name,
      role: t.role,
      createdBy: t.created_by,
      createdAt: new Date(t.created_at).toISOString(),
      lastUsedAt: t.last_used_at ? new Date(t.last_used_at).toISOString() : null,
      revokedAt: t.revoked_at ? new Date(t.revoked_at).toISOString() : null,
    }));
  }

  async revoke(actor: Actor, id: string) {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (!(await repos.users.revokeToken(id, step.at))) throw notFound("token", id, "id");
      step.record({
        action: "token.revoked",
        entityType: "token",
        entityId: id,
        summary: "API token revoked",
        before: null,
        after: null,
      });
    });
  }
}
