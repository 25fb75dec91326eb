import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { GRID_SORTS } from "../domain/list-sorts.ts";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { BooleanQuery, PageQuery } from "./common.schema.ts";
import { CellAnswer, GridPage } from "./grid.schema.ts";
import { problemResponses } from "./response.schema.ts";

export const GridQuery = PageQuery.extend({
  search: z.string().max(200).optional(),
  unmappedOnly: BooleanQuery.optional(),
  hideMapped: BooleanQuery.optional(),
  /** Rule 7's worklist: organizations of this scope with a pair still to do (in `worklistModule`, else any ready module). */
  worklist: z.enum(["active_customers", "all_mappable"]).optional(),
  worklistModule: z.string().min(1).max(64).optional(),
  withTotal: BooleanQuery.optional(),
  /** `name` (the default) is the tree order; the others are flat and page by offset. */
  sort: z.enum(GRID_SORTS).optional(),
  /** Start at this row (instead of a cursor), so a virtualized grid can jump to any row. */
  offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
});

export const CellBody = z
  .object({
    organizationId: z.string().min(1).max(200),
    moduleKey: z.string().min(1).max(64),
    moduleOrganizationId: z.string().min(1).max(200).nullable(),
    ignore: z.boolean().optional(),
    version: z.string().max(100).optional(),
  })
  .strict();

export const gridRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/mapping-grid",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["mapping grid"],
          summary: "Map by Organization: rows of mappable organizations, one cell per ready module",
          querystring: GridQuery,
          response: { 200: GridPage, ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, offset, withTotal, sort, ...filter } = request.query;
        return services.grid.page(requireAuth(request).user?.id ?? null, filter, {
          limit,
          cursor,
          offset,
          sort,
          withTotal: withTotal ?? true,
        });
      },
    );
    app.put(
      "/mapping-grid/cell",
      {
        config: { access: "editor" },
        schema: {
          tags: ["mapping grid"],
          summary:
            "Set one cell: map the chosen module organization here (unmapping the one the cell held), or none",
          body: CellBody,
          response: { 200: CellAnswer, ...problemResponses },
        },
      },
      async (request) => services.mapping.setCell(requireAuth(request).actor, request.body),
    );
  };
