import { z } from "zod";
import { ORGANIZATION_TYPES } from "../domain/organization.ts";
import type { CreatedPsaOrganization, PsaOrganizationService } from "../services/psa-organization.service.ts";
import { answerMatches } from "./common.schema.ts";

/** What "Create in Autotask" may send; name, type and parent default to the prefill. */
export const PsaOrganizationCreateBody = z
  .object({
    name: z.string().min(1).max(100).optional(),
    /** Autotask's type; only mappable types (Dead and Cancelation cannot be targets). */
    type: z.enum(ORGANIZATION_TYPES).optional(),
    /** The parent organization (ours); omitted: the one the prefill proposes; null: none. */
    parentOrganizationId: z.string().min(1).max(200).nullable().optional(),
    /** Autotask requires a phone number on every company. */
    phone: z.string().trim().min(1).max(25),
    /** Autotask requires an owner: the id of a resource (the account manager). */
    ownerResourceId: z
      .string()
      .trim()
      .regex(/^\d{1,18}$/, "a resource id: digits only"),
  })
  .strict();

export const PsaOrganizationPrefill = z.object({
  moduleOrganizationId: z.string(),
  name: z.string(),
  type: z.enum(ORGANIZATION_TYPES),
  parent: z.object({ organizationId: z.string(), name: z.string(), psaId: z.string() }).nullable(),
  canCreate: z.boolean(),
  whyNot: z.string().nullable(),
  openAttempt: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).nullable(),
  /** The PSA's active people to choose the owner from (Autotask Resources); null: not read. */
  owners: z.array(z.object({ id: z.string(), name: z.string(), email: z.string().nullable() })).nullable(),
  /** Why the owners could not be read (the form then takes a typed resource id); null otherwise. */
  ownersError: z.string().nullable(),
});
answerMatches<z.infer<typeof PsaOrganizationPrefill>, Awaited<ReturnType<PsaOrganizationService["prefill"]>>>(
  true,
);

export const PsaOrganizationCreated = z.object({
  organization: z.object({
    id: z.string(),
    psaId: z.string(),
    name: z.string(),
    type: z.enum(ORGANIZATION_TYPES),
    parentId: z.string().nullable(),
  }),
  moduleOrganizationId: z.string(),
  isMapped: z.boolean(),
  confirmedBy: z.enum(["answer", "lookup"]),
  attemptId: z.string(),
  stepId: z.string(),
});
answerMatches<z.infer<typeof PsaOrganizationCreated>, CreatedPsaOrganization>(true);
