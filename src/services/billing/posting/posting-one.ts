import { unitsKey } from "../../../connectors/autotask/autotask-adjustments.client.ts";
import type { ActivityInput } from "../../../db/activity-log.repository.ts";
import type { ApprovalRecord } from "../../../db/posting-approval.repository.ts";
import type { Repositories } from "../../../db/repositories.ts";
import { formatDecimal } from "../../../domain/billing/money.ts";
import {
  attemptKey,
  decidePosting,
  effectiveDateOf,
  type PostableCandidate,
  type ReadBack,
} from "../../../domain/billing/posting.ts";
import { recordApprovalWaiting } from "../../alerts/alert-hooks.ts";
import { inUnitOfWork } from "../../unit-of-work.ts";
import { activityOf, hourOf, lineOf } from "./posting-lines.ts";
import type { EngineOptions, PostingCounts, PostingLine } from "./posting-types.ts";

export interface OneHelpers {
  next: string;
  reserve: (requests: number) => Promise<boolean>;
  log: (row: Omit<ActivityInput, "day" | "runId">) => Promise<string | null>;
  /**
   * Keeps an activity row of a decision that sent nothing to the PSA (same, failed before any
   * call) for the chunk's one write at its end: a crash loses only rows the next run writes again.
   */
  note: (row: Omit<ActivityInput, "day" | "runId">) => void;
  /** Writes an activity row within a unit of work already open (the answer's, below). */
  logIn: (repos: Repositories, row: Omit<ActivityInput, "day" | "runId">) => Promise<unknown>;
}

export type OneResult =
  | { action: "budget" }
  | { action: "done"; line: PostingLine; count: keyof PostingCounts; attemptId?: string };

/**
 * Decides and, in a post run, posts one contract service's difference, exactly once (rule 15): the
 * attempt is stored with its key before the call (only under this process's lease, and only when
 * no other attempt is pending), the answer after it; an answer that may have been lost is settled
 * by reading the units back, never by posting again.
 */
