import { isUuid } from "../domain/ids.ts";
import type { Db } from "./database.ts";

export interface SessionListRow {
  public_id: string;
  user_id: string;
  username: string;
  user_agent: string | null;
  ip: string | null;
  created_at: Date;
  last_seen_at: Date;
}

/** The sessions list (issue 11): who is signed in where, by public id; the cookie hash never leaves. */
export class SessionRepository {
  constructor(private readonly db: Db) {}

  /** Sessions still open (not idle or older than the limits), newest activity first; one user's or all. */
  async list(filter: { userId?: string; idleSince: Date; createdSince: Date }): Promise<SessionListRow[]> {
    let query = this.db
      .selectFrom("sessions as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .select([
        "s.public_id",
        "s.user_id",
        "u.username",
        "s.user_agent",
        "s.ip",
        "s.created_at",
        "s.last_seen_at",
      ])
      .where("s.last_seen_at", ">=", filter.idleSince)
      .where("s.created_at", ">=", filter.createdSince)
      .where("u.is_disabled", "=", false);
    if (filter.userId !== undefined) query = query.where("s.user_id", "=", filter.userId);
    const rows = await query.orderBy("s.last_seen_at", "desc").orderBy("s.public_id").limit(1000).execute();
    return rows.map((r) => ({
      ...r,
      created_at: new Date(r.created_at),
      last_seen_at: new Date(r.last_seen_at),
    }));
  }

  /** The session with this public id (and whose user), or undefined. */
  async findByPublicId(publicId: string) {
    if (!isUuid(publicId)) return undefined;
    return this.db
      .selectFrom("sessions as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .select(["s.id", "s.public_id", "s.user_id", "s.user_agent", "u.username"])
      .where("s.public_id", "=", publicId)
      .executeTakeFirst();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id", "=", idHash).execute();
  }
}
