import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

/** A labeled matching problem: organizations, and module organizations with their true organization (or none). */
export interface LabeledSet {
  name: string;
  organizations: Array<{ id: string; name: string }>;
  /** `group`: the identity the spelling belongs to (for the development / held-out split of the queries). */
  queries: Array<{ id: string; name: string; truth: string | null; group?: string }>;
}

const DATA = new URL("../data/", import.meta.url);

/** Mulberry32: a small seeded PRNG, so every run derives the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * PATSTAT: one name per `leuven_id` identity (its most frequent spelling) is the organization, every
 * other distinct spelling is a module organization; a fifth of the identities (seeded) is held out
 * entirely, so their spellings have no true organization.
 */
export function patstatSet(seed = 7): LabeledSet {
  const rows = parse(readFileSync(new URL("patstat_reference.csv", DATA)), {
    columns: true,
    bom: true,
  }) as Array<Record<string, string>>;
  const byIdentity = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const identity = row.leuven_id ?? "";
    const name = (row.person_name ?? "").trim();
    const counts = byIdentity.get(identity) ?? new Map<string, number>();
    counts.set(name, (counts.get(name) ?? 0) + 1);
    byIdentity.set(identity, counts);
  }
  const random = seededRandom(seed);
  const identities = shuffle(random, [...byIdentity.keys()].sort());
  const heldOut = new Set(identities.slice(0, Math.round(identities.length / 5)));
  const set: LabeledSet = { name: "patstat", organizations: [], queries: [] };
  for (const identity of [...byIdentity.keys()].sort()) {
    const counts = byIdentity.get(identity) as Map<string, number>;
    const names = [...counts.keys()].sort(
      (a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a.localeCompare(b),
    );
    const truth = heldOut.has(identity) ? null : `p${identity}`;
    if (truth !== null) set.organizations.push({ id: truth, name: names[0] as string });
    names.forEach((name, i) => {
      if (truth !== null && i === 0) return;
      set.queries.push({ id: `q${identity}-${i}`, name, truth, group: identity });
    });
  }
  return set;
}

const LEGAL_SWAPS: Array<[RegExp, string[]]> = [
  [/\bInc\.?$/, ["Incorporated", "INC", "Inc"]],
  [/\bIncorporated$/, ["Inc.", "Inc"]],
  [/\bLtd\.?$/, ["Limited", "LTD", "Ltd"]],
  [/\bLimited$/, ["Ltd.", "Ltd"]],
  [/\bCorp\.?$/, ["Corporation", "Corp"]],
  [/\bCorporation$/, ["Corp.", "Corp"]],
  [/\bCo\.$/, ["Company", "Co"]],
  [/\bplc$/i, ["PLC", "P.L.C.", "Public Limited Company"]],
  [/\bN\.V\.$/, ["NV", "N V", "N. V."]],
  [/\bB\.V\.$/, ["BV", "B. V."]],
  [/\bS\.A\.$/, ["SA", "S. A.", "S.A"]],
  [/\bS\.p\.A\.$/, ["SpA", "S.P.A."]],
  [/\bAG$/, ["A.G.", "Aktiengesellschaft"]],
  [/\bAktiengesellschaft$/, ["AG"]],
  [/\bGmbH$/, ["GMBH", "G.m.b.H."]],
  [/\bA\/S$/, ["AS", "A.S."]],
  [/\bAB$/, ["A.B.", "Aktiebolag"]],
  [/\bLLC$/, ["L.L.C.", "Limited Liability Company"]],
];

export const LEGAL_TAIL =
  /,?\s+(Inc\.?|Incorporated|Ltd\.?|Limited|Corp\.?|Corporation|Co\.|plc|PLC|N\.V\.|B\.V\.|S\.A\.|S\.p\.A\.|AG|Aktiengesellschaft|GmbH|A\/S|AB|LLC|Oyj|ASA|S\.A\. de C\.V\.)$/;

const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/\bInternational\b/, "Intl"],
  [/\bTechnologies\b/, "Tech"],
  [/\bTechnology\b/, "Tech"],
  [/\bManufacturing\b/, "Mfg"],
  [/\bServices\b/, "Svcs"],
  [/\bIndustries\b/, "Inds"],
  [/\bNational\b/, "Natl"],
  [/\bDevelopment\b/, "Dev"],
  [/\bManagement\b/, "Mgmt"],
  [/\bHoldings\b/, "Hldgs"],
  [/\bLaboratories\b/, "Labs"],
  [/\bPharmaceuticals\b/, "Pharma"],
  [/\bSystems\b/, "Sys"],
];

const SITES = [" - Denver", " (Main Office)", " - HQ", " - Toronto", " (London)", " - Branch 2", " - Site A"];

function typo(random: () => number, name: string): string {
  const words = name.split(" ");
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 6 && /^[A-Za-z]+$/.test(w));
  if (long.length === 0) return name;
  const [word, at] = pick(random, long);
  const i = 1 + Math.floor(random() * (word.length - 2));
  const kind = random();
  const changed =
    kind < 0.4
      ? word.slice(0, i) + word.slice(i + 1)
      : kind < 0.8
        ? word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2)
        : word.slice(0, i) + (word[i] ?? "") + word.slice(i);
  words[at] = changed;
  return words.join(" ");
}

/** One module-style variant of a real name: 1 to 3 seeded edits of the kinds module records show. */
export function variantOf(random: () => number, name: string): string {
  let out = name;
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const kind = Math.floor(random() * 9);
    if (kind === 0) out = out.replace(LEGAL_TAIL, "");
    else if (kind === 1) {
      const swap = LEGAL_SWAPS.find(([re]) => re.test(out));
      if (swap !== undefined) out = out.replace(swap[0], pick(random, swap[1]));
    } else if (kind === 2) out = random() < 0.5 ? out.toUpperCase() : out.toLowerCase();
    else if (kind === 3 && !/ - |\(/.test(out)) out += pick(random, SITES);
    else if (kind === 4) out = out.includes("&") ? out.replace("&", "and") : out.replace(/\band\b/i, "&");
    else if (kind === 5) {
      const abbreviation = ABBREVIATIONS.find(([re]) => re.test(out));
      if (abbreviation !== undefined) out = out.replace(abbreviation[0], abbreviation[1]);
    } else if (kind === 6) out = typo(random, out);
    else if (kind === 7) out = /^the /i.test(out) ? out.replace(/^the /i, "") : `The ${out}`;
    else out = out.replace(/[.,]/g, "");
  }
  return out;
}

/** The distinct real company names of companies_by_country.csv, in file order. */
export function companyNames(): string[] {
  const text = readFileSync(new URL("companies_by_country.csv", DATA), "utf8");
  return [
    ...new Set(
      text
        .replace(/^\uFEFF/, "")
        .split(/\r?\n/)
        .map((line) => line.split(";")[0]?.trim() ?? "")
        .filter((n) => n.length > 0),
    ),
  ];
}

/**
 * companies_by_country: each real name is an organization; two seeded module-style variants of each
 * are module organizations. 15% of the names (seeded) are held out: their variants have no true organization.
 */
export function companiesSet(seed = 11): LabeledSet {
  const names = companyNames();
  const random = seededRandom(seed);
  const set: LabeledSet = { name: "companies", organizations: [], queries: [] };
  names.forEach((name, i) => {
    const truth = random() < 0.15 ? null : `c${i}`;
    if (truth !== null) set.organizations.push({ id: truth, name });
    for (let v = 0; v < 2; v++)
      set.queries.push({ id: `q${i}-${v}`, name: variantOf(random, name), truth, group: String(i) });
  });
  return set;
}
