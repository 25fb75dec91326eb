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
import {
  CANDIDATE_POSTINGS,
  type IndexedOrganization,
  type MatchIndex,
  type NameDocument,
} from "./match-index.ts";
import { namesakeReasons, withNamesakes } from "./namesakes.ts";
import { type NormalizedName, normalizeName } from "./normalize.ts";
import { compareNames } from "./scorer.ts";
import type { Candidate, MatchQuery, Suggestion, SuggestOptions } from "./types.ts";

export type { MatchIndex } from "./match-index.ts";
export { buildMatchIndex } from "./match-index.ts";
export type * from "./types.ts";

/** Documents read from one word's postings at most, and in all per query. */
const POSTINGS_BUDGET = CANDIDATE_POSTINGS;
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
  /** Postings from which a list read whole is read lightest documents first (tests compare with none). */
  longList = LONG_LIST,
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
  // Each word's document frequency looked up once (the sort compares each word several times).
  const frequency = new Map<string, number>();
  for (const token of query.tokens)
    if (!frequency.has(token)) frequency.set(token, words.documentFrequency(token));
  const df = (token: string): number => frequency.get(token) as number;
  const tokens = [...frequency.keys()].sort((a, b) => df(a) - df(b));
  let budget = POSTINGS_BUDGET;
  // Once rare words have found candidates, common words ("Services") only refine their ranking.
  const commonLimit = Math.max(COMMON_MIN, words.size * COMMON_SHARE);
  let queryWeight = 0;
  for (const token of tokens) {
    queryWeight += weight(token);
    if (budget <= 0) break;
    const frequencyOf = df(token);
    if (frequencyOf === 0) {
      // A word users confirmed as another spelling of known words ("acad" for "academy") finds their names.
      for (const word of index.learned.equivalentsOf(token)) budget -= accumulate(word, 0.95, budget);
      const similar = words.similarTokens(token, 3);
      for (const word of similar) budget -= accumulate(word.token, 0.9, budget);
      if (similar.length === 0) {
        // No typo of a known word: perhaps another spelling of one ("Filips" for "Philips").
        const sound = query.sounds[query.tokens.indexOf(token)] ?? "";
        for (const alike of words.soundAlikes(token, sound)) budget -= accumulate(alike, 0.9, budget);
      }
    } else if (read === 0 || (frequencyOf <= budget && frequencyOf <= commonLimit)) {
      budget -= accumulate(token, 1, budget);
    }
  }
  for (const slot of shortlistOf(index, plan, queryWeight, weight, longList)) found.add(slot);
  // Names that share a rare stretch of letters but no whole word ("AxcanPharma", "Acad", "NLU"): only a
  // word no name holds can need them, so names of known words skip the cost (a third of a query's time).
  if (found.size === 0 || query.tokens.some((t) => df(t) === 0))
    for (const slot of index.grams.nearest(query.wholeKey, GRAM_CANDIDATES)) found.add(slot);
  return found;
}

/** The postings a query reads: each word, the factor of its weight, and how many of its documents. */
interface ReadPlan {
  tokens: string[];
  factors: number[];
  counts: number[];
}

/** A list read whole from this many postings is read from its lightest documents only (see `shortlistOf`). */
const LONG_LIST = 400;

/**
 * The `SHORTLIST` documents that share the most weight with the query (`rough`, best first; among equals
 * the one read first), from the postings the plan reads.
 */