export async function postOne(
  options: EngineOptions,
  candidate: PostableCandidate,
  readBack: ReadBack | null,
  approval: ApprovalRecord | undefined,
  helpers: OneHelpers,
): Promise<OneResult> {
  const { ctx, mode } = options;
  const write = <T>(work: Parameters<typeof inUnitOfWork<T>>[2]) => inUnitOfWork(ctx, options.actor, work);
  const done = (line: PostingLine, count: keyof PostingCounts, attemptId?: string): OneResult => ({
    action: "done",
    line,
    count,
    ...(attemptId ? { attemptId } : {}),
  });
  if (readBack === null) {
    const reason = "the PSA's units for this contract service could not be read (its unit row is not usable)";
    helpers.note(activityOf(candidate, "failed", null, null, reason, null));
    return done(lineOf(candidate, "failed", null, candidate.desiredUnits, reason), "failed");
  }
  const decided =
    approval && (approval.state === "approved" || approval.state === "rejected")
      ? { state: approval.state, targetUnits: approval.targetUnits, unitsBefore: approval.unitsBefore }
      : null;
  const decision = decidePosting(candidate, readBack, {
    approvalSharePercent: options.config.approvalSharePercent,
    approval: decided,
  });
  switch (decision.kind) {
    case "same": {
      const reason = `nothing to post: the PSA already bills ${decision.unitsBefore}`;
      helpers.note(activityOf(candidate, "posted", decision.unitsBefore, decision.unitsBefore, reason, null));
      return done(lineOf(candidate, "same", decision.unitsBefore, decision.unitsBefore, reason), "same");
    }
    case "failed":
      helpers.note(
        activityOf(candidate, "failed", decision.unitsBefore, decision.unitsAfter, decision.reason, null),
      );
      return done(
        lineOf(candidate, "failed", decision.unitsBefore, candidate.desiredUnits, decision.reason),
        "failed",
      );
    case "held": {
      if (mode === "post" && decided?.state !== "rejected") {
        await write(async ({ repos }) => {
          const waiting = await repos.postingApprovals.open(
            candidate.contractServicePsaId,
            candidate.periodKey,
          );
          const approval = await repos.postingApprovals.hold(
            {
              moduleKey: candidate.moduleKey,
              billingType: candidate.billingType,
              organizationId: candidate.organizationId,
              organizationName: candidate.organizationName,
              contractPsaId: candidate.contractPsaId,
              contractServicePsaId: candidate.contractServicePsaId,
              servicePsaId: candidate.servicePsaId,
              serviceName: candidate.serviceName ?? candidate.servicePsaId,
              periodKey: candidate.periodKey,
              unitsBefore: decision.unitsBefore,
              targetUnits: decision.targetUnits,
              unitPrice: candidate.unitPrice === null ? null : formatDecimal(candidate.unitPrice),
              reason: decision.reason,
            },
            ctx.clock.now(),
          );
          // One event per newly opened approval, in its transaction (issue 14).
          if (approval.id !== waiting?.id) await recordApprovalWaiting(repos, approval, ctx.clock.now());
        });
      }
      await helpers.log(
        activityOf(candidate, "held", decision.unitsBefore, decision.targetUnits, decision.reason, null),
      );
      return done(
        lineOf(candidate, "held", decision.unitsBefore, decision.targetUnits, decision.reason),
        "held",
      );
    }
    case "post":
      break;
  }
  const { unitsBefore, targetUnits, unitChange } = decision;
  if (mode === "preview") return done(lineOf(candidate, "post", unitsBefore, targetUnits, null), "posted");
  if (!(await helpers.reserve(1))) return { action: "budget" };
  const attemptId = await write(({ repos }) =>
    repos.postingAttempts.open(
      {
        attemptKey: attemptKey(candidate.contractServicePsaId, candidate.periodKey, targetUnits),
        kind: "post",
        undoesAttemptId: null,
        moduleKey: candidate.moduleKey,
        billingType: candidate.billingType,
        organizationId: candidate.organizationId,
        contractPsaId: candidate.contractPsaId,
        contractServicePsaId: candidate.contractServicePsaId,
        servicePsaId: candidate.servicePsaId,
        periodKey: candidate.periodKey,
        unitsBefore,
        targetUnits,
        unitChange,
        effectiveDate: effectiveDateOf(candidate.periodKey),
        unitPrice: candidate.unitPrice === null ? null : formatDecimal(candidate.unitPrice),
        runId: options.runId,
      },
      options.owner,
      ctx.clock.now(),
    ),
  );
  if (attemptId === undefined) {
    // Another process claimed the lease, or another attempt is pending: whoever holds it settles it.
    const reason = "another process is posting for this contract service; the next run checks it";
    return done(lineOf(candidate, "failed", unitsBefore, targetUnits, reason), "busy");
  }
  const activity = (outcome: "posted" | "failed", reason: string | null) =>
    activityOf(
      candidate,
      outcome,
      unitsBefore,
      outcome === "posted" ? targetUnits : unitsBefore,
      reason,
      attemptId,
    );
  // The answer, the activity row and an approval's end are stored in one unit of work.
  const settled = await settleCreate(
    options,
    candidate,
    { attemptId, unitsBefore, targetUnits, unitChange },
    helpers,
    async (repos, outcome) => {
      await helpers.logIn(repos, activity(outcome.outcome, outcome.reason));
      if (outcome.outcome === "posted" && decided?.state === "approved" && approval) {
        await repos.postingApprovals.setState(approval.id, "posted", null, ctx.clock.now(), ["approved"]);
      }
    },
  );
  // The answer could not be stored (its read-back failed): the attempt stays pending, the row says so.
  if (!settled.closed) await helpers.log(activity(settled.outcome, settled.reason));
  const action = settled.outcome === "posted" ? "post" : "failed";
  const count = settled.outcome === "failed" ? "failed" : settled.byReadBack ? "postedByReadBack" : "posted";
  return done(lineOf(candidate, action, unitsBefore, targetUnits, settled.reason), count, attemptId);
}

