import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import type { ModuleOrganizationRow, OrganizationRow } from "../../db/schema.ts";
import type { Actor } from "../../domain/actor.ts";
import { invalidValue, notFound } from "../../domain/errors.ts";
import { isMappableType } from "../../domain/organization.ts";
import { AuditStep } from "../audit-step.ts";
import { applyMappingsInBulk, requireMappableTarget, requireReadyModule } from "../mapping-rules.ts";

export interface AcceptPair {
  moduleOrganizationId: string;
  organizationId: string;
}

export type AcceptInput = { items: AcceptPair[] } | { moduleKey: string; minScore: number; dryRun?: boolean };

const LOCK_CHUNK = 5000;

/**
 * Maps each pair as source "suggestion", all in one transaction and one audit step. Every module
 * organization must exist (404) in a ready module (409) and every target be mappable (422 naming it).
 * With `skipMapped` (accept-all), module organizations mapped meanwhile by someone else are left alone.
 *
 * No alias is recorded: the accepted mapping itself is confirmed evidence for its name, and unlike an
 * alias it goes away when the mapping is undone or moved.
 */
export async function acceptSuggestions(
  ctx: AppContext,
  actor: Actor,
  pairs: readonly AcceptPair[],
  options: { skipMapped?: boolean } = {},
): Promise<{ applied: number; stepId: string | null }> {
  if (pairs.length === 0) return { applied: 0, stepId: null };
  return ctx.db.transaction().execute(async (tx) => {
    const repos = repositories(tx);
    const step = new AuditStep(actor, ctx.clock.now());
    const ids = [...new Set(pairs.map((p) => p.moduleOrganizationId))];
    const rows = new Map<string, ModuleOrganizationRow>();
    for (let i = 0; i < ids.length; i += LOCK_CHUNK) {
      for (const row of await repos.moduleOrganizations.lockByIds(ids.slice(i, i + LOCK_CHUNK)))
        rows.set(row.id, row);
    }
    const field = (i: number, name: string) => (options.skipMapped ? name : `items.${i}.${name}`);
    const chosen = new Map<string, string>();
    pairs.forEach((pair, i) => {
      const other = chosen.get(pair.moduleOrganizationId);
      if (other !== undefined && other !== pair.organizationId)
        throw invalidValue(
          field(i, "moduleOrganizationId"),
          "a module organization can be accepted for one target only",
        );
      chosen.set(pair.moduleOrganizationId, pair.organizationId);
      if (!rows.has(pair.moduleOrganizationId))
        throw notFound("module organization", pair.moduleOrganizationId, field(i, "moduleOrganizationId"));
    });
    for (const key of new Set([...rows.values()].map((r) => r.module_key)))
      await requireReadyModule(repos, key, "moduleKey");
    // One read for every target; the per-pair check below then only errs with the pair's field.
    const found = new Map(
      (await repos.organizations.findByIds([...new Set(pairs.map((p) => p.organizationId))])).map((o) => [
        o.id,
        o,
      ]),
    );
    const targets = new Map<string, OrganizationRow>();
    for (const [i, pair] of pairs.entries()) {
      if (targets.has(pair.organizationId)) continue;
      const target = found.get(pair.organizationId);
      targets.set(
        pair.organizationId,
        target && isMappableType(target.type)
          ? target
          : await requireMappableTarget(repos, pair.organizationId, field(i, "organizationId")),
      );
    }
    const mapped = new Set<string>();
    if (options.skipMapped) {
      for (let i = 0; i < ids.length; i += LOCK_CHUNK)
        for (const m of await repos.mappings.findMappings(ids.slice(i, i + LOCK_CHUNK)))
          mapped.add(m.module_organization_id);
    }
    const done = new Set<string>();
    const items: { moduleOrganization: ModuleOrganizationRow; target: OrganizationRow }[] = [];
    for (const pair of pairs) {
      if (mapped.has(pair.moduleOrganizationId) || done.has(pair.moduleOrganizationId)) continue;
      done.add(pair.moduleOrganizationId);
      items.push({
        moduleOrganization: rows.get(pair.moduleOrganizationId) as ModuleOrganizationRow,
        target: targets.get(pair.organizationId) as OrganizationRow,
      });
    }
    const { applied } = await applyMappingsInBulk(repos, step, items, "suggestion");
    await step.flush(repos.audit);
    return { applied, stepId: applied > 0 ? step.id : null };
  });
}
