import type { Role } from "../domain/role.ts";
import type { SubscriptionMode } from "./alert-schema.ts";
import type { Db } from "./database.ts";

export interface Subscriber {
  userId: string;
  email: string;
  mode: SubscriptionMode;
  digestHour: number;
}

/** Each user's alert address, digest hour and the kinds of event they want (and how). */
export class AlertSubscriptionRepository {
  constructor(private readonly db: Db) {}

  async recipient(userId: string) {
    return this.db
      .selectFrom("alert_recipients")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirst();
  }

  async subscriptions(userId: string) {
    return this.db
      .selectFrom("alert_subscriptions")
      .select(["event_type", "mode"])
      .where("user_id", "=", userId)
      .orderBy("event_type")
      .execute();
  }

  /** Replaces the user's address, digest hour and subscriptions. */
  async replace(
    userId: string,
    recipient: { email: string; digestHour: number } | null,
    subscriptions: readonly { eventType: string; mode: SubscriptionMode }[],
    at: Date,
  ): Promise<void> {
    await this.db.deleteFrom("alert_subscriptions").where("user_id", "=", userId).execute();
    if (recipient === null) {
      await this.db.deleteFrom("alert_recipients").where("user_id", "=", userId).execute();
    } else {
      await this.db
        .insertInto("alert_recipients")
        .values({
          user_id: userId,
          email: recipient.email,
          digest_hour: recipient.digestHour,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.column("user_id").doUpdateSet({
            email: recipient.email,
            digest_hour: recipient.digestHour,
            updated_at: at,
          }),
        )
        .execute();
    }
    if (subscriptions.length > 0) {
      await this.db
        .insertInto("alert_subscriptions")
        .values(subscriptions.map((s) => ({ user_id: userId, event_type: s.eventType, mode: s.mode })))
        .execute();
    }
  }

  /** Enabled users with an address who subscribed to this kind of event. */
  async subscribersOf(eventType: string, options: { role?: Role } = {}): Promise<Subscriber[]> {
    let query = this.db
      .selectFrom("alert_subscriptions as s")
      .innerJoin("alert_recipients as r", "r.user_id", "s.user_id")
      .innerJoin("users as u", "u.id", "s.user_id")
      .select(["s.user_id as userId", "r.email", "s.mode", "r.digest_hour as digestHour"])
      .where("s.event_type", "=", eventType)
      .where("u.is_disabled", "=", false);
    if (options.role !== undefined) query = query.where("u.role", "=", options.role);
    return query.execute();
  }

  /** Enabled users of a role that have an address (admins are told of a disabled webhook, subscribed or not). */
  async recipientsWithRole(role: Role): Promise<Subscriber[]> {
    const rows = await this.db
      .selectFrom("alert_recipients as r")
      .innerJoin("users as u", "u.id", "r.user_id")
      .select(["r.user_id as userId", "r.email", "r.digest_hour as digestHour"])
      .where("u.role", "=", role)
      .where("u.is_disabled", "=", false)
      .execute();
    return rows.map((row) => ({ ...row, mode: "immediate" as const }));
  }

  async emailOf(userId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("alert_recipients as r")
      .innerJoin("users as u", "u.id", "r.user_id")
      .select("r.email")
      .where("r.user_id", "=", userId)
      .where("u.is_disabled", "=", false)
      .executeTakeFirst();
    return row?.email;
  }
}
