import type { ActivityInput } from "../../../db/activity-log.repository.ts";
import { formatDecimal, multiplyUnits } from "../../../domain/billing/money.ts";
import {
  directionOf,
  type PostableCandidate,
  type PostingCandidate,
} from "../../../domain/billing/posting.ts";
import { wallTimeAt } from "../../../domain/billing/zoned-time.ts";
import type { PostingLine, PreviewAction } from "./posting-types.ts";

/** The hour an instant falls in: the hourly request budget's key. */
export const hourOf = (at: Date) => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

/** The calendar day of an instant in the instance's time zone ("YYYY-MM-DD"): the activity log's day. */
export function dayIn(at: Date, timeZone: string): string {
  const wall = wallTimeAt(at.getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

const price = (candidate: PostingCandidate) =>
  candidate.unitPrice === null ? null : formatDecimal(candidate.unitPrice);

/** A preview or result line: what is (or would be) done, with the money of the change. */
export function lineOf(
  candidate: PostingCandidate,
  action: PreviewAction,
  unitsBefore: number | null,
  unitsAfter: number | null,
  reason: string | null,
): PostingLine {
  const unitChange = unitsBefore !== null && unitsAfter !== null ? unitsAfter - unitsBefore : 0;
  return {
    moduleKey: candidate.moduleKey,
    billingType: candidate.billingType,
    organizationId: candidate.organizationId,
    organizationName: candidate.organizationName,
    contractPsaId: candidate.contractPsaId,
    contractServicePsaId: candidate.contractServicePsaId,
    servicePsaId: candidate.servicePsaId,
    serviceName: candidate.serviceName,
    periodKey: candidate.periodKey,
    action,
    unitsBefore,
    unitsAfter,
    unitChange,
    unitPrice: price(candidate),
    money:
      candidate.unitPrice === null ? null : formatDecimal(multiplyUnits(unitChange, candidate.unitPrice)),
    reason,
  };
}

/** The activity row of one candidate (rule 17). */
export function activityOf(
  candidate: PostingCandidate,
  outcome: ActivityInput["outcome"],
  unitsBefore: number | null,
  unitsAfter: number | null,
  reason: string | null,
  attemptId: string | null,
): Omit<ActivityInput, "day" | "runId"> {
  return {
    moduleKey: candidate.moduleKey,
    billingType: candidate.billingType,
    organizationId: candidate.organizationId,
    organizationName: candidate.organizationName,
    contractPsaId: candidate.contractPsaId,
    contractServicePsaId: candidate.contractServicePsaId,
    servicePsaId: candidate.servicePsaId,
    serviceName: candidate.serviceName,
    periodKey: candidate.periodKey,
    direction: directionOf(unitsBefore, unitsAfter),
    unitsBefore,
    unitsAfter,
    unitPrice: price(candidate),
    outcome,
    reason,
    attemptId,
  };
}

/**
 * One candidate per contract service: two billing types of a module mapped to the same service
 * (devices.desktop and devices.laptop both "Managed Workstation") bill one contract service, so
 * their desired units add up and one difference is posted.
 */
export function mergeByContractService(candidates: readonly PostableCandidate[]): PostableCandidate[] {
  const byService = new Map<string, PostableCandidate>();
  for (const candidate of candidates) {
    const key = candidate.contractServicePsaId;
    const seen = byService.get(key);
    if (!seen) {
      byService.set(key, { ...candidate });
      continue;
    }
    seen.desiredUnits += candidate.desiredUnits;
    if (!seen.billingType.split("+").includes(candidate.billingType)) {
      seen.billingType = `${seen.billingType}+${candidate.billingType}`;
    }
  }
  return [...byService.values()];
}
