/** Thresholds that turn scores into decisions. One place, so the benchmark and the tests agree. */
export const DECISION = {
  /** A candidate below this is not plausible and is not proposed (see `proposalFloor`)... */
  minScore: 0.25,
  /** ...lowered at most to this share of it by words of the module organization's name that no name holds. */
  minScoreKnownShare: 0.5,
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
  /**
   * A name that shares a word written the same and is clearly ahead (see `isClearlyAhead`) is accepted
   * from this score when every word of one of the two names is paired...
   */
  aheadScore: 0.6,
  /** ...and from this score when both names keep a word the other lacks ("X Bay NP & Preserve" / "X Bay NP & NPRES"). */
  aheadPartialScore: 0.65,
  /** Every candidate closer than this to the best must pair only words the best pairs too... */
  aheadFarMargin: 0.3,
  /** ...and be at least this far behind it. */
  aheadMargin: 0.1,
  /**
   * A pair of words less alike than this (a word cut short: "Rec." / "Recreational", "Acad" / "Academy")
   * adds nothing towards this acceptance: the rest of the names must carry it, at the partial score.
   */
  aheadCutPair: 0.8,
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

/**
 * The score a candidate must reach to be proposed. Words of the module organization's name that no
 * known name holds ("N.V. Philips' Gloeilampenfabrieken te Eindhoven": the old name and the town) tell
 * nothing about which organization it is, yet weigh on every candidate's score alike: the floor is
 * lowered in proportion to the weight of the words names do hold (`knownShare`), at most by half, so
 * the organization sharing its one rare known word is still offered. Acceptance is not affected.
 */
export function proposalFloor(knownShare: number): number {
  return DECISION.minScore * Math.max(DECISION.minScoreKnownShare, Math.min(1, knownShare));
}

/** What `isClearlyAhead` reads of a candidate: its score and its strongest evidence's words. */
export interface WordEvidence {
  score: number;
  /** The module organization's words the candidate's name pairs; null when the evidence is no word-by-word comparison. */
  matched: ReadonlySet<string> | null;
  /** A word is written the same in both names (not only alike, sounding alike or spelled by initials). */
  anchored: boolean;
  /** The share of the name's agreement that comes from words cut short (pairs below `aheadCutPair`). */
  cutShare: number;
  /**
   * How the names' words relate: "complete" (every word paired), "contained" (every word of the module
   * organization's name is in the organization's), "adds" (the module organization's name adds words
   * to the whole organization's name: another entity of the group, never accepted this way), "partial"
   * (each keeps a word the other lacks).
   */
  extent: "complete" | "contained" | "adds" | "partial";
}

/**
 * Whether the best candidate is clearly ahead though below the other rules' scores: it shares a word
 * written the same, most of the names agree (`aheadScore`, `aheadPartialScore`, words cut short
 * aside), and every candidate that comes within `aheadFarMargin` of it is at least `aheadMargin` behind
 * and has no evidence of its own: it pairs only words of the module organization that the best pairs too ("Delaware Scenic River"
 * behind "Upper Delaware Scenic & Recreational River" for "Upper Delaware Scenic & Rec. River"). A
 * runner-up that pairs a word the best does not ("Capulin Volcano" behind "Sunset Crater" for "Sunset
 * Crater Volcano") is a reading of its own, and then only the far margin will do. `others` best first.
 */
export function isClearlyAhead(best: WordEvidence, others: Iterable<WordEvidence>): boolean {
  const matched = best.matched;
  if (matched === null || !best.anchored || best.extent === "adds") return false;
  // A word cut short ("Phil" for "Philharmonic") is evidence, never enough to accept: without it the
  // names must still agree, as much as names that each keep a word of their own.
  const isPartial = best.extent === "partial" || best.cutShare > 0;
  const floor = isPartial ? DECISION.aheadPartialScore : DECISION.aheadScore;
  if (best.score * (1 - best.cutShare) < floor - 1e-9) return false;
  for (const other of others) {
    const margin = best.score - other.score;
    if (margin >= DECISION.aheadFarMargin - 1e-9) break;
    if (margin < DECISION.aheadMargin - 1e-9 || other.matched === null) return false;
    for (const word of other.matched) if (!matched.has(word)) return false;
  }
  return true;
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
