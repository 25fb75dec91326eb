import { sql } from "kysely";
import type { NewAlertEvent } from "../domain/alert-event.ts";
import type { OutboxEventRow } from "./alert-schema.ts";
import type { Db } from "./database.ts";

/**
 * The alert outbox: events written in the caller's transaction (the change that causes them), then
 * fanned out by the delivery worker. A `dedupeKey` makes a repeated write one event.
 */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /** Writes the events; with a dedupe key already used, that event is not written again. Returns the new ids. */
  async insert(events: readonly NewAlertEvent[], occurredAt: Date): Promise<string[]> {
    if (events.length === 0) return [];
    const rows = await this.db
      .insertInto("outbox_events")
      .values(
        events.map((event) => ({
          type: event.type,
          occurred_at: occurredAt,
          data: JSON.stringify(event.data),
          dedupe_key: event.dedupeKey ?? null,
        })),
      )
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .returning("id")
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Writes an event that is already delivered by its caller (a "Send test"), marked fanned out so
   * the worker never sends it; it exists for the delivery log, under the id the receiver saw.
   */
  async insertDelivered(event: {
    id: string;
    type: "alerts.test";
    data: Record<string, unknown>;
    at: Date;
  }): Promise<void> {
    await this.db
      .insertInto("outbox_events")
      .values({
        id: event.id,
        type: event.type,
        occurred_at: event.at,
        data: JSON.stringify(event.data),
        fanned_out_at: event.at,
      })
      .execute();
  }

  /**
   * Locks up to `limit` events not fanned out yet (skipping those another process holds), oldest
   * first. Call inside the transaction that writes their deliveries and marks them.
   */
  async lockUnfanned(limit: number): Promise<OutboxEventRow[]> {
    const result = await sql<OutboxEventRow>`
      select * from outbox_events where fanned_out_at is null
      order by occurred_at, id limit ${limit} for update skip locked
    `.execute(this.db);
    return result.rows;
  }

  async markFannedOut(ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable("outbox_events").set({ fanned_out_at: at }).where("id", "in", ids).execute();
  }

  async findById(id: string): Promise<OutboxEventRow | undefined> {
    return this.db.selectFrom("outbox_events").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async findByIds(ids: readonly string[]): Promise<OutboxEventRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom("outbox_events").selectAll().where("id", "in", ids).execute();
  }

  /** The newest events first (a page of the web's list, and tests). */
  async listRecent(limit: number, type?: string): Promise<OutboxEventRow[]> {
    let query = this.db.selectFrom("outbox_events").selectAll();
    if (type) query = query.where("type", "=", type);
    return query.orderBy("occurred_at", "desc").orderBy("id", "desc").limit(limit).execute();
  }
}
