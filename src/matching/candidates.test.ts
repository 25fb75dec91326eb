import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seeded-random.ts";
import { buildMatchIndex, candidateDocuments } from "./engine.ts";
import { normalizeName } from "./normalize.ts";

const SYLLABLES = ["ka", "lo", "ve", "ri", "zan", "tor", "mi", "nex", "sol", "bra", "qui", "del"];
const COMMON = ["Dental", "Services", "Group", "Consulting", "Management", "Partners"];

function coined(random: () => number): string {
  let word = "";
  for (let i = 0; i < 2 + Math.floor(random() * 2); i++)
    word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** A one-letter typo inside a word ("Managment"), or the word as it is when too short. */
function typo(random: () => number, word: string): string {
  if (word.length < 6) return word;
  const at = 1 + Math.floor(random() * (word.length - 2));
  return word.slice(0, at) + word.slice(at + 1);
}

function organizations(random: () => number, count: number) {
  const words = Array.from({ length: 300 }, () => coined(random));
  return Array.from({ length: count }, (_, i) => {
    const parts = [pick(random, words)];
    if (random() < 0.3) parts.push(pick(random, words));
    for (let k = Math.floor(random() * 3); k > 0; k--) parts.push(pick(random, COMMON));
    return { id: `o${i}`, name: parts.join(" "), words };
  });
}

describe("candidate generation: a long list read from its lightest documents", () => {
  it("gives the same candidates, in the same order, as reading every posting", () => {
    const random = seededRandom(7);
    const orgs = organizations(random, 1500);
    const index = buildMatchIndex({ organizations: orgs.map(({ id, name }) => ({ id, name })) });
    const words = orgs[0]?.words ?? [];
    const queries: string[] = [];
    for (let i = 0; i < 400; i++) {
      // A typo of a common word (read whole, before the rare words), with or without rare words.
      const parts = [typo(random, pick(random, COMMON))];
      if (random() < 0.7) parts.push(pick(random, words));
      if (random() < 0.5) parts.push(pick(random, COMMON));
      if (random() < 0.3) parts.push(typo(random, pick(random, COMMON)));
      queries.push(parts.join(" "));
    }
    let differentPath = 0;
    const check = () => {
      for (const name of queries) {
        const norm = normalizeName(name);
        const weight = (token: string) => index.words.weight(token);
        const everyPosting = [...candidateDocuments(index, norm, weight, Number.POSITIVE_INFINITY)];
        for (const longList of [2, 20, 100]) {
          const lightestFirst = [...candidateDocuments(index, norm, weight, longList)];
          expect(lightestFirst, `${name} (${longList})`).toEqual(everyPosting);
        }
        if (everyPosting.length > 0) differentPath++;
      }
    };
    check();
    // Removals reorder posting lists in place and renames add new weights: the cached order must follow.
    for (let i = 0; i < 300; i += 3) index.removeOrganization(`o${i}`);
    for (let i = 1; i < 300; i += 3)
      index.upsertOrganization({ id: `o${i}`, name: `${pick(random, words)} Dental` });
    check();
    expect(differentPath).toBeGreaterThan(500);
  });
});
