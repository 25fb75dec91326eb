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

export class GramIndex {
  private readonly postings = new Map<string, number[]>();
  private documents = 0;
  /** Length of each document's gram vector (IDF weights when it was added): the cosine's denominator. */
  private norms = new Float64Array(1024);
  private scratch = new Float64Array(1024);
  /** The slots a query touched (at most one per posting read), reused by every query. */
  private readonly touched = new Int32Array(POSTINGS_BUDGET);

  private idf(df: number): number {
    return Math.log(1 + this.documents / (df + 1));
  }

  add(slot: number, text: string): void {
    if (slot >= this.norms.length) {
      const size = Math.max(slot + 1, this.norms.length * 2);
      const norms = new Float64Array(size);
      norms.set(this.norms);
      this.norms = norms;
      this.scratch = new Float64Array(size);
    }
    this.documents++;
    let squares = 0;
    for (const gram of trigramsOf(text)) {
      const list = this.postings.get(gram);
      if (list === undefined) this.postings.set(gram, [slot]);
      else list.push(slot);
      const w = this.idf(list?.length ?? 1);
      squares += w * w;
    }
    this.norms[slot] = Math.sqrt(squares) || 1;
  }

  remove(slot: number, text: string): void {
    this.documents--;
    for (const gram of trigramsOf(text)) {
      const list = this.postings.get(gram);
      if (list === undefined) continue;
      const at = list.indexOf(slot);
      if (at >= 0) {
        list[at] = list[list.length - 1] as number;
        list.pop();
      }
      if (list.length === 0) this.postings.delete(gram);
    }
  }

  /** Up to `limit` slots closest to `text` by IDF-weighted trigram cosine, reading the rarest grams first. */
  nearest(text: string, limit: number): number[] {
    const common = Math.max(COMMON_MIN, this.documents * COMMON_SHARE);
    const lists: Array<[number[], number]> = [];
    for (const gram of trigramsOf(text)) {
      const list = this.postings.get(gram);
      if (list !== undefined && list.length <= common) lists.push([list, this.idf(list.length)]);
    }
    lists.sort((a, b) => a[0].length - b[0].length);
    const { scratch, touched } = this;
    let count = 0;
    let budget = POSTINGS_BUDGET;
    for (const [list, w] of lists) {
      if (list.length > budget) break;
      budget -= list.length;
      const add = w * w;
      for (let i = 0; i < list.length; i++) {
        const slot = list[i] as number;
        if (scratch[slot] === 0) touched[count++] = slot;
        scratch[slot] = (scratch[slot] as number) + add;
      }
    }
    const best: Array<[number, number]> = [];
    for (let k = 0; k < count; k++) {
      const slot = touched[k] as number;
      const score = (scratch[slot] as number) / (this.norms[slot] as number);
      scratch[slot] = 0;
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
