/** Thresholds that turn scores into decisions. One place, so the benchmark and the tests agree. */
export const DECISION = {
  /** A candidate below this is not plausible and is not proposed. */
  minScore: 0.25,
  /** The best candidate is accepted only from this score... */
  acceptScore: 0.9,
  /** ...and only this far ahead of the runner-up. */
  acceptMargin: 0.08,
  /** A clearly dominant candidate is accepted from this lower score (a typo in one word)... */
  dominantScore: 0.8,
  /** ...when it is this far ahead of the runner-up. */
  dominantMargin: 0.3,
} as const;

/** Evidence strengths, strongest first (product.md section 4). */
export const EVIDENCE = {
  /** The record carries the organization's PSA id. */
  psaId: 0.99,
  /** Multipliers of a name score, by where the known name comes from. */
  confirmed: 1,
  alias: 0.99,
  name: 0.98,
  /** The initials of one name are the other name. */
  acronym: 0.7,
  /** The parent module organization is mapped to the organization. */
  parent: 0.75,
  /** Share of the second-best kind of evidence that adds to the best. */
  support: 0.5,
} as const;

/**
 * Whether the best candidate is confident enough to accept: high and clearly ahead, or (when its name
 * differs only by typos, `isComplete`) a little lower but far ahead of any other.
 */
export function isConfident(best: number, runnerUp: number | undefined, isComplete: boolean): boolean {
  const margin = best - (runnerUp ?? 0);
  if (best >= DECISION.acceptScore && margin >= DECISION.acceptMargin) return true;
  return isComplete && best >= DECISION.dominantScore && margin >= DECISION.dominantMargin;
}

/** Combines evidence scores of different kinds: the best, plus a share of the second best. */
export function combineEvidence(scores: readonly number[]): number {
  let best = 0;
  let second = 0;
  for (const s of scores) {
    if (s > best) {
      second = best;
      best = s;
    } else if (s > second) second = s;
  }
  return Math.min(1, best + (1 - best) * EVIDENCE.support * second);
}
