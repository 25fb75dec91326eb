import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { KeyParams, ModuleKey } from "./common.schema.ts";
import {
  ConnectorTestAnswer,
  ModuleList,
  ModuleViewSchema,
  WorklistQuery,
  Worklists,
} from "./module.schema.ts";
import { problemResponses } from "./response.schema.ts";
import { ConnectorBody, Schedule } from "./sync.schema.ts";

export const ModuleCreateBody = z
  .object({ key: ModuleKey, name: z.string().trim().min(1).max(200) })
  .strict();

export const ModulePatchBody = z
  .object({
    billingEnabled: z.boolean().optional(),
    name: z.string().trim().min(1).max(200).optional(),
    /** `{kind, settings, secrets?}`: settings and secrets checked against the kind's schemas (422 naming the field). */
    connector: ConnectorBody.optional(),
    /** A five-field cron expression in the instance time zone. */
    schedule: Schedule.optional(),
  })
  .strict();

export const ConnectorTestBody = z
  .object({
    target: z.enum(["module", "psa"]),
    /** The module being configured: its stored credentials are used when `connector.secrets` is left out. */
    moduleKey: ModuleKey.optional(),
    connector: ConnectorBody,
  })
  .strict();

export const moduleRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/modules",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["modules"],
          summary: "Modules with state, counts and last sync",
          response: { 200: ModuleList, ...problemResponses },
        },
      },
      async () => ({ items: await services.modules.list() }),
    );
    app.get(
      "/modules/:key",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["modules"],
          summary: "One module",
          params: KeyParams,
          response: { 200: ModuleViewSchema, ...problemResponses },
        },
      },
      async (request) => services.modules.get(request.params.key),
    );
    app.post(
      "/modules",
      {
        config: { access: "admin" },
        schema: {
          tags: ["modules"],
          summary: "Add a module",
          body: ModuleCreateBody,
          response: { 201: ModuleViewSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const module = await services.modules.create(requireAuth(request).actor, request.body);
        return reply.status(201).send(module);
      },
    );
    app.patch(
      "/modules/:key",
      {
        config: { access: "admin" },
        schema: {
          tags: ["modules"],
          summary: "Switch integrated billing, rename, or configure the connector",
          params: KeyParams,
          body: ModulePatchBody,
          response: { 200: ModuleViewSchema, ...problemResponses },
        },
      },
      async (request) =>
        services.modules.update(requireAuth(request).actor, request.params.key, request.body),
    );
    app.post(
      "/connector-test",
      {
        config: { access: "admin" },
        schema: {
          tags: ["modules"],
          summary: "Test connection: reads the vendor's first page with these settings, stores nothing",
          body: ConnectorTestBody,
          response: { 200: ConnectorTestAnswer, ...problemResponses },
        },
      },
      async (request) =>
        services.connectorTest.test({
          target: request.body.target,
          moduleKey: request.body.moduleKey ?? null,
          kind: request.body.connector.kind,
          settings: request.body.connector.settings ?? {},
          secrets: request.body.connector.secrets,
        }),
    );
    app.get(
      "/worklists",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["modules"],
          summary: "Yet to be mapped, per ready module (active customers unless allTypes)",
          querystring: WorklistQuery,
          response: { 200: Worklists, ...problemResponses },
        },
      },
      async (request) => services.modules.worklists({ allTypes: request.query.allTypes ?? false }),
    );
  };
