/**
 * A sound key per word: two spellings of one spoken word ("Philips" / "Filips", "Electronics" /
 * "Ehlektroniks", "Koninklijke" / "Koninklejke", "Alcatel" / "Al'katel") get the same key.
 *
 * Spelling rules, applied left to right on a lower-case word of letters:
 * - PH -> F; CK, CH, KH, Q -> K (but SCH -> SH); C -> S before E, I, Y, else K; X -> KS; W -> V; Z -> S;
 *   DZH (a transliteration of a soft G) -> G;
 * - H is silent except at the start of a word and in SH;
 * - the vowels A, E, I, O, U, Y and J (as in Dutch "ij", Russian "ju") are one sound; a run of vowels
 *   counts once, so "ei", "ie", "e" and "ij" agree, but where a vowel stands still counts
 *   ("Fabrikam" and "Fabrikma" differ);
 * - a doubled letter is one letter ("Phillips" / "Philips").
 *
 * Keys of fewer than 4 letters, or with fewer than 3 consonants, are too vague to compare: {@link soundKey}
 * returns "" for them.
 */

const A = 97;
const C = 99;
const D = 100;
const E = 101;
const F = 102;
const G = 103;
const H = 104;
const I = 105;
const J = 106;
const K = 107;
const O = 111;
const P = 112;
const Q = 113;
const S = 115;
const U = 117;
const V = 118;
const W = 119;
const X = 120;
const Y = 121;
const Z = 122;

function isVowelCode(c: number): boolean {
  return c === A || c === E || c === I || c === O || c === U || c === Y || c === J;
}

/** Keys already worked out: names repeat their words. Cleared when it grows past `CACHE_LIMIT`. */
const cache = new Map<string, string>();
const CACHE_LIMIT = 200_000;

/** The sound key of one lower-case word, or "" when the word is too short, has digits, or is too vague. */
export function soundKey(word: string): string {
  if (word.length < 4) return "";
  let key = cache.get(word);
  if (key === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    key = computeSoundKey(word);
    cache.set(word, key);
  }
  return key;
}

function computeSoundKey(word: string): string {
  const n = word.length;
  const out: number[] = [];
  let last = 0;
  let consonants = 0;
  const emit = (code: number) => {
    if (code === last) return;
    out.push(code);
    last = code;
    if (code !== A) consonants++;
  };
  for (let i = 0; i < n; i++) {
    const c = word.charCodeAt(i);
    const next = i + 1 < n ? word.charCodeAt(i + 1) : 0;
    if (c < A || c > Z) return "";
    if (isVowelCode(c)) {
      emit(c === J && i === 0 ? J : A);
      continue;
    }
    switch (c) {
      case P:
        if (next === H) {
          emit(F);
          i++;
        } else emit(P);
        break;
      case S:
        emit(S);
        if (next === H) {
          emit(H);
          i++;
        } else if (next === C && i + 2 < n && word.charCodeAt(i + 2) === H) {
          emit(H);
          i += 2;
        }
        break;
      case C:
        if (next === K || next === H) {
          emit(K);
          i++;
        } else emit(next === E || next === I || next === Y ? S : K);
        break;
      case K:
        if (next === H) i++;
        emit(K);
        break;
      case Q:
        emit(K);
        break;
      case X:
        emit(K);
        emit(S);
        break;
      case W:
        emit(V);
        break;
      case Z:
        emit(S);
        break;
      case D:
        if (next === Z && i + 2 < n && word.charCodeAt(i + 2) === H) {
          emit(G);
          i += 2;
        } else emit(D);
        break;
      case H:
        if (i === 0) emit(H);
        break;
      default:
        emit(c);
    }
  }
  return consonants >= 3 ? String.fromCharCode(...out) : "";
}