export interface StoredAttempt {
  attemptId: string;
  unitsBefore: number;
  targetUnits: number;
  unitChange: number;
}

/**
 * Sends the create of a stored attempt and stores what became of it. Used by posting and undo.
 * A create whose answer may be lost is settled by one read-back of that contract service; when
 * even that fails, the attempt stays pending and the next run settles it the same way.
 */
export async function settleCreate(
  options: Pick<EngineOptions, "ctx" | "actor" | "psa">,
  target: Pick<PostableCandidate, "contractPsaId" | "contractServicePsaId" | "periodKey" | "unitPrice">,
  attempt: StoredAttempt,
  helpers: Pick<OneHelpers, "next">,
  /** Runs in the unit of work that stores the answer (the activity row: one commit, not two). */
  withAnswer?: (repos: Repositories, settled: Settled) => Promise<unknown>,
): Promise<Settled & { closed: boolean }> {
  const { ctx } = options;
  const close = async (
    state: "posted" | "failed" | "not_applied",
    answer: string,
    adjustmentId: string | null,
    confirmedBy: "answer" | "read_back" | null,
    settled: Settled,
  ) => {
    await inUnitOfWork(ctx, options.actor, async ({ repos }) => {
      await repos.postingAttempts.close(attempt.attemptId, {
        state,
        psaAdjustmentId: adjustmentId,
        psaAnswer: answer,
        confirmedBy,
        at: ctx.clock.now(),
      });
      await withAnswer?.(repos, settled);
    });
    return { ...settled, closed: true };
  };
  const answer = await options.psa.createAdjustment({
    contractPsaId: target.contractPsaId,
    contractServicePsaId: target.contractServicePsaId,
    unitChange: attempt.unitChange,
    effectiveDate: effectiveDateOf(target.periodKey),
    adjustedUnitPrice: target.unitPrice === null ? null : formatDecimal(target.unitPrice),
  });
  if (answer.kind === "created") {
    return close("posted", answer.answer, answer.adjustmentId, "answer", {
      outcome: "posted",
      reason: null,
      byReadBack: false,
    });
  }
  if (!answer.mayBeApplied) {
    return close("not_applied", answer.message, null, null, {
      outcome: "failed",
      reason: answer.message,
      byReadBack: false,
    });
  }
  const before = options.psa.requestCount();
  let units: number;
  try {
    const read = await options.psa.readUnits([target.contractServicePsaId], target.periodKey, helpers.next);
    units = read.units.get(unitsKey(target.contractServicePsaId, target.periodKey))?.units ?? 0;
  } catch {
    return {
      outcome: "failed",
      reason: `${answer.message}; the units could not be read back, so the next run reads them before posting again`,
      byReadBack: false,
      closed: false,
    };
  } finally {
    const spent = options.psa.requestCount() - before;
    await inUnitOfWork(ctx, options.actor, ({ repos }) =>
      repos.posting.addRequests(hourOf(ctx.clock.now()), spent),
    );
  }
  if (units === attempt.targetUnits) {
    return close(
      "posted",
      `${answer.message}; the units read back (${units}) show it applied`,
      null,
      "read_back",
      {
        outcome: "posted",
        reason: `the PSA's answer was lost (${answer.message}); the units read back show it applied`,
        byReadBack: true,
      },
    );
  }
  return close(units === attempt.unitsBefore ? "not_applied" : "failed", answer.message, null, "read_back", {
    outcome: "failed",
    reason: answer.message,
    byReadBack: false,
  });
}

export interface Settled {
  outcome: "posted" | "failed";
  reason: string | null;
  byReadBack: boolean;
}
