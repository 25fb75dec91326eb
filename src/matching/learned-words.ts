import { isFunctionWord } from "./function-words.ts";
import type { NormalizedName } from "./normalize.ts";
import { softDice } from "./similarity.ts";

/** Two words a confirmed name implies are the same in this instance ("acad" / "academy"). */
export type WordPair = readonly [string, string];

/** Letters, and spaces between the words of a run ("national monument" for "nm"). */
const LETTERS = /^[a-z]+(?: [a-z]+)*$/;

function isLearnable(a: string, b: string): boolean {
  return (
    a !== b &&
    a.length >= 2 &&
    b.length >= 2 &&
    LETTERS.test(a) &&
    LETTERS.test(b) &&
    a[0] === b[0] &&
    !isFunctionWord(a) &&
    !isFunctionWord(b)
  );
}

/**
 * The word equivalences a user-confirmed name implies against the organization's own name: words
 * paired as a shortening ("Acad" / "Academy") or as the initials of a run of words ("NM" / "National
 * Monument": learned as the word and the run) and, when the names share a word written the same, the
 * one word left over on each side if they start alike ("Mtn" / "Mountain"). Typos and sound-alikes are
 * already strong and say nothing beyond this name, so they are not learned.
 */
export function impliedEquivalences(confirmed: NormalizedName, organization: NormalizedName): WordPair[] {
  const query = [...confirmed.tokens, ...confirmed.siteTokens];
  const target = [...organization.tokens, ...organization.siteTokens];
  const dice = softDice(query, target, () => 1);
  if (!dice.pairs.some((p) => p.kind === "same")) return [];
  const out: WordPair[] = [];
  for (const pair of dice.pairs)
    if ((pair.kind === "prefix" || pair.kind === "initials") && isLearnable(pair.query, pair.target))
      out.push([pair.query, pair.target]);
  const pairedQuery = new Set(dice.pairs.flatMap((p) => p.query.split(" ")));
  const pairedTarget = new Set(dice.pairs.flatMap((p) => p.target.split(" ")));
  const leftQuery = query.filter((w) => !pairedQuery.has(w) && !isFunctionWord(w));
  const leftTarget = target.filter((w) => !pairedTarget.has(w) && !isFunctionWord(w));
  if (leftQuery.length === 1 && leftTarget.length === 1) {
    const [a, b] = [leftQuery[0] as string, leftTarget[0] as string];
    if (isLearnable(a, b)) out.push([a, b]);
  }
  return out;
}

/** Word equivalences learned from confirmed names, counted so that removing one confirmation forgets only its share. */
export class LearnedWords {
  private readonly counts = new Map<string, Map<string, number>>();

  get size(): number {
    return this.counts.size;
  }

  add(pairs: readonly WordPair[]): void {
    for (const [a, b] of pairs) {
      this.bump(a, b, 1);
      this.bump(b, a, 1);
    }
  }

  remove(pairs: readonly WordPair[]): void {
    for (const [a, b] of pairs) {
      this.bump(a, b, -1);
      this.bump(b, a, -1);
    }
  }

  /** Whether users confirmed `a` and `b` as the same word. */
  readonly has = (a: string, b: string): boolean => (this.counts.get(a)?.get(b) ?? 0) > 0;

  /** The words confirmed as the same as `word`. */
  equivalentsOf(word: string): Iterable<string> {
    return this.counts.get(word)?.keys() ?? [];
  }

  private bump(a: string, b: string, by: number): void {
    let inner = this.counts.get(a);
    if (inner === undefined) {
      if (by < 0) return;
      inner = new Map();
      this.counts.set(a, inner);
    }
    const next = (inner.get(b) ?? 0) + by;
    if (next > 0) inner.set(b, next);
    else inner.delete(b);
    if (inner.size === 0) this.counts.delete(a);
  }
}
