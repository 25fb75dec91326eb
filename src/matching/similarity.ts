import { isFunctionWord } from "./function-words.ts";
import { initialsSimilarity, MAX_RUN, mayAbbreviate, spelledBy } from "./initials-run.ts";

/**
 * Token-level similarity: bounded edit distance and an IDF-weighted soft Dice over two token lists.
 */

/** Rows of {@link editDistanceWithin}, reused by every call (it never reenters itself). */
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/**
 * Optimal-string-alignment distance between `a` and `b`, or `max + 1` when it exceeds `max`. Only the
 * cells within `max` of the diagonal are worked out: any other is more than `max` away, and a cell
 * within `max` never needs one (a value above `max` stays above it).
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (rowA.length < lb + 2) {
    const size = Math.max(lb + 2, 2 * rowA.length);
    rowA = new Int32Array(size);
    rowB = new Int32Array(size);
    rowC = new Int32Array(size);
  }
  const far = max + 1;
  let prevPrev = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(lb, i + max);
    cur[0] = i;
    if (from > 1) cur[from - 1] = far;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (ca === cb ? 0 : 1),
      );
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, (prevPrev[j - 2] as number) + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (to < lb) cur[to + 1] = far;
    if (rowMin > max) return far;
    const spare = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = spare;
  }
  const distance = prev[lb] as number;
  return distance > max ? far : distance;
}

/** The largest edit distance still read as a typo, by word length. */
export function typoBudget(length: number): number {
  if (length >= 9) return 2;
  if (length >= 5) return 1;
  return 0;
}

/** Shortest cut-off word read as the start of a longer one, and how much it counts. */
const MIN_CUT = 3;
const CUT_SIMILARITY = 0.6;

/** How alike two different words are: 0.9 for a typo, 0.75 for a prefix ("Microelec" / "Microelectronic"), else 0. */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const short = a.length <= b.length ? a : b;
  const long = short === a ? b : a;
  const budget = typoBudget(short.length);
  if (budget > 0 && editDistanceWithin(a, b, budget) <= budget) return budget === 1 ? 0.9 : 0.85;
  if (short.length >= 4 && long.startsWith(short) && short.length * 2 >= long.length) return 0.75;
  // A cut-off word no list holds ("Acad", "Mgmt" aside, "Intl" aside): weaker, but still evidence.
  if (short.length >= MIN_CUT && long.startsWith(short)) return CUT_SIMILARITY;
  return 0;
}

/** Similarity of two words that sound the same (see `phonetic.ts`): as strong as a one-letter typo. */
export const SOUND_SIMILARITY = 0.9;

/** Similarity of a word a user confirmed as another spelling of a word (learned from confirmed mappings). */
export const LEARNED_SIMILARITY = 1;

/** How a pair of words was matched: the same word, sounding the same, a typo, a shortening, initials, learned. */
export type PairKind = "same" | "sound" | "typo" | "prefix" | "initials" | "learned";

/** One pair of words matched between a query name and a candidate name ("initials": one side is a run of words). */
export interface TokenPair {
  query: string;
  target: string;
  similarity: number;
  weight: number;
  kind: PairKind;
}

/** The weighted soft Dice of two token lists, the pairs it matched and how many words of each side they cover. */
export interface SoftDice {
  score: number;
  pairs: TokenPair[];
  queryPaired: number;
  targetPaired: number;
}

/** Words a user confirmed as the same ("acad" / "academy"), learned from confirmed mappings. */
export type Equivalent = (query: string, target: string) => boolean;

/** Scratch flags of {@link softDice}: target words already paired, query words already paired. */
let usedFlags = new Uint8Array(32);
let matchedFlags = new Uint8Array(32);

/** Whether `flags[from .. from + count)` are all unset. */
function allFree(flags: Uint8Array, from: number, count: number): boolean {
  for (let j = from; j < from + count; j++) if (flags[j] === 1) return false;
  return true;
}

/**
 * IDF-weighted soft Dice: each query word is paired with at most one target word (exact first, then
 * learned equivalents, words that sound the same, typos and prefixes), and rare words count more. A
 * look-alike takes the weight of the word it resembles. Then a word left over on one side may be spelled
 * by the first letters of a run of words left over on the other ("NM" / "National Monument"). `querySounds` and `targetSounds` are the sound keys of the words
 * (`soundKey`, "" for none); without them no pair is read as sounding the same.
 */
