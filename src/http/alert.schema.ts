import { z } from "zod";
import { ALERT_EVENT_TYPES } from "../domain/alert-event.ts";
import type { ChannelView } from "../services/alerts/alert-channel.service.ts";
import type { MySubscriptions } from "../services/alerts/alert-subscription.service.ts";
import { answerMatches, pageOf, Timestamp } from "./common.schema.ts";

export const AlertChannelViewSchema = z.object({
  id: z.string(),
  kind: z.enum(["email", "webhook"]),
  name: z.string(),
  format: z.enum(["json", "slack", "teams"]),
  /** Webhook: url, allowPrivate. E-mail: host, port, tls, user, from. Never a password or secret. */
  settings: z.record(z.string(), z.unknown()),
  eventTypes: z.array(z.string()),
  isEnabled: z.boolean(),
  consecutiveFailures: z.number(),
  maxFailures: z.number(),
  disabledReason: z.string().nullable(),
  hasSecret: z.boolean(),
  createdAt: Timestamp,
});
answerMatches<z.infer<typeof AlertChannelViewSchema>, ChannelView>(true);

export const AlertChannelList = z.object({ items: z.array(AlertChannelViewSchema) });

export const AlertChannelCreated = z.object({
  channel: AlertChannelViewSchema,
  /** A JSON webhook's signing secret: shown this once, stored encrypted. */
  secret: z.string().nullable(),
});

export const SendTestAnswer = z.object({
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
});

export const DeliveryViewSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  responseCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  nextAttemptAt: Timestamp.nullable(),
  deliveredAt: Timestamp.nullable(),
  createdAt: Timestamp,
});

export const DeliveryPage = pageOf(DeliveryViewSchema);

export const MySubscriptionsView = z.object({
  email: z.string().nullable(),
  digestHour: z.number(),
  subscriptions: z.array(
    z.object({ eventType: z.enum(ALERT_EVENT_TYPES), mode: z.enum(["immediate", "digest"]) }),
  ),
  eventTypes: z.array(z.object({ type: z.enum(ALERT_EVENT_TYPES), label: z.string() })),
});
answerMatches<z.infer<typeof MySubscriptionsView>, MySubscriptions>(true);
