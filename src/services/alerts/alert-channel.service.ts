import { randomBytes, randomUUID } from "node:crypto";
import type { AppContext } from "../../context.ts";
import type { AlertChannelRow, WebhookFormat } from "../../db/alert-schema.ts";
import { repositories } from "../../db/repositories.ts";
import type { Actor } from "../../domain/actor.ts";
import type { AlertChannelState } from "../../domain/audit.ts";
import { decodeCursor, encodeCursor } from "../../domain/cursor.ts";
import { AppError, notFound } from "../../domain/errors.ts";
import type { SecretBox } from "../secret-box.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import { type AlertWorker, publicUrlOf } from "./alert-worker.ts";
import { sealChannelSecret } from "./channel-secrets.ts";
import type { SmtpTls } from "./email-sender.ts";
import { BlockedTargetError, checkLiteralHost } from "./safe-target.ts";

export type ChannelInput =
  | {
      kind: "webhook";
      name: string;
      url: string;
      format: WebhookFormat;
      eventTypes: string[];
      allowPrivate: boolean;
      maxFailures: number;
    }
  | {
      kind: "email";
      name: string;
      host: string;
      port: number;
      tls: SmtpTls;
      user: string | null;
      password: string | null;
      from: string;
    };

export interface ChannelPatch {
  name?: string;
  url?: string;
  format?: WebhookFormat;
  eventTypes?: string[];
  allowPrivate?: boolean;
  maxFailures?: number;
  isEnabled?: boolean;
  host?: string;
  port?: number;
  tls?: SmtpTls;
  user?: string | null;
  /** A new SMTP password (null: none); absent: unchanged. */
  password?: string | null;
  from?: string;
}

export interface ChannelView {
  id: string;
  kind: "email" | "webhook";
  name: string;
  format: WebhookFormat;
  settings: Record<string, unknown>;
  eventTypes: string[];
  isEnabled: boolean;
  consecutiveFailures: number;
  maxFailures: number;
  disabledReason: string | null;
  hasSecret: boolean;
  createdAt: string;
}

const toView = (row: AlertChannelRow): ChannelView => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  format: row.format,
  settings: row.settings,
  eventTypes: row.event_types,
  isEnabled: row.is_enabled,
  consecutiveFailures: row.consecutive_failures,
  maxFailures: row.max_failures,
  disabledReason: row.disabled_reason,
  hasSecret: row.secrets !== null,
  createdAt: new Date(row.created_at).toISOString(),
});

const stateOf = (row: AlertChannelRow): AlertChannelState => ({
  kind: row.kind,
  name: row.name,
  format: row.format,
  settings: row.settings,
  eventTypes: row.event_types,
  isEnabled: row.is_enabled,
});

/** A URL naming a private or loopback address is refused at once (names are checked again when sent). */
function refusePrivate(url: string, allowPrivate: boolean): void {
  try {
    checkLiteralHost(new URL(url), allowPrivate);
  } catch (error) {
    if (error instanceof BlockedTargetError)
      throw new AppError("invalid_value", error.message, { field: "url" });
    throw new AppError("invalid_value", "the URL is not valid", { field: "url" });
  }
}

/** Admins' alert channels: the SMTP server and webhooks, each with "Send test" and (webhooks) a delivery log. */
export class AlertChannelService {
  constructor(
    private readonly ctx: AppContext,
    private readonly secrets: SecretBox,
    private readonly worker: AlertWorker,
  ) {}

  async list(): Promise<ChannelView[]> {
    return (await repositories(this.ctx.db).alertChannels.list()).map(toView);
  }

  async get(id: string): Promise<ChannelView> {
    return toView(await this.find(id));
  }

