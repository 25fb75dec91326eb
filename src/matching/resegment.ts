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
  written: ReadonlyMap<string, string> | undefined,
): string[] | null {
  // A piece may match the word as the other name wrote it ("med" read as "medical"): the word itself
  // first, then that spelling.
  for (let k = 0; k + 1 < other.length; k++) {
    const token = other[k] as string;
    const as = written?.get(token);
    for (let s = 0; s < (as === undefined ? 1 : 2); s++) {
      const first = s === 0 ? token : (as as string);
      if (first.length >= word.length || !word.startsWith(first)) continue;
      const pieces = [token];
      let rest = word.slice(first.length);
      let j = k + 1;
      for (; rest.length > 0 && j < other.length; j++) {
        const next = other[j] as string;
        const nextAs = written?.get(next);
        const used = rest.startsWith(next)
          ? next
          : nextAs !== undefined && rest.startsWith(nextAs)
            ? nextAs
            : undefined;
        if (used === undefined) break;
        pieces.push(next);
        rest = rest.slice(used.length);
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
  let written: Map<string, string> | undefined;
  let tokens: string[] | null = null;
  let sounds: string[] | null = null;
  const n = words.tokens.length;
  for (let i = 0; i < n; i++) {
    const word = words.tokens[i] as string;
    let pieces: string[] | null = null;
    if (word.length >= MIN_JOINED && !other.tokens.includes(word)) {
      if (written === undefined && other.expansions !== undefined && other.expansions.length > 0)
        written = new Map(other.expansions.map(([as, read]) => [read, as] as const));
      pieces = piecesOf(word, other.tokens, written);
    }
    if (pieces === null) {
      tokens?.push(word);
      sounds?.push(words.sounds[i] ?? "");
      continue;
    }
    tokens ??= words.tokens.slice(0, i);
    sounds ??= words.sounds.slice(0, i);
    tokens.push(...pieces);
    for (const piece of pieces) sounds.push(soundKey(piece));
  }
  return tokens === null || sounds === null ? words : { tokens, sounds };
}
