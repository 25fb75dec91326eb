import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { IdParams, KeyParams } from "./common.schema.ts";
import { problemResponses } from "./response.schema.ts";
import {
  PsaPatchBody,
  PsaViewSchema,
  SyncRunDetailSchema,
  SyncRunPage,
  SyncRunsQuery,
  SyncStarted,
} from "./sync.schema.ts";

/** Sync now, sync history, and the PSA connection. Reading is for viewers, changing for admins. */
export const syncRoutes =
  ({ sync, syncConfig: config }: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/modules/:key/sync",
      {
        config: { access: "admin" },
        schema: {
          tags: ["sync"],
          summary: "Sync now: starts a run of the module's connector (409 when one is under way)",
          params: KeyParams,
          response: { 202: SyncStarted, ...problemResponses },
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
          response: { 200: SyncRunPage, ...problemResponses },
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
        schema: {
          tags: ["sync"],
          summary: "One sync run with its rejected records",
          params: IdParams,
          response: { 200: SyncRunDetailSchema, ...problemResponses },
        },
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
          response: { 200: PsaViewSchema, ...problemResponses },
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
          response: { 200: PsaViewSchema, ...problemResponses },
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
          response: { 202: SyncStarted, ...problemResponses },
        },
      },
      async (_request, reply) => {
        const { runId } = await sync.startPsaSync("manual");
        return reply.status(202).send({ runId });
      },
    );
  };
