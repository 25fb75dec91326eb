import { unitsKey } from "../../../connectors/autotask/autotask-adjustments.client.ts";
import { ConnectorError } from "../../../connectors/connector.ts";
import type { ActivityInput } from "../../../db/activity-log.repository.ts";
import type { AttemptRecord } from "../../../db/posting-attempt.repository.ts";
import type { Repositories } from "../../../db/repositories.ts";
import { nextPeriod, parsePeriodKey } from "../../../domain/billing/period.ts";
import {
  decidePosting,
  isPostable,
  type PostableCandidate,
  type PostingCandidate,
  unpostableReason,
} from "../../../domain/billing/posting.ts";
import { inUnitOfWork } from "../../unit-of-work.ts";
import { activityOf, dayIn, hourOf, lineOf, mergeByContractService } from "./posting-lines.ts";
import { postOne } from "./posting-one.ts";
import {
  type EngineOptions,
  emptyCounts,
  type PostingCounts,
  type PostingLine,
  type PostingPsa,
} from "./posting-types.ts";

export type { EngineOptions };

export interface EngineResult {
  outcome: "completed" | "budget_reached" | "failed";
  counts: PostingCounts;
  lines: PostingLine[];
  error: string | null;
  requestCount: number;
}

/** Contract services per chunk: one lease claim, one read-back query, one approvals query. */
const CHUNK = 200;

/**
 * One posting run over a module's planner inputs for one period (rules 15–17). Unpostable rows
 * become failed activity rows; postable ones are taken CHUNK contract services at a time: claim
 * their leases (others are another process's), reserve and send one read-back, resolve what a
 * stopped run left pending by the units read back, then decide and post each, at most
 * `maxConcurrency` creates at a time, each reserved from the hourly budget first.
 */
