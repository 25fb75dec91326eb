import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { MODULE_ORGANIZATION_SORTS } from "../domain/list-sorts.ts";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { BooleanQuery, IdParams, PageQuery } from "./common.schema.ts";
import {
  BulkMappingAnswer,
  ExclusionAnswer,
  MappingAnswer,
  ModuleOrganizationPage,
  ModuleOrganizationViewSchema,
  UnmapAnswer,
} from "./module-organization.schema.ts";
import { problemResponses } from "./response.schema.ts";

export const ModuleOrganizationQuery = PageQuery.extend({
  moduleKey: z.string().min(1).max(64).optional(),
  status: z.enum(["unmapped", "mapped", "excluded", "missing"]).optional(),
  search: z.string().max(200).optional(),
  organizationId: z.string().min(1).max(200).optional(),
  needsAttention: BooleanQuery.optional(),
  orderBy: z.enum(["tree", "unmappedFirst"]).optional(),
  /** Tab 2's order: `name` (the default) is the tree order; the others page by offset. */
  sort: z.enum(MODULE_ORGANIZATION_SORTS).optional(),
  /** Start at this row of the tree order (instead of a cursor), so a virtualized list can jump. */
  offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
  /** Also answer `total`, the number of rows the filters match. */
  withTotal: BooleanQuery.optional(),
});

export const MappingBody = z
  .object({ organizationId: z.string().min(1).max(200), version: z.number().int().min(0).optional() })
  .strict();

export const BulkMappingBody = z
  .object({
    moduleOrganizationIds: z.array(z.string().min(1).max(200)).min(1).max(5000),
    organizationId: z.string().min(1).max(200),
  })
  .strict();

export const VersionQuery = z.object({ version: z.coerce.number().int().min(0).optional() });

export const moduleOrganizationRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/module-organizations",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["module organizations"],
          summary: "Every module organization of the ready modules, sub-organizations under their parent",
          querystring: ModuleOrganizationQuery,
          response: { 200: ModuleOrganizationPage, ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, orderBy, offset, withTotal, sort, ...filter } = request.query;
        return services.moduleOrganizations.list(filter, { limit, cursor, orderBy, offset, withTotal, sort });
      },
    );
    app.get(
      "/module-organizations/:id",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["module organizations"],
          summary: "One module organization with its mapping",
          params: IdParams,
          response: { 200: ModuleOrganizationViewSchema, ...problemResponses },
        },
      },
      async (request) => services.moduleOrganizations.get(request.params.id),
    );
    app.put(
      "/module-organizations/:id/mapping",
      {
        config: { access: "editor" },
        schema: {
          tags: ["module organizations"],
          summary: "Map to an organization (moves it when mapped elsewhere; the answer says from where)",
          params: IdParams,
          body: MappingBody,
          response: { 200: MappingAnswer, ...problemResponses },
        },
      },
      async (request) => {
        const result = await services.mapping.map(
          requireAuth(request).actor,
          request.params.id,
          request.body.organizationId,
          {
            version: request.body.version,
          },
        );
        return {
          mapping: {
            moduleOrganizationId: result.moduleOrganizationId,
            organizationId: result.organizationId,
            organizationName: result.organizationName,
            version: result.version,
          },
          movedFrom: result.movedFrom,
          stepId: result.stepId,
        };
      },
    );
    app.delete(
      "/module-organizations/:id/mapping",
      {
        config: { access: "editor" },
        schema: {
          tags: ["module organizations"],
          summary: "Unmap",
          params: IdParams,
          querystring: VersionQuery,
          response: { 200: UnmapAnswer, ...problemResponses },
        },
      },
      async (request) =>
        services.mapping.unmap(requireAuth(request).actor, request.params.id, {
          version: request.query.version,
        }),
    );
    app.put(
      "/module-organizations/:id/exclusion",
      {
        config: { access: "editor" },
        schema: {
          tags: ["module organizations"],
          summary: "Exclude from billing (never bill this)",
          params: IdParams,
          response: { 200: ExclusionAnswer, ...problemResponses },
        },
      },
      async (request) => services.mapping.setExcluded(requireAuth(request).actor, request.params.id, true),
    );
    app.delete(
      "/module-organizations/:id/exclusion",
      {
        config: { access: "editor" },
        schema: {
          tags: ["module organizations"],
          summary: "Include in billing again",
          params: IdParams,
          response: { 200: ExclusionAnswer, ...problemResponses },
        },
      },
      async (request) => services.mapping.setExcluded(requireAuth(request).actor, request.params.id, false),
    );
    app.post(
      "/module-organizations/bulk-mapping",
      {
        config: { access: "editor" },
        schema: {
          tags: ["module organizations"],
          summary: "Map many module organizations to one target in one step",
          body: BulkMappingBody,
          response: { 200: BulkMappingAnswer, ...problemResponses },
        },
      },
      async (request) =>
        services.mapping.bulkMap(
          requireAuth(request).actor,
          request.body.moduleOrganizationIds,
          request.body.organizationId,
        ),
    );
  };
