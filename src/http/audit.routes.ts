import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { HISTORY_SORTS } from "../domain/list-sorts.ts";
import type { Services } from "../services/index.ts";
import { AuditPage, AuditStepPage, UndoAnswer } from "./audit.schema.ts";
import { requireAuth } from "./auth.ts";
import { PageQuery } from "./common.schema.ts";
import { problemResponses } from "./response.schema.ts";

export const AuditQuery = PageQuery.extend({
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(200).optional(),
  stepId: z.string().max(200).optional(),
});

export const AuditStepQuery = PageQuery.extend({
  /** An actor label as stored ("user:admin", "system:sync"). */
  actor: z.string().max(200).optional(),
  /** Steps touching this kind of entity ("mapping", "settings", ...). */
  entityType: z.string().max(64).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  /** Newest first (`-at`, the default) or oldest first (`at`); a cursor continues in its own order. */
  sort: z.enum(HISTORY_SORTS).optional(),
});

export const auditRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/audit-events",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["history"],
          summary: "Every change, newest first",
          querystring: AuditQuery,
          response: { 200: AuditPage, ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        return services.audit.list(requireAuth(request).actor, filter, { limit, cursor });
      },
    );
    app.get(
      "/audit-steps",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["history"],
          summary: "The history by step, newest first, with title, count and whether Undo or Redo is offered",
          querystring: AuditStepQuery,
          response: { 200: AuditStepPage, ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, since, until, sort, ...filter } = request.query;
        return services.audit.listSteps(
          requireAuth(request).actor,
          {
            ...filter,
            since: since ? new Date(since) : undefined,
            until: until ? new Date(until) : undefined,
          },
          { limit, cursor, sort: sort ?? "-at" },
        );
      },
    );
    app.post(
      "/audit-events/steps/:stepId/undo",
      {
        config: { access: "editor" },
        schema: {
          tags: ["history"],
          summary: "Undo one step while the state is still what it left (else 409)",
          params: z.object({ stepId: z.string().min(1).max(200) }),
          response: { 200: UndoAnswer, ...problemResponses },
        },
      },
      async (request) => services.audit.undo(requireAuth(request).actor, request.params.stepId),
    );
  };
