/**
 * Token-level similarity: bounded edit distance and an IDF-weighted soft Dice over two token lists.
 */

/** Optimal-string-alignment distance between `a` and `b`, or `max + 1` as soon as it exceeds `max`. */
export function editDistanceWithin(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  let prevPrev = new Array<number>(lb + 1).fill(0);
  let prev = new Array<number>(lb + 1);
  let cur = new Array<number>(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, (prevPrev[j - 2] ?? 0) + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const spare = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = spare;
  }
  return prev[lb] ?? max + 1;
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

/** How a pair of words was matched: the same word, sounding the same, a typo, or a shortening. */
export type PairKind = "same" | "sound" | "typo" | "prefix";

/** One pair of words matched between a query name and a candidate name. */
export interface TokenPair {
  query: string;
  target: string;
  similarity: number;
  weight: number;
  kind: PairKind;
}

/** The weighted soft Dice of two token lists and the pairs it matched. */
export interface SoftDice {
  score: number;
  pairs: TokenPair[];
}

/**
 * IDF-weighted soft Dice: each query word is paired with at most one target word (exact first, then
 * words that sound the same, typos and prefixes), and rare words count more. A look-alike takes the
 * weight of the word it resembles. `querySounds` and `targetSounds` are the sound keys of the words
 * (`soundKey`, "" for none); without them no pair is read as sounding the same.
 */
export function softDice(
  query: readonly string[],
  target: readonly string[],
  weight: (token: string) => number,
  querySounds?: readonly string[],
  targetSounds?: readonly string[],
): SoftDice {
  // Bit masks of the words already paired (names have far fewer than 32 words; longer ones fall back to arrays).
  const small = query.length <= 30 && target.length <= 30;
  let usedMask = 0;
  let matchedMask = 0;
  const usedList: boolean[] = small ? [] : new Array<boolean>(target.length).fill(false);
  const matchedList: boolean[] = small ? [] : new Array<boolean>(query.length).fill(false);
  const isUsed = (k: number) => (small ? (usedMask & (1 << k)) !== 0 : usedList[k] === true);
  const pairs: TokenPair[] = [];
  const sounds = querySounds === undefined || targetSounds === undefined ? null : targetSounds;
  let queryWeight = 0;
  for (let i = 0; i < query.length; i++) {
    const q = query[i] as string;
    for (let k = 0; k < target.length; k++) {
      if (target[k] !== q || isUsed(k)) continue;
      if (small) {
        usedMask |= 1 << k;
        matchedMask |= 1 << i;
      } else {
        usedList[k] = true;
        matchedList[i] = true;
      }
      const w = weight(q);
      queryWeight += w;
      pairs.push({ query: q, target: q, similarity: 1, weight: w, kind: "same" });
      break;
    }
  }
  for (let i = 0; i < query.length; i++) {
    if (small ? (matchedMask & (1 << i)) !== 0 : matchedList[i] === true) continue;
    const q = query[i] as string;
    const qSound = sounds === null ? "" : (querySounds?.[i] ?? "");
    let best = -1;
    let bestSim = 0;
    let bestKind: PairKind = "typo";
    for (let k = 0; k < target.length; k++) {
      if (isUsed(k)) continue;
      if (qSound !== "" && (sounds as readonly string[])[k] === qSound) {
        // Sounding the same beats a typo of the same strength: it is the likelier reading.
        if (SOUND_SIMILARITY >= bestSim) {
          bestSim = SOUND_SIMILARITY;
          best = k;
          bestKind = "sound";
        }
        continue;
      }
      const sim = tokenSimilarity(q, target[k] as string);
      if (sim > bestSim) {
        bestSim = sim;
        best = k;
        bestKind = sim >= 0.85 ? "typo" : "prefix";
      }
    }
    if (best >= 0) {
      if (small) usedMask |= 1 << best;
      else usedList[best] = true;
      const t = target[best] as string;
      const w = weight(t);
      queryWeight += w;
      pairs.push({ query: q, target: t, similarity: bestSim, weight: w, kind: bestKind });
    } else {
      queryWeight += weight(q);
    }
  }
  let targetWeight = 0;
  for (const t of target) targetWeight += weight(t);
  let shared = 0;
  for (const pair of pairs) shared += pair.weight * pair.similarity;
  const total = queryWeight + targetWeight;
  return { score: total === 0 ? 0 : (2 * shared) / total, pairs };
}
