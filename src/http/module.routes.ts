import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { BooleanQuery, KeyParams, ModuleKey } from "./common.schema.ts";

export const ModuleCreateBody = z
  .object({ key: ModuleKey, name: z.string().trim().min(1).max(200) })
  .strict();

export const ModulePatchBody = z
  .object({
    billingEnabled: z.boolean().optional(),
    name: z.string().trim().min(1).max(200).optional(),
    /** `{kind, settings, secrets?}`: validated by the sync feature's extension against the connector kinds. */
    connector: z.unknown().optional(),
    /** A five-field cron expression in the instance time zone: validated by the sync feature's extension. */
    schedule: z.unknown().optional(),
  })
  .strict();

/** Extra PATCH fields (connector, schedule) are handled by routes registered by the sync feature. */
export type ModulePatchExtension = (
  key: string,
  body: Record<string, unknown>,
  actor: ReturnType<typeof requireAuth>["actor"],
) => Promise<void>;

export const moduleRoutes =
  (services: Services, extensions: ModulePatchExtension[] = []): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/modules",
      {
        config: { access: "viewer" },
        schema: { tags: ["modules"], summary: "Modules with state, counts and last sync" },
      },
      async () => ({ items: await services.modules.list() }),
    );
    app.get(
      "/modules/:key",
      { config: { access: "viewer" }, schema: { tags: ["modules"], params: KeyParams } },
      async (request) => services.modules.get(request.params.key),
    );
    app.post(
      "/modules",
      {
        config: { access: "admin" },
        schema: { tags: ["modules"], summary: "Add a module", body: ModuleCreateBody },
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
        },
      },
      async (request) => {
        const actor = requireAuth(request).actor;
        const { key } = request.params;
        await services.modules.get(key);
        for (const extension of extensions) await extension(key, request.body, actor);
        if (request.body.name !== undefined) await services.modules.rename(actor, key, request.body.name);
        if (request.body.billingEnabled !== undefined) {
          await services.modules.setBillingEnabled(actor, key, request.body.billingEnabled);
        }
        return services.modules.get(key);
      },
    );
    app.get(
      "/worklists",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["modules"],
          summary: "Yet to be mapped, per ready module (active customers unless allTypes)",
          querystring: z.object({ allTypes: BooleanQuery.optional() }),
        },
      },
      async (request) => services.modules.worklists({ allTypes: request.query.allTypes ?? false }),
    );
  };
