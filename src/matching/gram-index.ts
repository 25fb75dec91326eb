/**
 * Character-trigram postings over whole names (words and site together), a second candidate source
 * beside the word index: a name that shares a rare stretch of letters ("AxcanPharma" / "Axcan Pharma",
 * "Acad" / "Academy", "Springfield ... O'Donnell ..." / "O'Donnell") is a candidate even when no word
 * is shared whole. Grams in more than `COMMON_SHARE` of the names say nothing and are not read.
 */

/** Grams in more names than this share (and at least COMMON_MIN) are skipped at query time. */
const COMMON_SHARE = 0.005;
const COMMON_MIN = 50;
/** Postings read per query at most, rarest grams first. */
const POSTINGS_BUDGET = 1000;

/** The distinct trigrams of `text` with a space at each end, so that word edges count. */
export function trigramsOf(text: string): string[] {
  const padded = ` ${text} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return [...grams];
}

/** Letters of a trigram code: a space, a-z, 0-9 (the words of a normalized name and the spaces between). */
const SYMBOLS = 37;
const CODES = SYMBOLS * SYMBOLS * SYMBOLS;

/** The symbol of a character in a trigram code, or -1 for any other character. */
function symbolOf(c: number): number {
  if (c === 32) return 0;
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 48 && c <= 57) return c - 21;
  return -1;
}

export class GramIndex {
  /** Postings of each trigram of spaces, a-z and 0-9, by its code; other trigrams (never in a normalized name) by text. */
  private readonly byCode: Array<number[] | undefined> = new Array(CODES).fill(undefined);
  private readonly byText = new Map<string, number[]>();
  private documents = 0;
  /**
   * Two numbers per document, side by side (one memory read brings both): at `2 * slot` a query's
   * scratch (zero between queries), at `2 * slot + 1` the length of its gram vector (IDF weights when it
   * was added), the cosine's denominator.
   */
  private cells = new Float64Array(2048);
  /** The slots a query touched (at most one per posting read), reused by every query. */
  private readonly touched = new Int32Array(POSTINGS_BUDGET);
  /** The distinct grams of the text at hand, in the order first met, as `trigramsOf` lists them (see `gramsOf`). */
  private grams: number[] = [];
  private readonly gramTexts: string[] = [];
  /** Which codes the text at hand has met: `seen[code] === stamp`. */
  private readonly seen = new Int32Array(CODES);
  private stamp = 0;

  private idf(df: number): number {
    return Math.log(1 + this.documents / (df + 1));
  }

  /**
   * Fills `grams` with the distinct trigrams of ` text `, first met first: a code, or `-1 - k` for the
   * k-th of `gramTexts` (a trigram with another character). Answers how many.
   */
  private gramsOf(text: string): number {
    const padded = ` ${text} `;
    const grams = this.grams;
    this.gramTexts.length = 0;
    let count = 0;
    this.stamp++;
    let other: Set<string> | undefined;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const a = symbolOf(padded.charCodeAt(i));
      const b = symbolOf(padded.charCodeAt(i + 1));
      const c = symbolOf(padded.charCodeAt(i + 2));
      if (a < 0 || b < 0 || c < 0) {
        const gram = padded.slice(i, i + 3);
        other ??= new Set();
        if (other.has(gram)) continue;
        other.add(gram);
        this.gramTexts.push(gram);
        grams[count++] = -this.gramTexts.length;
        continue;
      }
      const code = (a * SYMBOLS + b) * SYMBOLS + c;
      if (this.seen[code] === this.stamp) continue;
      this.seen[code] = this.stamp;
      grams[count++] = code;
    }
    return count;
  }

  private listOf(gram: number): number[] | undefined {
    return gram >= 0 ? this.byCode[gram] : this.byText.get(this.gramTexts[-1 - gram] as string);
  }

  private setList(gram: number, list: number[] | undefined): void {
    if (gram >= 0) this.byCode[gram] = list;
    else if (list === undefined) this.byText.delete(this.gramTexts[-1 - gram] as string);
    else this.byText.set(this.gramTexts[-1 - gram] as string, list);
  }

  add(slot: number, text: string): void {
    if (2 * slot + 1 >= this.cells.length) {
      const size = Math.max(2 * slot + 2, this.cells.length * 2);
      const cells = new Float64Array(size);
      cells.set(this.cells);
      this.cells = cells;
    }
    this.documents++;
    let squares = 0;
    const count = this.gramsOf(text);
    for (let g = 0; g < count; g++) {
      const gram = this.grams[g] as number;
      const list = this.listOf(gram);
      if (list === undefined) this.setList(gram, [slot]);
      else list.push(slot);
      const w = this.idf(list?.length ?? 1);
      squares += w * w;
    }
    this.cells[2 * slot + 1] = Math.sqrt(squares) || 1;
  }

  remove(slot: number, text: string): void {
    this.documents--;
    const count = this.gramsOf(text);
    for (let g = 0; g < count; g++) {
      const gram = this.grams[g] as number;
      const list = this.listOf(gram);
      if (list === undefined) continue;
      const at = list.indexOf(slot);
      if (at >= 0) {
        list[at] = list[list.length - 1] as number;
        list.pop();
      }
      if (list.length === 0) this.setList(gram, undefined);
    }
  }

  /** Up to `limit` slots closest to `text` by IDF-weighted trigram cosine, reading the rarest grams first. */
  nearest(text: string, limit: number): number[] {
    const common = Math.max(COMMON_MIN, this.documents * COMMON_SHARE);
    const lists: Array<[number[], number]> = [];
    const gramCount = this.gramsOf(text);
    for (let g = 0; g < gramCount; g++) {
      const list = this.listOf(this.grams[g] as number);
      if (list !== undefined && list.length <= common) lists.push([list, this.idf(list.length)]);
    }
    lists.sort((a, b) => a[0].length - b[0].length);
    const { cells, touched } = this;
    let count = 0;
    let budget = POSTINGS_BUDGET;
    for (const [list, w] of lists) {
      if (list.length > budget) break;
      budget -= list.length;
      const add = w * w;
      for (let i = 0; i < list.length; i++) {
        const slot = list[i] as number;
        if (cells[2 * slot] === 0) touched[count++] = slot;
        cells[2 * slot] = (cells[2 * slot] as number) + add;
      }
    }
    const best: Array<[number, number]> = [];
    for (let k = 0; k < count; k++) {
      const slot = touched[k] as number;
      const score = (cells[2 * slot] as number) / (cells[2 * slot + 1] as number);
      cells[2 * slot] = 0;
      if (best.length < limit) best.push([slot, score]);
      else {
        let worst = 0;
        for (let i = 1; i < best.length; i++)
          if ((best[i] as [number, number])[1] < (best[worst] as [number, number])[1]) worst = i;
        if (score > (best[worst] as [number, number])[1]) best[worst] = [slot, score];
      }
    }
    return best.map(([slot]) => slot);
  }
}
