import type {
  AdjustmentAnswer,
  AdjustmentInput,
  UnitsRead,
} from "../../../connectors/autotask/autotask-adjustments.client.ts";
import type { AppContext } from "../../../context.ts";
import type { PostingConfig } from "../../../db/posting.repository.ts";
import type { Actor } from "../../../domain/actor.ts";
import type { PostingCandidate } from "../../../domain/billing/posting.ts";

/** The PSA as posting sees it (AutotaskAdjustmentsClient is the one implementation). */
export interface PostingPsa {
  readUnits(
    contractServicePsaIds: readonly string[],
    periodKey: string,
    nextPeriodKey: string,
  ): Promise<UnitsRead>;
  createAdjustment(input: AdjustmentInput): Promise<AdjustmentAnswer>;
  requestCount(): number;
}

/** Where a module's planner inputs come from (the reconciliation of the period, issue 9). */
export interface PostingSource {
  candidates(moduleKey: string, periodKey: string): Promise<PostingCandidate[]>;
}

export type PreviewAction = "post" | "held" | "failed" | "same";

/** One line of a preview, or of a run's result: what is (or would be) done for one contract service. */
export interface PostingLine {
  moduleKey: string;
  billingType: string;
  organizationId: string | null;
  organizationName: string;
  contractPsaId: string | null;
  contractServicePsaId: string | null;
  servicePsaId: string | null;
  serviceName: string | null;
  periodKey: string;
  action: PreviewAction;
  unitsBefore: number | null;
  unitsAfter: number | null;
  unitChange: number;
  /** Decimal strings: the unit price, and the change times the price (null when the price is unknown). */
  unitPrice: string | null;
  money: string | null;
  reason: string | null;
}

export interface PostingCounts {
  candidates: number;
  posted: number;
  postedByReadBack: number;
  held: number;
  failed: number;
  same: number;
  /** Contract services another process was posting: left for it (or the next run). */
  busy: number;
  /** Pending attempts of a stopped run that this run resolved by reading the units back. */
  resolved: number;
  /** Candidates not reached because the hourly budget ran out (the next run resumes). */
  notReached: number;
}

export const emptyCounts = (): PostingCounts => ({
  candidates: 0,
  posted: 0,
  postedByReadBack: 0,
  held: 0,
  failed: 0,
  same: 0,
  busy: 0,
  resolved: 0,
  notReached: 0,
});

export type PostingProgress = (done: number, total: number) => void;

export interface EngineOptions {
  ctx: Pick<AppContext, "db" | "clock" | "log">;
  actor: Actor;
  psa: PostingPsa;
  /** This process's name on its leases and attempts. */
  owner: string;
  /** How long a lease lasts without renewal; renewed every third of it while a chunk is worked. */
  leaseMs: number;
  /**
   * How long one create can be in flight at most (`createLimitMs` of the client) plus a margin: a
   * pending attempt of another process is settled by read-back only once it is older than this,
   * so a lease taken over from a stalled or killed process never races that process's call. 0:
   * settle at once (tests of a process known dead).
   */
  settleAfterMs: number;
  config: PostingConfig;
  timeZone: string;
  runId: string | null;
  /** preview: reads the PSA and says what would be done; writes nothing. */
  mode: "post" | "preview";
  onProgress?: PostingProgress;
}
