import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ORGANIZATION_TYPES } from "../domain/organization.ts";
import type { Services } from "../services/index.ts";
import { toOrganizationView } from "../services/organization.service.ts";
import { requireAuth } from "./auth.ts";
import { BooleanQuery, IdParams, PageQuery } from "./common.schema.ts";
import {
  OrganizationMappings,
  OrganizationMappingsSaved,
  OrganizationPage,
  OrganizationViewSchema,
} from "./organization.schema.ts";
import { problemResponses } from "./response.schema.ts";

export const OrganizationQuery = PageQuery.extend({
  search: z.string().max(200).optional(),
  type: z.enum(ORGANIZATION_TYPES).optional(),
  isMappable: BooleanQuery.optional(),
});

export const ModuleMappingsBody = z
  .object({
    modules: z
      .array(
        z
          .object({
            moduleKey: z.string().min(1).max(64),
            moduleOrganizationId: z.string().min(1).max(200).nullable(),
            ignore: z.boolean().default(false),
            version: z.string().max(100).optional(),
          })
          .strict(),
      )
      .max(500),
  })
  .strict();

export const organizationRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/organizations",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["organizations"],
          summary: "PSA organizations in tree order",
          querystring: OrganizationQuery,
          response: { 200: OrganizationPage, ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        return services.organizations.list(filter, { limit, cursor });
      },
    );
    app.get(
      "/organizations/:id",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["organizations"],
          summary: "One PSA organization",
          params: IdParams,
          response: { 200: OrganizationViewSchema, ...problemResponses },
        },
      },
      async (request) => services.organizations.get(request.params.id),
    );
    app.get(
      "/organizations/:id/module-mappings",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["organizations"],
          summary: "The organization page: one line per ready module",
          params: IdParams,
          response: { 200: OrganizationMappings, ...problemResponses },
        },
      },
      async (request) => {
        const page = await services.mapping.getOrganizationMappings(request.params.id);
        return { organization: toOrganizationView(page.organization), modules: page.modules };
      },
    );
    app.put(
      "/organizations/:id/module-mappings",
      {
        config: { access: "editor" },
        schema: {
          tags: ["organizations"],
          summary: "Save the organization page: every line in one transaction",
          params: IdParams,
          body: ModuleMappingsBody,
          response: { 200: OrganizationMappingsSaved, ...problemResponses },
        },
      },
      async (request) => {
        const page = await services.mapping.putOrganizationMappings(
          requireAuth(request).actor,
          request.params.id,
          request.body.modules,
        );
        return {
          organization: toOrganizationView(page.organization),
          modules: page.modules,
          stepId: page.stepId,
        };
      },
    );
  };
