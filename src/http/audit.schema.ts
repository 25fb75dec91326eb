import { z } from "zod";
import type { AuditService, toAuditView } from "../services/audit.service.ts";
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

export const UndoAnswer = z.object({
  undoneStepId: z.string(),
  /** The step that recorded the undo (itself in the history). */
  stepId: z.string(),
  changes: z.number().int(),
});

answerMatches<z.infer<typeof AuditEventSchema>, ReturnType<typeof toAuditView>>(true);
answerMatches<z.infer<typeof AuditPage>, Awaited<ReturnType<AuditService["list"]>>>(true);
answerMatches<z.infer<typeof UndoAnswer>, Awaited<ReturnType<AuditService["undo"]>>>(true);
