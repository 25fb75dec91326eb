import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ALERT_EVENT_TYPES } from "../domain/alert-event.ts";
import type { Services } from "../services/index.ts";
import {
  AlertChannelCreated,
  AlertChannelList,
  AlertChannelViewSchema,
  DeliveryPage,
  MySubscriptionsView,
  SendTestAnswer,
} from "./alert.schema.ts";
import { requireAuth } from "./auth.ts";
import { IdParams, PageQuery } from "./common.schema.ts";
import { NoContent, problemResponses } from "./response.schema.ts";

const Name = z.string().trim().min(1).max(100);
const Email = z.email().max(320);
const EventTypes = z.array(z.enum(ALERT_EVENT_TYPES)).max(ALERT_EVENT_TYPES.length);
const WebhookUrl = z.url({ protocol: /^https?$/ }).max(2000);
const SmtpHost = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, "a host name or address");
const Port = z.number().int().min(1).max(65535);
const Tls = z.enum(["tls", "starttls", "none"]);
const MaxFailures = z.number().int().min(1).max(1000);

export const AlertChannelCreateBody = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("webhook"),
      name: Name,
      url: WebhookUrl,
      format: z.enum(["json", "slack", "teams"]).default("json"),
      eventTypes: EventTypes.default([...ALERT_EVENT_TYPES]),
      allowPrivate: z.boolean().default(false),
      maxFailures: MaxFailures.default(10),
    })
    .strict(),
  z
    .object({
      kind: z.literal("email"),
      name: Name,
      host: SmtpHost,
      port: Port.default(587),
      tls: Tls.default("starttls"),
      user: z.string().max(320).nullable().default(null),
      password: z.string().max(1024).nullable().default(null),
      from: Email,
    })
    .strict(),
]);

export const AlertChannelPatchBody = z
  .object({
    name: Name.optional(),
    url: WebhookUrl.optional(),
    format: z.enum(["json", "slack", "teams"]).optional(),
    eventTypes: EventTypes.optional(),
    allowPrivate: z.boolean().optional(),
    maxFailures: MaxFailures.optional(),
    isEnabled: z.boolean().optional(),
    host: SmtpHost.optional(),
    port: Port.optional(),
    tls: Tls.optional(),
    user: z.string().max(320).nullable().optional(),
    password: z.string().max(1024).nullable().optional(),
    from: Email.optional(),
  })
  .strict();

export const SendTestBody = z.object({ to: Email.optional() }).strict();

export const MySubscriptionsBody = z
  .object({
    email: Email.nullable(),
    digestHour: z.number().int().min(0).max(23).default(8),
    subscriptions: z
      .array(
        z.object({ eventType: z.enum(ALERT_EVENT_TYPES), mode: z.enum(["immediate", "digest"]) }).strict(),
      )
      .max(ALERT_EVENT_TYPES.length),
  })
  .strict();

const tags = ["alerts"];

export const alertRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/alert-channels",
      {
        config: { access: "admin" },
        schema: { tags, summary: "Alert channels", response: { 200: AlertChannelList, ...problemResponses } },
      },
      async () => ({ items: await services.alertChannels.list() }),
    );
    app.post(
      "/alert-channels",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Add a webhook or the e-mail channel (a JSON webhook's secret is shown once)",
          body: AlertChannelCreateBody,
          response: { 201: AlertChannelCreated, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await services.alertChannels.create(requireAuth(request).actor, request.body)),
    );
    app.patch(
      "/alert-channels/:id",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Change a channel (turning it on clears its failures)",
          params: IdParams,
          body: AlertChannelPatchBody,
          response: { 200: AlertChannelViewSchema, ...problemResponses },
        },
      },
      async (request) =>
        services.alertChannels.update(requireAuth(request).actor, request.params.id, request.body),
    );
    app.delete(
      "/alert-channels/:id",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Remove a channel and its delivery log",
          params: IdParams,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        await services.alertChannels.delete(requireAuth(request).actor, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      "/alert-channels/:id/test",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Send a test message now and say what happened",
          params: IdParams,
          body: SendTestBody,
          response: { 200: SendTestAnswer, ...problemResponses },
        },
      },
      async (request) =>
        services.alertChannels.sendTest(requireAuth(request).actor, request.params.id, request.body.to),
    );
    app.get(
      "/alert-channels/:id/deliveries",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "A webhook's delivery log, newest first",
          params: IdParams,
          querystring: PageQuery,
          response: { 200: DeliveryPage, ...problemResponses },
        },
      },
      async (request) => services.alertChannels.deliveries(request.params.id, request.query),
    );
    app.get(
      "/me/alert-subscriptions",
      {
        config: { access: "viewer" },
        schema: {
          tags,
          summary: "My alert address and subscriptions",
          response: { 200: MySubscriptionsView, ...problemResponses },
        },
      },
      async (request) => services.alertSubscriptions.mine(requireAuth(request).actor),
    );
    app.put(
      "/me/alert-subscriptions",
      {
        config: { access: "viewer" },
        schema: {
          tags,
          summary: "Replace my alert address, digest hour and subscriptions",
          body: MySubscriptionsBody,
          response: { 200: MySubscriptionsView, ...problemResponses },
        },
      },
      async (request) => services.alertSubscriptions.replaceMine(requireAuth(request).actor, request.body),
    );
  };
