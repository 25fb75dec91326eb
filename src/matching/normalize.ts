import { expandAbbreviation, singularize } from "./abbreviations.ts";
import { isFunctionWord } from "./function-words.ts";
import { legalFormAtStart, legalFormEndingAt, TRUNCATED_FORMS, UNAMBIGUOUS_FORMS } from "./legal-forms.ts";
import { soundKey } from "./phonetic.ts";

/** A legal form removed from a name, by canonical group and display label. */
export interface RemovedLegalForm {
  group: string;
  label: string;
}

/** A name taken apart into the signals the matcher compares. */
export interface NormalizedName {
  /** The name as given. */
  raw: string;
  /** Base tokens: no legal form, no site, no leading "The", no "and"; abbreviations expanded, singular. */
  tokens: string[];
  /** Sound key of each base token ("" when the word is too short to have one): see `phonetic.ts`. */
  sounds: string[];
  /** `tokens` joined by one space: the exact-match key. */
  key: string;
  /** `tokens` joined without spaces: catches "ST Microelectronics" vs "STMicroelectronics". */
  compact: string;
  /** Base tokens sorted and joined: equal when the same words stand in another order. */
  sortedKey: string;
  /** Base and site tokens together, joined by one space: equal when a "site" was really part of the name. */
  wholeKey: string;
  /** Initials of a name of three words or more ("International Business Machines" -> "ibm"). */
  acronym: string | null;
  /** Site or branch split off the name (" - Denver", "(Main Office)", ", Amsterdam"), as written. */
  site: string | null;
  /** Tokens of the site, for comparing sites. */
  siteTokens: string[];
  /** Sound keys of the site tokens. */
  siteSounds: string[];
  /** `siteTokens` joined by one space ("" without a site): equal when two sites say the same. */
  siteKey: string;
  /** Base tokens then site tokens (`tokens` itself when there is no site): the whole name's words. */
  wholeTokens: string[];
  /** Sound keys of `wholeTokens`. */
  wholeSounds: string[];
  legalForms: RemovedLegalForm[];
  /** The distinct groups of `legalForms`, sorted and joined: equal when two names carry the same kinds of legal form. */
  legalKey: string;
  /** Abbreviations read as words: [as written, read as]. */
  expansions: Array<[string, string]>;
  hadLeadingThe: boolean;
  hadAmpersand: boolean;
}

const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: "ss",
  ø: "o",
  Ø: "O",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  ı: "i",
  þ: "th",
};

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** Unicode NFKD with combining marks dropped, and a few letters NFKD leaves alone; case is kept. */
export function foldAccents(text: string): string {
  // ASCII has no accents and nothing NFKD changes.
  if (isAscii(text)) return text;
  const folded = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  return /[ßøØæÆœŒłŁđĐıþ]/.test(folded)
    ? folded.replace(/[ßøØæÆœŒłŁđĐıþ]/g, (c) => SPECIAL_LETTERS[c] ?? c)
    : folded;
}