export function softDice(
  query: readonly string[],
  target: readonly string[],
  weight: (token: string) => number,
  querySounds?: readonly string[],
  targetSounds?: readonly string[],
  equivalent?: Equivalent,
): SoftDice {
  // Which words are already paired: scratch flags shared by every call (softDice never reenters itself).
  if (usedFlags.length < target.length)
    usedFlags = new Uint8Array(Math.max(target.length, 2 * usedFlags.length));
  if (matchedFlags.length < query.length)
    matchedFlags = new Uint8Array(Math.max(query.length, 2 * matchedFlags.length));
  const used = usedFlags;
  const matched = matchedFlags;
  used.fill(0, 0, target.length);
  matched.fill(0, 0, query.length);
  const pairs: TokenPair[] = [];
  const sounds = querySounds === undefined || targetSounds === undefined ? null : targetSounds;
  let queryWeight = 0;
  let queryPaired = 0;
  let targetPaired = 0;
  for (let i = 0; i < query.length; i++) {
    const q = query[i] as string;
    for (let k = 0; k < target.length; k++) {
      if (target[k] !== q || used[k] === 1) continue;
      used[k] = 1;
      matched[i] = 1;
      const w = weight(q);
      queryWeight += w;
      pairs.push({ query: q, target: q, similarity: 1, weight: w, kind: "same" });
      break;
    }
  }
  let leftOver = false;
  for (let i = 0; i < query.length; i++) {
    if (matched[i] === 1) continue;
    const q = query[i] as string;
    const qSound = sounds === null ? "" : (querySounds?.[i] ?? "");
    let best = -1;
    let bestSim = 0;
    let bestKind: PairKind = "typo";
    for (let k = 0; k < target.length; k++) {
      if (used[k] === 1) continue;
      const t = target[k] as string;
      if (equivalent?.(q, t) === true) {
        if (LEARNED_SIMILARITY > bestSim) {
          bestSim = LEARNED_SIMILARITY;
          best = k;
          bestKind = "learned";
        }
        continue;
      }
      if (qSound !== "" && (sounds as readonly string[])[k] === qSound) {
        // Sounding the same beats a typo of the same strength: it is the likelier reading.
        if (SOUND_SIMILARITY >= bestSim) {
          bestSim = SOUND_SIMILARITY;
          best = k;
          bestKind = "sound";
        }
        continue;
      }
      const sim = tokenSimilarity(q, t);
      if (sim > bestSim) {
        bestSim = sim;
        best = k;
        bestKind = sim >= 0.85 ? "typo" : "prefix";
      }
    }
    if (best >= 0) {
      used[best] = 1;
      matched[i] = 1;
      const t = target[best] as string;
      const w = weight(t);
      queryWeight += w;
      pairs.push({ query: q, target: t, similarity: bestSim, weight: w, kind: bestKind });
    } else leftOver = true;
  }
  queryPaired = pairs.length;
  targetPaired = pairs.length;
  if (leftOver && pairs.length < target.length) {
    // A word left over on one side spelled by a run of words left over on the other ("NM" / "National Monument").
    // A run may start with a word already paired ("NPres" / "NP & Preserve": the "N" of "NP"), in a
    // second pass, after every run of free words has had its turn; that word is not counted again.
    for (let pass = 0; pass < 2; pass++) {
      const reuseFirst = pass === 1;
      for (let i = 0; i < query.length; i++) {
        const q = query[i] as string;
        if (matched[i] === 1 || !mayAbbreviate(q)) continue;
        found: for (let count = 2; count <= Math.min(MAX_RUN, q.length); count++) {
          for (let k = 0; k + count <= target.length; k++) {
            if ((target[k] as string).charCodeAt(0) !== q.charCodeAt(0)) continue;
            const reused = reuseFirst && used[k] === 1;
            if (reuseFirst && !reused) continue;
            if (!allFree(used, reused ? k + 1 : k, reused ? count - 1 : count)) continue;
            if (!spelledBy(q, target, k, count)) continue;
            let w = 0;
            for (let j = reused ? k + 1 : k; j < k + count; j++) {
              used[j] = 1;
              w += weight(target[j] as string);
            }
            matched[i] = 1;
            queryWeight += w;
            queryPaired++;
            targetPaired += reused ? count - 1 : count;
            const run = target.slice(k, k + count).join(" ");
            const learned = equivalent?.(q, run) === true;
            const similarity = learned ? LEARNED_SIMILARITY : initialsSimilarity(q);
            pairs.push({
              query: q,
              target: run,
              similarity,
              weight: w,
              kind: learned ? "learned" : "initials",
            });
            break found;
          }
        }
      }
      for (let k = 0; k < target.length; k++) {
        const t = target[k] as string;
        if (used[k] === 1 || !mayAbbreviate(t)) continue;
        found: for (let count = 2; count <= Math.min(MAX_RUN, t.length); count++) {
          for (let i = 0; i + count <= query.length; i++) {
            if ((query[i] as string).charCodeAt(0) !== t.charCodeAt(0)) continue;
            const reused = reuseFirst && matched[i] === 1;
            if (reuseFirst && !reused) continue;
            if (!allFree(matched, reused ? i + 1 : i, reused ? count - 1 : count)) continue;
            if (!spelledBy(t, query, i, count)) continue;
            for (let j = reused ? i + 1 : i; j < i + count; j++) matched[j] = 1;
            used[k] = 1;
            const w = weight(t);
            queryWeight += w;
            queryPaired += reused ? count - 1 : count;
            targetPaired++;
            const run = query.slice(i, i + count).join(" ");
            const learned = equivalent?.(run, t) === true;
            const similarity = learned ? LEARNED_SIMILARITY : initialsSimilarity(t);
            pairs.push({
              query: run,
              target: t,
              similarity,
              weight: w,
              kind: learned ? "learned" : "initials",
            });
            break found;
          }
        }
      }
    }
  }
  for (let i = 0; i < query.length; i++) {
    if (matched[i] === 1) continue;
    const q = query[i] as string;
    queryWeight += weight(q);
    // A joining word left over ("University of X" / "X University") leaves no word of substance unpaired.
    if (isFunctionWord(q)) queryPaired++;
  }
  for (let k = 0; k < target.length; k++)
    if (used[k] !== 1 && isFunctionWord(target[k] as string)) targetPaired++;
  let targetWeight = 0;
  for (const t of target) targetWeight += weight(t);
  let shared = 0;
  for (const pair of pairs) shared += pair.weight * pair.similarity;
  const total = queryWeight + targetWeight;
  return { score: total === 0 ? 0 : (2 * shared) / total, pairs, queryPaired, targetPaired };
}
