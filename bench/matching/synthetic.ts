import { pick, seededRandom, variantOf } from "./datasets.ts";

const SYLLABLES = [
  "ka",
  "lo",
  "ve",
  "ri",
  "zan",
  "tor",
  "mi",
  "nex",
  "sol",
  "bra",
  "qui",
  "del",
  "vor",
  "pha",
  "gen",
  "tal",
  "ru",
  "sen",
  "dor",
  "xi",
  "lum",
  "cor",
  "ven",
  "ta",
  "mar",
  "plex",
  "zen",
  "ost",
  "ira",
  "ba",
  "hel",
  "cyn",
];
const COMMON = [
  "Services",
  "Solutions",
  "Group",
  "Dental",
  "Consulting",
  "Partners",
  "Technologies",
  "Medical",
  "Law",
  "Accounting",
  "Construction",
  "Logistics",
  "Holdings",
  "Systems",
  "Management",
  "Industries",
  "Associates",
  "Family",
  "Health",
  "Care",
  "Insurance",
  "Realty",
  "Capital",
  "Labs",
  "International",
  "Manufacturing",
];
const LEGAL = ["Inc.", "LLC", "Ltd.", "Corp.", "Co.", "GmbH", "B.V.", "S.A.", "PLC", "LLP"];

function coinedWord(random: () => number): string {
  const n = 2 + Math.floor(random() * 2);
  let word = "";
  for (let i = 0; i < n; i++) word += pick(random, SYLLABLES);
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function syntheticName(random: () => number, words: readonly string[]): string {
  const parts = [pick(random, words)];
  if (random() < 0.5) parts.push(pick(random, words));
  const common = Math.floor(random() * 3);
  for (let i = 0; i < common; i++) parts.push(pick(random, COMMON));
  if (random() < 0.6) parts.push(pick(random, LEGAL));
  return parts.join(" ");
}

/** Synthetic organizations and module organizations (80% seeded variants of an organization, 20% unrelated). */
export interface SyntheticSet {
  organizations: Array<{ id: string; name: string }>;
  queries: Array<{ id: string; name: string; truth: string | null }>;
}

/** A seeded synthetic set of `organizationCount` organizations and `queryCount` module organizations. */
export function syntheticSet(organizationCount: number, queryCount: number, seed = 2024): SyntheticSet {
  const random = seededRandom(seed);
  const words = Array.from({ length: Math.max(2000, organizationCount / 2) }, () => coinedWord(random));
  const seen = new Set<string>();
  const organizations: SyntheticSet["organizations"] = [];
  while (organizations.length < organizationCount) {
    const name = syntheticName(random, words);
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    organizations.push({ id: `o${organizations.length}`, name });
  }
  const queries: SyntheticSet["queries"] = [];
  for (let i = 0; i < queryCount; i++) {
    if (random() < 0.8) {
      const target = pick(random, organizations);
      queries.push({ id: `m${i}`, name: variantOf(random, target.name), truth: target.id });
    } else {
      queries.push({ id: `m${i}`, name: syntheticName(random, words), truth: null });
    }
  }
  return { organizations, queries };
}
