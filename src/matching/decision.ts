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
  /**
   * A module organization's name whose words are all in the organization's name, which says more
   * ("Philips Electronics" / "Koninklijke Philips Electronics"), is accepted from this score...
   */
  containedScore: 0.6,
  /** ...when it is this far ahead of the runner-up. */
  containedMargin: 0.3,
} as const;

/** How far two names agree word for word: all words, all words of one of them, or only some. */
export type NameExtent = "complete" | "contained" | "partial";

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
 * differs only by typos, "complete") a little lower but far ahead of any other, or (when one name holds
 * every word of the other, "contained") lower still but far ahead of any other.
 */
export function isConfident(best: number, runnerUp: number | undefined, extent: NameExtent): boolean {
  const margin = best - (runnerUp ?? 0);
  if (best >= DECISION.acceptScore && margin >= DECISION.acceptMargin) return true;
  if (extent === "complete") return best >= DECISION.dominantScore && margin >= DECISION.dominantMargin;
  if (extent === "contained") return best >= DECISION.containedScore && margin >= DECISION.containedMargin;
  return false;
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
