import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { AppContext } from "../../context.ts";
import type { AlertChannelRow, AlertDeliveryRow, OutboxEventRow } from "../../db/alert-schema.ts";
import { repositories } from "../../db/repositories.ts";
import type { SecretBox } from "../secret-box.ts";
import { checkOverdueSyncs, fanOut } from "./alert-fanout.ts";
import { type AlertEnvelope, alertText, describeAlert, digestText } from "./alert-message.ts";
import { openChannelSecret, smtpSettingsOf, webhookTargetOf } from "./channel-secrets.ts";
import { sendMail } from "./email-sender.ts";
import { type SendResult, sendWebhook } from "./webhook-sender.ts";

export interface AlertWorkerOptions {
  /** This process's name on its leases (default host:pid:random). */
  owner?: string;
  /** How long a claimed delivery is this process's without being finished (default 60 s; above every send timeout). */
  leaseMs?: number;
  /** Deliveries claimed at once (default 20), sent in parallel. */
  batch?: number;
  /** How often the worker looks for work (default 2 s) and for overdue syncs (default 5 min). */
  tickMs?: number;
  overdueCheckMs?: number;
  webhookTimeoutMs?: number;
  smtpTimeoutMs?: number;
  /** First retry after this (default 30 s), doubling up to maxRetryMs (default 1 h), for 24 h. */
  baseRetryMs?: number;
  maxRetryMs?: number;
}

export const toEnvelope = (event: OutboxEventRow): AlertEnvelope => ({
  id: event.id,
  type: event.type,
  time: new Date(event.occurred_at).toISOString(),
  data: event.data,
});

