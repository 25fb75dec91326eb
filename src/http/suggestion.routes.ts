import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { invalidValue } from "../domain/errors.ts";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { PageQuery } from "./common.schema.ts";
import { NoContent, problemResponses } from "./response.schema.ts";
import { AcceptAnswer, SuggestionPage } from "./suggestion.schema.ts";

const Id = z.string().min(1).max(200);

export const SuggestionQuery = PageQuery.extend({
  moduleKey: z.string().min(1).max(64).optional(),
  moduleOrganizationId: Id.optional(),
  organizationId: Id.optional(),
  /** Candidates per module organization (default 3). */
  top: z.coerce.number().int().min(1).max(10).optional(),
});

const AcceptPair = z.object({ moduleOrganizationId: Id, organizationId: Id }).strict();

/** Either chosen pairs, or every confident top candidate of a module at or above a score. */
export const AcceptSuggestionsBody = z
  .object({
    items: z.array(AcceptPair).min(1).max(5000).optional(),
    moduleKey: z.string().min(1).max(64).optional(),
    minScore: z.number().min(0).max(1).optional(),
    /** With moduleKey: count what would be applied (for the confirmation) and change nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict();

export const RejectSuggestionBody = AcceptPair;

export const suggestionRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/suggestions",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["suggestions"],
          summary:
            "Likely targets with scores and reasons: for the unmapped module organizations of ready modules (paged), for one module organization (moduleOrganizationId), or the module organizations of a module most likely to belong to one organization (organizationId + moduleKey)",
          querystring: SuggestionQuery,
          response: { 200: SuggestionPage, ...problemResponses },
        },
      },
      async (request) => {
        const { moduleKey, moduleOrganizationId, organizationId, limit, cursor, top } = request.query;
        if (moduleOrganizationId !== undefined)
          return services.suggestions.forModuleOrganization(moduleOrganizationId, top);
        if (organizationId !== undefined) {
          if (moduleKey === undefined)
            throw invalidValue("moduleKey", "moduleKey is required with organizationId");
          return services.suggestions.forOrganization(organizationId, moduleKey, Math.min(limit, 50));
        }
        return services.suggestions.list({ moduleKey, limit, cursor, top });
      },
    );
    app.post(
      "/suggestions/accept",
      {
        config: { access: "editor" },
        schema: {
          tags: ["suggestions"],
          summary:
            "Accept chosen suggestions, or every confident one of a module at or above minScore, as one undoable step",
          body: AcceptSuggestionsBody,
          response: { 200: AcceptAnswer, ...problemResponses },
        },
      },
      async (request) => {
        const { items, moduleKey, minScore, dryRun } = request.body;
        const actor = requireAuth(request).actor;
        if (items !== undefined) {
          if (moduleKey !== undefined || minScore !== undefined || dryRun !== undefined)
            throw invalidValue("items", "send either items or moduleKey with minScore, not both");
          return services.suggestions.accept(actor, { items });
        }
        if (moduleKey === undefined) throw invalidValue("items", "send items, or moduleKey with minScore");
        if (minScore === undefined) throw invalidValue("minScore", "minScore is required with moduleKey");
        return services.suggestions.accept(actor, { moduleKey, minScore, dryRun: dryRun ?? false });
      },
    );
    app.post(
      "/suggestions/reject",
      {
        config: { access: "editor" },
        schema: {
          tags: ["suggestions"],
          summary: "Reject a suggested target: it is never proposed again for that module organization",
          body: RejectSuggestionBody,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        await services.suggestions.reject(
          requireAuth(request).actor,
          request.body.moduleOrganizationId,
          request.body.organizationId,
        );
        return reply.status(204).send(null);
      },
    );
  };
