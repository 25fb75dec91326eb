/** One word standing for a run of the other name's words ("NHS" / "National Historic Site"). */

/**
 * Similarity of one word spelled out by the first letters of a run of the other name's words ("NHS" /
 * "National Historic Site", "NPres" / "N. Preserve"): a two-letter word says less than a longer one.
 */
export function initialsSimilarity(word: string): number {
  return word.length >= 3 ? 0.85 : 0.8;
}

/** Longest run of words one word may spell out. */
export const MAX_RUN = 6;

/**
 * Whether `word` is spelled by `words[start .. start + count)`, each giving a non-empty start of itself,
 * in order ("nm" by national, monument; "npre" by n, preserve; "nbp" by nb, park).
 */
export function spelledBy(word: string, words: readonly string[], start: number, count: number): boolean {
  const end = start + count;
  const from = (pos: number, i: number): boolean => {
    if (i === end) return pos === word.length;
    const w = words[i] as string;
    const left = end - i - 1; // each later word needs a letter
    let common = 0;
    const max = Math.min(w.length, word.length - pos - left);
    while (common < max && w.charCodeAt(common) === word.charCodeAt(pos + common)) common++;
    for (let len = common; len >= 1; len--) if (from(pos + len, i + 1)) return true;
    return false;
  };
  return from(0, start);
}

/**
 * Whether a word may stand for several words of the other name: 2 to 8 letters a-z (a one-letter word
 * or a long one is no abbreviation of a run of words).
 */
export function mayAbbreviate(word: string): boolean {
  if (word.length < 2 || word.length > 8) return false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}
