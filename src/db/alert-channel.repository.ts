import { sql } from "kysely";
import { isUuid } from "../domain/ids.ts";
import type { AlertChannelKind, AlertChannelRow, WebhookFormat } from "./alert-schema.ts";
import type { Db } from "./database.ts";

export interface NewAlertChannel {
  id: string;
  kind: AlertChannelKind;
  name: string;
  format: WebhookFormat;
  settings: Record<string, unknown>;
  secrets: string | null;
  eventTypes: string[];
  maxFailures: number;
  createdBy: string;
}

export interface AlertChannelChange {
  name?: string;
  format?: WebhookFormat;
  settings?: Record<string, unknown>;
  secrets?: string | null;
  eventTypes?: string[];
  maxFailures?: number;
  /** Turning a channel on clears its failure count and reason. */
  isEnabled?: boolean;
}

/** Alert channels: the instance's SMTP server (one) and webhooks. */
export class AlertChannelRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<AlertChannelRow[]> {
    return this.db.selectFrom("alert_channels").selectAll().orderBy("kind").orderBy("name").execute();
  }

  async findById(id: string): Promise<AlertChannelRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db.selectFrom("alert_channels").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Locks the channel's row for the rest of the transaction. */
  async lock(id: string): Promise<AlertChannelRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db
      .selectFrom("alert_channels")
      .selectAll()
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
  }

  async findEmail(): Promise<AlertChannelRow | undefined> {
    return this.db.selectFrom("alert_channels").selectAll().where("kind", "=", "email").executeTakeFirst();
  }

  /** Enabled webhooks that take this kind of event. */
  async webhooksFor(eventType: string): Promise<AlertChannelRow[]> {
    return this.db
      .selectFrom("alert_channels")
      .selectAll()
      .where("kind", "=", "webhook")
      .where("is_enabled", "=", true)
      .where(sql<boolean>`event_types ? ${eventType}`)
      .execute();
  }

  /** Undefined when the instance has an e-mail channel already (one SMTP server). */
  async insert(channel: NewAlertChannel, at: Date): Promise<AlertChannelRow | undefined> {
    return this.db
      .insertInto("alert_channels")
      .values({
        id: channel.id,
        kind: channel.kind,
        name: channel.name,
        format: channel.format,
        settings: JSON.stringify(channel.settings),
        secrets: channel.secrets,
        event_types: JSON.stringify(channel.eventTypes),
        max_failures: channel.maxFailures,
        created_by: channel.createdBy,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column("kind").where("kind", "=", "email").doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  async update(id: string, change: AlertChannelChange, at: Date): Promise<AlertChannelRow | undefined> {
    return this.db
      .updateTable("alert_channels")
      .set({
        updated_at: at,
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.format !== undefined ? { format: change.format } : {}),
        ...(change.settings !== undefined ? { settings: JSON.stringify(change.settings) } : {}),
        ...(change.secrets !== undefined ? { secrets: change.secrets } : {}),
        ...(change.eventTypes !== undefined ? { event_types: JSON.stringify(change.eventTypes) } : {}),
        ...(change.maxFailures !== undefined ? { max_failures: change.maxFailures } : {}),
        ...(change.isEnabled === true
          ? { is_enabled: true, consecutive_failures: 0, disabled_reason: null }
          : change.isEnabled === false
            ? { is_enabled: false }
            : {}),
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.db.deleteFrom("alert_channels").where("id", "=", id).returning("id").execute();
    return rows.length === 1;
  }

  async recordSuccess(id: string): Promise<void> {
    await this.db
      .updateTable("alert_channels")
      .set({ consecutive_failures: 0 })
      .where("id", "=", id)
      .where("consecutive_failures", ">", 0)
      .execute();
  }

  /**
   * Counts one more failure in a row; when that reaches the channel's limit while it is enabled, it
   * is disabled with the reason. Returns the row after, and whether this call disabled it.
   */
  async recordFailure(id: string, reason: string) {
    const row = await this.db
      .updateTable("alert_channels")
      .set({ consecutive_failures: sql`consecutive_failures + 1` })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (!row?.is_enabled || row.consecutive_failures < row.max_failures) {
      return { row, disabled: false };
    }
    const disabled = await this.db
      .updateTable("alert_channels")
      .set({
        is_enabled: false,
        disabled_reason: `disabled after ${row.consecutive_failures} failures in a row; last: ${reason}`,
      })
      .where("id", "=", id)
      .where("is_enabled", "=", true)
      .returningAll()
      .executeTakeFirst();
    return { row: disabled ?? row, disabled: disabled !== undefined };
  }
}