function shortlistOf(
  index: MatchIndex,
  plan: ReadPlan,
  queryWeight: number,
  weight: (token: string) => number,
  longList: number,
): number[] {
  const m = plan.tokens.length;
  if (m === 0) return [];
  // (A shortlist of fewer than SHORTLIST read documents keeps the order read: no long list then.)
  const from = Math.max(longList, SHORTLIST);
  let long = -1;
  for (let p = 0; p < m; p++) {
    if ((plan.counts[p] as number) < from) continue;
    long = long === -1 ? p : -2;
  }
  if (long >= 0 && plan.counts[long] === index.words.documentFrequency(plan.tokens[long] as string))
    return shortlistAroundLongList(index, plan, queryWeight, weight, long);
  const { words, cells } = index;
  const touched = index.touched;
  let count = 0;
  for (let p = 0; p < m; p++) {
    const token = plan.tokens[p] as string;
    const slots = words.slotsOf(token);
    const n = plan.counts[p] as number;
    const w = weight(token) * (plan.factors[p] as number);
    for (let i = 0; i < n; i++) {
      const slot = slots[i] as number;
      if (cells[2 * slot] === 0) touched[count++] = slot;
      cells[2 * slot] = (cells[2 * slot] as number) + w;
    }
  }
  const shortlist: Array<[number, number]> = [];
  for (let k = 0; k < count; k++) {
    const slot = touched[k] as number;
    const rough = (2 * (cells[2 * slot] as number)) / (queryWeight + (cells[2 * slot + 1] as number));
    cells[2 * slot] = 0;
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
  return shortlist.map(([slot]) => slot);
}

/**
 * {@link shortlistOf} when the plan reads one long list whole (the look-alike of a common word,
 * "Manaegment" for "Management", read before the rare words): the same shortlist without touching every
 * posting of it. A document only in the long list shares its weight alone, so its `rough` falls as its
 * own weight grows: those are read from the list's documents ordered by weight, lightest first, only as
 * far as they can still enter the shortlist. The documents of the other lists are scored in full (with
 * the long list's weight when they are in it, added in the plan's order). The shortlist is the best
 * `SHORTLIST` by `rough`, among equals the one read first, as the streaming selection of
 * {@link shortlistOf} keeps them.
 */
function shortlistAroundLongList(
  index: MatchIndex,
  plan: ReadPlan,
  queryWeight: number,
  weight: (token: string) => number,
  long: number,
): number[] {
  const { words, cells } = index;
  const m = plan.tokens.length;
  const longToken = plan.tokens[long] as string;
  const { byWeight, position } = lightestFirst(index, longToken);
  let longOffset = 0;
  for (let p = 0; p < long; p++) longOffset += plan.counts[p] as number;
  // The other lists' documents, in the order first read, and where each was first read.
  const touched: number[] = [];
  const firstRead: number[] = [];
  let offset = 0;
  for (let p = 0; p < m; p++) {
    const n = plan.counts[p] as number;
    if (p !== long) {
      const slots = words.slotsOf(plan.tokens[p] as string);
      for (let i = 0; i < n; i++) {
        const slot = slots[i] as number;
        if (cells[2 * slot] !== 0) continue;
        cells[2 * slot] = 1;
        touched.push(slot);
        const inLong = position.get(slot);
        firstRead.push(inLong === undefined ? offset + i : Math.min(offset + i, longOffset + inLong));
      }
    }
    offset += n;
  }
  for (const slot of touched) cells[2 * slot] = 0;
  // Their shared weight, added in the plan's order as a full read adds it.
  for (let p = 0; p < m; p++) {
    const token = plan.tokens[p] as string;
    const w = weight(token) * (plan.factors[p] as number);
    if (p === long) {
      for (const slot of touched) if (position.has(slot)) cells[2 * slot] = (cells[2 * slot] as number) + w;
      continue;
    }
    const slots = words.slotsOf(token);
    const n = plan.counts[p] as number;
    for (let i = 0; i < n; i++) {
      const slot = slots[i] as number;
      cells[2 * slot] = (cells[2 * slot] as number) + w;
    }
  }
  const pool: Array<[number, number, number]> = [];
  // Documents only in the long list, lightest first, while they can still enter the shortlist.
  const longWeight = weight(longToken) * (plan.factors[long] as number);
  let alone = 0;
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < byWeight.length; i++) {
    const slot = byWeight[i] as number;
    if (cells[2 * slot] !== 0) continue; // also in another list: scored with it
    const rough = (2 * longWeight) / (queryWeight + (cells[2 * slot + 1] as number));
    if (alone >= SHORTLIST && rough < last) break;
    pool.push([slot, rough, longOffset + (position.get(slot) as number)]);
    alone++;
    last = rough;
  }
  for (let k = 0; k < touched.length; k++) {
    const slot = touched[k] as number;
    const rough = (2 * (cells[2 * slot] as number)) / (queryWeight + (cells[2 * slot + 1] as number));
    cells[2 * slot] = 0;
    pool.push([slot, rough, firstRead[k] as number]);
  }
  pool.sort((a, b) => b[1] - a[1] || a[2] - b[2]);
  const out: number[] = [];
  for (let k = 0; k < pool.length && k < SHORTLIST; k++) out.push((pool[k] as [number, number, number])[0]);
  return out;
}