export async function runPostingEngine(
  options: EngineOptions,
  moduleKey: string,
  periodKey: string,
  input: readonly PostingCandidate[],
): Promise<EngineResult> {
  const { ctx, mode } = options;
  const counts = emptyCounts();
  const lines: PostingLine[] = [];
  const day = dayIn(ctx.clock.now(), options.timeZone);
  const next = nextPeriod(parsePeriodKey(periodKey, options.timeZone)).key;
  const write = <T>(work: Parameters<typeof inUnitOfWork<T>>[2]) => inUnitOfWork(ctx, options.actor, work);
  const logIn = (repos: Repositories, row: Omit<ActivityInput, "day" | "runId">) =>
    repos.activityLog.record({ ...row, day, runId: options.runId }, ctx.clock.now());
  const log = async (row: Omit<ActivityInput, "day" | "runId">) => {
    if (mode === "preview") return null;
    return write(({ repos }) => logIn(repos, row));
  };
  // Rows of decisions that sent nothing to the PSA, written in one unit of work per chunk.
  let noted: Omit<ActivityInput, "day" | "runId">[] = [];
  const note = (row: Omit<ActivityInput, "day" | "runId">) => {
    if (mode === "post") noted.push(row);
  };
  const flush = async () => {
    if (noted.length === 0) return;
    const rows = noted;
    noted = [];
    await write(async ({ repos }) => {
      for (const row of rows) await logIn(repos, row);
    });
  };
  const candidates = input.filter((c) => c.moduleKey === moduleKey && c.periodKey === periodKey);
  counts.candidates = candidates.length;
  let done = 0;
  const progress = () => options.onProgress?.(done, candidates.length);

  for (const candidate of candidates.filter((c) => !isPostable(c))) {
    const reason = unpostableReason(candidate)!;
    lines.push(lineOf(candidate, "failed", candidate.desiredUnits, null, reason));
    note(activityOf(candidate, "failed", null, candidate.desiredUnits, reason, null));
    counts.failed += 1;
    done += 1;
  }
  await flush();
  progress();
  const postable = mergeByContractService(candidates.filter(isPostable));
  const spentAtStart = options.psa.requestCount();
  const reserveNow = async (requests: number) => {
    if (mode === "preview") return true;
    const hour = hourOf(ctx.clock.now());
    return write(({ repos }) =>
      repos.posting.reserveRequests(hour, requests, options.config.hourlyRequestBudget),
    );
  };
  // A chunk reserves its creates from the hourly budget in one statement when they fit (one
  // transaction instead of one per create); what it did not spend goes back at its end.
  let prepaid = 0;
  const reserve = async (requests: number) => {
    if (prepaid >= requests) {
      prepaid -= requests;
      return true;
    }
    return reserveNow(requests);
  };
  const refund = async () => {
    if (prepaid > 0 && mode === "post") {
      const unspent = prepaid;
      prepaid = 0;
      await write(({ repos }) => repos.posting.addRequests(hourOf(ctx.clock.now()), -unspent));
    }
  };
  const owner = options.owner;
  let outcome = "completed" as EngineResult["outcome"];
  let error: string | null = null;

  for (let index = 0; index < postable.length; index += CHUNK) {
    const chunk = postable.slice(index, index + CHUNK);
    const ids = chunk.map((c) => c.contractServicePsaId);
    const held =
      mode === "preview"
        ? ids
        : await write(({ repos }) => repos.postingAttempts.claimLeases(ids, owner, options.leaseMs));
    const mine = new Set(held);
    counts.busy += chunk.length - mine.size;
    const claimed = chunk.filter((c) => mine.has(c.contractServicePsaId));
    // The leases last while the chunk is worked, however long its calls take.
    const heartbeat =
      mode === "post" && held.length > 0
        ? setInterval(
            () =>
              void write(({ repos }) =>
                repos.postingAttempts.renewLeases(held, owner, options.leaseMs),
              ).catch((failure: unknown) => ctx.log.warn({ err: failure }, "posting lease renewal failed")),
            Math.max(50, Math.floor(options.leaseMs / 3)),
          )
        : undefined;
    try {
      if (claimed.length === 0) continue;
      if (!(await reserveNow(1))) {
        outcome = "budget_reached";
        counts.notReached += postable.length - index - (chunk.length - claimed.length);
        break;
      }
      const before = options.psa.requestCount();
      let read: Awaited<ReturnType<PostingPsa["readUnits"]>>;
      try {
        read = await options.psa.readUnits(held, periodKey, next);
      } catch (failure) {
        const message = failure instanceof ConnectorError ? failure.message : String(failure);
        error = `could not read the PSA's units back: ${message}`;
        for (const candidate of claimed) {
          lines.push(lineOf(candidate, "failed", null, candidate.desiredUnits, error));
          note(activityOf(candidate, "failed", null, null, error, null));
          counts.failed += 1;
        }
        outcome = "failed";
        break;
      } finally {
        const extra = options.psa.requestCount() - before - 1;
        if (mode === "post" && extra !== 0) {
          await write(({ repos }) => repos.posting.addRequests(hourOf(ctx.clock.now()), extra));
        }
      }
      const readBack = (c: PostableCandidate) => {
        if (read.unreadable.has(c.contractServicePsaId)) return null;
        return read.units.get(unitsKey(c.contractServicePsaId, periodKey)) ?? { units: 0, isInvoiced: false };
      };
      if (mode === "post") {
        const pending = await write(({ repos }) => repos.postingAttempts.pending(held, periodKey));
        const now = ctx.clock.now().getTime();
        for (const attempt of pending) {
          // Units that could not be read settle nothing: the attempt waits for a readable run.
          if (read.unreadable.has(attempt.contractServicePsaId)) continue;
          // Another process's create may still be in flight: its attempt waits until it cannot be
          // (the contract service is busy meanwhile: the partial unique index refuses a second attempt).
          if (attempt.owner !== owner && now - attempt.createdAt.getTime() < options.settleAfterMs) continue;
          await resolvePending(
            options,
            attempt,
            read.units.get(unitsKey(attempt.contractServicePsaId, periodKey)),
          );
          counts.resolved += 1;
        }
      }
      const approvals = await write(({ repos }) => repos.postingApprovals.latest(held, periodKey));
      if (mode === "post") {
        const creates = claimed.filter((c) => {
          const units = readBack(c);
          if (units === null) return false;
          const approval = approvals.get(c.contractServicePsaId);
          const decided =
            approval && (approval.state === "approved" || approval.state === "rejected")
              ? {
                  state: approval.state,
                  targetUnits: approval.targetUnits,
                  unitsBefore: approval.unitsBefore,
                }
              : null;
          const decision = decidePosting(c, units, {
            approvalSharePercent: options.config.approvalSharePercent,
            approval: decided,
          });
          return decision.kind === "post";
        }).length;
        if (creates > 0 && (await reserveNow(creates))) prepaid = creates;
      }
      const queue = [...claimed];
      const worker = async () => {
        for (let candidate = queue.shift(); candidate; candidate = queue.shift()) {
          if (outcome === "budget_reached") {
            counts.notReached += 1;
            continue;
          }
          const result = await postOne(
            options,
            candidate,
            readBack(candidate),
            approvals.get(candidate.contractServicePsaId),
            {
              next,
              reserve,
              log,
              note,
              logIn,
            },
          );
          if (result.action === "budget") {
            outcome = "budget_reached";
            counts.notReached += 1;
            continue;
          }
          lines.push(result.line);
          counts[result.count] += 1;
          done += 1;
          progress();
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.config.maxConcurrency) }, worker));
      if (outcome === "budget_reached") {
        counts.notReached += postable.length - index - chunk.length;
        break;
      }
    } finally {
      await flush();
      await refund();
      clearInterval(heartbeat);
      if (mode === "post") await write(({ repos }) => repos.postingAttempts.releaseLeases(held, owner));
    }
  }
  return { outcome, counts, lines, error, requestCount: options.psa.requestCount() - spentAtStart };
}

/**
 * Closes an attempt that a stopped run left pending, by the units read back (never by posting
 * again): the target reached means the PSA applied it; anything else means it did not, and the
 * difference is worked out again from the units read back.
 */
async function resolvePending(
  options: EngineOptions,
  attempt: AttemptRecord,
  readBack: { units: number } | undefined,
): Promise<void> {
  const units = readBack?.units ?? 0;
  const applied = units === attempt.targetUnits;
  const answer = applied
    ? `the answer was lost; the PSA's units read back (${units}) show the adjustment applied`
    : `the answer was lost; the PSA's units read back (${units}) show it was not applied`;
  await inUnitOfWork(options.ctx, options.actor, ({ repos }) =>
    repos.postingAttempts.close(attempt.id, {
      state: applied ? "posted" : "not_applied",
      psaAdjustmentId: null,
      psaAnswer: answer,
      confirmedBy: "read_back",
      at: options.ctx.clock.now(),
    }),
  );
}
