/**
 * Every answer of this checkout's engine beside another checkout's, one by one (candidates, full-precision
 * scores, accept flags, reasons): a speed change must leave them all equal. Stricter than the fingerprint
 * hashes in what it asks (each labeled name against all the others, both ways, and two synthetic sets).
 * `npx tsx bench/matching/differential.ts <other checkout>`, e.g. a `git archive <commit> src bench | tar -x`
 * with `node_modules` linked in.
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as here from "../../src/matching/engine.ts";
import { companiesSet, patstatSet } from "./datasets.ts";
import { patternSets } from "./patterns.ts";
import { parksSet, vaUnivSet } from "./secondstring.ts";
import { syntheticSet } from "./synthetic.ts";

type Engine = Pick<typeof here, "buildMatchIndex" | "suggest">;

const line = (candidates: here.Candidate[]) =>
  candidates.map((c) => `${c.organizationId}|${c.score}|${c.accept}|${c.reasons.join("; ")}`).join("\t");

function compare(
  other: Engine,
  name: string,
  organizations: here.MatchOrganization[],
  queries: string[],
): number {
  const mine = here.buildMatchIndex({ organizations });
  const theirs = other.buildMatchIndex({ organizations });
  let differ = 0;
  queries.forEach((query, i) => {
    const asked = { id: `q${i}`, name: query };
    const a = line(here.suggest(mine, asked, { top: 3 }));
    const b = line(other.suggest(theirs, asked, { top: 3 }));
    if (a !== b && differ++ < 3) console.log(`differs: ${query}\n  here:  ${a}\n  other: ${b}`);
  });
  console.log(`${name}: ${queries.length} answers, ${differ} differ`);
  return differ;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2];
  if (root === undefined) throw new Error("usage: differential.ts <other checkout>");
  const other = (await import(pathToFileURL(join(resolve(root), "src/matching/engine.ts")).href)) as Engine;
  const sets = [
    patstatSet(),
    companiesSet(),
    parksSet(),
    vaUnivSet(),
    ...patternSets(true),
    ...patternSets(false),
  ];
  const names = [...new Set(sets.flatMap((s) => [...s.organizations, ...s.queries].map((x) => x.name)))];
  const half = Math.floor(names.length / 2);
  const asOrganizations = (list: string[]) => list.map((name, i) => ({ id: `o${i}`, name }));
  let differ = 0;
  differ += compare(
    other,
    "labeled names, first half as organizations",
    asOrganizations(names.slice(0, half)),
    names.slice(half),
  );
  differ += compare(
    other,
    "labeled names, second half as organizations",
    asOrganizations(names.slice(half)),
    names.slice(0, half),
  );
  for (const [organizations, queries, seed] of [
    [50_000, 30_000, 5],
    [5_000, 10_000, 11],
  ] as const) {
    const set = syntheticSet(organizations, queries, seed);
    differ += compare(
      other,
      `synthetic ${queries} x ${organizations} (seed ${seed})`,
      set.organizations,
      set.queries.map((q) => q.name),
    );
  }
  // suggestAlike (orgmap match ranks names that normalize alike once) beside the other's suggest one by
  // one: the synthetic names, each also in upper and in lower case.
  {
    const set = syntheticSet(50_000, 10_000, 5);
    const names = set.queries.flatMap((q) => [q.name, q.name.toUpperCase(), q.name.toLowerCase()]);
    const mine = here.buildMatchIndex({ organizations: set.organizations });
    const theirs = other.buildMatchIndex({ organizations: set.organizations });
    const asked = names.map((name, i) => ({ id: `q${i}`, name }));
    const alike = here.suggestAlike(mine, asked, { top: 3 });
    let differAlike = 0;
    asked.forEach((query, i) => {
      const a = line(alike[i] ?? []);
      const b = line(other.suggest(theirs, query, { top: 3 }));
      if (a !== b && differAlike++ < 3) console.log(`differs: ${query.name}\n  here:  ${a}\n  other: ${b}`);
    });
    console.log(
      `suggestAlike, synthetic 10000 x 50000 in three cases: ${asked.length} answers, ${differAlike} differ`,
    );
    differ += differAlike;
  }
  if (differ > 0) process.exitCode = 1;
}
