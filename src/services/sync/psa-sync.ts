import type { PsaConnector, PsaOrganizationRecord } from "../../connectors/connector.ts";
import type { BillingReads } from "../../connectors/connector-registry.ts";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import { systemActor } from "../../domain/actor.ts";
import { isMappableType } from "../../domain/organization.ts";
import { recordInactiveOrganizations } from "../alerts/alert-hooks.ts";
import { AuditStep } from "../audit-step.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import { runContractsPart } from "./billing-part.ts";
import { recordSeen, syncPages } from "./sync-pages.ts";
import type { RunningSync } from "./sync-run.ts";

/**
 * Reads the PSA's companies and upserts organizations by PSA id, page by page. Type changes and
 * renames are audited; a mapped organization that becomes Dead or Cancelation keeps its mappings
 * (the lists flag them as needing attention, rule 2). Missing is marked only after a complete read.
 * Then, in the same run, the PSA's contracts (when its connector reads any) replace the stored ones.
 */
export async function runPsaSync(
  ctx: AppContext,
  run: RunningSync,
  connector: PsaConnector,
  onPage: () => void,
  /** The PSA's contracts read, built on demand (a bad configuration fails the run it is in). */
  contracts: () => BillingReads["contracts"] = () => null,
): Promise<void> {
  const seenAt = run.startedAt;
  const step = new AuditStep(systemActor("sync"), seenAt);
  const seen = new Set<string>();
  // Children whose parent had not arrived yet are upserted again at the end, when it has.
  const pendingParents: PsaOrganizationRecord[] = [];
  let isComplete = false;
  try {
    await syncPages(ctx, run, connector, {
      idOf: (record) => record.psaId,
      table: "organizations",
      step,
      seen,
      onPage,
      upsert: async (repos, fresh) => {
        const turnedInactive: Parameters<typeof recordInactiveOrganizations>[2][number][] = [];
        for (const { record, id, before } of await repos.organizations.upsertMany(fresh, seenAt)) {
          if (record.parentPsaId !== null && !seen.has(record.parentPsaId)) pendingParents.push(record);
          const isKnown = recordSeen(run, step, {
            type: "organization",
            id,
            name: record.name,
            before,
            where: "PSA",
            label: (name) => name,
          });
          if (isKnown && before && before.type !== record.type) {
            const flagged = isMappableType(before.type) && !isMappableType(record.type);
            if (flagged)
              turnedInactive.push({ id, name: record.name, before: before.type, type: record.type });
            step.record({
              action: "organization.type_changed",
              entityType: "organization",
              entityId: id,
              summary: `${record.name} changed type from ${before.type} to ${record.type} in the PSA${flagged ? "; its mappings are kept and need attention" : ""}`,
              before: { type: before.type },
              after: { type: record.type },
            });
          }
        }
        await recordInactiveOrganizations(repos, run.id, turnedInactive, ctx.clock.now());
      },
    });
    await inUnitOfWork(ctx, step, async ({ tx, repos }) => {
      await run.holdLease(tx);
      await relinkParents(repos, pendingParents, seenAt);
      const missing = await repos.organizations.markMissingNotSeenSince(seenAt);
      run.counts.missing = missing.length;
      for (const row of missing) {
        step.record({
          action: "organization.missing",
          entityType: "organization",
          entityId: row.id,
          summary: `${row.name} was not in the last complete PSA sync (kept, mappings kept)`,
          before: { status: "active" },
          after: { status: "missing" },
        });
      }
      await repos.organizations.recomputeTreeSort();
    });
    isComplete = true;
  } finally {
    if (!isComplete) {
      await ctx.db
        .transaction()
        .execute(async (tx) => {
          const repos = repositories(tx);
          await relinkParents(repos, pendingParents, seenAt);
          await repos.organizations.recomputeTreeSort();
        })
        .catch((error: unknown) =>
          ctx.log.warn({ err: error }, "could not link parents after a failed sync"),
        );
    }
  }
  await runContractsPart(ctx, run, contracts());
  onPage();
}

async function relinkParents(
  repos: ReturnType<typeof repositories>,
  pending: PsaOrganizationRecord[],
  seenAt: Date,
): Promise<void> {
  for (let i = 0; i < pending.length; i += 500) {
    await repos.organizations.upsertMany(pending.slice(i, i + 500), seenAt);
  }
}
