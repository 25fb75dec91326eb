import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Services } from "../services/index.ts";
import { AuditPage, UndoAnswer } from "./audit.schema.ts";
import { requireAuth } from "./auth.ts";
import { PageQuery } from "./common.schema.ts";
import { problemResponses } from "./response.schema.ts";

export const AuditQuery = PageQuery.extend({
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(200).optional(),
  stepId: z.string().max(200).optional(),
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
