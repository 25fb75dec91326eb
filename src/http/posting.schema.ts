import { z } from "zod";
import type {
  ApprovalRecord,
  ModuleSwitch,
  PostingConfig,
  PostingSummary,
} from "../services/billing/posting/posting.service.ts";
import type { UndoResult } from "../services/billing/posting/posting-undo.ts";

/** Posting (issue 10): switches, limits, preview and runs, approvals, undo. */

const PeriodKey = z.string().regex(/^\d{4}-\d{2}$/, "a period as YYYY-MM");

export const PostingSwitchView = z.object({
  moduleKey: z.string(),
  isEnabled: z.boolean(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export const PostingSwitchList = z.object({ items: z.array(PostingSwitchView) });
export const PostingSwitchBody = z.object({ enabled: z.boolean() }).strict();

export const PostingConfigView = z.object({
  approvalSharePercent: z.number().int(),
  hourlyRequestBudget: z.number().int(),
  maxConcurrency: z.number().int(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export const PostingConfigPatch = z
  .object({
    approvalSharePercent: z.number().int().min(0).max(100).optional(),
    hourlyRequestBudget: z.number().int().min(1).max(10_000).optional(),
    maxConcurrency: z.number().int().min(1).max(3).optional(),
  })
  .strict();

export const PostingQuery = z.object({ period: PeriodKey.optional() });
export const PostNowBody = z.object({ period: PeriodKey.optional() }).strict();

const Line = z.object({
  moduleKey: z.string(),
  billingType: z.string(),
  organizationId: z.string().nullable(),
  organizationName: z.string(),
  contractPsaId: z.string().nullable(),
  contractServicePsaId: z.string().nullable(),
  servicePsaId: z.string().nullable(),
  serviceName: z.string().nullable(),
  periodKey: z.string(),
  action: z.enum(["post", "held", "failed", "same"]),
  unitsBefore: z.number().int().nullable(),
  unitsAfter: z.number().int().nullable(),
  unitChange: z.number().int(),
  unitPrice: z.string().nullable(),
  money: z.string().nullable(),
  reason: z.string().nullable(),
});

export const PostingSummaryView = z.object({
  moduleKey: z.string(),
  periodKey: z.string(),
  runId: z.string().nullable(),
  outcome: z.enum(["preview", "completed", "budget_reached", "failed"]),
  counts: z.record(z.string(), z.number()),
  requestCount: z.number().int(),
  error: z.string().nullable(),
  totals: z.array(
    z.object({
      action: z.enum(["post", "held", "failed", "same"]),
      rows: z.number(),
      units: z.number(),
      money: z.string(),
    }),
  ),
  lines: z.array(Line),
});

export const ApprovalView = z.object({
  id: z.string(),
  moduleKey: z.string(),
  billingType: z.string(),
  organizationId: z.string().nullable(),
  organizationName: z.string(),
  contractPsaId: z.string(),
  contractServicePsaId: z.string(),
  serviceName: z.string(),
  periodKey: z.string(),
  unitsBefore: z.number().int(),
  targetUnits: z.number().int(),
  unitPrice: z.string().nullable(),
  reason: z.string(),
  state: z.enum(["pending", "approved", "rejected", "posted", "superseded"]),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
});
export const ApprovalList = z.object({ items: z.array(ApprovalView) });
export const ApprovalQuery = z.object({
  state: z.enum(["pending", "approved", "rejected", "posted", "superseded"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const UndoAnswerView = z.object({
  attemptId: z.string(),
  undoneAttemptId: z.string(),
  outcome: z.enum(["posted", "failed"]),
  unitsBefore: z.number().int(),
  unitsAfter: z.number().int(),
  reason: z.string().nullable(),
});

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const switchView = (s: ModuleSwitch): z.infer<typeof PostingSwitchView> => ({
  moduleKey: s.moduleKey,
  isEnabled: s.isEnabled,
  updatedBy: s.updatedBy,
  updatedAt: iso(s.updatedAt),
});

export const configView = (c: PostingConfig): z.infer<typeof PostingConfigView> => ({
  ...c,
  updatedAt: iso(c.updatedAt),
});

export const summaryView = (s: PostingSummary): z.infer<typeof PostingSummaryView> => ({
  ...s,
  counts: { ...s.counts },
});

export const approvalView = (a: ApprovalRecord): z.infer<typeof ApprovalView> => ({
  id: a.id,
  moduleKey: a.moduleKey,
  billingType: a.billingType,
  organizationId: a.organizationId,
  organizationName: a.organizationName,
  contractPsaId: a.contractPsaId,
  contractServicePsaId: a.contractServicePsaId,
  serviceName: a.serviceName,
  periodKey: a.periodKey,
  unitsBefore: a.unitsBefore,
  targetUnits: a.targetUnits,
  unitPrice: a.unitPrice,
  reason: a.reason,
  state: a.state,
  decidedBy: a.decidedBy,
  decidedAt: iso(a.decidedAt),
  createdAt: a.createdAt.toISOString(),
});

export const undoView = (u: UndoResult): z.infer<typeof UndoAnswerView> => u;
