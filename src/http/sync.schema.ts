import { z } from "zod";
import type { StartedSync, SyncRunDetail, SyncService } from "../services/sync/sync.service.ts";
import type { ConnectorView, PsaView } from "../services/sync/sync-config.service.ts";
import { answerMatches, BooleanQuery, ModuleKey, PageQuery, pageOf, Timestamp } from "./common.schema.ts";

/** Request shapes of the sync feature; the web app infers its types from these. */

export const ConnectorBody = z
  .object({
    kind: z.string().trim().min(1).max(64),
    /** Non-secret settings, checked against the kind's schema (422 naming the field). */
    settings: z.record(z.string(), z.unknown()).optional(),
    /** Credentials; omitted keeps the stored ones (same kind). Never returned. */
    secrets: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const Schedule = z.string().trim().min(9).max(200);

export const PsaPatchBody = z
  .object({ connector: ConnectorBody.optional(), schedule: Schedule.optional() })
  .strict();

export const SyncRunsQuery = PageQuery.extend({
  moduleKey: ModuleKey.optional(),
  /** true: only the PSA's runs. */
  psa: BooleanQuery.optional(),
});

export const SyncStarted = z.object({ runId: z.string() });

export type PsaPatchInput = z.infer<typeof PsaPatchBody>;

/** Answers of the sync feature; the web app infers its types from these. */

/** A connector as answers show it: secrets are never returned, only whether there are some. */
export const ConnectorViewSchema = z.object({
  kind: z.string(),
  settings: z.record(z.string(), z.unknown()),
  hasSecrets: z.boolean(),
});

export const SyncRunViewSchema = z.object({
  id: z.string(),
  /** null for the PSA. */
  moduleKey: z.string().nullable(),
  trigger: z.string(),
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  outcome: z.enum(["running", "succeeded", "failed"]),
  counts: z.object({
    seen: z.number().int(),
    added: z.number().int(),
    renamed: z.number().int(),
    missing: z.number().int(),
    returned: z.number().int(),
    rejected: z.number().int(),
    /** HTTP requests the run sent, retries included: organizations and usage or contracts. */
    requests: z.number().int(),
    /** A completed module run: module organizations neither mapped nor excluded at its end. */
    unmappedAtEnd: z.number().int().optional(),
  }),
  error: z.string().nullable(),
  /** The usage (module run) or contracts (PSA run) part; null when the run made no such read. */
  billing: z
    .object({
      part: z.enum(["usage", "contracts"]),
      /** failed: the part's readings are unknown (usage) or the previous contracts are kept. */
      outcome: z.enum(["complete", "failed"]),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
      requestCount: z.number().int(),
      /** usage: unchanged, changed, opened, unknown, ignored, rejected; contracts: services, contracts, contractServices, contractServiceUnits, rejected. */
      counts: z.record(z.string(), z.number().int()),
    })
    .nullable(),
});

const Rejection = z.object({ reason: z.string(), raw: z.unknown() });

/** One run with its stored rejected records (at most 1,000; `counts.rejected` counts all). */
export const SyncRunDetailSchema = SyncRunViewSchema.extend({
  rejected: z.array(Rejection),
  /** The usage or contracts part's rejected readings or records (at most 1,000), with their reasons. */
  billingRejected: z.array(Rejection),
});

export const SyncRunPage = pageOf(SyncRunViewSchema);

export const PsaViewSchema = z.object({
  connector: ConnectorViewSchema.nullable(),
  schedule: z.string(),
  lastSync: SyncRunViewSchema.nullable(),
});

answerMatches<z.infer<typeof ConnectorViewSchema>, ConnectorView>(true);
answerMatches<z.infer<typeof SyncRunDetailSchema>, SyncRunDetail>(true);
answerMatches<z.infer<typeof SyncRunPage>, Awaited<ReturnType<SyncService["listRuns"]>>>(true);
answerMatches<z.infer<typeof PsaViewSchema>, PsaView>(true);
answerMatches<z.infer<typeof SyncStarted>, Pick<StartedSync, "runId">>(true);
