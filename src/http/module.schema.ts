import { z } from "zod";
import type { ConnectorTestService } from "../services/connector-test.service.ts";
import type { ModuleService, ModuleView } from "../services/module.service.ts";
import { answerMatches, BooleanQuery, Timestamp } from "./common.schema.ts";
import { ConnectorViewSchema } from "./sync.schema.ts";

/** Answers of the module routes; the web app infers its types from these. */

export const ModuleStateSchema = z.enum(["disabled", "awaiting_first_sync", "ready"]);

export const ModuleViewSchema = z.object({
  key: z.string(),
  name: z.string(),
  billingEnabled: z.boolean(),
  /** Rule 1: `ready` once billing is on and the first sync succeeded. */
  state: ModuleStateSchema,
  firstSuccessfulSyncAt: Timestamp.nullable(),
  /** A five-field cron expression in the instance time zone (default "0 2 * * *"). */
  schedule: z.string(),
  connector: ConnectorViewSchema.nullable(),
  lastSync: z
    .object({
      id: z.string(),
      outcome: z.string(),
      trigger: z.string(),
      startedAt: Timestamp,
      finishedAt: Timestamp.nullable(),
      error: z.string().nullable(),
    })
    .nullable(),
  counts: z.object({
    moduleOrganizations: z.number().int(),
    mapped: z.number().int(),
    unmapped: z.number().int(),
    excluded: z.number().int(),
  }),
});

export const ModuleList = z.object({ items: z.array(ModuleViewSchema) });

/** `allTypes`: count every mappable organization, not only active customers. */
export const WorklistQuery = z.object({ allTypes: BooleanQuery.optional() });

/** Yet to be mapped, per ready module (rule 7). */
export const Worklists = z.object({
  scope: z.enum(["active_customers", "all_mappable"]),
  /** Across every ready module: module organizations summed; organizations counted once (issue 13 point 9). */
  totals: z.object({
    unmappedModuleOrganizations: z.number().int(),
    organizationsWithoutMapping: z.number().int(),
  }),
  modules: z.array(
    z.object({
      moduleKey: z.string(),
      name: z.string(),
      unmappedModuleOrganizations: z.number().int(),
      organizationsWithoutMapping: z.number().int(),
    }),
  ),
});

answerMatches<z.infer<typeof ModuleViewSchema>, ModuleView>(true);
answerMatches<z.infer<typeof Worklists>, Awaited<ReturnType<ModuleService["worklists"]>>>(true);

/** "Test connection": the vendor's answer in words; a vendor error is `ok: false`, not an HTTP error. */
export const ConnectorTestAnswer = z.object({
  ok: z.boolean(),
  message: z.string(),
  firstPageRecords: z.number().int(),
  rejected: z.number().int(),
  /** Up to three names of the first page, so the admin sees it is the right account. */
  sampleNames: z.array(z.string()),
  ms: z.number().int(),
});

answerMatches<z.infer<typeof ConnectorTestAnswer>, Awaited<ReturnType<ConnectorTestService["test"]>>>(true);