  /** Creates a channel; a JSON webhook's signing secret is in the answer, this once. */
  async create(actor: Actor, input: ChannelInput): Promise<{ channel: ChannelView; secret: string | null }> {
    if (input.kind === "webhook") refusePrivate(input.url, input.allowPrivate);
    const id = randomUUID();
    const signing =
      input.kind === "webhook" && input.format === "json"
        ? `whsec_${randomBytes(24).toString("base64url")}`
        : null;
    const plain = input.kind === "email" ? input.password : signing;
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const row = await repos.alertChannels.insert(
        {
          id,
          kind: input.kind,
          name: input.name,
          format: input.kind === "webhook" ? input.format : "json",
          settings:
            input.kind === "webhook"
              ? { url: input.url, allowPrivate: input.allowPrivate }
              : { host: input.host, port: input.port, tls: input.tls, user: input.user, from: input.from },
          secrets: sealChannelSecret(this.secrets, id, plain),
          eventTypes: input.kind === "webhook" ? input.eventTypes : [],
          maxFailures: input.kind === "webhook" ? input.maxFailures : 10,
          createdBy: actor.label,
        },
        this.ctx.clock.now(),
      );
      if (!row) throw new AppError("conflict", "the instance has an e-mail channel already; change that one");
      step.record({
        action: "alert_channel.created",
        entityType: "alert_channel",
        entityId: row.id,
        summary: `${row.kind === "email" ? "E-mail channel" : "Webhook"} "${row.name}" added`,
        before: null,
        after: stateOf(row),
      });
      return { channel: toView(row), secret: signing };
    });
  }

  async update(actor: Actor, id: string, patch: ChannelPatch): Promise<ChannelView> {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await repos.alertChannels.lock(id);
      if (!before) throw notFound("alert channel", id, "id");
      const settings = { ...before.settings };
      const keys =
        before.kind === "webhook"
          ? (["url", "allowPrivate"] as const)
          : (["host", "port", "tls", "user", "from"] as const);
      for (const key of keys) if (patch[key] !== undefined) settings[key] = patch[key];
      if (before.kind === "webhook") refusePrivate(String(settings.url), settings.allowPrivate === true);
      const after = await repos.alertChannels.update(
        id,
        {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.format !== undefined && before.kind === "webhook" ? { format: patch.format } : {}),
          ...(patch.eventTypes !== undefined && before.kind === "webhook"
            ? { eventTypes: patch.eventTypes }
            : {}),
          ...(patch.maxFailures !== undefined ? { maxFailures: patch.maxFailures } : {}),
          ...(patch.isEnabled !== undefined ? { isEnabled: patch.isEnabled } : {}),
          ...(patch.password !== undefined && before.kind === "email"
            ? { secrets: sealChannelSecret(this.secrets, id, patch.password) }
            : {}),
          settings,
        },
        this.ctx.clock.now(),
      );
      if (!after) throw notFound("alert channel", id, "id");
      step.record({
        action: "alert_channel.updated",
        entityType: "alert_channel",
        entityId: id,
        summary: `Alert channel "${after.name}" changed${patch.password !== undefined ? " (password set)" : ""}`,
        before: stateOf(before),
        after: stateOf(after),
      });
      return toView(after);
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await repos.alertChannels.lock(id);
      if (!before) throw notFound("alert channel", id, "id");
      await repos.alertChannels.delete(id);
      step.record({
        action: "alert_channel.deleted",
        entityType: "alert_channel",
        entityId: id,
        summary: `Alert channel "${before.name}" removed (with its delivery log)`,
        before: stateOf(before),
        after: null,
      });
    });
  }

  /** Sends a test message now (not through the outbox): a webhook's test event, or a mail to `to`. */
  async sendTest(actor: Actor, id: string, to: string | undefined) {
    const channel = await this.find(id);
    const now = this.ctx.clock.now();
    const data = { message: "a test from orgmap", link: publicUrlOf(this.ctx) };
    const event = { id: randomUUID(), type: "alerts.test", time: now.toISOString(), data };
    if (channel.kind === "webhook") {
      const result = await this.worker.sendToWebhook(channel, event);
      // The test shows in the webhook's delivery log like any event (it is never sent again).
      await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
        if (!(await repos.alertChannels.lock(id))) return;
        await repos.outbox.insertDelivered({ id: event.id, type: "alerts.test", data, at: now });
        await repos.alertDeliveries.insertFinished({ eventId: event.id, channelId: id, at: now, result });
        step.record({
          action: "alert_channel.tested",
          entityType: "alert_channel",
          entityId: id,
          summary: `Webhook "${channel.name}" tested: ${result.ok ? "delivered" : (result.error ?? "failed")}`,
          before: null,
          after: { ok: result.ok, statusCode: result.statusCode },
        });
      });
      return result;
    }
    if (!to) throw new AppError("invalid_value", "give an address to send the test mail to", { field: "to" });
    const subject = "orgmap test message";
    const text = `This is a test of orgmap's e-mail channel "${channel.name}".\n\n${publicUrlOf(this.ctx)}`;
    return this.worker.sendEmail({ ...channel, is_enabled: true }, [to], { subject, text }, [event.id]);
  }

  /** A webhook's deliveries, newest first. */
  async deliveries(id: string, page: { limit: number; cursor?: string | undefined }) {
    await this.find(id);
    const cursor = decodeCursor(page.cursor, { id: "uuid", key: "timestamp" });
    const rows = await repositories(this.ctx.db).alertDeliveries.listForChannel(id, page.limit + 1, cursor);
    const items = rows.slice(0, page.limit).map((row) => ({
      id: row.id,
      eventId: row.event_id,
      eventType: row.type,
      status: row.status,
      attempts: row.attempts,
      responseCode: row.last_status_code,
      error: row.last_error,
      durationMs: row.last_duration_ms,
      nextAttemptAt: row.status === "pending" ? new Date(row.next_attempt_at).toISOString() : null,
      deliveredAt: row.delivered_at ? new Date(row.delivered_at).toISOString() : null,
      createdAt: new Date(row.created_at).toISOString(),
    }));
    const last = items.at(-1);
    const nextCursor =
      rows.length > page.limit && last ? encodeCursor({ k: last.createdAt, id: last.id }) : null;
    return { items, nextCursor };
  }

  private async find(id: string): Promise<AlertChannelRow> {
    const row = await repositories(this.ctx.db).alertChannels.findById(id);
    if (!row) throw notFound("alert channel", id, "id");
    return row;
  }
}
