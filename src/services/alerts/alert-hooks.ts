import type { Repositories } from "../../db/repositories.ts";
import { ALERT_ITEMS_LIMIT, POSTING_REASONS_LIMIT } from "../../domain/alert-event.ts";
import type { OrganizationType } from "../../domain/organization.ts";

/**
 * The outbox hooks: each is called by the sync inside the transaction that makes the change, so
 * an event exists exactly when its change was committed. Each writes at most one event per call.
 */

/** End of a complete module sync: the new unmapped module organizations, and the mapped ones now missing. */
export async function recordModuleSyncAlerts(
  repos: Repositories,
  input: { moduleKey: string; runId: string; seenAt: Date; missing: readonly { id: string }[] },
  at: Date,
): Promise<void> {
  const { moduleKey, runId } = input;
  const fresh = await repos.alertSources.newUnmapped(moduleKey, input.seenAt, ALERT_ITEMS_LIMIT);
  const missingMapped = await repos.alertSources.mappedAmong(input.missing.map((row) => row.id));
  if (fresh.count === 0 && missingMapped.length === 0) return;
  const moduleName = await repos.alertSources.moduleName(moduleKey);
  await repos.outbox.insert(
    [
      ...(fresh.count > 0
        ? [
            {
              type: "module_organizations.new_unmapped" as const,
              data: { moduleKey, moduleName, runId, count: fresh.count, items: fresh.items },
            },
          ]
        : []),
      ...(missingMapped.length > 0
        ? [
            {
              type: "module_organizations.missing_while_mapped" as const,
              data: {
                moduleKey,
                moduleName,
                runId,
                count: missingMapped.length,
                items: missingMapped.slice(0, ALERT_ITEMS_LIMIT),
              },
            },
          ]
        : []),
    ],
    at,
  );
}

/** A PSA page turned these organizations Dead or Cancelation: an event for each that has mappings. */
export async function recordInactiveOrganizations(
  repos: Repositories,
  runId: string,
  changed: readonly { id: string; name: string; before: OrganizationType; type: OrganizationType }[],
  at: Date,
): Promise<void> {
  if (changed.length === 0) return;
  const counts = await repos.alertSources.mappedCounts(changed.map((row) => row.id));
  await repos.outbox.insert(
    changed
      .filter((row) => counts.has(row.id))
      .map((row) => ({
        type: "organization.became_inactive" as const,
        data: {
          runId,
          organizationId: row.id,
          name: row.name,
          before: row.before,
          type: row.type,
          mappedCount: counts.get(row.id) ?? 0,
        },
      })),
    at,
  );
}

/** A run ended failed (recorded in the same transaction as the run's end). */
export async function recordSyncFailed(
  repos: Repositories,
  run: { id: string; moduleKey: string | null; error: string | null },
  at: Date,
): Promise<void> {
  const name = run.moduleKey === null ? "the PSA" : await repos.alertSources.moduleName(run.moduleKey);
  await repos.outbox.insert(
    [{ type: "sync.failed", data: { runId: run.id, moduleKey: run.moduleKey, name, error: run.error } }],
    at,
  );
}

/**
 * A posting run ended failed, or with failed rows: one event for the run (not one per row), with
 * the first few distinct reasons. Written in the transaction that records the run's end.
 */
export async function recordPostingFailed(
  repos: Repositories,
  run: {
    id: string;
    moduleKey: string;
    periodKey: string;
    outcome: string;
    failedCount: number;
    error: string | null;
    reasons: readonly (string | null)[];
  },
  at: Date,
): Promise<void> {
  if (run.outcome !== "failed" && run.failedCount === 0) return;
  const reasons = [
    ...new Set(run.reasons.filter((reason): reason is string => typeof reason === "string" && reason !== "")),
  ].slice(0, POSTING_REASONS_LIMIT);
  const moduleName = await repos.alertSources.moduleName(run.moduleKey);
  await repos.outbox.insert(
    [
      {
        type: "posting.failed",
        data: {
          moduleKey: run.moduleKey,
          moduleName,
          runId: run.id,
          periodKey: run.periodKey,
          outcome: run.outcome,
          failedCount: run.failedCount,
          error: run.error,
          reasons,
        },
        dedupeKey: `posting.failed:${run.id}`,
      },
    ],
    at,
  );
}

/** A held decrease opened a new approval (not again while one for the same change waits). */
export async function recordApprovalWaiting(
  repos: Repositories,
  approval: {
    id: string;
    moduleKey: string;
    periodKey: string;
    organizationId: string | null;
    organizationName: string;
    serviceName: string;
    unitsBefore: number;
    targetUnits: number;
    reason: string | null;
  },
  at: Date,
): Promise<void> {
  const moduleName = await repos.alertSources.moduleName(approval.moduleKey);
  await repos.outbox.insert(
    [
      {
        type: "posting.approval_waiting",
        data: {
          approvalId: approval.id,
          moduleKey: approval.moduleKey,
          moduleName,
          periodKey: approval.periodKey,
          organizationId: approval.organizationId,
          organizationName: approval.organizationName,
          serviceName: approval.serviceName,
          unitsBefore: approval.unitsBefore,
          targetUnits: approval.targetUnits,
          reason: approval.reason,
        },
        dedupeKey: `posting.approval_waiting:${approval.id}`,
      },
    ],
    at,
  );
}
