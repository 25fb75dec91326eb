import type { ModuleConnector } from "../../connectors/connector.ts";
import type { BillingReads } from "../../connectors/connector-registry.ts";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import { systemActor } from "../../domain/actor.ts";
import { recordModuleSyncAlerts } from "../alerts/alert-hooks.ts";
import { AuditStep } from "../audit-step.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import { runUsagePart } from "./billing-part.ts";
import { recordSeen, syncPages } from "./sync-pages.ts";
import type { RunningSync } from "./sync-run.ts";

/**
 * Reads a module's full list and upserts it page by page (each page one transaction, with the
 * audit of its renames and returns). Only when every page was read does it mark the records not
 * seen as missing and make the module ready (rule 8, rule 1), in one transaction that first
 * checks the run still holds its lease. A failure part-way leaves the finished pages and nothing else.
 * Then, in the same run, the module's usage (when its connector reports any) goes to the ledger,
 * and the run records how many module organizations are left unmapped (the dashboard's trend).
 */
export async function runModuleSync(
  ctx: AppContext,
  run: RunningSync,
  moduleKey: string,
  connector: ModuleConnector,
  onPage: () => void,
  /** The module's usage read, built on demand (a bad configuration fails the run it is in). */
  usage: () => BillingReads["usage"] = () => null,
): Promise<void> {
  const seenAt = run.startedAt;
  const step = new AuditStep(systemActor("sync"), seenAt);
  const seen = new Set<string>();
  const pendingParents: { id: string; parentExternalId: string }[] = [];
  let isComplete = false;
  try {
    await syncPages(ctx, run, connector, {
      idOf: (record) => record.externalId,
      table: "module_organizations",
      step,
      seen,
      onPage,
      upsert: async (repos, fresh) => {
        for (const { record, id, before } of await repos.moduleOrganizations.upsertMany(
          moduleKey,
          fresh,
          seenAt,
        )) {
          if (record.parentExternalId !== null && !seen.has(record.parentExternalId)) {
            pendingParents.push({ id, parentExternalId: record.parentExternalId });
          }
          recordSeen(run, step, {
            type: "module_organization",
            id,
            name: record.name,
            before,
            where: "module",
            label: (name) => `${moduleKey} "${name}"`,
          });
        }
      },
    });
    await inUnitOfWork(ctx, step, async ({ tx, repos }) => {
      await repos.moduleOrganizations.linkPendingParents(moduleKey, pendingParents);
      pendingParents.length = 0;
      const module = await repos.modules.lock(moduleKey);
      // Under the module's lock: a run whose lease another process closed must not mark anything.
      await run.holdLease(tx);
      const missing = await repos.moduleOrganizations.markMissingNotSeenSince(moduleKey, seenAt);
      run.counts.missing = missing.length;
      for (const row of missing) {
        step.record({
          action: "module_organization.missing",
          entityType: "module_organization",
          entityId: row.id,
          summary: `${moduleKey} "${row.name}" was not in the last complete sync (kept, mapping kept)`,
          before: { status: "active" },
          after: { status: "missing" },
        });
      }
      await repos.moduleOrganizations.recomputeTreeSort(moduleKey);
      await recordModuleSyncAlerts(repos, { moduleKey, runId: run.id, seenAt, missing }, ctx.clock.now());
      if (module?.billing_enabled && module.first_successful_sync_at === null) {
        // Rule 1: the first successful sync completed while billing is on makes the module ready.
        await repos.modules.update(moduleKey, { first_successful_sync_at: ctx.clock.now() });
        step.record({
          action: "module.ready",
          entityType: "module",
          entityId: moduleKey,
          summary: `${module.name} completed its first sync and is ready for mapping`,
          before: { state: "awaiting_first_sync" },
          after: { state: "ready" },
        });
      }
    });
    isComplete = true;
  } finally {
    if (!isComplete) {
      // The pages that were upserted stay consistent: children get the parents that did arrive.
      await tidyAfterFailure(ctx, moduleKey, pendingParents).catch((error: unknown) =>
        ctx.log.warn({ err: error, moduleKey }, "could not link parents after a failed sync"),
      );
    }
  }
  await runUsagePart(ctx, run, moduleKey, usage());
  onPage();
  const unmapped = await repositories(ctx.db).mappings.countUnmappedModuleOrganizations([moduleKey]);
  run.counts.unmappedAtEnd = unmapped.get(moduleKey) ?? 0;
}

async function tidyAfterFailure(
  ctx: AppContext,
  moduleKey: string,
  pendingParents: { id: string; parentExternalId: string }[],
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const repos = repositories(tx);
    await repos.moduleOrganizations.linkPendingParents(moduleKey, pendingParents);
    await repos.moduleOrganizations.recomputeTreeSort(moduleKey);
  });
}
