import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Services } from "../services/index.ts";
import { DashboardAnswer } from "./dashboard.schema.ts";
import { problemResponses } from "./response.schema.ts";

export const dashboardRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/dashboard",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["dashboard"],
          summary: "Per module the unmapped count, its 90-day trend and the last sync",
          response: { 200: DashboardAnswer, ...problemResponses },
        },
      },
      async () => services.dashboard.get(),
    );
  };