/** A word's documents ordered by their weight, lightest first (then as listed), and each one's place in its list. */
interface LightestFirst {
  byWeight: Int32Array;
  position: Map<number, number>;
}

function lightestFirst(index: MatchIndex, token: string): LightestFirst {
  const cached = index.lightestFirstCache.get(token, index.version);
  if (cached !== undefined) return cached;
  const slots = index.words.slotsOf(token);
  const { cells } = index;
  const order = Array.from(slots, (_, i) => i);
  order.sort(
    (a, b) =>
      (cells[2 * (slots[a] as number) + 1] as number) - (cells[2 * (slots[b] as number) + 1] as number) ||
      a - b,
  );
  const byWeight = Int32Array.from(order, (i) => slots[i] as number);
  const position = new Map<number, number>();
  for (let i = 0; i < slots.length; i++) position.set(slots[i] as number, i);
  const value = { byWeight, position };
  index.lightestFirstCache.set(token, index.version, value);
  return value;
}

function isRareFor(index: MatchIndex): (token: string) => boolean {
  const limit = Math.max(3, index.words.size * 0.002);
  return (token) => index.words.documentFrequency(token) <= limit;
}

/**
 * The name a ranking's reasons speak of: the one asked, or another that normalizes to the same in every
 * respect but its text (see {@link suggestAlike}); the reasons are worked out for each.
 */
interface AskedName {
  norm: NormalizedName;
}

function nameEvidence(
  index: MatchIndex,
  query: MatchQuery,
  norm: NormalizedName,
  doc: NameDocument,
  weight: (token: string) => number,
  asked: AskedName,
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
    const reasons = explainNameMatch(asked.norm, doc.norm, match, isRareFor(index));
    return doc.source !== "name" && reasons[0] === "same name" ? reasons.slice(1) : reasons;
  };
  const { isComplete } = match;
  // Only a module organization's name that drops words is trusted this way: one that adds words
  // ("Willis Group Holdings" for "Willis Group") may name another entity of the group.
  const isContained = match.contained === "query";
  const { pairs } = match;
  const addsWords = match.contained === "target";
  if (doc.source === "name")
    return {
      kind: "name",
      score: match.score * EVIDENCE.name,
      reasons: explained,
      isComplete,
      isContained,
      pairs,
      addsWords,
    };
  const organizationName = index.organizations.get(doc.organizationId)?.name ?? doc.organizationId;
  if (doc.source === "alias") {
    const head = `matches the confirmed alias '${doc.norm.raw}' of ${organizationName}`;
    const reasons = () => [head, ...explained()];
    return {
      kind: "alias",
      score: match.score * EVIDENCE.alias,
      reasons,
      isComplete,
      isContained,
      pairs,
      addsWords,
    };
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
    pairs,
    addsWords,
  };
}

/**
 * Proposes the organizations a module organization most likely belongs to, best first, with a score
 * in [0, 1], an `accept` flag on the best one when it is confident, and reasons in words.
 * Dead and Cancelation organizations and rejected organizations are never proposed.
 */
export function suggest(index: MatchIndex, query: MatchQuery, options: SuggestOptions = {}): Candidate[] {
  const norm = normalizeName(query.name);
  return candidatesOf(rank(index, query, norm, options), norm);
}

/** A scored organization, with its evidence strongest first. */
interface Scored {
  organizationId: string;
  score: number;
  evidences: Evidence[];
}

/** What {@link suggest} works out before its reasons: the candidates chosen, the decision, namesakes. */
interface Ranking {
  chosen: Scored[];
  isAccepted: boolean;
  namesakes: string[][];
  asked: AskedName;
}

