import { z } from "zod";
import type { ActivityRecord } from "../services/billing/posting/posting.service.ts";
import { BooleanQuery } from "./common.schema.ts";

/** The activity log (rule 17): filters, a page of rows, the CSV export. */

/** A calendar day that exists ("2026-02-30" is refused with 400, never sent to the database). */
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a day as YYYY-MM-DD")
  .refine((day) => {
    const date = new Date(`${day}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
  }, "a day that exists, as YYYY-MM-DD");

export const ActivityQuery = z.object({
  moduleKey: z.string().min(1).max(64).optional(),
  outcome: z.enum(["posted", "held", "failed"]).optional(),
  onlyFailed: BooleanQuery.optional(),
  from: Day.optional(),
  to: Day.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const ActivityRowView = z.object({
  id: z.string(),
  day: z.string(),
  moduleKey: z.string(),
  billingType: z.string(),
  organizationId: z.string().nullable(),
  organizationName: z.string(),
  contractPsaId: z.string().nullable(),
  serviceName: z.string().nullable(),
  periodKey: z.string(),
  direction: z.enum(["up", "down", "same"]),
  unitsBefore: z.number().int().nullable(),
  unitsAfter: z.number().int().nullable(),
  unitPrice: z.string().nullable(),
  outcome: z.enum(["posted", "held", "failed"]),
  reason: z.string().nullable(),
  attemptId: z.string().nullable(),
  updatedAt: z.string(),
});

export const ActivityPage = z.object({ items: z.array(ActivityRowView), total: z.number().int() });
export const ActivityExport = z.object({ fileName: z.string(), csv: z.string() });

export const activityView = (r: ActivityRecord): z.infer<typeof ActivityRowView> => ({
  id: r.id,
  day: r.day,
  moduleKey: r.moduleKey,
  billingType: r.billingType,
  organizationId: r.organizationId,
  organizationName: r.organizationName,
  contractPsaId: r.contractPsaId,
  serviceName: r.serviceName,
  periodKey: r.periodKey,
  direction: r.direction,
  unitsBefore: r.unitsBefore,
  unitsAfter: r.unitsAfter,
  unitPrice: r.unitPrice,
  outcome: r.outcome,
  reason: r.reason,
  attemptId: r.attemptId,
  updatedAt: r.updatedAt.toISOString(),
});
