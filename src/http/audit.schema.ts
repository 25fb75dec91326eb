import { z } from "zod";
import type { AuditService, toAuditView, toStepView } from "../services/audit.service.ts";
import { answerMatches, pageOf, Timestamp } from "./common.schema.ts";

/** Answers of the history routes; the web app infers its types from these. */

export const AuditEventSchema = z.object({
  id: z.string(),
  /** Every change of one request shares its step; a step is undone as one. */
  stepId: z.string(),
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  summary: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  /** The step that undid this one, if any. */
  undoneByStep: z.string().nullable(),
});

export const AuditPage = pageOf(AuditEventSchema);

/** One step of the history: what was done, how many changes, and whether Undo or Redo is offered. */
export const AuditStepSchema = z.object({
  stepId: z.string(),
  at: Timestamp,
  actor: z.string(),
  /** What the person did ("Accept all confident"); null: the step is named by its changes. */
  title: z.string().nullable(),
  count: z.number().int(),
  /** "585 mappings", "1 ignore", "3 changes". */
  countLabel: z.string(),
  entityTypes: z.array(z.string()),
  /** The first change in words. */
  summary: z.string(),
  undoneByStep: z.string().nullable(),
  /** Set on an undo (or redo) step: the step it took back. */
  undoesStep: z.string().nullable(),
  /** Undo is offered: every change is of a kind undo replays, and the step is not undone. */
  canUndo: z.boolean(),
  /** Why Undo is not offered, in words. */
  whyNoUndo: z.string().nullable(),
  /** Redo is offered: the step was undone and that undo was not (Redo undoes `undoneByStep`). */
  canRedo: z.boolean(),
});

export const AuditStepPage = pageOf(AuditStepSchema).extend({
  /** Who appears in the history (actor labels, newest first), for its filter; on the first page only. */
  actors: z.array(z.string()),
});

export const UndoAnswer = z.object({
  undoneStepId: z.string(),
  /** The step that recorded the undo (itself in the history). */
  stepId: z.string(),
  changes: z.number().int(),
});

answerMatches<z.infer<typeof AuditEventSchema>, ReturnType<typeof toAuditView>>(true);
answerMatches<z.infer<typeof AuditPage>, Awaited<ReturnType<AuditService["list"]>>>(true);
answerMatches<z.infer<typeof UndoAnswer>, Awaited<ReturnType<AuditService["undo"]>>>(true);
answerMatches<z.infer<typeof AuditStepSchema>, ReturnType<typeof toStepView>>(true);
answerMatches<z.infer<typeof AuditStepPage>, Awaited<ReturnType<AuditService["listSteps"]>>>(true);
