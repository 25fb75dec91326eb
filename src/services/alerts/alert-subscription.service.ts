import type { AppContext } from "../../context.ts";
import type { SubscriptionMode } from "../../db/alert-schema.ts";
import { repositories } from "../../db/repositories.ts";
import type { Actor } from "../../domain/actor.ts";
import { ALERT_EVENT_LABELS, type AlertEventType, alertEventTypesFor } from "../../domain/alert-event.ts";
import type { AlertSubscriptionState } from "../../domain/audit.ts";
import { AppError } from "../../domain/errors.ts";
import { inUnitOfWork } from "../unit-of-work.ts";

export interface MySubscriptions {
  /** Where alerts are mailed; null: none (nothing is mailed). */
  email: string | null;
  /** The hour (0-23, the instance's time zone) of the daily digest. */
  digestHour: number;
  subscriptions: { eventType: AlertEventType; mode: SubscriptionMode }[];
  /** Every kind of event with its label (the form's rows). */
  eventTypes: { type: AlertEventType; label: string }[];
}

/** Each signed-in user's own alert address and subscriptions (immediately or in a daily digest). */
export class AlertSubscriptionService {
  constructor(private readonly ctx: AppContext) {}

  async mine(actor: Actor): Promise<MySubscriptions> {
    const userId = this.userIdOf(actor);
    const repos = repositories(this.ctx.db);
    const recipient = await repos.alertSubscriptions.recipient(userId);
    const rows = await repos.alertSubscriptions.subscriptions(userId);
    // A kind the role may not receive (a subscription kept from when the user was an admin) is
    // not shown: it is not sent either (fanOut).
    const allowed = alertEventTypesFor(actor.role);
    return {
      email: recipient?.email ?? null,
      digestHour: recipient?.digest_hour ?? 8,
      subscriptions: rows.flatMap((r) =>
        allowed.includes(r.event_type as AlertEventType)
          ? [{ eventType: r.event_type as AlertEventType, mode: r.mode }]
          : [],
      ),
      eventTypes: allowed.map((type) => ({ type, label: ALERT_EVENT_LABELS[type] })),
    };
  }

  async replaceMine(
    actor: Actor,
    input: {
      email: string | null;
      digestHour: number;
      subscriptions: { eventType: AlertEventType; mode: SubscriptionMode }[];
    },
  ): Promise<MySubscriptions> {
    const userId = this.userIdOf(actor);
    if (input.subscriptions.length > 0 && input.email === null) {
      throw new AppError("invalid_value", "give an e-mail address to receive alerts", { field: "email" });
    }
    const allowed = alertEventTypesFor(actor.role);
    const refused = input.subscriptions.find((s) => !allowed.includes(s.eventType));
    if (refused) {
      throw new AppError("forbidden", `only admins receive ${refused.eventType} alerts`, {
        field: "subscriptions",
      });
    }
    const unique = [...new Map(input.subscriptions.map((s) => [s.eventType, s])).values()];
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await this.state(repos, userId);
      await repos.alertSubscriptions.replace(
        userId,
        input.email === null ? null : { email: input.email, digestHour: input.digestHour },
        unique,
        this.ctx.clock.now(),
      );
      step.record({
        action: "alert_subscription.updated",
        entityType: "alert_subscription",
        entityId: userId,
        summary: `${actor.label} changed their alert subscriptions (${unique.length} kind${unique.length === 1 ? "" : "s"})`,
        before,
        after: await this.state(repos, userId),
      });
    });
    return this.mine(actor);
  }

  private async state(
    repos: ReturnType<typeof repositories>,
    userId: string,
  ): Promise<AlertSubscriptionState> {
    const recipient = await repos.alertSubscriptions.recipient(userId);
    return {
      email: recipient?.email ?? null,
      digestHour: recipient?.digest_hour ?? null,
      subscriptions: (await repos.alertSubscriptions.subscriptions(userId)).map((r) => ({
        eventType: r.event_type,
        mode: r.mode,
      })),
    };
  }

  private userIdOf(actor: Actor): string {
    if (actor.kind !== "user") {
      throw new AppError(
        "bad_request",
        "alert subscriptions belong to a signed-in user; an API token or the CLI has none",
      );
    }
    return actor.id;
  }
}
