import type { NormalizedName } from "./normalize.ts";
import { soundKey } from "./phonetic.ts";
import { splitLike } from "./resegment.ts";
import { type Equivalent, editDistanceWithin, softDice, type TokenPair, typoBudget } from "./similarity.ts";

/** How the sites of two names relate. */
export type SiteRelation = "none" | "same" | "query-only" | "target-only" | "different";

/** How the legal forms of two names relate. */
export type LegalRelation = "same" | "one-side" | "different";

/** The result of comparing a module organization's name with one known name of an organization. */
export interface NameMatch {
  score: number;
  /** exact: same words once normalized; compact: same letters apart from spaces; reordered: same words in another order; similar: overlap. */
  kind: "exact" | "compact" | "reordered" | "similar" | "spelling";
  site: SiteRelation;
  legal: LegalRelation;
  /** Every word on both sides found its counterpart, with at least one exact or same-sounding word (only typos differ). */
  isComplete: boolean;
  /**
   * Every word of one name found its counterpart in the other, which has more words ("Philips
   * Electronics" in "Koninklijke Philips Electronics"): "query" when the module organization's name is
   * the shorter one, "target" when the organization's is; null otherwise or when complete.
   */
  contained: "query" | "target" | null;
  /** Soft Dice of the words (1 for the exact kinds). */
  similarity: number;
  pairs: TokenPair[];
}

const SITE_PENALTY: Readonly<Record<SiteRelation, number>> = {
  none: 0,
  same: 0,
  "query-only": 0.03,
  "target-only": 0.06,
  different: 0.2,
};

const LEGAL_PENALTY: Readonly<Record<LegalRelation, number>> = { same: 0, "one-side": 0.01, different: 0.03 };

/** Letters from which one letter off, spaces aside, still reads as the same name ("Hoffmann-La Roche" / "Hoffman-LaRoche"). */
const LONG_SPELLING = 12;

/** Ceiling of a name matched through a site word it holds: a proposal below acceptance. */
const SITE_WORD_CEILING = 0.9;

/** Ceiling of a name that only resembles another: an exact normalized match always ranks above it. */
const SIMILAR_CEILING = 0.95;

function siteRelation(query: NormalizedName, target: NormalizedName): SiteRelation {
  if (query.site === null) return target.site === null ? "none" : "target-only";
  if (target.site === null) return "query-only";
  return query.siteKey === target.siteKey ? "same" : "different";
}

/** The same kinds of legal form on both sides, on one side only, or different ones (by `legalKey`). */
function legalRelation(query: NormalizedName, target: NormalizedName): LegalRelation {
  const a = query.legalKey;
  const b = target.legalKey;
  if (a === b) return "same";
  if (a === "" || b === "") return "one-side";
  return "different";
}

/**
 * Scores how well `query` names the same company as `target`: 1 for the same name, a little less
 * when a legal form or a site differs, and an IDF-weighted word overlap otherwise.
 */
export function compareNames(
  query: NormalizedName,
  target: NormalizedName,
  weight: (token: string) => number,
  /** Words users confirmed as the same in this instance ("acad" / "academy"). */
  equivalent?: Equivalent,
): NameMatch {
  const site = siteRelation(query, target);
  const legal = legalRelation(query, target);
  if (query.key !== target.key && query.wholeKey === target.wholeKey) {
    const score = 1 - LEGAL_PENALTY[legal];
    return {
      score,
      kind: "exact",
      site: "none",
      legal,
      isComplete: true,
      contained: null,
      similarity: 1,
      pairs: [],
    };
  }
  const exactKind =
    query.key === target.key
      ? "exact"
      : query.compact === target.compact
        ? "compact"
        : query.sortedKey === target.sortedKey
          ? "reordered"
          : null;
  if (exactKind !== null) {
    const base = exactKind === "exact" ? 1 : exactKind === "compact" ? 0.98 : 0.97;
    const score = base - SITE_PENALTY[site] - LEGAL_PENALTY[legal];
    return {
      score,
      kind: exactKind,
      site,
      legal,
      isComplete: true,
      contained: null,
      similarity: 1,
      pairs: [],
    };
  }
  // A word one name runs together is split the way the other writes it ("DePriest" / "De Priest").
  const q = splitLike(query, target);
  const t = splitLike(target, q);
  let dice = softDice(q.tokens, t.tokens, weight, q.sounds, t.sounds, equivalent);
  let effectiveSite = site;
  if (query.siteTokens.length > 0 || target.siteTokens.length > 0) {
    // A suffix read as a site may belong to the name ("Smith - Jones Law"): try the whole names too.
    const whole = softDice(
      query.wholeTokens,
      target.wholeTokens,
      weight,
      query.wholeSounds,
      target.wholeSounds,
      equivalent,
    );
    if (whole.score > dice.score) {
      dice = whole;
      effectiveSite = "none";
    }
  }
  let siteCap = 1;
  if (target.siteTokens.length > 0 && query.siteTokens.length === 0) {
    // A site word the module name holds tells a chain's sites apart ("YMCA of X Garfield" / "YMCA of X -
    // Garfield Head Start Center"); the site's other words say nothing against it. Ranks, never accepts.
    const queryWords = new Set(query.tokens);
    const shared = target.siteTokens.filter((w) => queryWords.has(w));
    if (shared.length > 0) {
      const bySite = softDice(query.tokens, [...target.tokens, ...shared], weight, query.sounds, [
        ...target.sounds,
        ...shared.map(soundKey),
      ]);
      if (Math.min(bySite.score, SITE_WORD_CEILING) > dice.score) {
        dice = bySite;
        siteCap = SITE_WORD_CEILING;
        effectiveSite = "none";
      }
    }
  }
  let similarity = Math.min(dice.score, siteCap);
  let kind: NameMatch["kind"] = "similar";
  let oneLetterOff = false;
  const budget = typoBudget(Math.min(query.compact.length, target.compact.length) - 3);
  if (similarity < 0.9 && budget > 0) {
    // Joined or split words plus a typo ("Hoffmann-La Roche" / "Hoffman-LaRoche"): compare letter by letter.
    const distance = editDistanceWithin(query.compact, target.compact, budget);
    if (distance <= budget) {
      similarity = distance === 1 ? 0.9 : 0.85;
      kind = "spelling";
      oneLetterOff = distance === 1 && Math.min(query.compact.length, target.compact.length) >= LONG_SPELLING;
    }
  }
  const anchored = dice.pairs.some((p) => p.kind === "same" || p.kind === "sound");
  const queryPaired = dice.queryPaired;
  const targetPaired = dice.targetPaired;
  // When the sites were read as part of the names, their words count too.
  const usedWhole = effectiveSite !== site;
  const queryWords = usedWhole ? query.tokens.length + query.siteTokens.length : q.tokens.length;
  const targetWords = usedWhole ? target.tokens.length + target.siteTokens.length : t.tokens.length;
  const isComplete =
    oneLetterOff ||
    (kind === "similar" && anchored && queryPaired === queryWords && targetPaired === targetWords);
  // Containment is already a leap: it needs a word written the same, not only one that sounds the same.
  const contained =
    kind !== "similar" || isComplete || !dice.pairs.some((p) => p.kind === "same")
      ? null
      : queryPaired === queryWords
        ? "query"
        : targetPaired === targetWords
          ? "target"
          : null;
  const score = Math.max(0, SIMILAR_CEILING * similarity - SITE_PENALTY[effectiveSite] / 2);
  return { score, kind, site: effectiveSite, legal, isComplete, contained, similarity, pairs: dice.pairs };
}
