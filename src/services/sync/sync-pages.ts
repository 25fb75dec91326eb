import type { Connector } from "../../connectors/connector.ts";
import { DUPLICATE_REASON } from "../../connectors/record-checks.ts";
import type { AppContext } from "../../context.ts";
import type { Repositories } from "../../db/repositories.ts";
import type { AuditStep } from "../audit-step.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import type { RunningSync } from "./sync-run.ts";

/**
 * The page loop every sync shares: each page's rejected records are kept with their reasons, an id
 * seen earlier in the run is rejected as a duplicate (connectors do so too; this guards the upsert,
 * which cannot take one id twice), the rest is upserted in one transaction
 * (whose audit step is flushed with it), then the lease is renewed (storing the counts so far) and
 * the planner's statistics refreshed when the table has grown.
 */
export async function syncPages<T>(
  ctx: AppContext,
  run: RunningSync,
  connector: Connector<T>,
  options: {
    idOf: (record: T) => string;
    table: "organizations" | "module_organizations";
    step: AuditStep;
    seen: Set<string>;
    upsert: (repos: Repositories, fresh: T[]) => Promise<void>;
    onPage: () => void;
  },
): Promise<void> {
  for await (const page of connector.fetchAll({ signal: run.signal })) {
    run.check();
    run.reject(page.rejected);
    const fresh: T[] = [];
    for (const record of page.records) {
      const id = options.idOf(record);
      if (options.seen.has(id)) {
        run.reject([{ reason: `${DUPLICATE_REASON}: ${id}`, raw: record }]);
        continue;
      }
      options.seen.add(id);
      fresh.push(record);
    }
    await inUnitOfWork(ctx, options.step, ({ repos }) => options.upsert(repos, fresh));
    await run.renew();
    await run.analyzeIfGrown(options.table);
    options.onPage();
  }
  run.check();
}

/**
 * Counts one upserted record and audits what a sync tells about it: back after being missing,
 * renamed at the source. Returns false for a new record (counted as added).
 */
export function recordSeen(
  run: RunningSync,
  step: AuditStep,
  entity: {
    type: "organization" | "module_organization";
    id: string;
    name: string;
    before: { status: string; name: string } | undefined;
    /** Where the record lives, as the summaries say it: "PSA", "module". */
    where: string;
    label: (name: string) => string;
  },
): boolean {
  run.counts.seen += 1;
  const { before } = entity;
  if (!before) {
    run.counts.added += 1;
    return false;
  }
  if (before.status === "missing") {
    run.counts.returned += 1;
    step.record({
      action: `${entity.type}.returned`,
      entityType: entity.type,
      entityId: entity.id,
      summary: `${entity.label(entity.name)} is back in the ${entity.where}`,
      before: { status: "missing" },
      after: { status: "active" },
    });
  }
  if (before.name !== entity.name) {
    run.counts.renamed += 1;
    step.record({
      action: `${entity.type}.renamed`,
      entityType: entity.type,
      entityId: entity.id,
      summary: `${entity.label(before.name)} renamed to ${JSON.stringify(entity.name)} in the ${entity.where}`,
      before: { name: before.name },
      after: { name: entity.name },
    });
  }
  return true;
}
