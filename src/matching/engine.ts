import { acronymEvidence, leadingInitialsEvidence } from "./acronym.ts";
import {
  combineEvidence,
  DECISION,
  EVIDENCE,
  isClearlyAhead,
  isConfident,
  proposalFloor,
  type WordEvidence,
} from "./decision.ts";
import {
  addEvidence,
  type Evidence,
  type EvidenceByOrganization,
  matchedWords,
  reasonsOf,
} from "./evidence.ts";
import { explainNameMatch } from "./explain.ts";
import type { MatchIndex, NameDocument } from "./match-index.ts";
import { namesakeReason, withNamesakes } from "./namesakes.ts";
import { type NormalizedName, normalizeName } from "./normalize.ts";
import { compareNames } from "./scorer.ts";
import type { Candidate, MatchQuery, Suggestion, SuggestOptions } from "./types.ts";

export type { MatchIndex } from "./match-index.ts";
export { buildMatchIndex } from "./match-index.ts";
export type * from "./types.ts";

/** Documents read from one word's postings at most, and in all per query. */
const POSTINGS_BUDGET = 6000;
/** Words in more documents than this share (and COMMON_MIN) are skipped once rarer words found candidates. */
const COMMON_SHARE = 0.005;
const COMMON_MIN = 200;
/** Documents scored in full per query after the cheap ranking. */
const SHORTLIST = 10;
/** Documents added per query from the character-trigram source. */
const GRAM_CANDIDATES = 5;

/** Candidate documents: exact keys first, then rare words and their look-alikes and sound-alikes, ranked cheaply. */
export function candidateDocuments(
  index: MatchIndex,
  query: NormalizedName,
  weight: (token: string) => number,
): Set<number> {
  const found = new Set<number>();
  for (const slot of index.byKey.get(query.key) ?? []) found.add(slot);
  for (const slot of index.byCompact.get(query.compact) ?? []) found.add(slot);
  const { words } = index;
  // First the plan: which words' postings are read, how far and with what factor; then the reading.
  const plan: ReadPlan = { tokens: [], factors: [], counts: [] };
  let read = 0;
  const accumulate = (token: string, factor: number, budget: number): number => {
    const n = Math.min(words.documentFrequency(token), budget);
    plan.tokens.push(token);
    plan.factors.push(factor);
    plan.counts.push(n);
    read += n;
    return n;
  };
  const tokens = [...new Set(query.tokens)].sort(
    (a, b) => words.documentFrequency(a) - words.documentFrequency(b),
  );
  let budget = POSTINGS_BUDGET;
  // Once rare words have found candidates, common words ("Services") only refine their ranking.
  const commonLimit = Math.max(COMMON_MIN, words.size * COMMON_SHARE);
  let queryWeight = 0;
  for (const token of tokens) {
    queryWeight += weight(token);
    if (budget <= 0) break;
    const df = words.documentFrequency(token);
    if (df === 0) {
      // A word users confirmed as another spelling of known words ("acad" for "academy") finds their names.
      for (const word of index.learned.equivalentsOf(token)) budget -= accumulate(word, 0.95, budget);
      const similar = words.similarTokens(token, 3);
      for (const word of similar) budget -= accumulate(word.token, 0.9, budget);
      if (similar.length === 0) {
        // No typo of a known word: perhaps another spelling of one ("Filips" for "Philips").
        const sound = query.sounds[query.tokens.indexOf(token)] ?? "";
        for (const alike of words.soundAlikes(token, sound)) budget -= accumulate(alike, 0.9, budget);
      }
    } else if (read === 0 || (df <= budget && df <= commonLimit)) {
      budget -= accumulate(token, 1, budget);
    }
  }
  for (const slot of shortlistOf(index, plan, queryWeight, weight)) found.add(slot);
  // Names that share a rare stretch of letters but no whole word ("AxcanPharma", "Acad", "NLU"): only a
  // word no name holds can need them, so names of known words skip the cost (a third of a query's time).
  if (found.size === 0 || query.tokens.some((t) => words.documentFrequency(t) === 0))
    for (const slot of index.grams.nearest(query.wholeKey, GRAM_CANDIDATES)) found.add(slot);
  return found;
}

/** The postings a query reads: each word, the factor of its weight, and how many of its documents. */
interface ReadPlan {
  tokens: string[];
  factors: number[];
  counts: number[];
}

/**
 * The `SHORTLIST` documents that share the most weight with the query, best first: a pure function of
 * the plan, the query's weight and the index, so an index that has not changed since answers a plan it
 * has seen from its cache (many names read the same common word alone: "<unknown word> Dental Services").
 */
