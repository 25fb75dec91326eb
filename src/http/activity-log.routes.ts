import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Services } from "../services/index.ts";
import { ActivityExport, ActivityPage, ActivityQuery, activityView } from "./activity-log.schema.ts";
import { requireAuth } from "./auth.ts";
import { IdParams } from "./common.schema.ts";
import { PostingSummaryView, summaryView } from "./posting.schema.ts";
import { problemResponses } from "./response.schema.ts";

/** The activity log (rule 17): read by everyone signed in; a failed row is retried by an admin. */
export const activityLogRoutes =
  ({ activityLog }: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ["activity log"];
    const filterOf = (q: {
      moduleKey?: string | undefined;
      outcome?: "posted" | "held" | "failed" | undefined;
      onlyFailed?: boolean | undefined;
      from?: string | undefined;
      to?: string | undefined;
    }) => ({
      ...(q.moduleKey ? { moduleKey: q.moduleKey } : {}),
      ...(q.outcome ? { outcome: q.outcome } : {}),
      ...(q.onlyFailed ? { onlyFailed: true } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
    });
    app.get(
      "/activity-log",
      {
        config: { access: "viewer" },
        schema: {
          tags,
          summary:
            "One row per day, module, billing type, organization, contract and service; newest day first, failed rows first",
          querystring: ActivityQuery,
          response: { 200: ActivityPage, ...problemResponses },
        },
      },
      async (request) => {
        const { limit, offset } = request.query;
        const page = await activityLog.list(filterOf(request.query), { limit, offset });
        return { items: page.rows.map(activityView), total: page.total };
      },
    );
    app.get(
      "/activity-log/export",
      {
        config: { access: "viewer" },
        schema: {
          tags,
          summary: "The filtered rows as CSV (formula-safe cells)",
          querystring: ActivityQuery,
          response: { 200: ActivityExport, ...problemResponses },
        },
      },
      async (request) => ({
        fileName: `activity-log-${new Date().toISOString().slice(0, 10)}.csv`,
        csv: await activityLog.csv(filterOf(request.query)),
      }),
    );
    app.post(
      "/activity-log/:id/retry",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Retry a failed row once its cause is fixed (a posting run narrowed to it)",
          params: IdParams,
          response: { 200: PostingSummaryView, ...problemResponses },
        },
      },
      async (request) => summaryView(await activityLog.retry(requireAuth(request).actor, request.params.id)),
    );
  };
