import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { type LabeledSet, seededRandom } from "./datasets.ts";

function rows(file: string): Array<{ list: string; key: string; name: string }> {
  return parse(readFileSync(new URL(`../data/${file}`, import.meta.url)), { columns: true, bom: true });
}

function heldOutKeys(keys: readonly string[], seed: number): Set<string> {
  const random = seededRandom(seed);
  const sorted = [...new Set(keys)].sort();
  return new Set(sorted.filter(() => random() < 0.2));
}

/**
 * SecondString parks: the National Park Service's list (`npspark`) is the organizations, the other
 * list's spellings (`icepark`) are module organizations; a fifth of the parks (seeded) is held out.
 */
export function parksSet(seed = 13): LabeledSet {
  const all = rows("secondstring_parks.csv");
  const heldOut = heldOutKeys(
    all.map((r) => r.key),
    seed,
  );
  const set: LabeledSet = { name: "parks", organizations: [], queries: [] };
  const seen = new Set<string>();
  for (const row of all) {
    if (row.list !== "npspark" || heldOut.has(row.key) || seen.has(row.key)) continue;
    seen.add(row.key);
    set.organizations.push({ id: row.key, name: row.name });
  }
  all
    .filter((r) => r.list === "icepark")
    .forEach((row, i) => {
      set.queries.push({
        id: `q${i}`,
        name: row.name,
        truth: seen.has(row.key) ? row.key : null,
        group: row.key,
      });
    });
  return set;
}

/**
 * SecondString vaUniv: per institution its first spelling is the organization and every other distinct
 * spelling a module organization; a fifth of the institutions (seeded) is held out.
 */
export function vaUnivSet(seed = 17): LabeledSet {
  const all = rows("secondstring_vaUniv.csv");
  const heldOut = heldOutKeys(
    all.map((r) => r.key),
    seed,
  );
  const set: LabeledSet = { name: "vaUniv", organizations: [], queries: [] };
  const first = new Map<string, string>();
  const asked = new Set<string>();
  all.forEach((row, i) => {
    if (!first.has(row.key)) {
      first.set(row.key, row.name);
      if (!heldOut.has(row.key)) {
        set.organizations.push({ id: row.key, name: row.name });
        return;
      }
    }
    if (row.name === first.get(row.key) && !heldOut.has(row.key)) return;
    if (asked.has(row.name)) return;
    asked.add(row.name);
    set.queries.push({
      id: `q${i}`,
      name: row.name,
      truth: heldOut.has(row.key) ? null : row.key,
      group: row.key,
    });
  });
  return set;
}
