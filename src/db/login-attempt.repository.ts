import { sql } from "kysely";
import type { Db } from "./database.ts";

/**
 * Sign-in attempts per key ("account:<name>", "address:<ip>") in a fixed window. An attempt is
 * reserved in one statement before the password is verified, so parallel requests cannot all pass
 * the check before any of them is counted (issue 11 point 1).
 */
export class LoginAttemptRepository {
  constructor(private readonly db: Db) {}

  /**
   * Counts one attempt for the key unless it has `max` in the window already (a window older than
   * `windowMs` starts again). True when reserved; false when the limit is reached.
   */
  async reserve(key: string, max: number, windowMs: number, now: Date): Promise<boolean> {
    const windowStart = new Date(now.getTime() - windowMs);
    const result = await sql<{ attempts: number }>`
      insert into login_attempts as a (key, window_started_at, attempts) values (${key}, ${now}, 1)
      on conflict (key) do update set
        attempts = case when a.window_started_at <= ${windowStart} then 1 else a.attempts + 1 end,
        window_started_at = case when a.window_started_at <= ${windowStart} then ${now} else a.window_started_at end
      where a.window_started_at <= ${windowStart} or a.attempts < ${max}
      returning attempts
    `.execute(this.db);
    return result.rows.length === 1;
  }

  /** When the key's window ends (its attempts are free again), or null when it has none. */
  async windowStartedAt(key: string): Promise<Date | null> {
    const row = await this.db
      .selectFrom("login_attempts")
      .select("window_started_at")
      .where("key", "=", key)
      .executeTakeFirst();
    return row ? new Date(row.window_started_at) : null;
  }

  /** Gives one reserved attempt back (the attempt did not fail). */
  async release(key: string): Promise<void> {
    await this.db
      .updateTable("login_attempts")
      .set((eb) => ({ attempts: sql<number>`greatest(${eb.ref("attempts")} - 1, 0)` }))
      .where("key", "=", key)
      .execute();
  }

  /** Forgets the key's attempts (a successful sign-in clears its account's failures). */
  async clear(key: string): Promise<void> {
    await this.db.deleteFrom("login_attempts").where("key", "=", key).execute();
  }

  /** Drops windows that ended (keys of made-up usernames would otherwise stay). */
  async pruneBefore(windowStart: Date): Promise<void> {
    await this.db.deleteFrom("login_attempts").where("window_started_at", "<=", windowStart).execute();
  }
}
