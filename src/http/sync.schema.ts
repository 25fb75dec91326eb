import { z } from "zod";
import { BooleanQuery, ModuleKey, PageQuery } from "./common.schema.ts";

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

export type ConnectorBodyInput = z.infer<typeof ConnectorBody>;
export type PsaPatchInput = z.infer<typeof PsaPatchBody>;