/** The candidates of a ranking, with the reasons in words for the name `norm` (the one ranked, or alike). */
function candidatesOf(ranking: Ranking, norm: NormalizedName): Candidate[] {
  ranking.asked.norm = norm;
  return ranking.chosen.map(({ organizationId, score, evidences }, rank) => ({
    organizationId,
    score,
    accept: rank === 0 && ranking.isAccepted,
    reasons: [...reasonsOf(evidences), ...(ranking.namesakes[rank] as string[])],
  }));
}

/**
 * Normalized names that are the same in every respect but their text ("ACME Inc." and "Acme Inc"): the
 * candidates, scores and decision of one are those of the other; only the reasons, which may quote the
 * name as written, differ. Every field of {@link NormalizedName} but `raw` is in the key (the sound keys,
 * joined keys and acronym follow from the words; `suggest-alike.test.ts` lists the fields).
 */
export function alikeKey(norm: NormalizedName): string {
  let key = `${norm.tokens.join("\u0001")}\u0002${norm.siteTokens.join("\u0001")}\u0002${norm.site ?? "\u0003"}\u0002`;
  for (const form of norm.legalForms) key += `${form.group}\u0001${form.label}\u0004`;
  key += "\u0002";
  for (const [as, read] of norm.expansions) key += `${as}\u0001${read}\u0004`;
  return `${key}\u0002${norm.hadLeadingThe ? 1 : 0}${norm.hadAmpersand ? 1 : 0}`;
}

/**
 * {@link suggest} for each of `queries`, names that normalize alike ({@link alikeKey}) ranked once: each
 * answer is the one `suggest` gives, byte for byte. A query with a PSA id, a parent, a module (its own
 * confirmed mapping is no evidence for it) or rejected organizations is answered on its own.
 */
export function suggestAlike(
  index: MatchIndex,
  queries: readonly MatchQuery[],
  options: SuggestOptions = {},
): Candidate[][] {
  if (options.rejectedOrganizationIds !== undefined) return queries.map((q) => suggest(index, q, options));
  const rankings = new Map<string, Ranking>();
  return queries.map((query) => {
    if (
      (query.psaId !== undefined && query.psaId !== null && query.psaId !== "") ||
      (query.parentOrganizationId !== undefined && query.parentOrganizationId !== null) ||
      query.moduleKey !== undefined
    )
      return suggest(index, query, options);
    const norm = normalizeName(query.name);
    const key = alikeKey(norm);
    let ranking = rankings.get(key);
    if (ranking === undefined) {
      ranking = rank(index, query, norm, options);
      rankings.set(key, ranking);
    }
    return candidatesOf(ranking, norm);
  });
}

function rank(index: MatchIndex, query: MatchQuery, norm: NormalizedName, options: SuggestOptions): Ranking {
  const top = options.top ?? 3;
  const rejected =
    options.rejectedOrganizationIds === undefined ? null : new Set(options.rejectedOrganizationIds);
  const asked: AskedName = { norm };
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
  // The records of the organizations met through their names (no lookup in the index's map for them).
  const records = new Map<string, IndexedOrganization>();
  for (const slot of candidateDocuments(index, norm, weight)) {
    const doc = index.documents[slot];
    if (doc === undefined) continue;
    const evidence = nameEvidence(index, query, norm, doc, weight, asked);
    if (evidence === null) continue;
    addEvidence(all, doc.organizationId, evidence);
    if (doc.organization !== undefined) records.set(doc.organizationId, doc.organization);
  }
  acronymEvidence(index, norm, all, asked);
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
  const scored: Scored[] = [];
  for (const [organizationId, evidences] of all) {
    const organization = records.get(organizationId) ?? index.organizations.get(organizationId);
    if (organization === undefined || !organization.isMappable || rejected?.has(organizationId) === true)
      continue;
    const score =
      evidences.length === 1
        ? combineEvidence([(evidences[0] as Evidence).score])
        : combineEvidence(evidences.map((e) => e.score));
    if (score < floor) continue;
    if (evidences.length > 1) evidences.sort((a, b) => b.score - a.score);
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
  const chosen = withNamesakes(index, scored, top);
  return { chosen, isAccepted, namesakes: namesakeReasons(index, chosen), asked };
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
