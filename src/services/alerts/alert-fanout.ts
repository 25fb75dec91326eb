import { Cron } from "croner";
import type { AppContext } from "../../context.ts";
import type { NewDelivery } from "../../db/alert-delivery.repository.ts";
import type { Subscriber } from "../../db/alert-subscription.repository.ts";
import { repositories } from "../../db/repositories.ts";
import { ADMIN_ALERT_EVENT_TYPES, type AlertEventType } from "../../domain/alert-event.ts";

/** A delivery is retried for this long after its event (webhooks and e-mail alike). */
export const RETRY_WINDOW_MS = 24 * 3_600_000;

/** The next time the clock shows `hour`:00 in the time zone, after `now`. */
export function nextDigestAt(hour: number, timeZone: string, now: Date): Date {
  const cron = new Cron(`0 ${hour} * * *`, { paused: true, timezone: timeZone });
  return cron.nextRun(now) ?? new Date(now.getTime() + 24 * 3_600_000);
}

/**
 * Turns events not fanned out yet into deliveries, in one transaction that locks them (SKIP
 * LOCKED: two processes share the work, never one event): a row per enabled webhook that takes
 * the kind, a row per subscribed user (digest ones wait for the user's hour), and for a disabled
 * webhook a row per admin with an address. Returns how many events it fanned out.
 */
export async function fanOut(ctx: AppContext, limit = 100): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const repos = repositories(tx);
    const events = await repos.outbox.lockUnfanned(limit);
    if (events.length === 0) return 0;
    const now = ctx.clock.now();
    const timeZone = (await repos.settings.get()).timeZone;
    const rows: NewDelivery[] = [];
    for (const event of events) {
      const giveUpAt = new Date(new Date(event.occurred_at).getTime() + RETRY_WINDOW_MS);
      for (const channel of await repos.alertChannels.webhooksFor(event.type)) {
        rows.push({
          eventId: event.id,
          channelId: channel.id,
          isDigest: false,
          nextAttemptAt: now,
          giveUpAt,
        });
      }
      const users = new Map<string, Subscriber>();
      // An admin-only kind reaches only those still admins (a user demoted keeps the row, not the mail).
      const only = ADMIN_ALERT_EVENT_TYPES.has(event.type as AlertEventType)
        ? { role: "admin" as const }
        : {};
      for (const s of await repos.alertSubscriptions.subscribersOf(event.type, only)) users.set(s.userId, s);
      if (event.type === "webhook.disabled") {
        for (const admin of await repos.alertSubscriptions.recipientsWithRole("admin"))
          users.set(admin.userId, admin);
      }
      for (const user of users.values()) {
        if (user.mode === "digest") {
          const at = nextDigestAt(user.digestHour, timeZone, now);
          rows.push({
            eventId: event.id,
            userId: user.userId,
            isDigest: true,
            nextAttemptAt: at,
            giveUpAt: new Date(at.getTime() + RETRY_WINDOW_MS),
          });
        } else {
          rows.push({
            eventId: event.id,
            userId: user.userId,
            isDigest: false,
            nextAttemptAt: now,
            giveUpAt,
          });
        }
      }
    }
    await repos.alertDeliveries.insertMany(rows);
    await repos.outbox.markFannedOut(
      events.map((e) => e.id),
      now,
    );
    return events.length;
  });
}

/** Writes a `sync.overdue` event per module without a successful sync for longer than the threshold (once per gap). */
export async function checkOverdueSyncs(ctx: AppContext, thresholdHours: number): Promise<number> {
  const now = ctx.clock.now();
  const before = new Date(now.getTime() - thresholdHours * 3_600_000);
  return ctx.db.transaction().execute(async (tx) => {
    const repos = repositories(tx);
    const overdue = await repos.alertSources.overdueModules(before);
    const never = (await repos.alertSources.neverSyncedModules()).filter(
      (m) => new Date(m.created_at) < before,
    );
    const ids = await repos.outbox.insert(
      [
        ...overdue.map((m) => ({
          type: "sync.overdue" as const,
          data: {
            moduleKey: m.key,
            moduleName: m.name,
            lastSuccessAt: m.lastSuccessAt?.toISOString() ?? null,
            thresholdHours,
          },
          // One event per gap: a later successful sync starts a new one.
          dedupeKey: `sync.overdue:${m.key}:${m.lastSuccessAt?.toISOString()}`,
        })),
        ...never.map((m) => ({
          type: "sync.overdue" as const,
          data: { moduleKey: m.key, moduleName: m.name, lastSuccessAt: null, thresholdHours },
          dedupeKey: `sync.overdue:${m.key}:never`,
        })),
      ],
      now,
    );
    return ids.length;
  });
}
