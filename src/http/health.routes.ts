import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppContext } from "../context.ts";
import { checkDatabase } from "../services/health.ts";
import { HealthAnswer } from "./health.schema.ts";
import { serverProblemResponses } from "./response.schema.ts";

export const healthRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/health",
      {
        config: { access: "public" },
        schema: {
          tags: ["system"],
          summary: "Liveness and the kind of database in use",
          response: {
            200: HealthAnswer,
            ...serverProblemResponses,
          },
        },
      },
      async () => ({ status: "ok" as const, database: await checkDatabase(ctx) }),
    );
  };
