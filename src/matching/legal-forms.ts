/**
 * Legal forms of companies in many languages, as they look once a name is folded to lower case,
 * dots are dropped and runs of single letters are joined ("N.V." and "N V" both become "nv").
 * Each entry maps a token sequence to a canonical group, so that "Inc" and "Incorporated" count as
 * the same legal form, and to the label shown in explanations.
 */
interface LegalFormEntry {
  readonly tokens: readonly string[];
  readonly group: string;
  readonly label: string;
}

const RAW_FORMS: ReadonlyArray<readonly [string, string, string]> = [
  // [written form, canonical group, label]
  ["inc", "inc", "Inc."],
  ["incorporated", "inc", "Incorporated"],
  ["corp", "corp", "Corp."],
  ["corporation", "corp", "Corporation"],
  ["co", "co", "Co."],
  ["company", "co", "Company"],
  ["cie", "co", "Cie"],
  ["llc", "llc", "LLC"],
  ["limited liability company", "llc", "Limited Liability Company"],
  ["pllc", "llc", "PLLC"],
  ["ltd", "ltd", "Ltd."],
  ["limited", "ltd", "Limited"],
  ["ltda", "ltd", "Ltda."],
  ["ltee", "ltd", "Ltée"],
  ["limitee", "ltd", "Limitée"],
  ["plc", "plc", "PLC"],
  ["public limited company", "plc", "Public Limited Company"],
  ["public co", "plc", "Public Co."],
  ["public company", "plc", "Public Company"],
  ["llp", "llp", "LLP"],
  ["lp", "lp", "LP"],
  ["lllp", "llp", "LLLP"],
  ["pc", "pc", "P.C."],
  ["gmbh", "gmbh", "GmbH"],
  ["gesellschaft mit beschrankter haftung", "gmbh", "Gesellschaft mit beschränkter Haftung"],
  ["mbh", "gmbh", "mbH"],
  ["ag", "ag", "AG"],
  ["aktiengesellschaft", "ag", "Aktiengesellschaft"],
  ["kg", "kg", "KG"],
  ["kgaa", "kgaa", "KGaA"],
  ["kg auf aktien", "kgaa", "KG auf Aktien"],
  ["ohg", "ohg", "OHG"],
  ["ug", "ug", "UG"],
  ["ev", "ev", "e.V."],
  ["se", "se", "SE"],
  ["sa", "sa", "S.A."],
  ["societe anonyme", "sa", "Société Anonyme"],
  ["sociedad anonima", "sa", "Sociedad Anónima"],
  ["sas", "sas", "S.A.S."],
  ["sarl", "sarl", "SARL"],
  ["sa de cv", "sa", "S.A. de C.V."],
  ["sab de cv", "sa", "S.A.B. de C.V."],
  ["s de rl de cv", "srl", "S. de R.L. de C.V."],
  ["s de rl", "srl", "S. de R.L."],
  ["srl", "srl", "S.r.l."],
  ["spa", "spa", "S.p.A."],
  ["sl", "sl", "S.L."],
  ["slu", "sl", "S.L.U."],
  ["sau", "sa", "S.A.U."],
  ["saic", "sa", "S.A.I.C."],
  ["nv", "nv", "N.V."],
  ["naamloze vennootschap", "nv", "Naamloze Vennootschap"],
  ["naamlooze vennootschap", "nv", "Naamlooze Vennootschap"],
  ["bv", "bv", "B.V."],
  ["besloten vennootschap", "bv", "Besloten Vennootschap"],
  ["bvba", "bv", "BVBA"],
  ["cv", "cv", "C.V."],
  ["vof", "vof", "V.O.F."],
  ["vzw", "vzw", "VZW"],
  ["as", "as", "A/S"],
  ["asa", "as", "ASA"],
  ["aps", "as", "ApS"],
  ["ab", "ab", "AB"],
  ["publ", "ab", "(publ)"],
  ["aktiebolag", "ab", "Aktiebolag"],
  ["oy", "oy", "Oy"],
  ["oyj", "oy", "Oyj"],
  ["pty", "pty", "Pty"],
  ["pty ltd", "pty", "Pty Ltd"],
  ["proprietary limited", "pty", "Proprietary Limited"],
  ["pvt", "pvt", "Pvt"],
  ["pvt ltd", "pvt", "Pvt Ltd"],
  ["private limited", "pvt", "Private Limited"],
  ["pte", "pvt", "Pte"],
  ["pte ltd", "pvt", "Pte Ltd"],
  ["sdn bhd", "bhd", "Sdn Bhd"],
  ["bhd", "bhd", "Bhd"],
  ["kk", "kk", "K.K."],
  ["kabushiki kaisha", "kk", "Kabushiki Kaisha"],
  ["sro", "sro", "s.r.o."],
  ["sp z oo", "spzoo", "Sp. z o.o."],
  ["spzoo", "spzoo", "Sp. z o.o."],
  ["doo", "doo", "d.o.o."],
  ["kft", "kft", "Kft."],
  ["zrt", "zrt", "Zrt."],
  ["nyrt", "zrt", "Nyrt."],
  ["ooo", "ooo", "OOO"],
  ["oao", "oao", "OAO"],
  ["zao", "oao", "ZAO"],
  ["pao", "oao", "PAO"],
  ["jsc", "oao", "JSC"],
  ["ao", "oao", "AO"],
  ["anonim sirketi", "as", "Anonim Şirketi"],
  ["tbk", "tbk", "Tbk"],
  ["co ltd", "ltd", "Co., Ltd."],
];

