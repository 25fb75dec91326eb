import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { invalidValue } from "../domain/errors.ts";
import type { SyncService } from "../services/sync/sync.service.ts";
import type { SyncConfigService } from "../services/sync/sync-config.service.ts";
import type { AppOptions } from "./app.ts";
import { requireAuth } from "./auth.ts";
import { IdParams, KeyParams } from "./common.schema.ts";
import type { ModulePatchExtension } from "./module.routes.ts";
import { ModuleSyncPatch, PsaPatchBody, SyncRunsQuery, SyncStarted } from "./sync.schema.ts";

/**
 * PATCH /modules/{key} `{connector: {kind, settings, secrets?}, schedule?}`: validated here (422
 * naming the field, e.g. `connector.settings.baseUrl`), sealed and stored by the config service.
 */
export function moduleSyncPatch(config: SyncConfigService): ModulePatchExtension {
  return async (key, body, actor) => {
    if (body.connector === undefined && body.schedule === undefined) return;
    const parsed = ModuleSyncPatch.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join(".") || "connector";
      throw invalidValue(field, `body.${field}: ${issue?.message ?? "invalid"}`);
    }
    await config.configureModule(actor, key, parsed.data);
  };
}

/** Sync now, sync history, and the PSA connection. Reading is for viewers, changing for admins. */
export const syncRoutes =
  (sync: SyncService, config: SyncConfigService): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/modules/:key/sync",
      {
        config: { access: "admin" },
        schema: {
          tags: ["sync"],
          summary: "Sync now: starts a run of the module's connector (409 when one is under way)",
          params: KeyParams,
          response: { 202: SyncStarted },
        },
      },
      async (request, reply) => {
        requireAuth(request);
        const { runId } = await sync.startModuleSync(request.params.key, "manual");
        return reply.status(202).send({ runId });
      },
    );
    app.get(
      "/sync-runs",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["sync"],
          summary: "Sync runs, newest first (of a module, of the PSA, or all)",
          querystring: SyncRunsQuery,
        },
      },
      async (request) => {
        const { moduleKey, psa, limit, cursor } = request.query;
        return sync.listRuns({ moduleKey, psa }, { limit, cursor });
      },
    );
    app.get(
      "/sync-runs/:id",
      {
        config: { access: "viewer" },
        schema: { tags: ["sync"], summary: "One sync run with its rejected records", params: IdParams },
      },
      async (request) => sync.getRun(request.params.id),
    );
    app.get(
      "/psa",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["sync"],
          summary: "The PSA connection: connector (without secrets), schedule, last sync",
        },
      },
      async () => config.getPsa(),
    );
    app.patch(
      "/psa",
      {
        config: { access: "admin" },
        schema: {
          tags: ["sync"],
          summary: "Configure the PSA connector or its schedule",
          body: PsaPatchBody,
        },
      },
      async (request) => config.configurePsa(requireAuth(request).actor, request.body),
    );
    app.post(
      "/psa/sync",
      {
        config: { access: "admin" },
        schema: {
          tags: ["sync"],
          summary: "Sync the PSA now (409 when a run is under way)",
          response: { 202: SyncStarted },
        },
      },
      async (_request, reply) => {
        const { runId } = await sync.startPsaSync("manual");
        return reply.status(202).send({ runId });
      },
    );
  };

/** The app options of the sync feature: its routes and the PATCH /modules/{key} extension. */
export function syncAppOptions(sync: SyncService, config: SyncConfigService): AppOptions {
  return { plugins: [syncRoutes(sync, config)], modulePatchExtensions: [moduleSyncPatch(config)] };
}
