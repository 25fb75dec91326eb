import type { ReconciliationState } from "./reconciliation.ts";

/**
 * Posting (rules 15–17): the pure decisions. Posting is desired-state: the PSA's units are read
 * back, and only the difference to the desired units is posted, as one ContractServiceAdjustment
 * (an integer unit change with an effective date). Nothing here talks to the PSA or the database.
 */

/**
 * One planner input: the desired units of one (contract, contract service, period), with what a
 * reconciliation row carries (organization, module, billing type). A row that cannot be posted
 * (unmapped usage, no service mapping, no contract, service not on the contract, stale source)
 * keeps its reconciliation state, and becomes a failed activity row with the reason in words.
 */
export interface PostingCandidate {
  moduleKey: string;
  billingType: string;
  /** Null: usage of an unmapped module organization. */
  organizationId: string | null;
  /** The organization's name (or the module organization's, when unmapped), for the log. */
  organizationName: string;
  state: ReconciliationState;
  periodKey: string;
  /** Desired units; null when unknown (never posted: unknown is not zero, rule 13). */
  desiredUnits: number | null;
  contractPsaId: string | null;
  contractServicePsaId: string | null;
  servicePsaId: string | null;
  serviceName: string | null;
  /** The contract service's unit price (ten-thousandths), null when unknown. */
  unitPrice: bigint | null;
}

/** A candidate that names a contract service: the only kind that can be posted. */
export interface PostableCandidate extends PostingCandidate {
  contractPsaId: string;
  contractServicePsaId: string;
  servicePsaId: string;
  desiredUnits: number;
}

export type Direction = "up" | "down" | "same";

/** What the PSA bills today for one contract service and period, read back before posting. */
export interface ReadBack {
  units: number;
  /** Set once the period was approved and posted (invoiced): never adjusted (rule 15). */
  isInvoiced: boolean;
}

export type PostingDecision =
  | { kind: "failed"; reason: string; unitsBefore: number | null; unitsAfter: number | null }
  | { kind: "same"; unitsBefore: number }
  | { kind: "held"; reason: string; unitsBefore: number; targetUnits: number; unitChange: number }
  | { kind: "post"; unitsBefore: number; targetUnits: number; unitChange: number };

/** The reason in words for a candidate whose reconciliation state cannot be posted; null if it can. */
export function unpostableReason(candidate: PostingCandidate): string | null {
  switch (candidate.state) {
    case "unmapped_usage":
      return "unmapped organization: the module organization is not mapped to an organization";
    case "no_service_mapping":
      return `billing type "${candidate.billingType}" has no service mapping`;
    case "no_contract":
      return "no recurring contract: the organization has no active recurring service contract in the period";
    case "service_not_on_contract":
      return `service not on the contract: ${candidate.serviceName ?? "the mapped service"} is not a service of the organization's contract`;
    case "stale_source":
      return "stale source: the module's usage could not be read, so nothing is posted (unknown is not zero)";
    default:
      break;
  }
  if (
    candidate.desiredUnits === null ||
    candidate.contractPsaId === null ||
    candidate.contractServicePsaId === null ||
    candidate.servicePsaId === null
  ) {
    return "the desired units or the contract service are unknown";
  }
  return null;
}

export function isPostable(candidate: PostingCandidate): candidate is PostableCandidate {
  return unpostableReason(candidate) === null;
}

/** Whether a decrease waits for an admin (rule 16): to zero, or by more than `sharePercent` of the units. */
export function needsApproval(unitsBefore: number, targetUnits: number, sharePercent: number): boolean {
  if (targetUnits >= unitsBefore) return false;
  if (targetUnits === 0) return true;
  // "More than the share": a decrease of exactly the share passes. Integers only, no float edge.
  return (unitsBefore - targetUnits) * 100 > sharePercent * unitsBefore;
}

export function directionOf(unitsBefore: number | null, unitsAfter: number | null): Direction {
  if (unitsBefore === null || unitsAfter === null || unitsBefore === unitsAfter) return "same";
  return unitsAfter > unitsBefore ? "up" : "down";
}

/**
 * The deterministic key of an attempt: the same (contract service, period, target units) always
 * gives the same key, so a stored attempt is recognised by whoever comes next.
 */
export function attemptKey(contractServicePsaId: string, periodKey: string, targetUnits: number): string {
  return `${contractServicePsaId}/${periodKey}/${targetUnits}`;
}

/** An approval already decided for this very change: approved (post it) or rejected (keep holding). */
export interface ApprovalDecision {
  state: "approved" | "rejected";
  targetUnits: number;
  unitsBefore: number;
}

/**
 * Decides one postable candidate against what the PSA bills now (read back). The order matters:
 * an invoiced period is never touched, then nothing to do, then held decreases, then a post.
 */
export function decidePosting(
  candidate: PostableCandidate,
  readBack: ReadBack,
  options: { approvalSharePercent: number; approval?: ApprovalDecision | null },
): PostingDecision {
  const unitsBefore = readBack.units;
  const targetUnits = candidate.desiredUnits;
  const unitChange = targetUnits - unitsBefore;
  if (unitChange === 0) return { kind: "same", unitsBefore };
  if (readBack.isInvoiced) {
    return {
      kind: "failed",
      reason: `period locked: ${candidate.periodKey} was approved and posted (invoiced) in the PSA, so it is never adjusted`,
      unitsBefore,
      unitsAfter: unitsBefore,
    };
  }
  if (needsApproval(unitsBefore, targetUnits, options.approvalSharePercent)) {
    const approval = options.approval;
    const sameChange =
      approval && approval.targetUnits === targetUnits && approval.unitsBefore === unitsBefore;
    if (sameChange && approval.state === "approved") {
      return { kind: "post", unitsBefore, targetUnits, unitChange };
    }
    const why =
      targetUnits === 0
        ? `a decrease to zero (from ${unitsBefore})`
        : `a decrease by more than ${options.approvalSharePercent}% (from ${unitsBefore} to ${targetUnits})`;
    const reason = sameChange ? `rejected by an admin: ${why}` : `waiting for an admin's approval: ${why}`;
    return { kind: "held", reason, unitsBefore, targetUnits, unitChange };
  }
  return { kind: "post", unitsBefore, targetUnits, unitChange };
}

/** The effective date of an adjustment for a period: its first day (the whole period bills the units). */
export function effectiveDateOf(periodKey: string): string {
  return `${periodKey}-01`;
}
