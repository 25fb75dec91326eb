import { sql } from "kysely";
import type { Db } from "./database.ts";

/** The advisory lock class of posting's PSA call slots ("post" in ASCII). */
const SLOT_CLASS = 0x706f7374;

/**
 * Posting's PSA call slots on PostgreSQL (issue 10 item 5: at most N calls at a time across every
 * process on the database): session advisory locks (SLOT_CLASS, 1..N) held on one pinned
 * connection for the call's whole time. A process that dies loses its connection and with it its
 * slots at once: nothing waits out a lease. Only SQL.
 */
export class PostingSlotRepository {
  constructor(private readonly db: Db) {}

  /** Runs `work` holding a free slot among 1..slots; `{ held: false }` (work not run) when none is free. */
  async withSlot<T>(
    slots: number,
    work: () => Promise<T>,
  ): Promise<{ held: true; value: T } | { held: false }> {
    return this.db.connection().execute(async (connection) => {
      for (let slot = 1; slot <= slots; slot++) {
        const { rows } = await sql<{ locked: boolean }>`
          select pg_try_advisory_lock(${SLOT_CLASS}::int, ${slot}::int) as locked
        `.execute(connection);
        if (!rows[0]?.locked) continue;
        try {
          return { held: true as const, value: await work() };
        } finally {
          await sql`select pg_advisory_unlock(${SLOT_CLASS}::int, ${slot}::int)`.execute(connection);
        }
      }
      return { held: false as const };
    });
  }

  /** How many slots are held now, by every process (tests and diagnostics). */
  async held(): Promise<number> {
    const { rows } = await sql<{ count: number }>`
      select count(*)::int as count from pg_locks where locktype = 'advisory' and classid = ${SLOT_CLASS}::oid and granted
    `.execute(this.db);
    return rows[0]?.count ?? 0;
  }
}
