import { isFunctionWord } from "./function-words.ts";
import { soundKey } from "./phonetic.ts";
import { editDistanceWithin, typoBudget } from "./similarity.ts";

/** A known word that looks like a typo of a word the index has never seen. */
export interface SimilarToken {
  token: string;
  distance: number;
}

function deletionsOf(token: string): Set<string> {
  const out = new Set<string>([token]);
  for (let i = 0; i < token.length; i++) out.add(token.slice(0, i) + token.slice(i + 1));
  return out;
}

function gramsOf(token: string): string[] {
  const padded = `^${token}$`;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) grams.push(padded.slice(i, i + 3));
  return grams;
}

/** Weight of a joining word ("of", "the"): that of a word in half the names. */
const FUNCTION_WORD_WEIGHT = Math.log(3);

/**
 * Inverted index from words to document slots, with document frequencies for IDF weights, and a
 * character-trigram index over the vocabulary to find the known words a misspelt word resembles.
 * Adding and removing one document costs a few array operations per word: no rebuild.
 */
export class TokenIndex {
  private readonly postings = new Map<string, number[]>();
  /** Trigram -> ids (places in `longWords`) of the known words of 9 letters or more that hold it. */
  private readonly gramIndex = new Map<string, number[]>();
  /** The words of `gramIndex` by id. */
  private readonly longWords: string[] = [];
  /** Per long word: grams shared with the word looked up (scratch of `similarTokens`, zero between calls). */
  private gramCounts = new Uint16Array(1024);
  /** The long words met while counting, in the order first met (scratch of `similarTokens`). */
  private gramMet = new Int32Array(1024);
  /** Each known word of 5 letters or more under every one-letter deletion of it (SymSpell). */
  private readonly deletions = new Map<string, string[]>();
  private readonly vocabulary = new Set<string>();
  /** Known words by sound key (`phonetic.ts`): "philip" under the key of "filip". */
  private readonly bySound = new Map<string, string[]>();
  private documents = 0;

  /** Number of documents in the index. */
  get size(): number {
    return this.documents;
  }

  /** Number of documents that contain `token`. */
  documentFrequency(token: string): number {
    return this.postings.get(token)?.length ?? 0;
  }

  /** IDF weight: high for rare words, low for "Services" or "Group"; highest for a word no document has. */
  weight(token: string): number {
    const idf = Math.log(1 + this.documents / (this.documentFrequency(token) + 1));
    // A joining word ("of", "the") weighs at most as a word in half the names, however rare it is here.
    return isFunctionWord(token) ? Math.min(idf, FUNCTION_WORD_WEIGHT) : idf;
  }

  /** The slots of the documents that contain `token` (do not modify). */
  slotsOf(token: string): readonly number[] {
    return this.postings.get(token) ?? [];
  }

  add(slot: number, tokens: readonly string[]): void {
    this.documents++;
    for (const token of new Set(tokens)) {
      let list = this.postings.get(token);
      if (list === undefined) {
        list = [];
        this.postings.set(token, list);
        if (!this.vocabulary.has(token)) {
          this.vocabulary.add(token);
          if (token.length >= 5) {
            for (const variant of deletionsOf(token)) {
              const words = this.deletions.get(variant);
              if (words === undefined) this.deletions.set(variant, [token]);
              else words.push(token);
            }
          }
          const sound = soundKey(token);
          if (sound !== "") {
            const words = this.bySound.get(sound);
            if (words === undefined) this.bySound.set(sound, [token]);
            else words.push(token);
          }
          if (token.length >= 9) {
            const id = this.longWords.length;
            this.longWords.push(token);
            if (id >= this.gramCounts.length) {
              const grown = new Uint16Array(2 * this.gramCounts.length);
              grown.set(this.gramCounts);
              this.gramCounts = grown;
              this.gramMet = new Int32Array(grown.length);
            }
            for (const gram of new Set(gramsOf(token))) {
              const ids = this.gramIndex.get(gram);
              if (ids === undefined) this.gramIndex.set(gram, [id]);
              else ids.push(id);
            }
          }
        }
      }
      list.push(slot);
    }
  }

  remove(slot: number, tokens: readonly string[]): void {
    this.documents--;
    for (const token of new Set(tokens)) {
      const list = this.postings.get(token);
      if (list === undefined) continue;
      const at = list.lastIndexOf(slot);
      if (at < 0) continue;
      list[at] = list[list.length - 1] as number;
      list.pop();
      // The word stays in the vocabulary and the trigram index: a later document may bring it back.
      if (list.length === 0) this.postings.delete(token);
    }
  }

  /**
   * Known words within typo distance of `token` (which the index does not hold), closest first: one
   * edit through the deletion index, two edits in long words through the trigram index.
   */
  similarTokens(token: string, limit = 5): SimilarToken[] {
    const budget = typoBudget(token.length);
    if (budget === 0) return [];
    const candidates = new Set<string>();
    for (const variant of deletionsOf(token)) {
      for (const word of this.deletions.get(variant) ?? []) candidates.add(word);
    }
    if (budget >= 2) {
      const grams = gramsOf(token);
      const needed = Math.max(2, grams.length - 3 * budget);
      // Counted per word id, words in the order first met (as a map of counts would list them).
      const counts = this.gramCounts;
      const met = this.gramMet;
      let metCount = 0;
      for (const gram of new Set(grams)) {
        const ids = this.gramIndex.get(gram);
        if (ids === undefined) continue;
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i] as number;
          if (counts[id] === 0) met[metCount++] = id;
          counts[id] = (counts[id] as number) + 1;
        }
      }
      for (let k = 0; k < metCount; k++) {
        const id = met[k] as number;
        if ((counts[id] as number) >= needed) candidates.add(this.longWords[id] as string);
        counts[id] = 0;
      }
    }
    const found: SimilarToken[] = [];
    for (const word of candidates) {
      if (!this.postings.has(word)) continue;
      const distance = editDistanceWithin(token, word, budget);
      if (distance <= budget) found.push({ token: word, distance });
    }
    found.sort(
      (a, b) => a.distance - b.distance || this.documentFrequency(a.token) - this.documentFrequency(b.token),
    );
    return found.slice(0, limit);
  }

  /** Known words (in some document now) with the sound key `sound`, other than `token`, at most `limit`. */
  soundAlikes(token: string, sound: string, limit = 3): string[] {
    if (sound === "") return [];
    const out: string[] = [];
    for (const word of this.bySound.get(sound) ?? []) {
      if (word === token || !this.postings.has(word)) continue;
      out.push(word);
      if (out.length >= limit) break;
    }
    return out;
  }
}
