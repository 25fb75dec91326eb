import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import type { SessionListRow } from "../db/session.repository.ts";
import type { Actor } from "../domain/actor.ts";
import { notFound } from "../domain/errors.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

export interface SessionView {
  id: string;
  userId: string;
  username: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  isCurrent: boolean;
}

/**
 * The sessions list (issue 11): a user sees and ends their own sessions, an admin everyone's. A
 * session is named by its public id; ending one deletes it, so its cookie stops at the next request.
 */
export class SessionService {
  constructor(private readonly ctx: AppContext) {}

  /** Open sessions: the user's own (`userId`), or every user's (admins). */
  async list(scope: { userId?: string }, currentSessionId: string | null): Promise<SessionView[]> {
    const now = this.ctx.clock.now().getTime();
    const rows = await repositories(this.ctx.db).sessions.list({
      ...(scope.userId !== undefined ? { userId: scope.userId } : {}),
      idleSince: new Date(now - this.ctx.config.sessionIdleMs),
      createdSince: new Date(now - this.ctx.config.sessionAbsoluteMs),
    });
    return rows.map((row) => toView(row, currentSessionId));
  }

  /**
   * Ends one session: with `ownerId`, only one of that user's (another's is a 404, as if unknown);
   * without, any (admins).
   */
  async end(actor: Actor, sessionId: string, ownerId?: string): Promise<void> {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const session = await repos.sessions.findByPublicId(sessionId);
      if (!session || (ownerId !== undefined && session.user_id !== ownerId))
        throw notFound("session", sessionId, "id");
      await repos.sessions.delete(session.id);
      step.record({
        action: "user.session_ended",
        entityType: "user",
        entityId: session.user_id,
        summary:
          actor.kind === "user" && actor.id === session.user_id
            ? `${session.username} ended one of their sessions`
            : `a session of ${session.username} was ended by ${actor.label}`,
        before: { sessionId: session.public_id, userAgent: session.user_agent },
        after: null,
      });
    });
  }
}

function toView(row: SessionListRow, currentSessionId: string | null): SessionView {
  return {
    id: row.public_id,
    userId: row.user_id,
    username: row.username,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    isCurrent: row.public_id === currentSessionId,
  };
}
