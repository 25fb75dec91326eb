import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { IdParams } from "./common.schema.ts";
import {
  PsaOrganizationCreateBody,
  PsaOrganizationCreated,
  PsaOrganizationPrefill,
} from "./psa-organization.schema.ts";
import { problemResponses } from "./response.schema.ts";

/** "Create in Autotask" from a module organization (issue 14 item 5): admin only. */
export const psaOrganizationRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/module-organizations/:id/psa-organization",
      {
        config: { access: "admin" },
        schema: {
          tags: ["module organizations"],
          summary: "What creating this module organization's PSA organization would send, and whether it can",
          params: IdParams,
          response: { 200: PsaOrganizationPrefill, ...problemResponses },
        },
      },
      async (request) => services.psaOrganizations.prefill(request.params.id),
    );
    app.post(
      "/module-organizations/:id/psa-organization",
      {
        config: { access: "admin" },
        schema: {
          tags: ["module organizations"],
          summary:
            "Creates the organization in the PSA (Autotask Companies create), stores it and maps the module organization to it in one audited step; 409 when the name exists, naming it; a retry after a lost answer never creates a second one",
          params: IdParams,
          body: PsaOrganizationCreateBody,
          response: { 201: PsaOrganizationCreated, ...problemResponses },
        },
      },
      async (request, reply) => {
        const created = await services.psaOrganizations.create(
          requireAuth(request).actor,
          request.params.id,
          request.body,
        );
        return reply.status(201).send(created);
      },
    );
  };
