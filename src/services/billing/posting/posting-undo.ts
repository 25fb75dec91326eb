import { unitsKey } from "../../../connectors/autotask/autotask-adjustments.client.ts";
import type { AppContext } from "../../../context.ts";
import { repositories } from "../../../db/repositories.ts";
import type { Actor } from "../../../domain/actor.ts";
import { parseDecimal } from "../../../domain/billing/money.ts";
import { nextPeriod, parsePeriodKey } from "../../../domain/billing/period.ts";
import { attemptKey, directionOf } from "../../../domain/billing/posting.ts";
import { AppError, notFound } from "../../../domain/errors.ts";
import { inUnitOfWork } from "../../unit-of-work.ts";
import type { PostingService } from "./posting.service.ts";
import { dayIn } from "./posting-lines.ts";
import { settleCreate } from "./posting-one.ts";

export interface UndoResult {
  attemptId: string;
  undoneAttemptId: string;
  outcome: "posted" | "failed";
  unitsBefore: number;
  unitsAfter: number;
  reason: string | null;
}

/**
 * Undoes a posted adjustment by posting the compensating one (an Autotask adjustment cannot be
 * deleted), under the same rules as any posting: this process's lease on the contract service, the
 * units read back first, the attempt stored before the call, never into an invoiced period, and a
 * lost answer settled by reading back. An adjustment is undone once. The next run posts the
 * difference again unless its cause (a mapping, the usage) was fixed or posting was turned off.
 */
export async function undoAdjustment(
  ctx: AppContext,
  posting: PostingService,
  actor: Actor,
  attemptId: string,
): Promise<UndoResult> {
  const repos = repositories(ctx.db);
  const original = await repos.postingAttempts.find(attemptId);
  if (!original) throw notFound("posted adjustment", attemptId, "id");
  if (original.state !== "posted" || original.kind !== "post") {
    throw new AppError("conflict", `Only a posted adjustment can be undone; this one is ${original.state}`, {
      details: { id: attemptId },
    });
  }
  if (await repos.postingAttempts.undoOf(attemptId)) {
    throw new AppError("conflict", "This adjustment was already undone", { details: { id: attemptId } });
  }
  const { psa, leaseMs } = await posting.psaClient();
  const { timeZone } = await posting.periodOf(original.periodKey);
  const next = nextPeriod(parsePeriodKey(original.periodKey, timeZone)).key;
  const cs = original.contractServicePsaId;
  const claimed = await repos.postingAttempts.claimLeases([cs], posting.owner, leaseMs);
  if (claimed.length === 0) {
    throw new AppError(
      "conflict",
      "A posting run is working on this contract service; try again when it is done",
    );
  }
  try {
    if ((await repos.postingAttempts.pending([cs], original.periodKey)).length > 0) {
      throw new AppError(
        "conflict",
        "An attempt on this contract service is still unsettled; the next run settles it first",
      );
    }
    const read = await psa.readUnits([cs], original.periodKey, next);
    const current = read.units.get(unitsKey(cs, original.periodKey)) ?? { units: 0, isInvoiced: false };
    if (current.isInvoiced) {
      throw new AppError(
        "conflict",
        `Period ${original.periodKey} was approved and posted (invoiced): it is never adjusted`,
      );
    }
    const target = current.units - original.unitChange;
    if (target < 0) {
      throw new AppError(
        "conflict",
        `Undoing would leave ${target} units (the PSA bills ${current.units} now)`,
      );
    }
    const id = await inUnitOfWork(ctx, actor, ({ repos: tx }) =>
      tx.postingAttempts.open(
        {
          ...original,
          attemptKey: attemptKey(cs, original.periodKey, target),
          kind: "undo",
          undoesAttemptId: original.id,
          unitsBefore: current.units,
          targetUnits: target,
          unitChange: -original.unitChange,
          runId: null,
        },
        posting.owner,
        ctx.clock.now(),
      ),
    );
    if (!id) throw new AppError("conflict", "Another attempt on this contract service is under way");
    const unitPrice = original.unitPrice === null ? null : parseDecimal(original.unitPrice);
    const settled = await settleCreate(
      { ctx, actor, psa },
      {
        contractPsaId: original.contractPsaId,
        contractServicePsaId: cs,
        periodKey: original.periodKey,
        unitPrice,
      },
      { attemptId: id, unitsBefore: current.units, targetUnits: target, unitChange: -original.unitChange },
      { next },
    );
    const unitsAfter = settled.outcome === "posted" ? target : current.units;
    const logged = await repos.activityLog.findByAttempt(original.id);
    await inUnitOfWork(ctx, actor, async ({ repos: tx, step }) => {
      const module = original.moduleKey;
      await tx.activityLog.record(
        {
          day: dayIn(step.at, timeZone),
          moduleKey: module,
          billingType: original.billingType,
          organizationId: original.organizationId,
          organizationName: logged?.organizationName ?? original.organizationId ?? "(unknown organization)",
          contractPsaId: original.contractPsaId,
          contractServicePsaId: cs,
          servicePsaId: original.servicePsaId,
          serviceName: logged?.serviceName ?? null,
          periodKey: original.periodKey,
          direction: directionOf(current.units, unitsAfter),
          unitsBefore: current.units,
          unitsAfter,
          unitPrice: original.unitPrice,
          outcome: settled.outcome,
          reason:
            settled.reason ??
            `undo of adjustment ${original.psaAdjustmentId ?? original.id} by ${actor.label}`,
          attemptId: id,
          runId: null,
        },
        step.at,
      );
      step.record({
        entityType: "posting_attempt",
        action: "posting.undone",
        entityId: original.id,
        summary: `Undid adjustment ${original.psaAdjustmentId ?? original.id} (${original.unitChange > 0 ? "+" : ""}${original.unitChange} units, ${original.periodKey}): ${settled.outcome}`,
        before: { contractServicePsaId: cs, periodKey: original.periodKey, units: current.units },
        after: { contractServicePsaId: cs, periodKey: original.periodKey, units: unitsAfter },
      });
    });
    return {
      attemptId: id,
      undoneAttemptId: original.id,
      outcome: settled.outcome,
      unitsBefore: current.units,
      unitsAfter,
      reason: settled.reason,
    };
  } finally {
    await repos.postingAttempts.releaseLeases([cs], posting.owner);
  }
}