export const publicUrlOf = (ctx: AppContext) =>
  (ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`).replace(/\/+$/, "");

/**
 * Drains the outbox: fans events out to deliveries, then claims due deliveries under a lease held
 * in their row (like sync runs) and sends them. A process killed mid-send leaves a lease that
 * expires; the next claim (here or in another process) sends again, with the same event id.
 * Started only by `orgmap serve`, beside the sync scheduler.
 */
export class AlertWorker {
  readonly owner: string;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private lastOverdueCheck = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly secrets: SecretBox,
    private readonly options: AlertWorkerOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.ticking) this.ticking = this.tick().finally(() => (this.ticking = undefined));
    }, this.options.tickMs ?? 2_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** One round: overdue check (when due), fan-out, immediate deliveries, digests. Returns deliveries sent. */
  async tick(): Promise<number> {
    let sent = 0;
    try {
      const now = this.ctx.clock.now().getTime();
      if (now - this.lastOverdueCheck >= (this.options.overdueCheckMs ?? 300_000)) {
        this.lastOverdueCheck = now;
        await checkOverdueSyncs(this.ctx, this.ctx.config.syncOverdueHours ?? 36);
      }
      while ((await fanOut(this.ctx)) > 0) {}
      // Batch after batch while full: one batch per tick would cap delivery at batch/tick (10 a second).
      const batch = this.options.batch ?? 20;
      for (let n = batch; n === batch; ) {
        n = await this.deliverDue();
        sent += n;
      }
      sent += await this.deliverDigests();
    } catch (error) {
      this.ctx.log.error({ err: error }, "alert worker tick failed");
    }
    return sent;
  }

  /** Ticks until a round finds nothing more to send now (tests, the CLI). */
  async drain(maxRounds = 100): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      if ((await this.tick()) === 0) return;
    }
  }

  /** Claims and sends one batch of due immediate deliveries; returns how many it attempted. */
  async deliverDue(): Promise<number> {
    const rows = await this.claim(false, this.options.batch ?? 20);
    if (rows.length === 0) return 0;
    const events = await this.events(rows);
    const channels = new Map<string, AlertChannelRow | undefined>();
    await Promise.all(
      rows.map(async (row) => {
        const event = events.get(row.event_id);
        if (!event) return;
        const channel = row.channel_id ? await this.channel(channels, row.channel_id) : undefined;
        const result = row.channel_id
          ? await this.sendToWebhook(channel, event)
          : await this.mailUser(row, [event]);
        await this.record(row, result, channel);
      }),
    );
    return rows.length;
  }

  /** Claims due digest deliveries and sends one mail per user with all of theirs. */
  async deliverDigests(): Promise<number> {
    const rows = await this.claim(true, 500);
    if (rows.length === 0) return 0;
    const events = await this.events(rows);
    const byUser = new Map<string, AlertDeliveryRow[]>();
    for (const row of rows) byUser.set(row.user_id ?? "", [...(byUser.get(row.user_id ?? "") ?? []), row]);
    for (const list of byUser.values()) {
      const envelopes = list
        .map((row) => events.get(row.event_id))
        .filter((e) => e !== undefined)
        .sort((a, b) => a.time.localeCompare(b.time));
      const result = await this.mailUser(list[0]!, envelopes, true);
      for (const row of list) await this.record(row, result, undefined);
    }
    return rows.length;
  }

  private claim(digest: boolean, limit: number) {
    return repositories(this.ctx.db).alertDeliveries.claim({
      owner: this.owner,
      leaseMs: this.options.leaseMs ?? this.ctx.config.alertLeaseMs ?? 60_000,
      now: this.ctx.clock.now(),
      limit,
      digest,
    });
  }

  private async events(rows: readonly AlertDeliveryRow[]) {
    const found = await repositories(this.ctx.db).outbox.findByIds([...new Set(rows.map((r) => r.event_id))]);
    return new Map(found.map((event) => [event.id, toEnvelope(event)]));
  }

  private async channel(cache: Map<string, AlertChannelRow | undefined>, id: string) {
    if (!cache.has(id)) cache.set(id, await repositories(this.ctx.db).alertChannels.findById(id));
    return cache.get(id);
  }

  /** Sends to a webhook channel (also the "Send test" path). */
  async sendToWebhook(channel: AlertChannelRow | undefined, event: AlertEnvelope): Promise<SendResult> {
    if (!channel) return { ok: false, statusCode: null, durationMs: 0, error: "the webhook was deleted" };
    return sendWebhook(webhookTargetOf(this.secrets, channel), event, {
      baseUrl: publicUrlOf(this.ctx),
      now: () => this.ctx.clock.now(),
      ...(this.options.webhookTimeoutMs ? { timeoutMs: this.options.webhookTimeoutMs } : {}),
    });
  }

  private async mailUser(
    row: AlertDeliveryRow,
    events: AlertEnvelope[],
    digest = false,
  ): Promise<SendResult> {
    const repos = repositories(this.ctx.db);
    const to = row.user_id ? await repos.alertSubscriptions.emailOf(row.user_id) : undefined;
    if (!to) return { ok: false, statusCode: null, durationMs: 0, error: "the user has no alert address" };
    const base = publicUrlOf(this.ctx);
    const first = events[0];
    if (!first) return { ok: false, statusCode: null, durationMs: 0, error: "the event is gone" };
    const content = digest
      ? digestText(events, base)
      : { subject: describeAlert(first, base).title, text: alertText(describeAlert(first, base), first) };
    return this.sendEmail(
      await repos.alertChannels.findEmail(),
      [to],
      content,
      events.map((e) => e.id),
    );
  }

  /** Sends through the e-mail channel (also the "Send test" path). */
  async sendEmail(
    channel: AlertChannelRow | undefined,
    to: string[],
    content: { subject: string; text: string },
    eventIds: string[],
  ): Promise<SendResult> {
    if (!channel)
      return { ok: false, statusCode: null, durationMs: 0, error: "no e-mail channel is configured" };
    if (!channel.is_enabled)
      return { ok: false, statusCode: null, durationMs: 0, error: "the e-mail channel is off" };
    return sendMail(
      smtpSettingsOf(channel),
      openChannelSecret(this.secrets, channel),
      { to, ...content, eventIds },
      this.options.smtpTimeoutMs,
    );
  }

  /** Ends an attempt: delivered, retried later with backoff, or failed after 24 h; counts a webhook's failures. */
  private async record(row: AlertDeliveryRow, result: SendResult, channel: AlertChannelRow | undefined) {
    const now = this.ctx.clock.now();
    const backoff = Math.min(
      this.options.maxRetryMs ?? 3_600_000,
      (this.options.baseRetryMs ?? 30_000) * 2 ** Math.max(0, row.attempts - 1),
    );
    const next = new Date(now.getTime() + backoff);
    const status = result.ok ? "delivered" : next > new Date(row.give_up_at) ? "failed" : "pending";
    await this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      const mine = await repos.alertDeliveries.finishAttempt(row.id, this.owner, {
        status,
        at: now,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        error: result.error,
        ...(status === "pending" ? { nextAttemptAt: next } : {}),
      });
      if (!mine || channel?.kind !== "webhook") return;
      if (result.ok) return repos.alertChannels.recordSuccess(channel.id);
      const failure = await repos.alertChannels.recordFailure(channel.id, result.error ?? "failed");
      if (failure.disabled && failure.row) {
        await repos.outbox.insert(
          [
            {
              type: "webhook.disabled",
              data: {
                channelId: channel.id,
                name: channel.name,
                failures: failure.row.consecutive_failures,
                lastError: result.error,
              },
            },
          ],
          now,
        );
      }
    });
    if (!result.ok) this.ctx.log.warn({ deliveryId: row.id, error: result.error }, "alert delivery failed");
  }
}
