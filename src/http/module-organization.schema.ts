import { z } from "zod";
import { ORGANIZATION_TYPES } from "../domain/organization.ts";
import type { MappingService } from "../services/mapping.service.ts";
import type {
  ModuleOrganizationService,
  ModuleOrganizationView,
} from "../services/module-organization.service.ts";
import { answerMatches, pageOf } from "./common.schema.ts";

/** Answers of the module organization routes; the web app infers its types from these. */

export const ModuleOrganizationMappingSchema = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  organizationType: z.enum(ORGANIZATION_TYPES),
  needsAttention: z.boolean(),
  version: z.number().int(),
});

export const ModuleOrganizationViewSchema = z.object({
  id: z.string(),
  moduleKey: z.string(),
  moduleName: z.string(),
  externalId: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  depth: z.number().int(),
  status: z.enum(["active", "missing"]),
  isExcluded: z.boolean(),
  attributes: z.record(z.string(), z.unknown()),
  mapping: ModuleOrganizationMappingSchema.nullable(),
  version: z.number().int(),
});

/** A page of Map by Module Organization; `total` when asked for with `withTotal`. */
export const ModuleOrganizationPage = pageOf(ModuleOrganizationViewSchema).extend({
  total: z.number().int().optional(),
});

/** Where a module organization was mapped before a move (rule 3), so the UI can say so. */
export const MovedFromSchema = z.object({ organizationId: z.string(), organizationName: z.string() });

export const MappingAnswer = z.object({
  mapping: z.object({
    moduleOrganizationId: z.string(),
    organizationId: z.string(),
    organizationName: z.string(),
    version: z.number().int(),
  }),
  movedFrom: MovedFromSchema.nullable(),
  /** The audit step of the change (the web's Undo); null when nothing changed. */
  stepId: z.string().nullable(),
});

export const UnmapAnswer = z.object({
  moduleOrganizationId: z.string(),
  version: z.number().int(),
  /** The audit step of the change (the web's Undo); null when nothing changed. */
  stepId: z.string().nullable(),
});

export const ExclusionAnswer = z.object({
  moduleOrganizationId: z.string(),
  isExcluded: z.boolean(),
  version: z.number().int(),
  /** The audit step of the change (the web's Undo); null when nothing changed. */
  stepId: z.string().nullable(),
});

export const BulkMappingAnswer = z.object({
  applied: z.number().int(),
  moved: z.number().int(),
  stepId: z.string(),
});

answerMatches<z.infer<typeof ModuleOrganizationViewSchema>, ModuleOrganizationView>(true);
answerMatches<z.infer<typeof ModuleOrganizationPage>, Awaited<ReturnType<ModuleOrganizationService["list"]>>>(
  true,
);
answerMatches<
  z.infer<typeof MappingAnswer>["mapping"] & Pick<z.infer<typeof MappingAnswer>, "movedFrom" | "stepId">,
  Awaited<ReturnType<MappingService["map"]>>
>(true);
answerMatches<z.infer<typeof UnmapAnswer>, Awaited<ReturnType<MappingService["unmap"]>>>(true);
answerMatches<z.infer<typeof ExclusionAnswer>, Awaited<ReturnType<MappingService["setExcluded"]>>>(true);
answerMatches<z.infer<typeof BulkMappingAnswer>, Awaited<ReturnType<MappingService["bulkMap"]>>>(true);
