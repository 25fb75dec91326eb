import { z } from "zod";
import { ORGANIZATION_TYPES } from "../domain/organization.ts";
import type { MappingService, OrganizationMappingLine } from "../services/mapping.service.ts";
import type { OrganizationService, OrganizationView } from "../services/organization.service.ts";
import { answerMatches, pageOf } from "./common.schema.ts";

/** Answers of the organization routes; the web app infers its types from these. */

export const OrganizationViewSchema = z.object({
  id: z.string(),
  psaId: z.string(),
  name: z.string(),
  type: z.enum(ORGANIZATION_TYPES),
  isActive: z.boolean(),
  isMappable: z.boolean(),
  parentId: z.string().nullable(),
  depth: z.number().int(),
  status: z.enum(["active", "missing"]),
});

export const OrganizationPage = pageOf(OrganizationViewSchema);

/** A module organization named in an answer: its id and name. */
export const ModuleOrganizationRef = z.object({ id: z.string(), name: z.string() });

/** One line of the organization page: the pair's selection in one ready module (rule 6). */
export const OrganizationMappingLineSchema = z.object({
  moduleKey: z.string(),
  moduleName: z.string(),
  moduleOrganizationId: z.string().nullable(),
  moduleOrganizationName: z.string().nullable(),
  isIgnored: z.boolean(),
  extraModuleOrganizations: z.array(ModuleOrganizationRef),
  version: z.string(),
});

export const OrganizationMappings = z.object({
  organization: OrganizationViewSchema,
  modules: z.array(OrganizationMappingLineSchema),
});

export const OrganizationMappingsSaved = OrganizationMappings.extend({ stepId: z.string() });

answerMatches<z.infer<typeof OrganizationViewSchema>, OrganizationView>(true);
answerMatches<z.infer<typeof OrganizationPage>, Awaited<ReturnType<OrganizationService["list"]>>>(true);
answerMatches<z.infer<typeof OrganizationMappingLineSchema>, OrganizationMappingLine>(true);
answerMatches<
  z.infer<typeof OrganizationMappingsSaved>["stepId"],
  Awaited<ReturnType<MappingService["putOrganizationMappings"]>>["stepId"]
>(true);
