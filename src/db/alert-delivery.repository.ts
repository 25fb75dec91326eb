import { sql } from "kysely";
import type { Cursor } from "../domain/cursor.ts";
import { isUuid } from "../domain/ids.ts";
import type { AlertDeliveryRow } from "./alert-schema.ts";
import type { Db } from "./database.ts";

export interface NewDelivery {
  eventId: string;
  channelId?: string;
  userId?: string;
  isDigest: boolean;
  nextAttemptAt: Date;
  giveUpAt: Date;
}

export interface AttemptResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

const leaseFromNow = (leaseMs: number) => sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`;
const leaseIsFree = sql<boolean>`(d.lease_expires_at is null or d.lease_expires_at < now())`;

/**
 * Deliveries of alert events, a row per webhook or subscribed user. A sender claims due rows by
 * taking their lease (a conditional update over rows locked with SKIP LOCKED, so two processes
 * never hold one row); the lease expires if the process dies mid-send, and the row is claimed again.
 */
export class AlertDeliveryRepository {
  constructor(private readonly db: Db) {}

  async insertMany(rows: readonly NewDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto("alert_deliveries")
      .values(
        rows.map((row) => ({
          event_id: row.eventId,
          channel_id: row.channelId ?? null,
          user_id: row.userId ?? null,
          is_digest: row.isDigest,
          next_attempt_at: row.nextAttemptAt,
          give_up_at: row.giveUpAt,
        })),
      )
      .execute();
  }

  /** Records one attempt already made (a "Send test"): a finished row in the channel's delivery log. */
  async insertFinished(input: {
    eventId: string;
    channelId: string;
    at: Date;
    result: AttemptResult & { ok: boolean };
  }): Promise<void> {
    await this.db
      .insertInto("alert_deliveries")
      .values({
        event_id: input.eventId,
        channel_id: input.channelId,
        status: input.result.ok ? "delivered" : "failed",
        attempts: 1,
        next_attempt_at: input.at,
        give_up_at: input.at,
        last_status_code: input.result.statusCode,
        last_error: input.result.error,
        last_duration_ms: Math.round(input.result.durationMs),
        delivered_at: input.result.ok ? input.at : null,
        created_at: input.at,
      })
      .execute();
  }

  /**
   * Claims up to `limit` due deliveries (digest ones: `digest` true) whose channel is enabled, for
   * `owner`, and counts the attempt. Each returned row is this owner's until its lease expires.
   */
  async claim(input: {
    owner: string;
    leaseMs: number;
    now: Date;
    limit: number;
    digest: boolean;
  }): Promise<AlertDeliveryRow[]> {
    const result = await sql<AlertDeliveryRow>`
      update alert_deliveries d set lease_owner = ${input.owner},
        lease_expires_at = ${leaseFromNow(input.leaseMs)}, attempts = d.attempts + 1
      where d.id in (
        select d.id from alert_deliveries d left join alert_channels c on c.id = d.channel_id
        where d.status = 'pending' and d.is_digest = ${input.digest} and d.next_attempt_at <= ${input.now}
          and ${leaseIsFree} and (d.channel_id is null or c.is_enabled)
        order by d.next_attempt_at, d.id limit ${input.limit}
        for update of d skip locked
      ) and d.status = 'pending' and ${leaseIsFree}
      returning d.*
    `.execute(this.db);
    return result.rows;
  }

  /** Records the end of an attempt, if `owner` still holds the row; false otherwise. */
  async finishAttempt(
    id: string,
    owner: string,
    result: AttemptResult & { status: "delivered" | "pending" | "failed"; at: Date; nextAttemptAt?: Date },
  ): Promise<boolean> {
    const rows = await this.db
      .updateTable("alert_deliveries")
      .set({
        status: result.status,
        last_status_code: result.statusCode,
        last_error: result.error,
        last_duration_ms: Math.round(result.durationMs),
        lease_owner: null,
        lease_expires_at: null,
        ...(result.status === "delivered" ? { delivered_at: result.at } : {}),
        ...(result.nextAttemptAt ? { next_attempt_at: result.nextAttemptAt } : {}),
      })
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .returning("id")
      .execute();
    return rows.length === 1;
  }

  /** A channel's deliveries, newest first (keyset paging on creation, id). */
  async listForChannel(channelId: string, limit: number, cursor: Cursor | undefined) {
    let query = this.db
      .selectFrom("alert_deliveries as d")
      .innerJoin("outbox_events as e", "e.id", "d.event_id")
      .select([
        "d.id",
        "d.event_id",
        "e.type",
        "d.status",
        "d.attempts",
        "d.last_status_code",
        "d.last_error",
        "d.last_duration_ms",
        "d.next_attempt_at",
        "d.delivered_at",
        "d.created_at",
      ])
      .where("d.channel_id", "=", channelId);
    if (cursor && "k" in cursor && isUuid(cursor.id)) {
      query = query.where(
        sql<boolean>`(d.created_at, d.id) < (${cursor.k}::timestamptz, ${cursor.id}::uuid)`,
      );
    }
    return query.orderBy("d.created_at", "desc").orderBy("d.id", "desc").limit(limit).execute();
  }

  /** How many deliveries are in each state (tests, the health of the worker). */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("alert_deliveries")
      .select(["status", sql<string>`count(*)`.as("n")])
      .groupBy("status")
      .execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  }
}