function shortlistOf(
  index: MatchIndex,
  plan: ReadPlan,
  queryWeight: number,
  weight: (token: string) => number,
): readonly number[] {
  if (plan.tokens.length === 0) return [];
  let key = String(queryWeight);
  for (let i = 0; i < plan.tokens.length; i++)
    key += `\u0000${plan.tokens[i]}\u0000${plan.factors[i]}\u0000${plan.counts[i]}`;
  const cached = index.shortlistCache.get(key, index.version);
  if (cached !== undefined) return cached;
  const { words, scratch, documentWeight } = index;
  const touched: number[] = [];
  for (let p = 0; p < plan.tokens.length; p++) {
    const token = plan.tokens[p] as string;
    const slots = words.slotsOf(token);
    const n = plan.counts[p] as number;
    const w = weight(token) * (plan.factors[p] as number);
    for (let i = 0; i < n; i++) {
      const slot = slots[i] as number;
      if (scratch[slot] === 0) touched.push(slot);
      scratch[slot] = (scratch[slot] as number) + w;
    }
  }
  const shortlist: Array<[number, number]> = [];
  for (const slot of touched) {
    const rough = (2 * (scratch[slot] as number)) / (queryWeight + (documentWeight[slot] as number));
    scratch[slot] = 0;
    if (shortlist.length < SHORTLIST) {
      shortlist.push([slot, rough]);
      if (shortlist.length === SHORTLIST) shortlist.sort((a, b) => b[1] - a[1]);
    } else if (rough > (shortlist[SHORTLIST - 1] as [number, number])[1]) {
      let at = SHORTLIST - 1;
      while (at > 0 && (shortlist[at - 1] as [number, number])[1] < rough) {
        shortlist[at] = shortlist[at - 1] as [number, number];
        at--;
      }
      shortlist[at] = [slot, rough];
    }
  }
  const slots = shortlist.map(([slot]) => slot);
  index.shortlistCache.set(key, index.version, slots);
  return slots;
}

function isRareFor(index: MatchIndex): (token: string) => boolean {
  const limit = Math.max(3, index.words.size * 0.002);
  return (token) => index.words.documentFrequency(token) <= limit;
}

function nameEvidence(
  index: MatchIndex,
  query: MatchQuery,
  norm: NormalizedName,
  doc: NameDocument,
  weight: (token: string) => number,
): Evidence | null {
  if (
    doc.confirmed !== undefined &&
    query.moduleKey !== undefined &&
    doc.confirmed.moduleKey === query.moduleKey &&
    doc.confirmed.moduleOrganizationId === query.id
  ) {
    return null; // its own mapping is no evidence for itself
  }
  const match = compareNames(norm, doc.norm, weight, index.learned.size > 0 ? index.learned.has : undefined);
  if (match.score <= 0) return null;
  const explained = () => {
    const reasons = explainNameMatch(norm, doc.norm, match, isRareFor(index));
    return doc.source !== "name" && reasons[0] === "same name" ? reasons.slice(1) : reasons;
  };
  const { isComplete } = match;
  // Only a module organization's name that drops words is trusted this way: one that adds words
  // ("Willis Group Holdings" for "Willis Group") may name another entity of the group.
  const isContained = match.contained === "query";
  const words = { pairs: match.pairs, addsWords: match.contained === "target" };
  if (doc.source === "name")
    return {
      kind: "name",
      score: match.score * EVIDENCE.name,
      reasons: explained,
      isComplete,
      isContained,
      ...words,
    };
  const organizationName = index.organizations.get(doc.organizationId)?.name ?? doc.organizationId;
  if (doc.source === "alias") {
    const head = `matches the confirmed alias '${doc.norm.raw}' of ${organizationName}`;
    const reasons = () => [head, ...explained()];
    return { kind: "alias", score: match.score * EVIDENCE.alias, reasons, isComplete, isContained, ...words };
  }
  const mapping = doc.confirmed;
  const moduleLabel = mapping?.moduleName ?? mapping?.moduleKey ?? "another module";
  const head = `${moduleLabel}'s '${doc.norm.raw}' is already mapped to ${organizationName}`;
  const reasons = () => [head, ...explained()];
  return {
    kind: "confirmed",
    score: match.score * EVIDENCE.confirmed,
    reasons,
    isComplete,
    isContained,
    ...words,
  };
}

/**
 * Proposes the organizations a module organization most likely belongs to, best first, with a score
 * in [0, 1], an `accept` flag on the best one when it is confident, and reasons in words.
 * Dead and Cancelation organizations and rejected organizations are never proposed.
 */
