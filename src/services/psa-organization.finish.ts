import type { FoundPsaOrganization, PsaOrganizationInput } from "../connectors/connector.ts";
import type { AppContext } from "../context.ts";
import type { PsaCreateAttemptRow } from "../db/alert-schema.ts";
import type { Actor } from "../domain/actor.ts";
import { AppError } from "../domain/errors.ts";
import type { OrganizationType } from "../domain/organization.ts";
import { lockWritableModuleOrganization, requireMappableTarget } from "./mapping-rules.ts";
import { applyMapping } from "./mapping-writes.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

/** The end of a create in the PSA (psa-organization.service.ts), and the attempt helpers it uses. */

export interface CreatedPsaOrganization {
  organization: { id: string; psaId: string; name: string; type: OrganizationType; parentId: string | null };
  moduleOrganizationId: string;
  /** False when the module organization was mapped by someone else meanwhile (it is left as it is). */
  isMapped: boolean;
  /** How the PSA's company is known: its answer to the create, or a look-up after a lost answer. */
  confirmedBy: "answer" | "lookup";
  attemptId: string;
  stepId: string;
}

/**
 * One unit of work, one audit step: the attempt closed with the PSA's id, the organization
 * stored here at once (the next PSA sync finds it by its PSA id), and the module organization
 * mapped to it through the guarded write path.
 */
export function finishCreate(
  ctx: Pick<AppContext, "db" | "clock">,
  actor: Actor,
  attempt: PsaCreateAttemptRow,
  owner: string,
  company: Omit<FoundPsaOrganization, "createdAt"> & { createdAt: Date | null },
  confirmedBy: "answer" | "lookup",
  answer: string | null = null,
): Promise<CreatedPsaOrganization> {
  return inUnitOfWork(ctx, actor, async ({ repos, step }) => {
    const at = ctx.clock.now();
    const moduleOrganization = await lockWritableModuleOrganization(repos, attempt.module_organization_id);
    const [stored] = await repos.organizations.upsertMany(
      [
        {
          psaId: company.psaId,
          name: company.name,
          type: company.type,
          isActive: company.isActive,
          parentPsaId: company.parentPsaId,
        },
      ],
      at,
    );
    if (!stored) throw new Error("the created organization was not stored");
    await repos.organizations.recomputeTreeSort();
    const isClosed = await repos.psaCreateAttempts.close(attempt.id, owner, {
      state: "created",
      psaId: company.psaId,
      organizationId: stored.id,
      confirmedBy,
      answer,
      at,
    });
    if (!isClosed) throw new AppError("conflict", "another request settled this create meanwhile; reload");
    step.title = `Create in the PSA: ${company.name}`;
    step.record({
      entityType: "psa_company",
      action: "psa_company.created",
      entityId: stored.id,
      summary: `${company.name} created in the PSA (id ${company.psaId}) for ${moduleOrganization.module_key} "${moduleOrganization.name}"`,
      before: null,
      after: {
        psaId: company.psaId,
        name: company.name,
        type: company.type,
        parentPsaId: company.parentPsaId,
        moduleOrganizationId: attempt.module_organization_id,
      },
    });
    const target = await requireMappableTarget(repos, stored.id);
    const current = await repos.mappings.findMapping(moduleOrganization.id);
    // Mapped by someone else meanwhile: keep their choice (a silent move would bill elsewhere).
    const isMapped = current === undefined;
    if (isMapped) await applyMapping(repos, step, moduleOrganization, target, "user", { current });
    const organization = await repos.organizations.findById(stored.id);
    return {
      organization: {
        id: stored.id,
        psaId: company.psaId,
        name: company.name,
        type: company.type,
        parentId: organization?.parent_id ?? null,
      },
      moduleOrganizationId: moduleOrganization.id,
      isMapped,
      confirmedBy,
      attemptId: attempt.id,
      stepId: step.id,
    };
  });
}

export function createdFrom(attempt: PsaCreateAttemptRow, psaId: string) {
  return {
    psaId,
    name: attempt.name,
    type: attempt.type as OrganizationType,
    isActive: true,
    parentPsaId: attempt.parent_psa_id,
    createdAt: null,
  };
}

export function attemptInput(attempt: PsaCreateAttemptRow): PsaOrganizationInput {
  return {
    name: attempt.name,
    type: attempt.type as OrganizationType,
    parentPsaId: attempt.parent_psa_id,
    phone: attempt.phone,
    ownerResourceId: attempt.owner_resource_id,
  };
}

export function sameInput(attempt: PsaCreateAttemptRow, input: PsaOrganizationInput): boolean {
  const stored = attemptInput(attempt);
  return (
    stored.name === input.name &&
    stored.type === input.type &&
    stored.parentPsaId === input.parentPsaId &&
    stored.phone === input.phone &&
    stored.ownerResourceId === input.ownerResourceId
  );
}

export function closedFailed(ctx: Pick<AppContext, "clock">, answer: string) {
  return {
    state: "failed" as const,
    psaId: null,
    organizationId: null,
    confirmedBy: null,
    answer,
    at: ctx.clock.now(),
  };
}
