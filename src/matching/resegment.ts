import { soundKey } from "./phonetic.ts";

/** Words of a name with their sound keys, aligned. */
export interface Words {
  tokens: readonly string[];
  sounds: readonly string[];
}

/** Shortest word worth splitting, and shortest cut-off last piece ("pharma" of "pharmaceutical"). */
const MIN_JOINED = 5;
const MIN_TAIL = 3;

/**
 * Where `word` is several consecutive words of `other` run together ("depriest" / "de priest",
 * "firstchoice" / "first choice"), possibly with the last one cut short ("axcanpharma" / "axcan
 * pharmaceutical"): the pieces, else null.
 */
function piecesOf(
  word: string,
  other: readonly string[],
  written: ReadonlyMap<string, string>,
): string[] | null {
  // A piece may match the word as the other name wrote it ("med" read as "medical").
  const spellings = (token: string): string[] => {
    const as = written.get(token);
    return as === undefined ? [token] : [token, as];
  };
  for (let k = 0; k + 1 < other.length; k++) {
    for (const first of spellings(other[k] as string)) {
      if (first.length >= word.length || !word.startsWith(first)) continue;
      const pieces = [other[k] as string];
      let rest = word.slice(first.length);
      let j = k + 1;
      for (; rest.length > 0 && j < other.length; j++) {
        const next = spellings(other[j] as string).find((s) => rest.startsWith(s));
        if (next === undefined) break;
        pieces.push(other[j] as string);
        rest = rest.slice(next.length);
      }
      if (rest.length === 0 && pieces.length >= 2) return pieces;
      if (rest.length >= MIN_TAIL && j < other.length && (other[j] as string).startsWith(rest))
        return [...pieces, rest];
    }
  }
  return null;
}

/**
 * `words` with each word that `other` writes as several words split the way `other` writes it; the
 * same object when nothing was split, so callers can tell.
 */
export function splitLike(words: Words, other: Words & { expansions?: Array<[string, string]> }): Words {
  const written = new Map((other.expansions ?? []).map(([as, read]) => [read, as] as const));
  let tokens: string[] | null = null;
  let sounds: string[] | null = null;
  words.tokens.forEach((word, i) => {
    const pieces =
      word.length < MIN_JOINED || other.tokens.includes(word) ? null : piecesOf(word, other.tokens, written);
    if (pieces === null) {
      tokens?.push(word);
      sounds?.push(words.sounds[i] ?? "");
      return;
    }
    tokens ??= words.tokens.slice(0, i);
    sounds ??= words.sounds.slice(0, i);
    tokens.push(...pieces);
    sounds.push(...pieces.map(soundKey));
  });
  return tokens === null || sounds === null ? words : { tokens, sounds };
}