export function suggest(index: MatchIndex, query: MatchQuery, options: SuggestOptions = {}): Candidate[] {
  const top = options.top ?? 3;
  const rejected = new Set(options.rejectedOrganizationIds ?? []);
  const norm = normalizeName(query.name);
  const all: EvidenceByOrganization = new Map();
  const weights = new Map<string, number>();
  const weight = (token: string): number => {
    let w = weights.get(token);
    if (w === undefined) {
      w = index.words.weight(token);
      weights.set(token, w);
    }
    return w;
  };
  if (query.psaId !== undefined && query.psaId !== null && query.psaId !== "") {
    for (const organizationId of index.byPsaId.get(query.psaId) ?? []) {
      const who = query.moduleName ?? "the module";
      const reason = `${who} record carries Autotask id ${query.psaId}`;
      addEvidence(all, organizationId, {
        kind: "psaId",
        score: EVIDENCE.psaId,
        reasons: () => [reason],
        isComplete: true,
      });
    }
  }
  for (const slot of candidateDocuments(index, norm, weight)) {
    const doc = index.documents[slot];
    if (doc === undefined) continue;
    const evidence = nameEvidence(index, query, norm, doc, weight);
    if (evidence !== null) addEvidence(all, doc.organizationId, evidence);
  }
  acronymEvidence(index, norm, all);
  leadingInitialsEvidence(index, norm, all, weight);
  if (query.parentOrganizationId !== undefined && query.parentOrganizationId !== null) {
    const parent = index.organizations.get(query.parentOrganizationId);
    const reason = `its parent is mapped to ${parent?.name ?? query.parentOrganizationId}`;
    addEvidence(all, query.parentOrganizationId, {
      kind: "parent",
      score: EVIDENCE.parent,
      reasons: () => [reason],
      isComplete: false,
    });
  }
  let queryWeight = 0;
  let knownWeight = 0;
  for (const token of norm.tokens) {
    queryWeight += weight(token);
    if (index.words.documentFrequency(token) > 0) knownWeight += weight(token);
  }
  const floor = proposalFloor(queryWeight === 0 ? 1 : knownWeight / queryWeight);
  const scored: Array<{ organizationId: string; score: number; evidences: Evidence[] }> = [];
  for (const [organizationId, evidences] of all) {
    const organization = index.organizations.get(organizationId);
    if (organization === undefined || !organization.isMappable || rejected.has(organizationId)) continue;
    const score = combineEvidence(evidences.map((e) => e.score));
    if (score < floor) continue;
    evidences.sort((a, b) => b.score - a.score);
    scored.push({ organizationId, score: Math.round(score * 1000) / 1000, evidences });
  }
  scored.sort((a, b) => b.score - a.score || a.organizationId.localeCompare(b.organizationId));
  const best = scored[0];
  const strongest = best?.evidences[0];
  const extent =
    strongest?.isComplete === true ? "complete" : strongest?.isContained === true ? "contained" : "partial";
  const isAccepted =
    best !== undefined &&
    (isConfident(best.score, scored[1]?.score, extent) ||
      isClearlyAhead(wordEvidence(best), runnerUps(scored)));
  return withNamesakes(index, scored, top).map(({ organizationId, score, evidences }, rank, all) => ({
    organizationId,
    score,
    accept: rank === 0 && isAccepted,
    reasons: [...reasonsOf(evidences), ...namesakeReason(index, organizationId, all)],
  }));
}

/** A scored candidate as the "clearly ahead" rule reads it (its strongest evidence's words). */
function wordEvidence(candidate: { score: number; evidences: Evidence[] }): WordEvidence {
  const strongest = candidate.evidences[0];
  const pairs = strongest?.pairs ?? [];
  let shared = 0;
  let cut = 0;
  for (const pair of pairs) {
    shared += pair.weight * pair.similarity;
    if (pair.similarity < DECISION.aheadCutPair) cut += pair.weight * pair.similarity;
  }
  return {
    score: candidate.score,
    matched: matchedWords(strongest),
    anchored: pairs.some((p) => p.kind === "same"),
    cutShare: shared === 0 ? 0 : cut / shared,
    extent:
      strongest?.isComplete === true
        ? "complete"
        : strongest?.isContained === true
          ? "contained"
          : strongest?.addsWords === true
            ? "adds"
            : "partial",
  };
}

/** The runner-ups that come within the far margin of the best, best first (lazily, usually one or two). */
function* runnerUps(
  scored: ReadonlyArray<{ score: number; evidences: Evidence[] }>,
): Generator<WordEvidence> {
  const best = scored[0]?.score ?? 0;
  for (let i = 1; i < scored.length; i++) {
    const candidate = scored[i] as { score: number; evidences: Evidence[] };
    if (best - candidate.score >= DECISION.aheadFarMargin) return;
    yield wordEvidence(candidate);
  }
}

/** Options of {@link suggestAll}: rejected organizations per module organization id. */
export interface SuggestAllOptions {
  top?: number;
  rejected?: ReadonlyMap<string, Iterable<string>>;
}

/** {@link suggest} for many module organizations; those without a plausible candidate are left out. */
export function suggestAll(
  index: MatchIndex,
  queries: Iterable<MatchQuery>,
  options: SuggestAllOptions = {},
): Suggestion[] {
  const out: Suggestion[] = [];
  for (const query of queries) {
    const rejectedOrganizationIds = options.rejected?.get(query.id);
    const candidates = suggest(index, query, {
      ...(options.top !== undefined ? { top: options.top } : {}),
      ...(rejectedOrganizationIds !== undefined ? { rejectedOrganizationIds } : {}),
    });
    if (candidates.length > 0) out.push({ moduleOrganizationId: query.id, candidates });
  }
  return out;
}
export { withNamesakes } from "./namesakes.ts";
