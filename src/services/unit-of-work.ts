import type { AppContext } from "../context.ts";
import type { Db } from "../db/database.ts";
import { type Repositories, repositories } from "../db/repositories.ts";
import type { Actor } from "../domain/actor.ts";
import { AuditStep } from "./audit-step.ts";

/** What a write sees: its transaction, the repositories bound to it, and the one audit step it records to. */
export interface UnitOfWork {
  tx: Db;
  repos: Repositories;
  step: AuditStep;
}

/**
 * The one way to write: a transaction, the repositories bound to it, and one audit step that is
 * flushed in the same transaction when the work succeeds. Every change (mapping, ignore, settings,
 * users, tokens, modules) is made inside one call, so a request is one transaction and one step.
 *
 * @example
 * await inUnitOfWork(ctx, actor, async ({ repos, step }) => {
 *   await repos.settings.update({ organizationTerm: "Client" });
 *   step.record({ action: "settings.updated", ... });
 * });
 */
export async function inUnitOfWork<T>(
  ctx: Pick<AppContext, "db" | "clock">,
  /** The actor of a new step, or a step that spans several units (a sync run: one step, a transaction per page). */
  by: Actor | AuditStep,
  work: (unit: UnitOfWork) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (tx) => {
    const repos = repositories(tx);
    const step = by instanceof AuditStep ? by : new AuditStep(by, ctx.clock.now());
    const result = await work({ tx, repos, step });
    await step.flush(repos.audit);
    return result;
  });
}