const ENTRIES: readonly LegalFormEntry[] = RAW_FORMS.map(([written, group, label]) => ({
  tokens: written.split(" "),
  group,
  label,
})).sort((a, b) => b.tokens.length - a.tokens.length);

/** Forms that may also open a name ("N.V. Nutricia", "AB SKF", "A/S Torm"). */
const LEADING_GROUPS = new Set(["nv", "bv", "ab", "as", "oao", "ooo", "kk", "sa"]);

/** `ENTRIES` by their last word, and those that may open a name by their first word, in `ENTRIES`' order. */
function entriesBy(word: (entry: LegalFormEntry) => string, entries: readonly LegalFormEntry[]) {
  const by = new Map<string, LegalFormEntry[]>();
  for (const entry of entries) {
    const key = word(entry);
    const list = by.get(key);
    if (list === undefined) by.set(key, [entry]);
    else list.push(entry);
  }
  return by;
}
const BY_LAST_WORD = entriesBy((e) => e.tokens[e.tokens.length - 1] as string, ENTRIES);
const LEADING_BY_FIRST_WORD = entriesBy(
  (e) => e.tokens[0] as string,
  ENTRIES.filter((e) => LEADING_GROUPS.has(e.group)),
);

/** A legal form found in a name. */
export interface LegalFormMatch {
  group: string;
  label: string;
  length: number;
}

/** The longest legal form that ends `tokens` at index `end` (exclusive), or null. */
export function legalFormEndingAt(tokens: readonly string[], end: number): LegalFormMatch | null {
  if (end < 1) return null;
  // Only forms whose last word is the word at `end - 1` can match: the same first match as a scan of all.
  const entries = BY_LAST_WORD.get(tokens[end - 1] as string);
  if (entries === undefined) return null;
  for (const entry of entries) {
    const n = entry.tokens.length;
    if (n > end) continue;
    let ok = true;
    for (let i = 0; i < n; i++) {
      if (tokens[end - n + i] !== entry.tokens[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return { group: entry.group, label: entry.label, length: n };
  }
  return null;
}

/** The longest legal form that may open a name and starts `tokens` at index 0, or null. */
export function legalFormAtStart(tokens: readonly string[]): LegalFormMatch | null {
  const entries = tokens.length === 0 ? undefined : LEADING_BY_FIRST_WORD.get(tokens[0] as string);
  if (entries === undefined) return null;
  for (const entry of entries) {
    const n = entry.tokens.length;
    if (n >= tokens.length) continue;
    let ok = true;
    for (let i = 0; i < n; i++) {
      if (tokens[i] !== entry.tokens[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return { group: entry.group, label: entry.label, length: n };
  }
  return null;
}

/** Forms that no company name uses as an ordinary word, removed wherever they stand ("Acme Inc. Netherlands B.V."). */
export const UNAMBIGUOUS_FORMS: ReadonlySet<string> = new Set([
  "inc",
  "incorporated",
  "ltd",
  "llc",
  "gmbh",
  "bv",
  "nv",
  "plc",
  "corp",
  "corporation",
  "llp",
  "pty",
  "pvt",
  "kgaa",
  "sarl",
]);

/** A legal form cut short at the end of a name ("Akzo Nobel N", "DSM IP Assets B."). */
export const TRUNCATED_FORMS: ReadonlySet<string> = new Set(["n", "b"]);
