import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Services } from "../services/index.ts";
import {
  ReconciliationCsv,
  ReconciliationExportQuery,
  ReconciliationPage,
  ReconciliationPeriodQuery,
  ReconciliationQuery,
  ReconciliationRowDetail,
  ReconciliationRowKeyParams,
  ReconciliationSummary,
  ReconciliationSummaryQuery,
} from "./reconciliation.schema.ts";
import { problemResponses } from "./response.schema.ts";

/** Reconciliation per period (issue 9 item 6, rule 14): viewers read it all. */
export const reconciliationRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/reconciliation",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["billing"],
          summary: "One page of a period's rows per (organization, service), filtered",
          querystring: ReconciliationQuery,
          response: { 200: ReconciliationPage, ...problemResponses },
        },
      },
      async (request) => {
        const { sort, limit, offset, ...filter } = request.query;
        return services.reconciliation.list(filter, { sort, limit, offset });
      },
    );
    app.get(
      "/reconciliation/summary",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["billing"],
          summary: "A period's totals per state and per module (units and money at stake)",
          querystring: ReconciliationSummaryQuery,
          response: { 200: ReconciliationSummary, ...problemResponses },
        },
      },
      async (request) => services.reconciliation.summary(request.query),
    );
    app.get(
      "/reconciliation/rows/:key",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["billing"],
          summary: "One row with the module organizations whose usage made it and their readings",
          params: ReconciliationRowKeyParams,
          querystring: ReconciliationPeriodQuery,
          response: { 200: ReconciliationRowDetail, ...problemResponses },
        },
      },
      async (request) => services.reconciliation.row(request.params.key, request.query.period),
    );
    app.get(
      "/reconciliation/export",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["billing"],
          summary: "The filtered rows as CSV (text/csv, formula-safe, the term in the headers)",
          querystring: ReconciliationExportQuery,
          response: { 200: ReconciliationCsv, ...problemResponses },
        },
      },
      async (request, reply) => {
        const { sort, ...filter } = request.query;
        const { period, csv } = await services.reconciliation.csv(filter, sort);
        // A string under a non-JSON content type is sent as it is (no JSON serialization).
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="reconciliation-${period}.csv"`)
          .send(csv);
      },
    );
  };
