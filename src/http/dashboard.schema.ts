import { z } from "zod";
import { ORGANIZATION_TERMS } from "../domain/term.ts";
import type { DashboardService } from "../services/dashboard.service.ts";
import { answerMatches, Timestamp } from "./common.schema.ts";
import { StateTotalSchema } from "./reconciliation.schema.ts";

/** The dashboard's answer (issue 9 item 7); the web app infers its types from these. */

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const LastSyncSchema = z.object({
  id: z.string(),
  outcome: z.string(),
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  error: z.string().nullable(),
});

export const DashboardModuleSchema = z.object({
  key: z.string(),
  name: z.string(),
  state: z.enum(["disabled", "awaiting_first_sync", "ready"]),
  /** Active module organizations neither mapped nor excluded, now. */
  unmapped: z.number().int(),
  /** Per day with a succeeded run, the unmapped count it ended with; days without a run are absent. */
  trend: z.array(z.object({ day: Day, unmapped: z.number().int() })),
  lastSync: LastSyncSchema.nullable(),
});

export const DashboardAnswer = z.object({
  organizationTerm: z.enum(ORGANIZATION_TERMS),
  timeZone: z.string(),
  trendFrom: Day,
  trendTo: Day,
  modules: z.array(DashboardModuleSchema),
  psaLastSync: LastSyncSchema.nullable(),
  currency: z.string(),
  locale: z.string(),
  /** The current period, then the previous one: reconciliation totals, every state listed. */
  periods: z.array(
    z.object({
      key: z.string(),
      isCurrent: z.boolean(),
      computedAt: Timestamp,
      totals: z.array(StateTotalSchema),
    }),
  ),
});

answerMatches<z.infer<typeof DashboardAnswer>, Awaited<ReturnType<DashboardService["get"]>>>(true);
