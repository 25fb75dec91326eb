import { z } from "zod";

/** GET /health: alive, and which database is in use. */
export const HealthAnswer = z.object({ status: z.literal("ok"), database: z.enum(["pglite", "postgres"]) });