const APOSTROPHE = /['’`´]/;

const RUN_SUFFIX_FORMS = new Set(["nv", "bv", "sa", "ag", "ab", "as", "cv", "kg", "se", "co"]);

/** The lower-case pieces of letters and digits of `text`, "&" and "+" read as "and" (see {@link tokenize}). */
function piecesOf(text: string): string[] {
  let lower = text.toLowerCase();
  if (lower.includes("&") || lower.includes("+")) lower = lower.replace(/[&+]/g, " and ");
  if (APOSTROPHE.test(lower)) {
    // Possessives: "Philips's" is "Philips"; "Philips'Gloeilampenfabrieken" is two words.
    lower = lower
      .replace(/s['’`´]s\b/g, "s")
      .replace(/s['’`´](?=[a-z])/g, "s ")
      .replace(/['’`´]/g, "");
  }
  return lower.split(/[^a-z0-9]+/);
}

/**
 * {@link piecesOf} by a loop over the characters, for ASCII text without an apostrophe (nearly every
 * name): the same pieces apart from empty ones, which {@link tokenize} skips. Null for other text.
 */
function plainPieces(text: string): string[] | null {
  const n = text.length;
  const pieces: string[] = [];
  let lower: string | null = null;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
      continue;
    }
    if (c >= 65 && c <= 90) {
      lower ??= text.toLowerCase();
      if (start < 0) start = i;
      continue;
    }
    if (c > 127 || c === 39 || c === 96) return null; // not ASCII, or an apostrophe
    if (start >= 0) {
      pieces.push((lower ?? text).slice(start, i));
      start = -1;
    }
    if (c === 38 || c === 43) pieces.push("and"); // "&", "+"
  }
  if (start >= 0) pieces.push((lower ?? text).slice(start, n));
  return pieces;
}

/**
 * Lower-case tokens: "&" and "+" become "and", apostrophes vanish (a possessive "s'" glued to the next
 * word splits it), runs of single letters join ("N. V." -> "nv").
 */
export function tokenize(text: string): string[] {
  const pieces = plainPieces(text) ?? piecesOf(text);
  const tokens: string[] = [];
  let run = "";
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    if (piece.length === 1 && piece >= "a" && piece <= "z") {
      run += piece;
      continue;
    }
    if (run.length > 0) {
      tokens.push(run);
      run = "";
    }
    tokens.push(piece);
  }
  if (run.length > 0) {
    // "D S M N. V." is "DSM" plus "N.V.": a final run of initials may end with a legal form.
    const tail = run.slice(-2);
    if (run.length >= 4 && RUN_SUFFIX_FORMS.has(tail)) tokens.push(run.slice(0, -2), tail);
    else tokens.push(run);
  }
  return tokens;
}

const LEADING_JUNK = /^[\s*#•·\-–—_.,;:!?"'`~>]+/;
const TRAILING_PARENS = /\s*\(([^()]*)\)\s*$/;
const DASH_SITE = /\s+(?:[-–—|]|--)\s+/;

/** Whether `text` holds a character {@link DASH_SITE} needs ("-", "–", "—", "|"). */
export function mayHoldDash(text: string): boolean {
  return text.includes("-") || text.includes("|") || text.includes("–") || text.includes("—");
}

function isAllLegalForms(tokens: readonly string[]): boolean {
  let end = tokens.length;
  while (end > 0) {
    if (tokens[end - 1] === "and") {
      end--;
      continue;
    }
    const form = legalFormEndingAt(tokens, end);
    if (form === null) return false;
    end -= form.length;
  }
  return tokens.length > 0;
}

function endsWithLegalForm(tokens: readonly string[]): boolean {
  return tokens.length > 0 && legalFormEndingAt(tokens, tokens.length) !== null;
}

interface SiteSplit {
  main: string;
  site: string | null;
  extraLegal: string[];
}

/** Splits a site or branch off the end of a name; legal forms in trailing brackets are kept. */
function splitSite(text: string): SiteSplit {
  let main = text;
  let site: string | null = null;
  const extraLegal: string[] = [];
  for (let guard = 0; guard < 4 && main.includes(")"); guard++) {
    const match = TRAILING_PARENS.exec(main);
    if (match === null || match.index === 0) break;
    const content = match[1] ?? "";
    const contentTokens = tokenize(content);
    main = main.slice(0, match.index);
    if (contentTokens.length === 0) continue;
    if (isAllLegalForms(contentTokens)) {
      extraLegal.unshift(...contentTokens);
      continue;
    }
    site = content.trim();
    break;
  }
  const dash = mayHoldDash(main) ? DASH_SITE.exec(main) : null;
  if (dash !== null && tokenize(main.slice(0, dash.index)).length > 0) {
    const right = main.slice(dash.index + dash[0].length).trim();
    const rightTokens = tokenize(right);
    if (rightTokens.length > 0 && !isAllLegalForms(rightTokens)) {
      // "Acme - Netherlands B.V.": the legal form belongs to the name, not to the site.
      let end = rightTokens.length;
      for (let form = legalFormEndingAt(rightTokens, end); form !== null && end - form.length > 0; ) {
        extraLegal.unshift(...rightTokens.slice(end - form.length, end));
        end -= form.length;
        form = legalFormEndingAt(rightTokens, end);
      }
      const siteText = end === rightTokens.length ? right : rightTokens.slice(0, end).join(" ");
      site = site === null ? siteText : `${siteText} (${site})`;
      main = main.slice(0, dash.index);
    }
  }
  if (site === null && main.includes(",")) {
    // "Cargill B.V., Bergen op Zoom": what follows the last legal form after a comma is a place.
    const segments = main.split(",");
    let lastLegal = -1;
    for (let i = 0; i < segments.length; i++) {
      const tokens = tokenize(segments[i] ?? "");
      // A leading legal form ("N.V., Philips ...") is not the end of a name.
      if (endsWithLegalForm(tokens) && (lastLegal >= 0 || !isAllLegalForms(tokens))) lastLegal = i;
    }
    if (lastLegal >= 0 && lastLegal < segments.length - 1) {
      const rest = segments
        .slice(lastLegal + 1)
        .join(",")
        .trim();
      if (tokenize(rest).length > 0) {
        site = rest;
        main = segments.slice(0, lastLegal + 1).join(",");
      }
    }
  }
  return { main, site, extraLegal };
}

/**
 * Where words that follow an unambiguous legal form begin ("Philips Electronics N.V. Groenewoudseweg 1",
 * "DSM N.V. te Heerlen"): an address or a place, read as a site. Null when nothing follows, or when what
 * follows ends with a legal form of its own ("Acme Inc. Netherlands B.V." names a company).
 */
function tailAfterLegalForm(tokens: readonly string[]): number | null {
  for (let i = 1; i < tokens.length - 1; i++) {
    if (!UNAMBIGUOUS_FORMS.has(tokens[i] as string)) continue;
    const tail = tokens.slice(i + 1);
    if (tail.every((t) => t === "and")) return null;
    if (tail.some((t) => UNAMBIGUOUS_FORMS.has(t)) || endsWithLegalForm(tail)) return null;
    return i + 1;
  }
  return null;
}

/** The distinct groups of legal forms, sorted and joined (see `NormalizedName.legalKey`). */
function legalKeyOf(forms: readonly RemovedLegalForm[]): string {
  if (forms.length === 0) return "";
  if (forms.length === 1) return (forms[0] as RemovedLegalForm).group;
  return [...new Set(forms.map((f) => f.group))].sort().join("\u0000");
}

/** `tokens` sorted and joined by one space (`key`, their join, when they are in order already). */
function sortedKeyOf(tokens: readonly string[], key: string): string {
  let sorted = true;
  for (let i = 1; i < tokens.length && sorted; i++)
    sorted = (tokens[i - 1] as string) <= (tokens[i] as string);
  return sorted ? key : [...tokens].sort().join(" ");
}

/** Takes a company name apart: see {@link NormalizedName}. */
/**
 * A dotted legal form glued to the word before it ("Koninklijke Philips ElectronicsN.V.", "AcmeB. V."):
 * the dots between its letters say it is the legal form, not the end of the word.
 */
export const GLUED_DOTTED_FORM =
  /([A-Za-z]{3,})((?:[NnBb]\.\s?[Vv]|[Ss]\.\s?[Aa]|[Aa]\.\s?[Gg])\.?)(?=\s*(?:,|$))/;

/**
 * Whether `text` may hold {@link GLUED_DOTTED_FORM}: a letter of a dotted form (n, b, s, a) followed by a
 * dot, after three letters. Most names hold none, and the expression is slow to say so.
 */
export function mayHoldGluedForm(text: string): boolean {
  for (let at = text.indexOf(".", 4); at >= 0; at = text.indexOf(".", at + 1)) {
    const c = text.charCodeAt(at - 1) | 32;
    if (c !== 110 && c !== 98 && c !== 115 && c !== 97) continue;
    let letters = 0;
    for (let i = at - 2; i >= at - 4; i--) {
      const l = text.charCodeAt(i) | 32;
      if (l >= 97 && l <= 122) letters++;
    }
    if (letters === 3) return true;
  }
  return false;
}

/** A base word as normalization reads it: the abbreviation it expands, its singular, the sound key of that. */
interface BaseWord {
  expanded: string | null;
  base: string;
  sound: string;
}

/** Words already read (names repeat their words). Cleared when it grows past `WORDS_LIMIT`. */
const baseWords = new Map<string, BaseWord>();
const WORDS_LIMIT = 200_000;

function baseWord(token: string): BaseWord {
  let word = baseWords.get(token);
  if (word === undefined) {
    if (baseWords.size >= WORDS_LIMIT) baseWords.clear();
    const expanded = expandAbbreviation(token);
    const base = singularize(expanded ?? token);
    word = { expanded, base, sound: soundKey(base) };
    baseWords.set(token, word);
  }
  return word;
}

export function normalizeName(raw: string): NormalizedName {
  let folded = foldAccents(raw).replace(LEADING_JUNK, "");
  if (mayHoldGluedForm(folded)) folded = folded.replace(GLUED_DOTTED_FORM, "$1 $2");
  const split = splitSite(folded);
  const { main, extraLegal } = split;
  let site = split.site;
  let all = tokenize(main);
  if (site === null) {
    const tail = tailAfterLegalForm(all);
    if (tail !== null) {
      site = all.slice(tail).join(" ");
      all = all.slice(0, tail);
    }
  }
  const hadAmpersand = main.includes("&") || main.includes("+") || all.includes("and");
  let tokens = [...all, ...extraLegal];
  const legalForms: RemovedLegalForm[] = [];
  let end = tokens.length;
  if (end > 1 && TRUNCATED_FORMS.has(tokens[end - 1] as string)) {
    legalForms.push({ group: "truncated", label: `${(tokens[end - 1] as string).toUpperCase()}.` });
    end--;
  }
  while (end > 0) {
    if (tokens[end - 1] === "and" && end > 1) {
      end--;
      continue;
    }
    const form = legalFormEndingAt(tokens, end);
    if (form === null || end - form.length < 1) break;
    legalForms.unshift({ group: form.group, label: form.label });
    end -= form.length;
  }
  tokens = tokens.slice(0, end);
  let hadLeadingThe = false;
  if (tokens[0] === "the" && tokens.length > 1) {
    hadLeadingThe = true;
    tokens = tokens.slice(1);
  }
  const leading = legalFormAtStart(tokens);
  if (leading !== null) {
    legalForms.unshift({ group: leading.group, label: leading.label });
    tokens = tokens.slice(leading.length);
  }
  const expansions: Array<[string, string]> = [];
  let base: string[] = [];
  let sounds: string[] = [];
  for (const token of tokens) {
    if (token === "and" || (token === "the" && tokens.length > 1)) continue;
    if (UNAMBIGUOUS_FORMS.has(token) && tokens.length > 1) {
      const form = legalFormEndingAt([token], 1);
      if (form !== null) legalForms.push({ group: form.group, label: form.label });
      continue;
    }
    const word = baseWord(token);
    if (word.expanded !== null) expansions.push([token, word.expanded]);
    base.push(word.base);
    sounds.push(word.sound);
  }
  if (base.length === 0) {
    base = all.filter((t) => t !== "and");
    sounds = base.map(soundKey);
  }
  const siteTokens: string[] = [];
  const siteSounds: string[] = [];
  if (site !== null)
    for (const token of tokenize(site)) {
      if (token === "and") continue;
      const word = baseWord(token);
      siteTokens.push(word.base);
      siteSounds.push(word.sound);
    }
  const initials = base.filter((t) => !isFunctionWord(t));
  const key = base.join(" ");
  return {
    raw,
    tokens: base,
    sounds,
    key,
    compact: base.join(""),
    sortedKey: sortedKeyOf(base, key),
    wholeKey: siteTokens.length === 0 ? key : `${key} ${siteTokens.join(" ")}`,
    acronym: initials.length >= 3 && initials.length <= 6 ? initials.map((t) => t[0]).join("") : null,
    site: site === null || siteTokens.length === 0 ? null : site,
    siteTokens,
    siteSounds,
    siteKey: siteTokens.join(" "),
    wholeTokens: siteTokens.length === 0 ? base : [...base, ...siteTokens],
    wholeSounds: siteTokens.length === 0 ? sounds : [...sounds, ...siteSounds],
    legalForms,
    legalKey: legalKeyOf(legalForms),
    expansions,
    hadLeadingThe,
    hadAmpersand,
  };
}
